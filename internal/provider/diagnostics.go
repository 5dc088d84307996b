package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// readSubject is what a failed read was reading, for its diagnostics. Each
// data source fills one in; readErrorDiagnostic words its errors from it.
type readSubject struct {
	// kind names what was read, in lower case: "release task".
	kind string
	// id is the ID read, and idAttr the argument that holds it; both are
	// empty for a read of the project's list.
	id, idAttr string
	projectID  string
	// permission is the IAM action the read needs.
	permission string
	endpoint   string
	method     authMethod
	// notFoundNote, when set, ends the not-found error: which edition was read.
	notFoundNote string
}

// description names the subject in a sentence: release task "X" in project "Y".
func (s readSubject) description() string {
	if s.id == "" {
		return fmt.Sprintf("the %ss of project %q", s.kind, s.projectID)
	}
	return fmt.Sprintf("%s %q in project %q", s.kind, s.id, s.projectID)
}

// checkIDs is the advice for a request ServiceStage refused as malformed.
func (s readSubject) checkIDs() string {
	if s.idAttr == "" {
		return "Check project_id."
	}
	return fmt.Sprintf("Check %s and project_id.", s.idAttr)
}

// readErrorDiagnostic turns a failed read into a diagnostic that says what
// happened, with every field support would ask for, and what to check.
func readErrorDiagnostic(err error, s readSubject) diag.Diagnostic {
	var apiErr *servicestage.APIError
	var iamErr *auth.IAMError
	var decodeErr *servicestage.DecodeError
	var waitErr *waitError

	switch {
	case errors.As(err, &waitErr) && isTimeout(err):
		return diag.NewErrorDiagnostic("Timed out waiting for "+s.kind,
			upperFirst(waitErr.message(s.description()))+
				"\n\nRaise timeouts.read if the release needs longer, or follow the release in the ServiceStage console.")
	case errors.As(err, &waitErr) && isCancelled(err):
		return diag.NewErrorDiagnostic("Wait for "+s.kind+" cancelled",
			upperFirst(waitErr.message(s.description()))+
				"\n\nStopping Terraform does not stop the release: it goes on in ServiceStage.")
	case servicestage.CertificateError(err):
		return diag.NewErrorDiagnostic("TLS certificate not trusted",
			fmt.Sprintf("%s.\n\nThe server's certificate could not be verified against the trusted certificate authorities. "+
				"Networks with a TLS-inspecting proxy re-sign traffic with their own, private CA: add its PEM certificate with "+
				"cacert_file (or the OS_CACERT environment variable). insecure = true (HW_INSECURE) skips verification "+
				"altogether, for testing only.", err))
	case errors.Is(err, servicestage.ErrThrottleDeadline):
		return diag.NewErrorDiagnostic("Client-side rate limit reached before timeouts.read",
			fmt.Sprintf("%s.\n\nThe provider's own max_requests_per_second queues the requests of all reads; this read's "+
				"turn would have come after its timeouts.read. The service was not asked. Raise max_requests_per_second, "+
				"raise timeouts.read, or run fewer reads at once (terraform -parallelism).", err))
	case errors.As(err, &iamErr):
		return diag.NewErrorDiagnostic("IAM did not issue a token",
			fmt.Sprintf("%s.\n\nPassword authentication exchanges user_name, password and domain_name at auth_url "+
				"(HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME, HW_AUTH_URL) for a token scoped to project_id or region.", err))
	case errors.As(err, &apiErr) && apiErr.GatewayNotFound():
		return diag.NewErrorDiagnostic("No ServiceStage API at the endpoint",
			fmt.Sprintf("The API gateway at %s answered that no API is published at the requested path (%s). The endpoint is "+
				"wrong, so nothing is known yet about %s.\n\nCheck endpoint (HW_SERVICESTAGE_ENDPOINT) and region "+
				"(HW_REGION_NAME): endpoint is the base URL, such as https://servicestage.ap-southeast-3.myhuaweicloud.com, "+
				"without a path such as /v3.", s.endpoint, statusLine(apiErr), s.description()))
	case errors.As(err, &apiErr) && apiErr.NotFound():
		return notFoundDiagnostic(apiErr, s)
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized:
		refused := "ServiceStage refused the credentials"
		if apiErr.SignatureRejected() {
			refused = "The API gateway rejected the request's AK/SK signature"
		}
		detail := fmt.Sprintf("%s: %s.\n\n%s", refused, err, checkCredentials(s.method))
		if canonical := apiErr.CanonicalRequest(); canonical != "" {
			detail += "\n\nThe gateway's canonical request was:\n" + canonical
		}
		return diag.NewErrorDiagnostic("Authentication rejected", detail)
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden:
		detail := fmt.Sprintf("%s.\n\nThe user or key needs the %s permission in project %q.", err, s.permission, s.projectID)
		if s.method == authToken || s.method == authPassword {
			detail += " An IAM token is scoped to one project: it must have been issued for this one."
		}
		return diag.NewErrorDiagnostic("Permission denied", detail)
	case errors.As(err, &apiErr) && apiErr.Throttled():
		return diag.NewErrorDiagnostic("Throttled by the API gateway",
			fmt.Sprintf("%s.\n\nRetries did not get through. Set max_requests_per_second on the provider to stay under the account's limit, or raise max_retries.", err))
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 500:
		return diag.NewErrorDiagnostic("ServiceStage error",
			fmt.Sprintf("%s.\n\nThe service failed after retries. Try again later; if it persists, give the request ID to Huawei Cloud support.", err))
	case errors.As(err, &apiErr):
		return diag.NewErrorDiagnostic("ServiceStage rejected the request", fmt.Sprintf("%s.\n\n%s", err, s.checkIDs()))
	case errors.As(err, &decodeErr):
		return diag.NewErrorDiagnostic("Unexpected "+decodeErr.Response+" response",
			fmt.Sprintf("%s.\n\nThe response does not have the documented shape; the request ID above helps support.", err))
	case isTimeout(err):
		return diag.NewErrorDiagnostic("Timed out reading "+s.kind,
			fmt.Sprintf("%s.\n\nRaise timeouts.read, or check network access to the endpoint.", err))
	default:
		return diag.NewErrorDiagnostic("Error reading "+s.kind, err.Error()+".")
	}
}

