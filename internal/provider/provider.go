// Package provider is what Terraform users see: the provider block and its
// settings, the data sources and actions, their diagnostics and waits. HTTP
// and authentication live in internal/servicestage and internal/auth; turning
// Go values into schemas and states, in internal/typedstate.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

var (
	_ provider.ProviderWithActions = (*servicestageProvider)(nil)
	_ typedstate.Provider          = (*servicestageProvider)(nil)
)

// servicestageProvider is one provider instance; Terraform makes one per
// provider block (alias) in a configuration.
type servicestageProvider struct {
	version string
	timing  timing
	// configured is what the last Configure handed the data sources, for
	// the served provider's own ReadDataSource.
	configured typedstate.Configured
}

// Configured is the record of the last Configure that the served provider
// reads its data sources' configuration from.
func (p *servicestageProvider) Configured() *typedstate.Configured { return &p.configured }

// NewProtocol6Server serves the provider through typedstate.NewProtocol6,
// which answers data source reads without the framework's per-value passes
// and lets go of each RPC's context when the RPC returns.
func NewProtocol6Server(version string) func() tfprotov6.ProviderServer {
	return typedstate.NewProtocol6(providerFactory(version))
}

// providerFactory returns the provider factory for providerserver.
func providerFactory(version string) func() provider.Provider {
	return func() provider.Provider {
		return &servicestageProvider{version: version, timing: defaultTiming}
	}
}

func (p *servicestageProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "servicestage"
	resp.Version = p.version
}

