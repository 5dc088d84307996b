package servicestage

import (
	"net/http"
	"strings"
	"testing"
	"unicode"
)

func TestNewAPIErrorBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                    string
		status                  int
		header                  http.Header
		body                    string
		code, msg, reqID, excpt string
	}{
		{
			name:   "servicestage",
			status: 400,
			body:   `{"error_code":"SVCSTG.00100400","error_msg":"Invalid parameter: release_plan_id","request_id":"0a1b2c"}`,
			code:   "SVCSTG.00100400", msg: "Invalid parameter: release_plan_id", reqID: "0a1b2c",
		},
		{
			name:   "gateway code/message",
			status: 404,
			body:   `{"code":"APIGW.0101","message":"The API does not exist or has not been published in the environment"}`,
			code:   "APIGW.0101", msg: "The API does not exist or has not been published in the environment",
		},
		{
			name:   "IAM nested error, numeric code",
			status: 401,
			body:   `{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}`,
			code:   "401", msg: "The username or password is wrong.",
		},
		{
			name:   "IAM nested error, string code",
			status: 400,
			body:   `{"error":{"code":"1100","message":"Incorrect parameter."}}`,
			code:   "1100", msg: "Incorrect parameter.",
		},
		{
			name:   "IAM nested error, null code",
			status: 403,
			body:   `{"error":{"code":null,"message":"forbidden"}}`,
			code:   "", msg: "forbidden",
		},
		{
			name:   "error_code wins over code",
			status: 400,
			body:   `{"error_code":"SVCSTG.1","error_msg":"a","code":"X","message":"b"}`,
			code:   "SVCSTG.1", msg: "a",
		},
		{
			name:   "header request ID wins over body",
			status: 404,
			header: http.Header{"X-Request-Id": {"from-header"}},
			body:   `{"error_code":"SVCSTG.00100404","error_msg":"not found","request_id":"from-body"}`,
			code:   "SVCSTG.00100404", msg: "not found", reqID: "from-header",
		},
		{
			name:   "header request ID alone",
			status: 500,
			header: http.Header{"X-Request-Id": {"hdr"}},
			body:   `{"error_code":"SVCSTG.00100500","error_msg":"internal"}`,
			code:   "SVCSTG.00100500", msg: "internal", reqID: "hdr",
		},
		{
			name:   "empty body",
			status: 502,
			body:   ``,
		},
		{
			name:   "JSON without any known field",
			status: 500,
			body:   `{"unexpected":true}`,
			excpt:  `{"unexpected":true}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			header := tt.header
			if header == nil {
				header = http.Header{}
			}
			e := NewAPIError("reading", tt.status, header, []byte(tt.body))
			if e.StatusCode != tt.status || e.Code != tt.code || e.Message != tt.msg || e.RequestID != tt.reqID || e.Excerpt != tt.excpt {
				t.Errorf("got status %d code %q msg %q request ID %q excerpt %q\nwant %d %q %q %q %q",
					e.StatusCode, e.Code, e.Message, e.RequestID, e.Excerpt, tt.status, tt.code, tt.msg, tt.reqID, tt.excpt)
			}
		})
	}
}

func TestAPIErrorMessageNamesEverything(t *testing.T) {
	t.Parallel()
	e := NewAPIError(`reading deploy info of release task "r1"`, 400, http.Header{"X-Request-Id": {"9f8e7d"}},
		[]byte(`{"error_code":"SVCSTG.00100400","error_msg":"Invalid \"release_plan_id\"\nline two"}`))
	msg := e.Error()
	for _, want := range []string{`release task "r1"`, "HTTP 400", "Bad Request", "SVCSTG.00100400", `Invalid \"release_plan_id\"`, "request ID 9f8e7d"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Error() = %q, missing %q", msg, want)
		}
	}
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("Error() = %q spans lines: the message must be quoted", msg)
	}
	noID := NewAPIError("op", 500, http.Header{}, []byte(`{"error_code":"X","error_msg":"y"}`))
	if !strings.Contains(noID.Error(), "no request ID") {
		t.Errorf("Error() = %q should say there was no request ID", noID.Error())
	}
}

func TestAPIErrorHTMLBodyIsSanitised(t *testing.T) {
	t.Parallel()
	html := "<html>\r\n<head><title>502 Bad Gateway</title></head>\n\t<body>\x1b[31m\x00" +
		strings.Repeat("<p>filler \xff text</p>\n", 100) + "</body></html>"
	e := NewAPIError("op", http.StatusBadGateway, http.Header{"X-Request-Id": {"r-1"}}, []byte(html))
	if e.Code != "" || e.Message != "" {
		t.Errorf("code %q message %q from an HTML body", e.Code, e.Message)
	}
	if !strings.HasPrefix(e.Excerpt, "<html> <head><title>502 Bad Gateway</title></head> <body>") {
		t.Errorf("excerpt %q does not start with the page, whitespace collapsed", e.Excerpt)
	}
	for _, r := range e.Excerpt {
		if unicode.IsControl(r) || r == '\n' || r == '\t' || r == unicode.ReplacementChar {
			t.Errorf("excerpt %q holds %U", e.Excerpt, r)
			break
		}
	}
	if len(e.Excerpt) > 200+len("…") || !strings.HasSuffix(e.Excerpt, "…") {
		t.Errorf("excerpt is %d bytes (%q): want at most 200 and an ellipsis", len(e.Excerpt), e.Excerpt)
	}
	msg := e.Error()
	if !strings.Contains(msg, "HTTP 502") || !strings.Contains(msg, "502 Bad Gateway</title>") || !strings.Contains(msg, "request ID r-1") {
		t.Errorf("Error() = %q", msg)
	}
}

