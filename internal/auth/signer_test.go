package auth

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// emptyHash is the hex SHA-256 of the empty string, the body hash of a GET.
const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

var testCred = KeyPair{AccessKey: "AK", SecretKey: "SK"}

func newRequest(t *testing.T, method, rawURL string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, rawURL, body)
	if err != nil {
		t.Fatalf("building request: %v", err)
	}
	return req
}

// authorizationParts checks the form of the Authorization header and
// returns its Access and SignedHeaders fields.
func authorizationParts(t *testing.T, req *http.Request) (access, signedHeaders string) {
	t.Helper()
	m := regexp.MustCompile(`^SDK-HMAC-SHA256 Access=([^,]*), SignedHeaders=([^,]*), Signature=([0-9a-f]{64})$`).
		FindStringSubmatch(req.Header.Get("Authorization"))
	if m == nil {
		t.Fatalf("malformed Authorization header %q", req.Header.Get("Authorization"))
	}
	return m[1], m[2]
}

// The example of Huawei's API signing guide, all three headers signed.
func TestSignHuaweiGuideVector(t *testing.T) {
	req := newRequest(t, http.MethodGet,
		"https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0", nil)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Sdk-Date", "20191115T033655Z")

	wantCanonical := strings.Join([]string{
		"GET",
		"/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/",
		"limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
		"content-type:application/json",
		"host:service.region.example.com",
		"x-sdk-date:20191115T033655Z",
		"",
		"content-type;host;x-sdk-date",
		emptyHash,
	}, "\n")
	canonical, err := canonicalRequest(req, []string{"content-type", "host", "x-sdk-date"}, emptyHash)
	if err != nil {
		t.Fatal(err)
	}
	if canonical != wantCanonical {
		t.Errorf("canonical request:\n%s\nwant:\n%s", canonical, wantCanonical)
	}
	wantSTS := "SDK-HMAC-SHA256\n20191115T033655Z\n" + hexSHA256([]byte(wantCanonical))
	if got := stringToSign("20191115T033655Z", canonical); got != wantSTS {
		t.Errorf("string to sign %q, want %q", got, wantSTS)
	}

	cred := KeyPair{AccessKey: "QTWAOYTTINDUT2QVKYUC", SecretKey: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"}
	if err := Sign(req, cred, time.Now()); err != nil {
		t.Fatal(err)
	}
	want := "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, " +
		"Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
	if got := req.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization:\n%s\nwant:\n%s", got, want)
	}
}

// The vector of Huawei's Go SDK tests, which signs x-sdk-date only.
func TestSignGoSDKVector(t *testing.T) {
	req := newRequest(t, http.MethodGet, "https://example.huaweicloud.com/path?limit=1", nil)
	req.Header.Set("X-Sdk-Date", "20060102T150405Z")

	cred := KeyPair{AccessKey: "AccessKey", SecretKey: "SecretKey"}
	if err := SignWithHeaders(req, cred, time.Now(), []string{"X-Sdk-Date"}); err != nil {
		t.Fatal(err)
	}
	want := "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, " +
		"Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"
	if got := req.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization:\n%s\nwant:\n%s", got, want)
	}
}

func TestCanonicalURI(t *testing.T) {
	tests := []struct {
		name, rawURL, want string
	}{
		{"empty path", "https://h", "/"},
		{"root", "https://h/", "/"},
		{"slash appended", "https://h/v3/p/cas", "/v3/p/cas/"},
		{"trailing slash kept single", "https://h/v3/p/cas/", "/v3/p/cas/"},
		{"space", "https://h/a%20b/c", "/a%20b/c/"},
		{"plus is literal in a path", "https://h/a+b", "/a%2Bb/"},
		{"unicode", "https://h/caf%C3%A9/%E6%B5%8B", "/caf%C3%A9/%E6%B5%8B/"},
		{"encoded slash stays in its segment", "https://h/a%2Fb/c", "/a%2Fb/c/"},
		{"lower-case escapes upper-cased", "https://h/a%2fb", "/a%2Fb/"},
		{"sub-delims escaped", "https://h/a:b@c!$&'()*,;=", "/a%3Ab%40c%21%24%26%27%28%29%2A%2C%3B%3D/"},
		{"unreserved untouched", "https://h/AZaz09-_.~", "/AZaz09-_.~/"},
		{"empty segments kept", "https://h//a//", "//a//"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.rawURL)
			if err != nil {
				t.Fatal(err)
			}
			if got := canonicalURI(u.EscapedPath()); got != tt.want {
				t.Errorf("canonicalURI(%q) = %q, want %q", u.EscapedPath(), got, tt.want)
			}
		})
	}
}

