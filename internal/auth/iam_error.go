package auth

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/errorbody"
)

// IAMError is IAM's refusal to issue a token. It keeps what a user needs to
// fix their settings or open a support ticket: the status, IAM's code and
// message, and the request ID.
type IAMError struct {
	StatusCode int
	Code       string
	Message    string
	RequestID  string
}

func (e *IAMError) Error() string {
	var b strings.Builder
	if e.Transient() {
		b.WriteString("IAM could not issue a token")
	} else {
		b.WriteString("IAM refused to issue a token")
	}
	fmt.Fprintf(&b, ": HTTP %d", e.StatusCode)
	if text := http.StatusText(e.StatusCode); text != "" {
		fmt.Fprintf(&b, " %s", text)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, ", error_code %q", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ", error_msg %q", e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, ", request ID %q", e.RequestID)
	}
	if e.Transient() {
		b.WriteString("; IAM is failing or throttling and did not recover within the retries: this is trouble at IAM, " +
			"not a refusal of user_name or password; try again later")
		return b.String()
	}
	b.WriteString("; check user_name, password, domain_name and auth_url (and that the user belongs to the project or region being used)")
	return b.String()
}

// Transient reports an answer that may be different later: IAM throttling
// or failing. The retry classifier and the waits ask it.
func (e *IAMError) Transient() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= http.StatusInternalServerError
}

// permanent reports whether asking again cannot succeed: wrong credentials
// stay wrong for the life of a provider run, and repeating a failed login
// can get the IAM user locked.
func (e *IAMError) permanent() bool {
	return e.StatusCode >= 400 && e.StatusCode < 500 && !e.Transient()
}

// maxErrorSnippet bounds how much of a non-JSON body (a proxy's HTML page,
// say) is quoted in an error.
const maxErrorSnippet = 200

// newIAMError builds an IAMError from a failed response. password, when
// known, is masked out of anything quoted from the body: IAM is not known to
// echo it, but an error message must never be the place it leaks.
func newIAMError(resp *http.Response, body []byte, password string) *IAMError {
	f, ok := errorbody.Parse(resp.Header, body)
	e := &IAMError{StatusCode: resp.StatusCode, Code: f.Code, Message: f.Message, RequestID: f.RequestID}
	if !ok {
		e.Message = errorbody.Excerpt(body, maxErrorSnippet)
	}

	if password != "" {
		e.Message = strings.ReplaceAll(e.Message, password, "***")
		e.Code = strings.ReplaceAll(e.Code, password, "***")
	}
	return e
}
