package servicestage

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/errorbody"
)

// APIError is a non-2xx answer from ServiceStage or the API gateway in front
// of it. Users need every field: the request ID is what support asks for.
type APIError struct {
	// Operation says what was attempted, e.g. "reading deploy info of release task X".
	Operation  string
	StatusCode int
	Code       string
	Message    string
	RequestID  string
	// Excerpt is a short, sanitised start of a body that was not JSON.
	Excerpt string
}

func (e *APIError) Error() string {
	var b strings.Builder
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		fmt.Fprintf(&b, ", error_code %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ", error_msg %q", e.Message)
	}
	if e.Excerpt != "" {
		fmt.Fprintf(&b, ", body %q", e.Excerpt)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, ", request ID %s", e.RequestID)
	} else {
		b.WriteString(", no request ID")
	}
	return b.String()
}

// notFoundCodes are ServiceStage's codes for a release task or project that
// does not exist. SVCSTG.00100401 comes with HTTP 401, a known quirk.
var notFoundCodes = map[string]bool{
	"SVCSTG.00100401": true,
	"SVCSTG.00100403": true,
	"SVCSTG.00100404": true,
	"SVCSTG.00100411": true,
	"SVCSTG.00100433": true,
}

// serviceStageCode marks codes that ServiceStage itself returns, as opposed
// to the API gateway in front of it (APIGW.*).
const serviceStageCode = "SVCSTG."

// NotFound reports whether ServiceStage said the release task (or its
// project) does not exist. Only ServiceStage's own codes say so: a 404 from
// the gateway means the URL is wrong (see GatewayNotFound).
func (e *APIError) NotFound() bool {
	return (e.StatusCode == http.StatusNotFound && strings.HasPrefix(e.Code, serviceStageCode)) || notFoundCodes[e.Code]
}

// forbiddenOrMissing is ServiceStage's code for a 403 that means either a
// task that is not there or a caller without the permission.
const forbiddenOrMissing = "SVCSTG.00100403"

// NotFoundOrForbidden reports ServiceStage's 403 that does not say which of
// the two it is: not found, or no permission.
func (e *APIError) NotFoundOrForbidden() bool {
	return e.StatusCode == http.StatusForbidden && e.Code == forbiddenOrMissing
}

// GatewayNotFound reports a 404 that did not come from ServiceStage: the
// gateway's APIGW.0101, or no code at all, for a path no API is published
// at. The endpoint is wrong, not the ID.
func (e *APIError) GatewayNotFound() bool {
	return e.StatusCode == http.StatusNotFound && !strings.HasPrefix(e.Code, serviceStageCode)
}

// SignatureRejected reports a gateway answer saying the AK/SK signature or
// the credentials behind it were refused.
func (e *APIError) SignatureRejected() bool {
	return e.Code == "APIGW.0301" && strings.Contains(strings.ToLower(e.Message), "aksk")
}

// CanonicalRequest returns the canonical request the gateway computed, which
// APIGW.0301 echoes with '|' for newlines: the best clue to a signing bug.
func (e *APIError) CanonicalRequest() string {
	_, canonical := e.SplitCanonicalRequest()
	return canonical
}

// SplitCanonicalRequest splits the message into what comes before the echoed
// canonical request and the canonical request itself, so that it can be
// shown once, on its own lines; canonical is "" when none is echoed.
func (e *APIError) SplitCanonicalRequest() (message, canonical string) {
	const marker = "CanonicalRequest:"
	i := strings.Index(e.Message, marker)
	if i < 0 {
		return e.Message, ""
	}
	message = strings.TrimRight(strings.TrimSpace(e.Message[:i]), ",;")
	return message, strings.ReplaceAll(strings.TrimSpace(e.Message[i+len(marker):]), "|", "\n")
}

// Throttled reports the gateway's rate-limit answer.
func (e *APIError) Throttled() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.Code == "APIGW.0308"
}

// Transient reports an answer that may be different later: throttling or a
// server-side failure.
func (e *APIError) Transient() bool {
	return e.Throttled() || e.StatusCode >= http.StatusInternalServerError
}

// NewAPIError builds the error for a non-2xx response from its status,
// headers and (already size-capped) body.
func NewAPIError(operation string, status int, header http.Header, body []byte) *APIError {
	f, _ := errorbody.Parse(header, body)
	e := &APIError{Operation: operation, StatusCode: status, Code: f.Code, Message: redactEchoedSecrets(f.Message), RequestID: f.RequestID}
	if e.Code == "" && e.Message == "" {
		e.Excerpt = errorbody.Excerpt(body, 200)
	}
	return e
}

// redactEchoedSecrets masks the security token in a canonical request that
// the gateway echoes with '|' for newlines: it is signed, so it is in there.
func redactEchoedSecrets(msg string) string {
	if !strings.Contains(msg, "|") {
		return msg
	}
	parts := strings.Split(msg, "|")
	for i, part := range parts {
		name, _, ok := strings.Cut(part, ":")
		if ok && (strings.EqualFold(strings.TrimSpace(name), "x-security-token") || strings.EqualFold(strings.TrimSpace(name), "x-auth-token")) {
			parts[i] = name + ":***"
		}
	}
	return strings.Join(parts, "|")
}
