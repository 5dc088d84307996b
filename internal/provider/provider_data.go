package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

// timing holds the waits the provider uses, and its clock, so tests can
// shorten the one and drive the other.
type timing struct {
	// pollInitial and pollMax bound the interval between polls of
	// wait_for_completion.
	pollInitial, pollMax time.Duration
	// retryWaitMin and retryWaitMax bound the backoff between retries.
	retryWaitMin, retryWaitMax time.Duration
	// now dates signatures and tells when credentials expire; nil is time.Now.
	now func() time.Time
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
	authMethod auth.Way
	// authDescription is the way and any agency on top, for logs.
	authDescription string
	secrets         []string
	timing          timing
	// incomplete, when set, explains why no read can be made. It is
	// reported at the first read, not at Configure, so that a provider
	// block nothing reads from never fails a plan.
	incomplete *diag.ErrorDiagnostic
	// scopedProject, for a token scoped by region, asks IAM for the
	// region's project when neither HCL nor the provider names one.
	scopedProject func(context.Context) (string, error)
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
func begin(ctx context.Context, config tftypes.Value, data *providerData, what string, diags *diag.Diagnostics) (context.Context, typedstate.Values, bool) {
	values, err := typedstate.ConfigValues(config)
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
// provider's, else, for a token scoped by region, that region's project;
// "" when there is none.
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
	if len(secrets) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
		ctx = tflog.MaskMessageStrings(ctx, secrets...)
	}
	return tflog.MaskFieldValuesWithFieldKeys(ctx, "token", "secret_key", "security_token", "password", "id_token",
		"Authorization", "X-Auth-Token", "X-Security-Token", "X-Subject-Token", "X-Metadata-Token")
}
