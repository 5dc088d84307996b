package errorbody

import (
	"fmt"
	"net/http"
)

// RedirectError is a 3xx answer. Redirects are never followed, from
// ServiceStage or from IAM, so that no credential reaches another location.
type RedirectError struct {
	// Operation says what was attempted.
	Operation  string
	StatusCode int
	// Location is where the answer pointed; "" when it named nowhere.
	Location string
	// Check says which setting chose the URL, e.g. "check endpoint".
	Check string
}

func (e *RedirectError) Error() string {
	where := "with no Location header"
	if e.Location != "" {
		where = fmt.Sprintf("to %q", e.Location)
	}
	return fmt.Sprintf("%s: HTTP %d %s redirects %s; redirects are not followed, so that no credential reaches another "+
		"location; %s: it must be the service's own base URL, not one that redirects",
		e.Operation, e.StatusCode, http.StatusText(e.StatusCode), where, e.Check)
}

// RefuseRedirect is an http.Client CheckRedirect that hands back the 3xx
// answer itself: the next hop is never sent, so no header reaches it.
func RefuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// IsRedirect reports a status that asks the client to go elsewhere.
func IsRedirect(status int) bool { return status >= 300 && status <= 399 }
