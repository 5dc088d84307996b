package emulator_test

// These tests drive the emulator over real HTTP, the way the provider does,
// to show that it refuses what the real gateway and IAM refuse. Requests are
// signed with the provider's signer; the emulator verifies them with its own
// independent implementation (signature.go).

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

const (
	project      = "9f2d4c1a7b3e4f6a8c0d2e4f6a8b0c1d"
	regionName   = "ap-southeast-3"
	releasePlan  = "5d0c3f6e-2a1b-4c8d-9e7f-0a1b2c3d4e5f"
	token        = "MIItest-token"
	accessKey    = "TESTACCESSKEY0000001"
	secretKey    = "test-secret-key"
	tempKey      = "TEMPACCESSKEY0000001"
	tempSecret   = "temp-secret-key"
	tempSecToken = "temp-security-token"
	userName     = "release-bot"
	password     = "test-password"
	domainName   = "example-domain"
	userAgent    = "emulator-auth-test/1.0"
)

// start serves an emulator that knows one of each credential and one task.
func start(t *testing.T) (*emulator.Server, string) {
	t.Helper()
	srv := emulator.New()
	srv.AddRegionProject(regionName, project)
	srv.AddToken(token, project, time.Now().Add(time.Hour))
	srv.AddAccessKey(emulator.AccessKey{AccessKey: accessKey, SecretKey: secretKey})
	srv.AddAccessKey(emulator.AccessKey{AccessKey: tempKey, SecretKey: tempSecret, SecurityToken: tempSecToken})
	srv.AddUser(emulator.User{Name: userName, Password: password, Domain: domainName})
	srv.AddTask(project, releasePlan, emulator.Step{Body: emulator.DeployInfoJSON(releasePlan)})
	ts := srv.Start()
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// answer is the part of a response the tests look at.
type answer struct {
	status    int
	code, msg string
	requestID string
	header    http.Header
	body      []byte
}

func do(t *testing.T, rt http.RoundTripper, req *http.Request) answer {
	t.Helper()
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, body: body, requestID: resp.Header.Get("X-Request-Id")}
	var e struct {
		ErrorCode string `json:"error_code"`
		ErrorMsg  string `json:"error_msg"`
		RequestID string `json:"request_id"`
	}
	if json.Unmarshal(body, &e) == nil {
		a.code, a.msg = e.ErrorCode, e.ErrorMsg
		if e.RequestID != "" && e.RequestID != a.requestID {
			t.Errorf("body request_id %q differs from X-Request-Id %q", e.RequestID, a.requestID)
		}
	}
	return a
}

// deployInfo builds the GET the provider sends.
func deployInfo(t *testing.T, base string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet,
		base+"/v3/"+project+"/cas/release-plans/"+releasePlan+"/deploy-info", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json;charset=utf8")
	req.Header.Set("User-Agent", userAgent)
	return req
}

func withToken(t *testing.T, base, tok string) *http.Request {
	req := deployInfo(t, base)
	req.Header.Set("X-Auth-Token", tok)
	return req
}

// signer signs with the given credentials as if at now+offset.
func signer(cred auth.KeyPair, offset time.Duration) http.RoundTripper {
	return &auth.SigningTransport{Credentials: cred, Now: func() time.Time { return time.Now().Add(offset) }}
}

func wantRejected(t *testing.T, a answer, msgFragment string) {
	t.Helper()
	if a.status != http.StatusUnauthorized || a.code != "APIGW.0301" || !strings.Contains(a.msg, msgFragment) {
		t.Errorf("got HTTP %d %s %q, want 401 APIGW.0301 containing %q", a.status, a.code, a.msg, msgFragment)
	}
	if len(a.requestID) != 32 {
		t.Errorf("request ID %q, want 32 hex digits", a.requestID)
	}
}

func wantOK(t *testing.T, a answer) {
	t.Helper()
	if a.status != http.StatusOK {
		t.Errorf("got HTTP %d %s %q, want 200", a.status, a.code, a.msg)
	}
}

// lastAuth is how the emulator recorded the last request's authentication.
func lastAuth(t *testing.T, srv *emulator.Server) emulator.Request {
	t.Helper()
	reqs := srv.Requests()
	if len(reqs) == 0 {
		t.Fatal("the emulator recorded no request")
	}
	return reqs[len(reqs)-1]
}

