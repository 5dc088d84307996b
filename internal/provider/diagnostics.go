package provider

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// readErrorDiagnostic turns a failed read into a diagnostic that says what
// happened, with every field support would ask for, and what to check.
func readErrorDiagnostic(err error, releasePlanID, projectID string, method authMethod) diag.Diagnostic {
	var apiErr *servicestage.APIError
	var iamErr *auth.IAMError
	var decodeErr *servicestage.DecodeError
	var waitErr *waitError

	switch {
	case errors.As(err, &waitErr) && isTimeout(err):
		return diag.NewErrorDiagnostic("Timed out waiting for release task",
			upperFirst(waitErr.message(fmt.Sprintf("release task %q in project %q", releasePlanID, projectID)))+
				"\n\nRaise timeouts.read if the release needs longer, or follow the release in the ServiceStage console.")
	case errors.As(err, &waitErr) && isCancelled(err):
		return diag.NewErrorDiagnostic("Wait for release task cancelled",
			upperFirst(waitErr.message(fmt.Sprintf("release task %q in project %q", releasePlanID, projectID)))+
				"\n\nStopping Terraform does not stop the release: it goes on in ServiceStage.")
	case errors.As(err, &iamErr):
		return diag.NewErrorDiagnostic("IAM did not issue a token",
			fmt.Sprintf("%s.\n\nPassword authentication exchanges user_name, password and domain_name at auth_url "+
				"(HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME, HW_AUTH_URL) for a token scoped to project_id or region.", err))
	case errors.As(err, &apiErr) && apiErr.NotFound():
		return diag.NewErrorDiagnostic("Release task not found",
			fmt.Sprintf("Release task %q was not found in project %q (%s).\n\nCheck release_plan_id, and that project_id (or the provider's project_id / HW_PROJECT_ID) is the project the release task belongs to.",
				releasePlanID, projectID, statusLine(apiErr)))
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized:
		refused := "ServiceStage refused the credentials"
		if apiErr.SignatureRejected() {
			refused = "The API gateway rejected the request's AK/SK signature"
		}
		detail := fmt.Sprintf("%s: %s.\n\n%s", refused, err, checkCredentials(method))
		if canonical := apiErr.CanonicalRequest(); canonical != "" {
			detail += "\n\nThe gateway's canonical request was:\n" + canonical
		}
		return diag.NewErrorDiagnostic("Authentication rejected", detail)
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden:
		detail := fmt.Sprintf("%s.\n\nThe user or key needs the servicestage::getReleasePlan permission in project %q.", err, projectID)
		if method == authToken || method == authPassword {
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
		return diag.NewErrorDiagnostic("ServiceStage rejected the request",
			fmt.Sprintf("%s.\n\nCheck release_plan_id and project_id.", err))
	case errors.As(err, &decodeErr):
		return diag.NewErrorDiagnostic("Unexpected "+decodeErr.Response+" response",
			fmt.Sprintf("%s.\n\nThe response does not have the documented shape; the request ID above helps support.", err))
	case isTimeout(err):
		return diag.NewErrorDiagnostic("Timed out reading release task",
			fmt.Sprintf("%s.\n\nRaise timeouts.read, or check network access to the endpoint.", err))
	default:
		return diag.NewErrorDiagnostic("Error reading release task", err.Error()+".")
	}
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

// checkCredentials says which settings to look at for the method in use.
func checkCredentials(method authMethod) string {
	switch method {
	case authToken:
		return "Check token (HW_AUTH_TOKEN): IAM tokens expire after 24 hours and are scoped to one project."
	case authAKSK:
		return "Check access_key and secret_key (HW_ACCESS_KEY, HW_SECRET_KEY), security_token (HW_SECURITY_TOKEN) " +
			"for temporary credentials, and that this machine's clock is right: signatures more than 15 minutes off are refused."
	case authPassword:
		return "Check user_name, password and domain_name (HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME), and that the " +
			"token's project (project_id or region) is the one being read."
	default:
		return "Check the provider's credentials."
	}
}