func TestAPIErrorNotFound(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status  int
		code    string
		want    bool
		gateway bool
	}{
		{404, "", false, true},
		{404, "APIGW.0101", false, true},
		{404, "SVCSTG.00100404", true, false},
		{404, "SVCSTG.00100499", true, false},
		{401, "SVCSTG.00100401", true, false}, // ServiceStage's not-found quirk
		{400, "SVCSTG.00100403", true, false},
		{400, "SVCSTG.00100411", true, false},
		{400, "SVCSTG.00100433", true, false},
		{401, "APIGW.0301", false, false},
		{401, "", false, false},
		{403, "", false, false},
		{400, "SVCSTG.00100400", false, false},
		{500, "", false, false},
	}
	for _, tt := range tests {
		e := &APIError{StatusCode: tt.status, Code: tt.code}
		if got := e.NotFound(); got != tt.want {
			t.Errorf("HTTP %d %q: NotFound() = %v, want %v", tt.status, tt.code, got, tt.want)
		}
		if got := e.GatewayNotFound(); got != tt.gateway {
			t.Errorf("HTTP %d %q: GatewayNotFound() = %v, want %v", tt.status, tt.code, got, tt.gateway)
		}
	}
}

func TestAPIErrorThrottled(t *testing.T) {
	t.Parallel()
	for _, e := range []*APIError{{StatusCode: 429}, {StatusCode: 400, Code: "APIGW.0308"}} {
		if !e.Throttled() {
			t.Errorf("%+v: Throttled() = false", e)
		}
	}
	if (&APIError{StatusCode: 503}).Throttled() {
		t.Error("503 reported as throttled")
	}
}

func TestAPIErrorCanonicalRequest(t *testing.T) {
	t.Parallel()
	const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	body := `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail, ` +
		`SignedHeaders: content-type;host;x-sdk-date, CanonicalRequest: GET|/v3/p1/cas/release-plans/r1/deploy-info/||` +
		`content-type:application/json;charset=utf8|host:servicestage.ap-southeast-3.myhuaweicloud.com|x-sdk-date:20240806T083000Z||` +
		`content-type;host;x-sdk-date|` + emptyHash + `","request_id":"abc"}`
	e := NewAPIError("op", http.StatusUnauthorized, http.Header{}, []byte(body))
	want := "GET\n/v3/p1/cas/release-plans/r1/deploy-info/\n\n" +
		"content-type:application/json;charset=utf8\nhost:servicestage.ap-southeast-3.myhuaweicloud.com\nx-sdk-date:20240806T083000Z\n\n" +
		"content-type;host;x-sdk-date\n" + emptyHash
	if got := e.CanonicalRequest(); got != want {
		t.Errorf("CanonicalRequest() =\n%s\nwant\n%s", got, want)
	}
	if msg, canonical := e.SplitCanonicalRequest(); canonical != want ||
		msg != "Incorrect IAM authentication information: verify aksk signature fail, SignedHeaders: content-type;host;x-sdk-date" {
		t.Errorf("SplitCanonicalRequest() = %q, %q", msg, canonical)
	}
	if !e.SignatureRejected() || e.NotFound() {
		t.Errorf("SignatureRejected %v NotFound %v, want true false", e.SignatureRejected(), e.NotFound())
	}
	other := &APIError{StatusCode: 401, Code: "APIGW.0301", Message: "Incorrect IAM authentication information: token expires"}
	if other.CanonicalRequest() != "" || other.SignatureRejected() {
		t.Errorf("a token error has canonical request %q, signature rejected %v", other.CanonicalRequest(), other.SignatureRejected())
	}
	if msg, _ := other.SplitCanonicalRequest(); msg != other.Message {
		t.Errorf("SplitCanonicalRequest() message %q, want the whole message", msg)
	}
}

// A gateway that echoes a signed X-Security-Token in its canonical request
// must not put the token in an error message.
func TestAPIErrorRedactsEchoedSecurityToken(t *testing.T) {
	t.Parallel()
	const secret = "gQpzZWN1cml0eS10b2tlbi1zZWNyZXQ="
	body := `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail, ` +
		`SignedHeaders: host;x-sdk-date;x-security-token, CanonicalRequest: GET|/v3/p/x/||host:h|x-sdk-date:20240806T083000Z|` +
		`X-Security-Token:` + secret + `||host;x-sdk-date;x-security-token|e3b0","request_id":"abc"}`
	e := NewAPIError("op", http.StatusUnauthorized, http.Header{}, []byte(body))
	for name, text := range map[string]string{"Error()": e.Error(), "Message": e.Message, "CanonicalRequest()": e.CanonicalRequest()} {
		if strings.Contains(text, secret) {
			t.Errorf("%s shows the security token: %q", name, text)
		}
	}
	if !strings.Contains(e.CanonicalRequest(), "x-sdk-date:20240806T083000Z\nX-Security-Token:") {
		t.Errorf("CanonicalRequest() lost its structure: %q", e.CanonicalRequest())
	}
}
