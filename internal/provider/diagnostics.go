package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/errorbody"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// subjectKind is what a data source reads, stated once in its definition:
// one item named by an ID argument, or a project's list of them. Every
// message about the read, from a missing project to a timeout, is worded
// from it.
type subjectKind struct {
	// noun names one item, in lower case: "release task".
	noun string
	// idAttr is the argument holding the ID of the one item read; empty for
	// a data source that lists.
	idAttr string
	// notFoundNote, when set, ends the not-found error: which edition was read.
	notFoundNote string
}

// newEditionNote tells a user who gave an old-edition ID to a new-edition
// data source why it is not found: the editions keep separate tasks.
const newEditionNote = "\n\nThe console's Release Management has two editions that keep separate tasks: an old-edition " +
	"release task ID is not valid here. Read one with servicestage_release_plan instead."

var (
	oneReleaseTask  = subjectKind{noun: "release task", idAttr: "release_plan_id"}
	releaseTaskList = subjectKind{noun: "release task"}
	onePipeline     = subjectKind{noun: "new-edition release task", idAttr: "pipeline_id", notFoundNote: newEditionNote}
	pipelineList    = subjectKind{noun: "new-edition release task"}
)

// lists reports whether the data source reads a project's list.
func (k subjectKind) lists() bool { return k.idAttr == "" }

// reading is the read as a verb phrase: "reading release task", "listing release tasks".
func (k subjectKind) reading() string {
	if k.lists() {
		return "listing " + k.noun + "s"
	}
	return "reading " + k.noun
}

// noProject says that a read has no project, as the read's own words.
func (k subjectKind) noProject() string {
	if k.lists() {
		return "No project to list " + k.noun + "s from"
	}
	return "No project to read the " + k.noun + " from"
}

// readSubject is what a failed read was reading, for its diagnostics. Each
// data source fills one in; readErrorDiagnostic words its errors from it.
type readSubject struct {
	subjectKind
	// id is the ID read; empty for a read of the project's list.
	id        string
	projectID string
	// permission is the IAM action the read needs.
	permission string
	endpoint   string
	method     auth.Way
}

// description names the subject in a sentence: release task "X" in project "Y".
func (s readSubject) description() string {
	if s.lists() {
		return fmt.Sprintf("the %ss of project %q", s.noun, s.projectID)
	}
	return fmt.Sprintf("%s %q in project %q", s.noun, s.id, s.projectID)
}