func TestCanonicalURIFromUnescapedPath(t *testing.T) {
	// A URL built from a decoded path (no RawPath) is escaped by Go first;
	// the canonical form must not depend on which way the URL was built.
	u := &url.URL{Scheme: "https", Host: "h", Path: "/release plans/é"}
	if got, want := canonicalURI(u.EscapedPath()), "/release%20plans/%C3%A9/"; got != want {
		t.Errorf("canonicalURI = %q, want %q", got, want)
	}
}

func TestCanonicalQuery(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"none", "", ""},
		{"keys sorted", "b=2&a=1", "a=1&b=2"},
		{"repeated key values sorted", "k=z&a=0&k=b&k=a", "a=0&k=a&k=b&k=z"},
		{"plus and %20 are both a space", "q=a+b&r=c%20d", "q=a%20b&r=c%20d"},
		{"slash escaped", "path=/a/b", "path=%2Fa%2Fb"},
		{"key without value", "flag&a=1", "a=1&flag="},
		{"empty pairs skipped", "&&a=1&", "a=1"},
		{"key escaped too", "a%20b=1", "a%20b=1"},
		{"unicode", "name=%E6%B5%8B", "name=%E6%B5%8B"},
		{"equals in value", "a=b=c", "a=b%3Dc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := canonicalQuery(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("canonicalQuery(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestCanonicalQueryRejectsInvalidEscape(t *testing.T) {
	if _, err := canonicalQuery("a=%zz"); err == nil {
		t.Error("canonicalQuery accepted an invalid escape")
	}
}

func TestSignDefaults(t *testing.T) {
	now := time.Date(2024, 8, 6, 9, 5, 7, 0, time.FixedZone("CEST", 2*3600))
	req := newRequest(t, http.MethodGet, "https://servicestage.example.com/v3/p/cas/release-plans/x/deploy-info", nil)
	if err := Sign(req, testCred, now); err != nil {
		t.Fatal(err)
	}
	if got, want := req.Header.Get("X-Sdk-Date"), "20240806T070507Z"; got != want {
		t.Errorf("X-Sdk-Date = %q, want %q (UTC)", got, want)
	}
	if access, signed := authorizationParts(t, req); access != "AK" || signed != "host;x-sdk-date" {
		t.Errorf("Access=%q SignedHeaders=%q, want AK and host;x-sdk-date", access, signed)
	}
	if req.Header.Get("X-Security-Token") != "" {
		t.Error("X-Security-Token set without a security token")
	}
}

func TestSignKeepsExistingDate(t *testing.T) {
	req := newRequest(t, http.MethodGet, "https://h/p", nil)
	req.Header.Set("X-Sdk-Date", "20191115T033655Z")
	if err := Sign(req, testCred, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("X-Sdk-Date"); got != "20191115T033655Z" {
		t.Errorf("X-Sdk-Date changed to %q", got)
	}
}

func TestSignRejectsMalformedDate(t *testing.T) {
	req := newRequest(t, http.MethodGet, "https://h/p", nil)
	req.Header.Set("X-Sdk-Date", "2019-11-15T03:36:55Z")
	if err := Sign(req, testCred, time.Now()); err == nil {
		t.Error("Sign accepted a malformed X-Sdk-Date")
	}
}

func TestSignSecurityTokenIsSigned(t *testing.T) {
	req := newRequest(t, http.MethodGet, "https://h/p", nil)
	req.Header.Set("X-Project-Id", "0123456789abcdef0123456789abcdef")
	cred := KeyPair{AccessKey: "AK", SecretKey: "SK", SecurityToken: "sts-token-value"}
	if err := Sign(req, cred, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("X-Security-Token"); got != "sts-token-value" {
		t.Errorf("X-Security-Token = %q", got)
	}
	if _, signed := authorizationParts(t, req); signed != "host;x-project-id;x-sdk-date;x-security-token" {
		t.Errorf("SignedHeaders = %q, want the security token and project ID signed", signed)
	}
	if strings.Contains(req.Header.Get("Authorization"), "sts-token-value") {
		t.Error("the security token leaked into Authorization")
	}
}

func TestSignLeavesPathAlone(t *testing.T) {
	req := newRequest(t, http.MethodGet, "https://h/v3/a%2Fb/c?x=1+2", nil)
	before := req.URL.String()
	if err := Sign(req, testCred, time.Now()); err != nil {
		t.Fatal(err)
	}
	if after := req.URL.String(); after != before {
		t.Errorf("URL changed from %q to %q", before, after)
	}
	if req.URL.EscapedPath() != "/v3/a%2Fb/c" {
		t.Errorf("escaped path changed to %q", req.URL.EscapedPath())
	}
}

func TestSignTrailingSlashDoesNotChangeSignature(t *testing.T) {
	// The canonical URI always ends in "/", so /p and /p/ sign alike.
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	a := newRequest(t, http.MethodGet, "https://h/p", nil)
	b := newRequest(t, http.MethodGet, "https://h/p/", nil)
	for _, req := range []*http.Request{a, b} {
		if err := Sign(req, testCred, now); err != nil {
			t.Fatal(err)
		}
	}
	if a.Header.Get("Authorization") != b.Header.Get("Authorization") {
		t.Error("/p and /p/ signed differently")
	}
}

func TestSignPostBody(t *testing.T) {
	body := `{"action":"execute"}`
	want := hexSHA256([]byte(body))

	t.Run("replayable body", func(t *testing.T) {
		req := newRequest(t, http.MethodPost, "https://h/p", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		canonical, err := signRequest(req, testCred, time.Now(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(canonical, "\ncontent-type;host;x-sdk-date\n"+want) {
			t.Errorf("canonical request does not end with the body hash:\n%s", canonical)
		}
		assertBody(t, req, body)
	})

	t.Run("one-shot body is buffered and restored", func(t *testing.T) {
		req := newRequest(t, http.MethodPost, "https://h/p", io.NopCloser(bytes.NewBufferString(body)))
		req.GetBody = nil
		canonical, err := signRequest(req, testCred, time.Now(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(canonical, "\n"+want) {
			t.Errorf("canonical request does not end with the body hash:\n%s", canonical)
		}
		assertBody(t, req, body)
		if req.GetBody == nil {
			t.Error("GetBody not set after buffering the body")
		}
	})

	t.Run("unsigned payload", func(t *testing.T) {
		req := newRequest(t, http.MethodPost, "https://h/p", strings.NewReader(body))
		req.Header.Set("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD")
		canonical, err := signRequest(req, testCred, time.Now(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(canonical, "\nUNSIGNED-PAYLOAD") {
			t.Errorf("canonical request does not end with UNSIGNED-PAYLOAD:\n%s", canonical)
		}
	})
}

func assertBody(t *testing.T, req *http.Request, want string) {
	t.Helper()
	got, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("body after signing = %q, want %q", got, want)
	}
}

func TestSignHostOverride(t *testing.T) {
	req := newRequest(t, http.MethodGet, "http://127.0.0.1:8080/p", nil)
	req.Host = "servicestage.example.com"
	canonical, err := signRequest(req, testCred, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(canonical, "\nhost:servicestage.example.com\n") {
		t.Errorf("req.Host not used:\n%s", canonical)
	}
}

func TestSignWithHeadersSkipsUnderscoreAndRequiresPresence(t *testing.T) {
	req := newRequest(t, http.MethodGet, "https://h/p", nil)
	req.Header.Set("X_Custom", "v")
	if err := SignWithHeaders(req, testCred, time.Now(), []string{"Host", "X_Custom", "X-Sdk-Date"}); err != nil {
		t.Fatal(err)
	}
	if _, signed := authorizationParts(t, req); signed != "host;x-sdk-date" {
		t.Errorf("SignedHeaders = %q, want host;x-sdk-date", signed)
	}

	req = newRequest(t, http.MethodGet, "https://h/p", nil)
	if err := SignWithHeaders(req, testCred, time.Now(), []string{"x-sdk-date", "x-missing"}); err == nil {
		t.Error("signing an absent header succeeded")
	}
	if err := SignWithHeaders(req, testCred, time.Now(), nil); err == nil {
		t.Error("signing no headers succeeded")
	}
}

func TestSignErrorsNeverContainSecrets(t *testing.T) {
	req := newRequest(t, http.MethodGet, "https://h/p?a=%zz", nil)
	cred := KeyPair{AccessKey: "AK", SecretKey: "very-secret-key", SecurityToken: "very-secret-token"}
	err := Sign(req, cred, time.Now())
	if err == nil {
		t.Fatal("invalid query escape accepted")
	}
	if strings.Contains(err.Error(), "very-secret") {
		t.Errorf("error leaks a secret: %v", err)
	}
	badToken := KeyPair{AccessKey: "AK", SecretKey: "SK", SecurityToken: "very-secret-token\n"}
	if err := Sign(newRequest(t, http.MethodGet, "https://h/", nil), badToken, time.Now()); err == nil || strings.Contains(err.Error(), "very-secret") {
		t.Errorf("security token with a newline: %v, want an error that does not show it", err)
	}
	if err := Sign(newRequest(t, http.MethodGet, "https://h/", nil), KeyPair{AccessKey: "AK"}, time.Now()); err == nil {
		t.Error("signing without a secret key succeeded")
	}
}

func TestSignTrimsHeaderValuesWithoutChangingThem(t *testing.T) {
	req := newRequest(t, http.MethodGet, "https://h/p", nil)
	req.Header.Set("X-Project-Id", "  pid  ")
	canonical, err := signRequest(req, testCred, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(canonical, "\nx-project-id:pid\n") {
		t.Errorf("value not trimmed in the canonical request:\n%s", canonical)
	}
	if got := req.Header.Get("X-Project-Id"); got != "  pid  " {
		t.Errorf("the header itself was changed to %q", got)
	}
}
