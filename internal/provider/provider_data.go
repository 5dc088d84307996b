package provider

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// timing holds the waits the provider uses, so tests can shorten them.
type timing struct {
	// pollInitial and pollMax bound the interval between polls of
	// wait_for_completion.
	pollInitial, pollMax time.Duration
	// retryWaitMin and retryWaitMax bound the backoff between retries.
	retryWaitMin, retryWaitMax time.Duration
}

var defaultTiming = timing{
	pollInitial:  2 * time.Second,
	pollMax:      30 * time.Second,
	retryWaitMin: time.Second,
	retryWaitMax: 30 * time.Second,
}

// providerData is what Configure hands to every data source: one client
// shared by all reads of this provider instance.
type providerData struct {
	client     *servicestage.Client
	projectID  string
	endpoint   string
	authMethod authMethod
	secrets    []string
	timing     timing
	// incomplete, when set, explains why no read can be made. It is
	// reported at the first read, not at Configure, so that a provider
	// block nothing reads from never fails a plan.
	incomplete *diag.ErrorDiagnostic
	// scopedProject, for a password token scoped by region, asks IAM for
	// the region's project when neither HCL nor the provider names one.
	scopedProject func(context.Context) (string, error)
}

// newProviderData builds the shared transport, authentication and client.
func newProviderData(ctx context.Context, s settings, t timing, ua string) (*providerData, diag.Diagnostics) {
	method, diags := chooseAuth(ctx, s)
	if diags.HasError() {
		return nil, diags
	}
	data := &providerData{projectID: s.projectID, authMethod: method, secrets: s.secrets(), timing: t}

	data.endpoint = s.serviceEndpoint()
	switch {
	case data.endpoint == "":
		d := diag.NewErrorDiagnostic("No ServiceStage endpoint",
			"Set region (HW_REGION_NAME), which gives https://servicestage.{region}.{cloud}, or endpoint (HW_SERVICESTAGE_ENDPOINT).")
		data.incomplete = &d
		return data, diags
	case method == authNone:
		data.incomplete = &noCredentials
		return data, diags
	case method == authPassword && s.iamEndpoint() == "":
		d := diag.NewErrorDiagnostic("No IAM endpoint",
			"Password authentication exchanges user_name and password for a token at IAM: set region (HW_REGION_NAME) or auth_url (HW_AUTH_URL).")
		data.incomplete = &d
		return data, diags
	case method == authPassword && s.projectID == "" && s.region == "":
		d := diag.NewErrorDiagnostic("No scope for the IAM token",
			"Password authentication needs a project to scope its token: set project_id (HW_PROJECT_ID) or region (HW_REGION_NAME).")
		data.incomplete = &d
		return data, diags
	}

	base, err := servicestage.NewTransport(servicestage.TransportConfig{
		Insecure:          s.insecure,
		CACertFile:        s.caCertFile,
		RequestsPerSecond: s.requestsPerSecond,
		RequestTimeout:    s.requestTimeout,
	})
	if err != nil {
		diags.AddAttributeError(path.Root("cacert_file"), "Invalid cacert_file",
			err.Error()+". Point cacert_file (or OS_CACERT) at a readable PEM file of CA certificates.")
		return nil, diags
	}

	var authenticate func(http.RoundTripper) http.RoundTripper
	switch method {
	case authToken:
		authenticate = func(next http.RoundTripper) http.RoundTripper {
			return &auth.TokenTransport{Source: auth.StaticToken(s.token), Base: next}
		}
	case authAKSK:
		authenticate = func(next http.RoundTripper) http.RoundTripper {
			return &auth.SigningTransport{
				Credentials: auth.Credentials{AccessKey: s.accessKey, SecretKey: s.secretKey, SecurityToken: s.securityToken},
				Base:        next,
			}
		}
	case authPassword:
		source := auth.NewPasswordTokenSource(auth.PasswordConfig{
			AuthURL:    s.iamEndpoint(),
			UserName:   s.userName,
			Password:   s.password,
			DomainName: s.domainName,
			ProjectID:  s.projectID,
			Region:     s.region,
			HTTPClient: newHTTPClientFor(base),
			UserAgent:  ua,
			Do:         servicestage.Repeating(s.maxRetries, t.retryWaitMin, t.retryWaitMax),
		})
		authenticate = func(next http.RoundTripper) http.RoundTripper {
			return &auth.TokenTransport{Source: source, Base: next}
		}
		if scoped, ok := source.(auth.ProjectScoped); ok && s.projectID == "" {
			data.scopedProject = scoped.ProjectID
		}
	}

	data.client, err = servicestage.New(servicestage.Config{
		Endpoint:     data.endpoint,
		HTTPClient:   newHTTPClientFor(servicestage.Authenticated(base, authenticate)),
		MaxRetries:   s.maxRetries,
		EndpointFrom: s.endpointFrom(),
		UserAgent:    ua,
		RetryWaitMin: t.retryWaitMin,
		RetryWaitMax: t.retryWaitMax,
	})
	if err != nil {
		diags.AddAttributeError(path.Root("endpoint"), "Invalid endpoint", err.Error())
		return nil, diags
	}
	return data, diags
}

// configuredData is the provider data handed to a data source's or an
// action's Configure; nil before the provider is configured.
func configuredData(given any, diags *diag.Diagnostics) *providerData {
	if given == nil {
		return nil // Not configured yet: Terraform validates before it configures.
	}
	data, ok := given.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", given))
	}
	return data
}

// begin does what every read and invoke does first: it takes the
// configuration's values and checks that the provider is configured and
// can make requests. ok is false when diags says why not; what names the
// caller ("read", "action") for a provider bug.
func begin(ctx context.Context, config tftypes.Value, data *providerData, what string, diags *diag.Diagnostics) (context.Context, stateValues, bool) {
	values, err := configValues(config)
	if err != nil {
		diags.AddError("Internal error", err.Error()+". This is a bug in the provider; please report it.")
		return ctx, nil, false
	}
	if data == nil {
		diags.AddError("Provider not configured",
			"The servicestage provider was not configured before this "+what+". This is a bug in the provider; please report it.")
		return ctx, nil, false
	}
	ctx = maskSecrets(ctx, data.secrets)
	if data.incomplete != nil {
		diags.Append(*data.incomplete)
		return ctx, nil, false
	}
	return ctx, values, true
}

// project is the project to work in: the configured one, else the
// provider's, else, for a password token scoped by region, that region's
// project; "" when there is none.
func (d *providerData) project(ctx context.Context, configured string) (string, error) {
	switch {
	case configured != "":
		return configured, nil
	case d.projectID != "":
		return d.projectID, nil
	case d.scopedProject != nil:
		return d.scopedProject(ctx)
	}
	return "", nil
}

// maskSecrets makes every log line of ctx hide the given values, whatever
// field or message they turn up in.
func maskSecrets(ctx context.Context, secrets []string) context.Context {
	if len(secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	ctx = tflog.MaskMessageStrings(ctx, secrets...)
	return tflog.MaskFieldValuesWithFieldKeys(ctx, "token", "secret_key", "security_token", "password", "Authorization", "X-Auth-Token", "X-Security-Token", "X-Subject-Token")
}
