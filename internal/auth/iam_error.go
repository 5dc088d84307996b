package auth

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
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
	fmt.Fprintf(&b, "IAM refused to issue a token: HTTP %d", e.StatusCode)
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
	b.WriteString("; check user_name, password, domain_name and auth_url (and that the user belongs to the project or region being used)")
	return b.String()
}

// permanent reports whether asking again cannot succeed: wrong credentials
// stay wrong for the life of a provider run, and repeating a failed login
// can get the IAM user locked.
func (e *IAMError) permanent() bool {
	return e.StatusCode >= 400 && e.StatusCode < 500 && e.StatusCode != http.StatusTooManyRequests
}

// iamErrorBody covers both error shapes IAM uses: Huawei's flat
// error_code/error_msg and Keystone's nested error object, whose code may be
// a number or a string.
type iamErrorBody struct {
	ErrorCode string          `json:"error_code"`
	ErrorMsg  string          `json:"error_msg"`
	RequestID string          `json:"request_id"`
	Code      json.RawMessage `json:"code"`
	Message   string          `json:"message"`
	Error     *struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
		Title   string          `json:"title"`
	} `json:"error"`
}

// maxErrorSnippet bounds how much of a non-JSON body (a proxy's HTML page,
// say) is quoted in an error.
const maxErrorSnippet = 200

// newIAMError builds an IAMError from a failed response. password, when
// known, is masked out of anything quoted from the body: IAM is not known to
// echo it, but an error message must never be the place it leaks.
func newIAMError(resp *http.Response, body []byte, password string) *IAMError {
	e := &IAMError{StatusCode: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id")}

	var parsed iamErrorBody
	if json.Unmarshal(body, &parsed) == nil {
		e.Code = firstNonEmpty(parsed.ErrorCode, rawString(parsed.Code))
		e.Message = firstNonEmpty(parsed.ErrorMsg, parsed.Message)
		if parsed.Error != nil {
			e.Code = firstNonEmpty(e.Code, rawString(parsed.Error.Code))
			e.Message = firstNonEmpty(e.Message, parsed.Error.Message, parsed.Error.Title)
		}
		if e.RequestID == "" {
			e.RequestID = parsed.RequestID
		}
	} else {
		e.Message = snippet(body)
	}

	if password != "" {
		e.Message = strings.ReplaceAll(e.Message, password, "***")
		e.Code = strings.ReplaceAll(e.Code, password, "***")
	}
	return e
}

// rawString renders a JSON string or number as plain text.
func rawString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func snippet(body []byte) string {
	s := strings.TrimSpace(string(body))
	if len(s) <= maxErrorSnippet {
		return s
	}
	cut := maxErrorSnippet
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
