package provider

import (
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// newProviderData chooses the way of authenticating and builds the shared
// transport, credentials and client.
func newProviderData(s settings, t timing, ua string) (*providerData, diag.Diagnostics) {
	choice, problems := auth.Choose(s.credentials)
	diags := problemDiagnostics(problems)
	if diags.HasError() {
		return nil, diags
	}
	// A KooCLI profile's region and project apply where none are given.
	if s.region == "" {
		s.region = choice.Region()
	}
	if s.projectID == "" {
		s.projectID = choice.ProjectID()
		if diags.Append(checkProjectID(s.projectID, "the KooCLI profile's projectId")...); diags.HasError() {
			return nil, diags
		}
	}
	data := &providerData{projectID: s.projectID, authMethod: choice.Way, authDescription: choice.String(),
		secrets: choice.Secrets(), timing: t}

	data.endpoint = s.serviceEndpoint()
	switch {
	case data.endpoint == "":
		d := diag.NewErrorDiagnostic("No ServiceStage endpoint",
			"Set region (HW_REGION_NAME), which gives https://servicestage.{region}.{cloud}, or endpoint (HW_SERVICESTAGE_ENDPOINT).")
		data.incomplete = &d
		return data, diags
	case choice.NeedsIAM() && s.iamEndpoint() == "":
		d := diag.NewErrorDiagnostic("No IAM endpoint",
			"The provider obtains its credentials from IAM ("+choice.String()+"): set region (HW_REGION_NAME) or auth_url (HW_AUTH_URL).")
		data.incomplete = &d
		return data, diags
	case choice.ScopesToken() && s.projectID == "" && s.region == "":
		d := diag.NewErrorDiagnostic("No scope for the IAM token",
			"The IAM token ("+choice.Way.String()+") must be scoped to a project: set project_id (HW_PROJECT_ID) or region (HW_REGION_NAME).")
		data.incomplete = &d
		return data, diags
	}

	transport := servicestage.TransportConfig{
		Insecure:          s.insecure,
		CACertFile:        s.caCertFile,
		RequestsPerSecond: s.requestsPerSecond,
		RequestTimeout:    s.requestTimeout,
	}
	base, err := servicestage.NewTransport(transport)
	if err != nil {
		diags.AddAttributeError(path.Root("cacert_file"), "Invalid cacert_file",
			err.Error()+". Point cacert_file (or OS_CACERT) at a readable PEM file of CA certificates.")
		return nil, diags
	}
	authenticated := func(creds auth.Provider) http.RoundTripper {
		return servicestage.Authenticated(base, func(next http.RoundTripper) http.RoundTripper {
			return &auth.Transport{Credentials: creds, Base: next, Now: t.now}
		})
	}
	creds := choice.Credentials(auth.Env{
		AuthURL:        s.iamEndpoint(),
		ProjectID:      s.projectID,
		Region:         s.region,
		HTTPClient:     newHTTPClientFor(base),
		Authenticated:  func(p auth.Provider) *http.Client { return newHTTPClientFor(authenticated(p)) },
		MetadataClient: newHTTPClientFor(servicestage.NewLinkLocalTransport(base, transport)),
		Do:             auth.SendFunc(servicestage.Repeating(s.maxRetries, t.retryWaitMin, t.retryWaitMax)),
		UserAgent:      ua,
		Now:            t.now,
	})
	data.scopedProject = creds.ScopedProject

	data.client, err = servicestage.New(servicestage.Config{
		Endpoint:     data.endpoint,
		HTTPClient:   newHTTPClientFor(authenticated(creds)),
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

// newHTTPClientFor wraps the shared transport in a client; a client is cheap,
// the transport holds the connection pool.
func newHTTPClientFor(rt http.RoundTripper) *http.Client {
	return &http.Client{Transport: rt}
}