func (p *servicestageProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads Huawei Cloud ServiceStage release tasks. Every argument is optional and falls back " +
			"to the environment variable Huawei Cloud's own provider uses. Exactly one way of authenticating is used, " +
			"the first configured in this order: `token`; `access_key` + `secret_key` (+ `security_token`); " +
			"`user_name` + `password` + `domain_name`; `idp_id` with an OpenID Connect ID token; `shared_config_file` / `profile`; " +
			"the ECS metadata service. `assume_role` acts through an IAM agency on top of it.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Region, e.g. `ap-southeast-3`. Needed unless `endpoint` (and, for password authentication, `auth_url`) are given. Environment: `HW_REGION_NAME`.",
			},
			"project_id": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{pathSegment()},
				MarkdownDescription: "Default project ID for every data source. Without it, password authentication scopes its token to `region` and data sources default to that region's project. Environment: `HW_PROJECT_ID`.",
			},
			"cloud": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Domain suffix of the endpoints. Default `myhuaweicloud.com`, or `myhuaweicloud.eu` for `eu-west-1xx` regions. Environment: `HW_CLOUD`.",
			},
			"endpoint": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{httpURL()},
				MarkdownDescription: "ServiceStage base URL. Default `https://servicestage.{region}.{cloud}`. Environment: `HW_SERVICESTAGE_ENDPOINT`.",
			},
			"auth_url": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{httpURL()},
				MarkdownDescription: "IAM base URL, used by password and OpenID Connect authentication and by `assume_role` (their APIs are under its `/v3.0`). Default `https://iam.{region}.{cloud}/v3`. Environment: `HW_AUTH_URL`.",
			},
			"token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "IAM token, sent as `X-Auth-Token`. Environment: `HW_AUTH_TOKEN`.",
			},
			"access_key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Access key (AK) for SDK-HMAC-SHA256 request signing; needs `secret_key`. Environment: `HW_ACCESS_KEY`.",
			},
			"secret_key": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Secret key (SK) of `access_key`. Environment: `HW_SECRET_KEY`.",
			},
			"security_token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Security token of temporary AK/SK credentials, sent (and signed) as `X-Security-Token`. Environment: `HW_SECURITY_TOKEN`.",
			},
			"user_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "IAM user for password authentication; needs `password` and `domain_name`. Environment: `HW_USER_NAME`.",
			},
			"password": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Password of `user_name`. Environment: `HW_PASSWORD`.",
			},
			"domain_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Account (domain) name of `user_name`. Environment: `HW_DOMAIN_NAME`.",
			},
			"idp_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "IAM identity provider (protocol OpenID Connect) that federates a CI's identity: its ID token, from `id_token`, " +
					"`id_token_file` or, on GitHub Actions, the runner, is exchanged for an IAM token. Environment: `HW_IDP_ID`.",
			},
			"id_token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "OpenID Connect ID token (a JWT) issued to this run, for `idp_id`. Environment: `HW_ID_TOKEN`.",
			},
			"id_token_file": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "File holding the ID token for `idp_id` (GitLab `id_tokens`, a Kubernetes projected token), " +
					"read again at each exchange. Environment: `HW_ID_TOKEN_FILE`.",
			},
			"id_token_audience": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Audience to ask for when the ID token comes from GitHub Actions: the IAM identity provider's " +
					"client ID. Environment: `HW_ID_TOKEN_AUDIENCE`.",
			},
			"shared_config_file": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "KooCLI (`hcloud`) configuration file, such as `~/.hcloud/config.json` (the default when only " +
					"`profile` is set); `~` expands. Its keys must be stored in plain text. Environment: `HW_SHARED_CONFIG_FILE`.",
			},
			"profile": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Profile of `shared_config_file`. Default: the file's `current` profile. Environment: `HW_PROFILE`.",
			},
			"insecure": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Skip TLS certificate verification. Only for testing; the provider warns when it is set. Environment: `HW_INSECURE`.",
			},
			"cacert_file": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "PEM bundle of extra certificate authorities, added to the system's. Environment: `OS_CACERT`.",
			},
			"max_retries": schema.Int64Attribute{
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(0, 100)},
				MarkdownDescription: "Retries of a request that failed with a connection error, HTTP 429, 500, 502, 503 or 504. Default `5`. Environment: `HW_MAX_RETRIES`.",
			},
			"max_requests_per_second": schema.Float64Attribute{
				Optional:            true,
				Validators:          []validator.Float64{float64validator.AtLeast(0.01)},
				MarkdownDescription: "Client-side throttle shared by every request of this provider, to stay under an account's API rate limit. Unset means no throttle.",
			},
			"request_timeout": schema.StringAttribute{
				Optional:   true,
				Validators: []validator.String{positiveDuration()},
				MarkdownDescription: "Bound on one HTTP attempt (connect, headers and body), as a Go duration such as `30s` or `2m`. Default `60s`. " +
					"An attempt past it is retried like a dropped connection (see `max_retries`), within the data source's `timeouts.read`. " +
					"Environment: `HW_REQUEST_TIMEOUT`.",
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.SingleNestedBlock{
				MarkdownDescription: "Act through an IAM agency: the credentials of the way chosen are exchanged for the agency's " +
					"temporary AK/SK, which sign every request and are renewed before they expire. They need `iam:agencies:assume`.",
				Attributes: map[string]schema.Attribute{
					"agency_name": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Name of the agency. Environment: `HW_ASSUME_ROLE_AGENCY_NAME`.",
					},
					"domain_name": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Name of the account (domain) that owns the agency. Environment: `HW_ASSUME_ROLE_DOMAIN_NAME`.",
					},
					"duration": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Lifetime of each set of temporary credentials, a Go duration from `15m` to `24h` (or a number of seconds). Default `1h`. Environment: `HW_ASSUME_ROLE_DURATION`.",
					},
				},
			},
		},
	}
}

func (p *servicestageProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newDeployInfoDataSource,
		newReleasePlanDataSource,
		newReleasePlansDataSource,
		newPipelinesDataSource,
		newPipelineDataSource,
	}
}

func (p *servicestageProvider) Resources(context.Context) []func() resource.Resource {
	return nil
}

// Actions need Terraform 1.14 or later; older CLIs and OpenTofu never ask
// for them, so declaring them changes nothing for configurations without one.
func (p *servicestageProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		newReleasePlanExecuteAction,
		newPipelineStartAction,
	}
}

// Configure resolves the settings and builds the one API client that every
// data source of this provider instance shares.
func (p *servicestageProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	defer p.configured.Record(resp)
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, diags := resolveSettings(m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if s.insecure {
		resp.Diagnostics.AddAttributeWarning(path.Root("insecure"), "TLS verification is off",
			"insecure = true (or HW_INSECURE) skips verification of the server's certificate: anyone on the network "+
				"path can read and change the provider's requests, credentials included. Use cacert_file for private CAs instead.")
	}

	data, diags := newProviderData(s, p.timing, userAgent(p.version, req.TerraformVersion))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = maskSecrets(ctx, data.secrets)
	tflog.Info(ctx, "configured ServiceStage provider", map[string]any{
		"endpoint":    data.endpoint,
		"auth_method": data.authDescription,
		"project_id":  s.projectID,
	})
	resp.DataSourceData = data
	resp.ActionData = data
}