func TestTokenChecks(t *testing.T) {
	srv, base := start(t)
	srv.AddToken("expired", project, time.Now().Add(-time.Second))

	wantOK(t, do(t, http.DefaultTransport, withToken(t, base, token)))
	if r := lastAuth(t, srv); r.Auth != "token" || r.Status != http.StatusOK || r.UserAgent != userAgent {
		t.Errorf("recorded %+v, want Auth token, 200 and the User-Agent", r)
	}
	wantRejected(t, do(t, http.DefaultTransport, withToken(t, base, "no-such-token")), "decrypt token fail")
	wantRejected(t, do(t, http.DefaultTransport, withToken(t, base, "expired")), "token expires")
	wantRejected(t, do(t, http.DefaultTransport, deployInfo(t, base)), "Authorization not found")
	if r := lastAuth(t, srv); r.Auth != "" || r.Status != http.StatusUnauthorized {
		t.Errorf("recorded %+v for a refused request, want no Auth and 401", r)
	}
}

func TestRevokeTokens(t *testing.T) {
	srv, base := start(t)
	wantOK(t, do(t, http.DefaultTransport, withToken(t, base, token)))
	srv.RevokeTokens()
	wantRejected(t, do(t, http.DefaultTransport, withToken(t, base, token)), "decrypt token fail")
}

func TestAKSKChecks(t *testing.T) {
	srv, base := start(t)
	good := auth.KeyPair{AccessKey: accessKey, SecretKey: secretKey}

	wantOK(t, do(t, signer(good, 0), deployInfo(t, base)))
	if r := lastAuth(t, srv); r.Auth != "aksk" || r.Status != http.StatusOK {
		t.Errorf("recorded %+v, want Auth aksk and 200", r)
	}

	wrong := do(t, signer(auth.KeyPair{AccessKey: accessKey, SecretKey: "wrong"}, 0), deployInfo(t, base))
	wantRejected(t, wrong, "verify aksk signature fail")
	// The gateway echoes its canonical request, newlines as "|".
	if !strings.Contains(wrong.msg, "CanonicalRequest: GET|/v3/"+project+"/cas/release-plans/"+releasePlan+"/deploy-info/|") {
		t.Errorf("message %q does not echo the canonical request", wrong.msg)
	}

	wantRejected(t, do(t, signer(auth.KeyPair{AccessKey: "UNKNOWNKEY", SecretKey: secretKey}, 0), deployInfo(t, base)),
		"ak UNKNOWNKEY not exist")
}

func TestAKSKClockSkew(t *testing.T) {
	_, base := start(t)
	good := auth.KeyPair{AccessKey: accessKey, SecretKey: secretKey}
	for _, tt := range []struct {
		name   string
		offset time.Duration
		ok     bool
	}{
		{"14 minutes slow", -14 * time.Minute, true},
		{"14 minutes fast", 14 * time.Minute, true},
		{"16 minutes slow", -16 * time.Minute, false},
		{"16 minutes fast", 16 * time.Minute, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, signer(good, tt.offset), deployInfo(t, base))
			if tt.ok {
				wantOK(t, a)
			} else {
				wantRejected(t, a, "differs from the server time")
			}
		})
	}
}

func TestAKSKSecurityToken(t *testing.T) {
	_, base := start(t)
	temp := auth.KeyPair{AccessKey: tempKey, SecretKey: tempSecret, SecurityToken: tempSecToken}
	wantOK(t, do(t, signer(temp, 0), deployInfo(t, base)))

	wrongToken := temp
	wrongToken.SecurityToken = "another-token"
	a := do(t, signer(wrongToken, 0), deployInfo(t, base))
	wantRejected(t, a, "security token is missing or invalid")
	if strings.Contains(string(a.body), "another-token") {
		t.Errorf("the answer echoes the security token: %s", a.body)
	}

	noToken := temp
	noToken.SecurityToken = ""
	wantRejected(t, do(t, signer(noToken, 0), deployInfo(t, base)), "security token is missing or invalid")

	// A signature made with the token, sent with a different one, fails the
	// signature itself: the token is signed.
	req := deployInfo(t, base)
	if err := auth.Sign(req, temp, time.Now()); err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Security-Token", "swapped")
	wantRejected(t, do(t, http.DefaultTransport, req), "verify aksk signature fail")
}

