package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// providerModel is the provider block as Terraform sends it.
type providerModel struct {
	Region               types.String  `tfsdk:"region"`
	ProjectID            types.String  `tfsdk:"project_id"`
	Cloud                types.String  `tfsdk:"cloud"`
	Endpoint             types.String  `tfsdk:"endpoint"`
	AuthURL              types.String  `tfsdk:"auth_url"`
	Token                types.String  `tfsdk:"token"`
	AccessKey            types.String  `tfsdk:"access_key"`
	SecretKey            types.String  `tfsdk:"secret_key"`
	SecurityToken        types.String  `tfsdk:"security_token"`
	UserName             types.String  `tfsdk:"user_name"`
	Password             types.String  `tfsdk:"password"`
	DomainName           types.String  `tfsdk:"domain_name"`
	Insecure             types.Bool    `tfsdk:"insecure"`
	CACertFile           types.String  `tfsdk:"cacert_file"`
	MaxRetries           types.Int64   `tfsdk:"max_retries"`
	MaxRequestsPerSecond types.Float64 `tfsdk:"max_requests_per_second"`
	RequestTimeout       types.String  `tfsdk:"request_timeout"`
}

// settings is the provider configuration after environment fallbacks.
type settings struct {
	region, projectID, cloud, endpoint, authURL string
	token                                       string
	accessKey, secretKey, securityToken         string
	userName, password, domainName              string
	insecure                                    bool
	caCertFile                                  string
	maxRetries                                  int
	requestsPerSecond                           float64
	requestTimeout                              time.Duration // zero: servicestage.DefaultRequestTimeout
	// fromEnv holds the attributes whose value came from their environment
	// variable, so that messages can say where a setting was found.
	fromEnv map[string]bool
}

// resolveSettings applies the HW_* environment fallbacks to what HCL left
// null, and reports values that cannot be used.
func resolveSettings(m providerModel) (settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	fromEnv := map[string]bool{}
	// given is the value of attr from HCL, else from env, exactly as set.
	given := func(attr string, v types.String, env string) string {
		if v.IsUnknown() {
			diags.AddAttributeError(path.Root(attr), "Unknown provider setting",
				fmt.Sprintf("%s is not known until apply, but the provider needs it to read data sources during plan. "+
					"Set it from a variable or the %s environment variable instead of another resource's attribute.", attr, env))
			return ""
		}
		if !v.IsNull() {
			return v.ValueString()
		}
		if env == "" {
			return ""
		}
		value := os.Getenv(env)
		if value != "" {
			fromEnv[attr] = true
		}
		return value
	}
	str := func(attr string, v types.String, env string) string {
		return strings.TrimSpace(given(attr, v, env))
	}
	// Credentials are used as given: a password may end in a space. Stray
	// whitespace is more often a copy-paste slip, so it gets a warning that
	// names the attribute and never the value.
	credential := func(attr string, v types.String, env string) string {
		value := given(attr, v, env)
		if strings.TrimSpace(value) != value {
			diags.AddAttributeWarning(path.Root(attr), "Whitespace around "+attr,
				fmt.Sprintf("%s (or %s) starts or ends with whitespace, which is sent as part of it. "+
					"If the whitespace is not part of the credential, remove it.", attr, env))
		}
		return value
	}
	s := settings{
		region:        str("region", m.Region, "HW_REGION_NAME"),
		projectID:     str("project_id", m.ProjectID, "HW_PROJECT_ID"),
		cloud:         str("cloud", m.Cloud, "HW_CLOUD"),
		endpoint:      str("endpoint", m.Endpoint, "HW_SERVICESTAGE_ENDPOINT"),
		authURL:       str("auth_url", m.AuthURL, "HW_AUTH_URL"),
		token:         credential("token", m.Token, "HW_AUTH_TOKEN"),
		accessKey:     credential("access_key", m.AccessKey, "HW_ACCESS_KEY"),
		secretKey:     credential("secret_key", m.SecretKey, "HW_SECRET_KEY"),
		securityToken: credential("security_token", m.SecurityToken, "HW_SECURITY_TOKEN"),
		userName:      credential("user_name", m.UserName, "HW_USER_NAME"),
		password:      credential("password", m.Password, "HW_PASSWORD"),
		domainName:    credential("domain_name", m.DomainName, "HW_DOMAIN_NAME"),
		caCertFile:    str("cacert_file", m.CACertFile, "OS_CACERT"),
		maxRetries:    servicestage.DefaultMaxRetries,
		fromEnv:       fromEnv,
	}

	switch {
	case m.Insecure.IsUnknown():
		diags.AddAttributeError(path.Root("insecure"), "Unknown provider setting", "insecure must be known during plan.")
	case !m.Insecure.IsNull():
		s.insecure = m.Insecure.ValueBool()
	case os.Getenv("HW_INSECURE") != "":
		b, err := strconv.ParseBool(os.Getenv("HW_INSECURE"))
		if err != nil {
			diags.AddAttributeError(path.Root("insecure"), "Invalid HW_INSECURE",
				fmt.Sprintf("The HW_INSECURE environment variable must be true or false, got %q.", os.Getenv("HW_INSECURE")))
		}
		s.insecure = b
	}

	switch {
	case m.MaxRetries.IsUnknown():
		diags.AddAttributeError(path.Root("max_retries"), "Unknown provider setting", "max_retries must be known during plan.")
	case !m.MaxRetries.IsNull():
		s.maxRetries = int(m.MaxRetries.ValueInt64())
	case os.Getenv("HW_MAX_RETRIES") != "":
		n, err := strconv.Atoi(os.Getenv("HW_MAX_RETRIES"))
		if err != nil || n < 0 || n > 100 {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid HW_MAX_RETRIES",
				fmt.Sprintf("The HW_MAX_RETRIES environment variable must be a whole number from 0 to 100, got %q.", os.Getenv("HW_MAX_RETRIES")))
		}
		s.maxRetries = n
	}

	if m.MaxRequestsPerSecond.IsUnknown() {
		diags.AddAttributeError(path.Root("max_requests_per_second"), "Unknown provider setting", "max_requests_per_second must be known during plan.")
	}
	s.requestsPerSecond = m.MaxRequestsPerSecond.ValueFloat64()

	// Unset stays zero: the transport applies servicestage.DefaultRequestTimeout.
	if v := str("request_timeout", m.RequestTimeout, "HW_REQUEST_TIMEOUT"); v != "" {
		d, err := parsePositiveDuration(v)
		if err != nil {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout",
				fmt.Sprintf("request_timeout (or HW_REQUEST_TIMEOUT) %s.", err))
		}
		s.requestTimeout = d
	}

	// Environment values bypass the schema validators: check them here.
	for _, u := range []struct{ attr, env, value string }{
		{"endpoint", "HW_SERVICESTAGE_ENDPOINT", s.endpoint},
		{"auth_url", "HW_AUTH_URL", s.authURL},
	} {
		if u.value == "" {
			continue
		}
		if _, err := servicestage.ParseEndpoint(u.value); err != nil {
			diags.AddAttributeError(path.Root(u.attr), "Invalid "+u.attr,
				fmt.Sprintf("%s (or %s) %s.", u.attr, u.env, err))
		}
	}
	if s.projectID != "" {
		if err := servicestage.ValidateID(s.projectID); err != nil {
			diags.AddAttributeError(path.Root("project_id"), "Invalid project_id",
				fmt.Sprintf("project_id (or HW_PROJECT_ID) %s.", err))
		}
	}
	return s, diags
}

