package auth

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/errorbody"
)

// Exchange is a kind of request IAM answers with credentials.
type Exchange int

const (
	// PasswordExchange is user_name and password for a token.
	PasswordExchange Exchange = iota
	// IDTokenExchange is an OpenID Connect ID token for a token.
	IDTokenExchange
	// AgencyExchange is the caller's credentials for an agency's temporary AK/SK.
	AgencyExchange
)

// given names what the exchange gives IAM, for "not a refusal of ...".
func (x Exchange) given() string {
	switch x {
	case IDTokenExchange:
		return "the ID token"
	case AgencyExchange:
		return "the agency or the credentials beneath it"
	}
	return "user_name or password"
}

// IAMError is IAM's refusal to issue credentials. It keeps what a user
// needs to fix their settings or open a support ticket: what was asked,
// the status, IAM's code and message, the request ID, and what to check.
type IAMError struct {
	Exchange   Exchange
	StatusCode int
	Code       string
	Message    string
	RequestID  string
	// Asked is what IAM was asked, after "IAM refused to": "issue a token".
	Asked string
	// Check says which settings to look at when IAM refuses.
	Check string
	// inputRenews marks an exchange whose input is read again each time
	// (an ID token file): a refusal then need not last.
	inputRenews bool
}

func (e *IAMError) Error() string {
	asked := e.Asked
	if asked == "" {
		asked = "issue a token"
	}
	var b strings.Builder
	if e.Transient() {
		b.WriteString("IAM could not " + asked)
	} else {
		b.WriteString("IAM refused to " + asked)
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
			"not a refusal of " + e.Exchange.given() + "; try again later")
		return b.String()
	}
	check := e.Check
	if check == "" {
		check = passwordCheck
	}
	b.WriteString("; " + check)
	return b.String()
}

// passwordCheck is what to look at when IAM refuses a password.
const passwordCheck = "check user_name, password, domain_name and auth_url (and that the user belongs to the project or region being used)"

// Transient reports an answer that may be different later: IAM throttling
// or failing. The retry classifier and the waits ask it.
func (e *IAMError) Transient() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= http.StatusInternalServerError
}

// Lasting reports a refusal that asking again in this run cannot change:
// wrong credentials stay wrong, and repeating a failed login can get the
// IAM user locked. The Cache remembers such refusals.
func (e *IAMError) Lasting() bool {
	return e.StatusCode >= 400 && e.StatusCode < 500 && !e.Transient() && !e.inputRenews
}

// maxErrorSnippet bounds how much of a non-JSON body (a proxy's HTML page,
// say) is quoted in an error.
const maxErrorSnippet = 200

// newIAMError builds an IAMError from a failed answer. secrets, when known,
// are masked out of anything quoted from the body: IAM is not known to echo
// them, but an error message must never be the place they leak.
func newIAMError(ans answer, exchange Exchange, asked, check string, secrets ...string) *IAMError {
	f, ok := errorbody.Parse(ans.header, ans.body)
	e := &IAMError{Exchange: exchange, StatusCode: ans.status, Code: f.Code, Message: f.Message, RequestID: f.RequestID,
		Asked: asked, Check: check}
	if !ok {
		// Masked before the excerpt is cut, which could split a secret.
		e.Message = errorbody.Excerpt([]byte(maskSecrets(string(ans.body), secrets...)), maxErrorSnippet)
	}
	e.Message = maskSecrets(e.Message, secrets...)
	e.Code = maskSecrets(e.Code, secrets...)
	return e
}

// maskSecrets replaces every non-empty secret in s with "***".
func maskSecrets(s string, secrets ...string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "***")
		}
	}
	return s
}