// iamLogin posts a password login scoped by project ID or region name.
func iamLogin(t *testing.T, base, user, pass, projectID, region string) answer {
	t.Helper()
	scope := map[string]string{"id": projectID}
	if projectID == "" {
		scope = map[string]string{"name": region}
	}
	body, err := json.Marshal(map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{
			"user": map[string]any{"name": user, "password": pass, "domain": map[string]any{"name": domainName}}}},
		"scope": map[string]any{"project": scope},
	}})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/v3/auth/tokens?nocatalog=true", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json;charset=utf8")
	req.Header.Set("User-Agent", userAgent)
	return do(t, http.DefaultTransport, req)
}

// issuedProject is token.project.id of a successful login.
func issuedProject(t *testing.T, a answer) string {
	t.Helper()
	var parsed struct {
		Token struct {
			ExpiresAt string `json:"expires_at"`
			Project   struct {
				ID string `json:"id"`
			} `json:"project"`
		} `json:"token"`
	}
	if err := json.Unmarshal(a.body, &parsed); err != nil {
		t.Fatalf("token body %s: %v", a.body, err)
	}
	expires, err := time.Parse(time.RFC3339, parsed.Token.ExpiresAt)
	if err != nil || time.Until(expires) < 23*time.Hour {
		t.Errorf("expires_at %q (%v), want about 24 hours from now in RFC 3339", parsed.Token.ExpiresAt, err)
	}
	return parsed.Token.Project.ID
}

func TestIAMIssuesUsableTokens(t *testing.T) {
	srv, base := start(t)
	for _, scope := range []struct{ name, projectID, region string }{
		{"by project", project, ""},
		{"by region", "", regionName},
	} {
		t.Run(scope.name, func(t *testing.T) {
			before := srv.TokensIssued()
			a := iamLogin(t, base, userName, password, scope.projectID, scope.region)
			issued := a.header.Get("X-Subject-Token")
			if a.status != http.StatusCreated || issued == "" {
				t.Fatalf("login: HTTP %d, X-Subject-Token %q, body %s; want 201 and a token", a.status, issued, a.body)
			}
			if got := issuedProject(t, a); got != project {
				t.Errorf("token.project.id %q, want %q", got, project)
			}
			if n := srv.TokensIssued(); n != before+1 {
				t.Errorf("TokensIssued %d, want %d", n, before+1)
			}
			if r := lastAuth(t, srv); r.Path != "/v3/auth/tokens" || r.Status != http.StatusCreated || r.UserAgent != userAgent {
				t.Errorf("recorded %+v, want the login with 201 and the User-Agent", r)
			}
			wantOK(t, do(t, http.DefaultTransport, withToken(t, base, issued)))
		})
	}
}

func TestIAMRefusals(t *testing.T) {
	srv, base := start(t)
	for _, tt := range []struct {
		name, user, pass, projectID, region string
		status                              int
		code, msg                           string
	}{
		{"wrong password", userName, "wrong", project, "", http.StatusUnauthorized, "IAM.1101", "The username or password is wrong."},
		{"unknown user", "nobody", password, project, "", http.StatusUnauthorized, "IAM.1101", "The username or password is wrong."},
		{"unknown project", userName, password, "0000000000000000000000000000beef", "", http.StatusBadRequest, "IAM.1000", "The project in the scope does not exist"},
		{"unknown region", userName, password, "", "xx-nowhere-1", http.StatusBadRequest, "IAM.1000", "The project in the scope does not exist"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := iamLogin(t, base, tt.user, tt.pass, tt.projectID, tt.region)
			if a.status != tt.status || a.code != tt.code || a.msg != tt.msg || len(a.requestID) != 32 {
				t.Errorf("got HTTP %d %s %q (request ID %q), want %d %s %q with a request ID",
					a.status, a.code, a.msg, a.requestID, tt.status, tt.code, tt.msg)
			}
			if tok := a.header.Get("X-Subject-Token"); tok != "" {
				t.Errorf("a refused login carries X-Subject-Token %q", tok)
			}
		})
	}
	if n := srv.TokensIssued(); n != 0 {
		t.Errorf("TokensIssued %d after refused logins only, want 0", n)
	}
}