// euRegion matches the regions served under myhuaweicloud.eu.
var euRegion = regexp.MustCompile(`^eu-west-1\d\d$`)

// cloudDomain returns the configured cloud, or the default for the region.
func (s settings) cloudDomain() string {
	switch {
	case s.cloud != "":
		return s.cloud
	case euRegion.MatchString(s.region):
		return "myhuaweicloud.eu"
	default:
		return "myhuaweicloud.com"
	}
}

// serviceEndpoint returns the ServiceStage base URL, or "" when neither
// endpoint nor region says where it is.
func (s settings) serviceEndpoint() string {
	switch {
	case s.endpoint != "":
		return s.endpoint
	case s.region != "":
		return fmt.Sprintf("https://servicestage.%s.%s", s.region, s.cloudDomain())
	default:
		return ""
	}
}

// endpointFrom says where serviceEndpoint's host came from when endpoint is
// not set, for errors about that host; "" when the user set endpoint.
func (s settings) endpointFrom() string {
	if s.endpoint != "" {
		return ""
	}
	if s.cloud != "" {
		return fmt.Sprintf("region %q and cloud %q", s.region, s.cloud)
	}
	return fmt.Sprintf("region %q", s.region)
}

// iamEndpoint returns the IAM v3 base URL, or "" when unknown.
func (s settings) iamEndpoint() string {
	switch {
	case s.authURL != "":
		return strings.TrimRight(s.authURL, "/")
	case s.region != "":
		return fmt.Sprintf("https://iam.%s.%s/v3", s.region, s.cloudDomain())
	default:
		return ""
	}
}

// secrets lists the configured secret values, for log masking.
func (s settings) secrets() []string {
	var out []string
	for _, v := range []string{s.token, s.secretKey, s.securityToken, s.password} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// userAgent names the provider, its version and Terraform's.
func userAgent(providerVersion, terraformVersion string) string {
	ua := "terraform-provider-servicestage/" + providerVersion
	if terraformVersion != "" {
		ua += " Terraform/" + terraformVersion
	}
	return ua
}

// Configure resolves the settings and builds the one API client that every
// data source of this provider instance shares.
func (p *servicestageProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	defer p.recordConfigured(resp)
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, diags := resolveSettings(m)
	resp.Diagnostics.Append(diags...)
	ctx = maskSecrets(ctx, s.secrets())
	if resp.Diagnostics.HasError() {
		return
	}
	if s.insecure {
		resp.Diagnostics.AddAttributeWarning(path.Root("insecure"), "TLS verification is off",
			"insecure = true (or HW_INSECURE) skips verification of the server's certificate: anyone on the network "+
				"path can read and change the provider's requests, credentials included. Use cacert_file for private CAs instead.")
	}

	data, diags := newProviderData(ctx, s, p.timing, userAgent(p.version, req.TerraformVersion))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Info(ctx, "configured ServiceStage provider", map[string]any{
		"endpoint":    data.endpoint,
		"auth_method": data.authMethod.String(),
		"project_id":  s.projectID,
	})
	resp.DataSourceData = data
	resp.ActionData = data
}

// newHTTPClientFor wraps the shared transport in a client; a client is cheap,
// the transport holds the connection pool.
func newHTTPClientFor(rt http.RoundTripper) *http.Client {
	return &http.Client{Transport: rt}
}