// checkIDs is the advice for a request ServiceStage refused as malformed.
func (s readSubject) checkIDs() string {
	if s.lists() {
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
	var redirectErr *errorbody.RedirectError
	var noCredentials *auth.NoCredentialsError
	var metadataErr *auth.MetadataError
	var profileErr *auth.ProfileError

	switch {
	case errors.As(err, &noCredentials):
		return diag.NewErrorDiagnostic("No credentials for ServiceStage", upperFirst(noCredentials.Error()))
	case errors.As(err, &profileErr):
		return diag.NewAttributeErrorDiagnostic(settingPath(profileErr.Setting), "Unusable KooCLI profile", upperFirst(profileErr.Error())+".")
	case errors.As(err, &metadataErr) && metadataErr.NoAgency():
		return diag.NewErrorDiagnostic("No agency on this ECS", upperFirst(metadataErr.Error())+".")
	case errors.As(err, &metadataErr) && metadataErr.Transient():
		return diag.NewErrorDiagnostic("ECS metadata service unavailable", fmt.Sprintf("%s.\n\nThe request was retried (max_retries) "+
			"within the read's timeout: run again later.", upperFirst(err.Error())))
	case errors.As(err, &metadataErr):
		return diag.NewErrorDiagnostic("ECS metadata service refused credentials", upperFirst(err.Error())+".")
	case errors.As(err, &waitErr) && isTimeout(err):
		return diag.NewErrorDiagnostic("Timed out waiting for "+s.noun,
			upperFirst(waitErr.message(s.description()))+
				"\n\nRaise timeouts.read if the release needs longer, or follow the release in the ServiceStage console.")
	case errors.As(err, &waitErr) && isCancelled(err):
		return diag.NewErrorDiagnostic("Wait for "+s.noun+" cancelled",
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
	case errors.As(err, &redirectErr):
		return diag.NewErrorDiagnostic("Redirect refused", upperFirst(err.Error())+".")
	case errors.As(err, &iamErr) && iamErr.Transient():
		return diag.NewErrorDiagnostic("IAM unavailable",
			fmt.Sprintf("%s.\n\nThe request for credentials was retried (max_retries) within the read's timeout. Nothing is "+
				"wrong with the credentials: run again later.", err))
	case errors.As(err, &iamErr):
		return iamRefusalDiagnostic(err, iamErr)
	case errors.As(err, &apiErr) && apiErr.GatewayNotFound():
		return diag.NewErrorDiagnostic("No ServiceStage API at the endpoint",
			fmt.Sprintf("The API gateway at %s answered that no API is published at the requested path (%s). The endpoint is "+
				"wrong, so nothing is known yet about %s.\n\nCheck endpoint (HW_SERVICESTAGE_ENDPOINT) and region "+
				"(HW_REGION_NAME): endpoint is the base URL, such as https://servicestage.ap-southeast-3.myhuaweicloud.com, "+
				"without a path such as /v3.", s.endpoint, statusLine(apiErr), s.description()))
	case errors.As(err, &apiErr) && apiErr.NotFoundOrForbidden():
		return notFoundOrForbiddenDiagnostic(apiErr, s)
	case errors.As(err, &apiErr) && apiErr.NotFound():
		return notFoundDiagnostic(apiErr, s)
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized && apiErr.SignatureRejected():
		return signatureDiagnostic(apiErr, s)
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized:
		return diag.NewErrorDiagnostic("Authentication rejected",
			fmt.Sprintf("ServiceStage refused the credentials: %s.\n\n%s", err, checkCredentials(s.method)))
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden:
		detail := fmt.Sprintf("%s.\n\nThe user or key needs the %s permission in project %q.", err, s.permission, s.projectID)
		if s.method == auth.WayToken || s.method == auth.WayPassword || s.method == auth.WayOIDC {
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
		return diag.NewErrorDiagnostic("Timed out "+s.reading(),
			fmt.Sprintf("%s.\n\nRaise timeouts.read, or check network access to the endpoint.", err))
	default:
		return diag.NewErrorDiagnostic("Error "+s.reading(), err.Error()+".")
	}
}

// iamRefusalDiagnostic words IAM's refusal of each exchange; the error
// itself says what was asked and what to check.
func iamRefusalDiagnostic(err error, iamErr *auth.IAMError) diag.Diagnostic {
	switch iamErr.Exchange {
	case auth.AgencyExchange:
		return diag.NewAttributeErrorDiagnostic(path.Root("assume_role"), "IAM refused the agency", upperFirst(err.Error())+".")
	case auth.IDTokenExchange:
		return diag.NewAttributeErrorDiagnostic(path.Root("idp_id"), "IAM refused the OpenID Connect ID token", upperFirst(err.Error())+".")
	}
	return diag.NewErrorDiagnostic("IAM did not issue a token",
		fmt.Sprintf("%s.\n\nPassword authentication exchanges user_name, password and domain_name at auth_url "+
			"(HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME, HW_AUTH_URL) for a token scoped to project_id or region.", err))
}

// notFoundOrForbiddenDiagnostic is ServiceStage's 403 SVCSTG.00100403,
// which it answers both for an ID that is not there and for a caller without
// the permission: both are said, with the IAM action the request needs.
func notFoundOrForbiddenDiagnostic(apiErr *servicestage.APIError, s readSubject) diag.Diagnostic {
	what := upperFirst(s.description()) + " was not found"
	if s.lists() {
		what = fmt.Sprintf("Project %q was not found, or ServiceStage is not enabled in it", s.projectID)
	}
	return diag.NewErrorDiagnostic("Not found in ServiceStage, or permission denied",
		fmt.Sprintf("ServiceStage answered %s, which it gives both for a %s that does not exist and for credentials "+
			"without the permission. Either: %s; or the credentials lack the IAM action %s in project %q.\n\n%s Then check "+
			"that the credentials (%s) are granted %s, through their user group's policies or the agency's.%s",
			statusLine(apiErr), s.noun, what, s.permission, s.projectID, s.checkIDs(), s.method, s.permission, s.notFoundNote))
}

// signatureDiagnostic leads with the likely cause of a refused AK/SK
// signature, and shows the canonical request the gateway echoes once, on its
// own lines, rather than also inline in error_msg.
func signatureDiagnostic(apiErr *servicestage.APIError, s readSubject) diag.Diagnostic {
	shown := *apiErr
	message, canonical := apiErr.SplitCanonicalRequest()
	shown.Message = message
	detail := fmt.Sprintf("The secret key does not match the access key, or the clock is off: the API gateway rejected "+
		"the request's AK/SK signature (%s).\n\n%s", shown.Error(), checkCredentials(s.method))
	if canonical != "" {
		detail += "\n\nThe canonical request the gateway computed, to compare with the one the provider logs at TF_LOG=TRACE:\n" + canonical
	}
	return diag.NewErrorDiagnostic("Authentication rejected", detail)
}

// notFoundDiagnostic says which ID was not found where, and what to check.
// ServiceStage answers the same for a project that does not exist (or has no
// ServiceStage) as for an unknown ID in it, so every data source gives that
// answer the same headline, and says both causes where both are possible.
func notFoundDiagnostic(apiErr *servicestage.APIError, s readSubject) diag.Diagnostic {
	const summary = "Not found in ServiceStage"
	if s.lists() {
		return diag.NewErrorDiagnostic(summary,
			fmt.Sprintf("Project %q was not found, or ServiceStage is not enabled in it, so it has no %ss to list (%s).\n\n"+
				"Check project_id (or the provider's project_id / HW_PROJECT_ID), and that ServiceStage is enabled in it.",
				s.projectID, s.noun, statusLine(apiErr)))
	}
	return diag.NewErrorDiagnostic(summary,
		fmt.Sprintf("%s %q was not found in project %q (%s). ServiceStage answers so for an unknown %s, and for a "+
			"project that does not exist or has no ServiceStage.\n\nCheck %s, and that project_id (or the provider's "+
			"project_id / HW_PROJECT_ID) is the project the %s belongs to.%s",
			upperFirst(s.noun), s.id, s.projectID, statusLine(apiErr), s.noun, s.idAttr, s.noun, s.notFoundNote))
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