// notFoundDiagnostic says which ID was not found where, and what to check.
func notFoundDiagnostic(apiErr *servicestage.APIError, s readSubject) diag.Diagnostic {
	if s.id == "" {
		return diag.NewErrorDiagnostic("Project not found",
			fmt.Sprintf("Project %q was not found (%s).\n\nCheck project_id (or the provider's project_id / HW_PROJECT_ID), "+
				"and that ServiceStage is enabled in it.", s.projectID, statusLine(apiErr)))
	}
	return diag.NewErrorDiagnostic(upperFirst(s.kind)+" not found",
		fmt.Sprintf("%s %q was not found in project %q (%s).\n\nCheck %s, and that project_id (or the provider's project_id / "+
			"HW_PROJECT_ID) is the project the %s belongs to.%s",
			upperFirst(s.kind), s.id, s.projectID, statusLine(apiErr), s.idAttr, s.kind, s.notFoundNote))
}

// upperFirst capitalises the first letter of a sentence.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// statusLine is the HTTP status, code, message and request ID of an error.
func statusLine(e *servicestage.APIError) string {
	parts := []string{fmt.Sprintf("HTTP %d", e.StatusCode)}
	if e.Code != "" {
		parts = append(parts, "error_code "+e.Code)
	}
	if e.Message != "" {
		parts = append(parts, fmt.Sprintf("error_msg %q", e.Message))
	}
	if e.RequestID != "" {
		parts = append(parts, "request ID "+e.RequestID)
	} else {
		parts = append(parts, "no request ID")
	}
	return strings.Join(parts, ", ")
}

// isTimeout reports whether err ended a read because its deadline passed.
func isTimeout(err error) bool {
	return errors.Is(err, context.DeadlineExceeded)
}

// isCancelled reports whether err ended a read because Terraform cancelled it.
func isCancelled(err error) bool {
	return errors.Is(err, context.Canceled)
}
