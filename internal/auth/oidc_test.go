package auth

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	testIdpID    = "github-actions-idp"
	testIssuer   = "https://token.actions.githubusercontent.com"
	testAudience = "servicestage-ci"
	// testJWTSignature is the signature part of the test JWTs: a message
	// that shows it shows the token.
	testJWTSignature = "SIGNATURE-DO-NOT-LEAK"
)

func testJWT(t *testing.T, expires time.Time) string {
	return makeJWT(t, map[string]any{"iss": testIssuer, "aud": testAudience, "exp": expires.Unix(),
		"sub": "repo:example/infra:ref:refs/heads/main"}, testJWTSignature)
}

// fakeOIDCIAM answers the ID token exchange with oidc-token-1, -2, ...; or,
// when refuse is set, with a 401 that echoes the ID token.
func fakeOIDCIAM(t *testing.T, clock *fakeClock, refuse bool) *fakeServer {
	return newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int, body []byte) {
		if r.Method != http.MethodPost || r.URL.Path != "/v3.0/OS-AUTH/id-token/tokens" {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
			return
		}
		if refuse {
			w.Header().Set("X-Request-Id", "req-oidc")
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{
				"code": "IAM.1019", "message": "Invalid id_token " + string(body), "title": "Unauthorized"}})
			return
		}
		w.Header().Set("X-Subject-Token", fmt.Sprintf("oidc-token-%d", n))
		writeJSON(w, http.StatusCreated, map[string]any{"token": map[string]any{
			"expires_at": iamTime(clock.Now().Add(24 * time.Hour)), "methods": []string{"mapped"},
			"project": map[string]any{"id": "0123456789abcdef0123456789abcdef", "name": "ap-southeast-3"},
		}})
	})
}

func oidcConfig(iam *fakeServer, clock *fakeClock, idToken IDTokenSource) OIDCConfig {
	return OIDCConfig{
		AuthURL: iam.URL + "/v3", IdpID: testIdpID,
		ProjectID: "0123456789abcdef0123456789abcdef", Region: "ap-southeast-3",
		IDToken: idToken, Sender: Sender{HTTPClient: iam.Client(), UserAgent: "terraform-provider-servicestage/test"}, Now: clock.Now,
	}
}

func TestOIDCSourceRequest(t *testing.T) {
	tests := []struct {
		name      string
		projectID string
		scope     map[string]any
	}{
		{"scoped by project ID", "0123456789abcdef0123456789abcdef", map[string]any{"id": "0123456789abcdef0123456789abcdef"}},
		{"scoped by region name", "", map[string]any{"name": "ap-southeast-3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			iam := fakeOIDCIAM(t, clock, false)
			jwt := testJWT(t, clock.Now().Add(5*time.Minute))
			cfg := oidcConfig(iam, clock, IDTokenValue(jwt+"\n"))
			cfg.ProjectID = tt.projectID

			cred, err := NewOIDCSource(cfg).Retrieve(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if cred.Token != "oidc-token-1" || cred.ProjectID != "0123456789abcdef0123456789abcdef" ||
				!cred.ExpiresAt.Equal(clockStart.Add(24*time.Hour)) {
				t.Errorf("credential %+v, want oidc-token-1 from X-Subject-Token, its project and expiry", cred)
			}
			reqs := iam.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			req := reqs[0]
			if req.Path != "/v3.0/OS-AUTH/id-token/tokens" || req.RawQuery != "" {
				t.Errorf("sent to %s?%s, want /v3.0/OS-AUTH/id-token/tokens", req.Path, req.RawQuery)
			}
			if got := req.Header.Get("X-Idp-Id"); got != testIdpID {
				t.Errorf("X-Idp-Id = %q, want %q", got, testIdpID)
			}
			if got := req.Header.Get("Content-Type"); got != "application/json;charset=utf8" {
				t.Errorf("Content-Type = %q", got)
			}
			if got := req.Header.Get("User-Agent"); got != "terraform-provider-servicestage/test" {
				t.Errorf("User-Agent = %q", got)
			}
			want := map[string]any{"auth": map[string]any{
				"id_token": map[string]any{"id": jwt},
				"scope":    map[string]any{"project": tt.scope},
			}}
			if got := req.bodyJSON(t); !reflect.DeepEqual(got, want) {
				t.Errorf("body\n%v\nwant\n%v", got, want)
			}
		})
	}
}

func TestOIDCSourceRefusal(t *testing.T) {
	tests := []struct {
		name    string
		expires time.Duration // from the clock's now
		want    []string
	}{
		{"token still valid", 5 * time.Minute, []string{iamTime(clockStart.Add(5 * time.Minute))[:19]}},
		{"token expired", -time.Minute, []string{"(expired)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			iam := fakeOIDCIAM(t, clock, true)
			jwt := testJWT(t, clock.Now().Add(tt.expires))
			_, err := NewOIDCSource(oidcConfig(iam, clock, IDTokenValue(jwt))).Retrieve(t.Context())

			iamErr := asError[*IAMError](t, err)
			if iamErr.Exchange != IDTokenExchange || iamErr.StatusCode != http.StatusUnauthorized || iamErr.Code != "IAM.1019" {
				t.Errorf("IAMError %+v, want the ID token exchange's 401 IAM.1019", iamErr)
			}
			msg := err.Error()
			assertContains(t, "error", msg, append([]string{"idp_id", testIdpID, testIssuer, testAudience, "audience",
				"expir", "req-oidc", "IAM.1019", "id_token"}, tt.want...)...)
			assertLacks(t, "error", msg, jwt, testJWTSignature, strings.Split(jwt, ".")[1])
			if !iamErr.Lasting() {
				t.Error("the refusal of an ID token given as a value does not last; asking again cannot change it")
			}
		})
	}
}

func TestOIDCSourceRefusalNamesEveryAudience(t *testing.T) {
	clock := newFakeClock()
	iam := fakeOIDCIAM(t, clock, true)
	jwt := makeJWT(t, map[string]any{"iss": testIssuer, "aud": []string{"aud-one", "aud-two"}}, testJWTSignature)
	_, err := NewOIDCSource(oidcConfig(iam, clock, IDTokenValue(jwt))).Retrieve(t.Context())
	if err == nil {
		t.Fatal("Retrieve succeeded against a refusing IAM")
	}
	assertContains(t, "error", err.Error(), "aud-one", "aud-two")
	assertLacks(t, "error", err.Error(), testJWTSignature)
}

func TestOIDCSourceRejectsWhatIsNotAJWT(t *testing.T) {
	for _, token := range []string{"not-a-jwt-SECRET", "a.b", "a.!!!.c", "a." + "bm90IGpzb24" + ".c"} {
		t.Run(token, func(t *testing.T) {
			clock := newFakeClock()
			iam := fakeOIDCIAM(t, clock, false)
			_, err := NewOIDCSource(oidcConfig(iam, clock, IDTokenValue(token))).Retrieve(t.Context())
			if err == nil || !strings.Contains(err.Error(), "not a JWT") {
				t.Fatalf("error %v, want one saying the ID token is not a JWT", err)
			}
			assertLacks(t, "error", err.Error(), token)
			if iam.count() != 0 {
				t.Error("IAM was sent something that is not a JWT")
			}
		})
	}
}

func TestOIDCSourceNeedsScope(t *testing.T) {
	clock := newFakeClock()
	iam := fakeOIDCIAM(t, clock, false)
	cfg := oidcConfig(iam, clock, IDTokenValue(testJWT(t, clock.Now().Add(time.Hour))))
	cfg.ProjectID, cfg.Region = "", ""
	_, err := NewOIDCSource(cfg).Retrieve(t.Context())
	if err == nil || !strings.Contains(err.Error(), "project_id or region") {
		t.Errorf("error %v, want one asking for project_id or region", err)
	}
	if iam.count() != 0 {
		t.Error("IAM was called without a scope")
	}
}

func TestOIDCSourceNeedsSubjectToken(t *testing.T) {
	clock := newFakeClock()
	iam := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ []byte) {
		writeJSON(w, http.StatusCreated, map[string]any{"token": map[string]any{}})
	})
	_, err := NewOIDCSource(oidcConfig(iam, clock, IDTokenValue(testJWT(t, clock.Now().Add(time.Hour))))).Retrieve(t.Context())
	if err == nil || !strings.Contains(err.Error(), "X-Subject-Token") {
		t.Errorf("error %v, want one about the missing X-Subject-Token", err)
	}
}

func writeIDTokenFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestOIDCSourceReadsTheIDTokenFileAtEachExchange(t *testing.T) {
	clock := newFakeClock()
	iam := fakeOIDCIAM(t, clock, false)
	path := filepath.Join(t.TempDir(), "id_token")
	first := testJWT(t, clock.Now().Add(10*time.Minute))
	writeIDTokenFile(t, path, first+"\n")
	src := NewOIDCSource(oidcConfig(iam, clock, IDTokenFile(path)))

	if _, err := src.Retrieve(t.Context()); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	second := testJWT(t, clock.Now().Add(10*time.Minute)) // the issuer rewrote the file
	writeIDTokenFile(t, path, second)
	if _, err := src.Retrieve(t.Context()); err != nil {
		t.Fatal(err)
	}

	var sent []string
	for _, req := range iam.requests() {
		body := req.bodyJSON(t)
		sent = append(sent, body["auth"].(map[string]any)["id_token"].(map[string]any)["id"].(string))
	}
	if !reflect.DeepEqual(sent, []string{first, second}) {
		t.Errorf("exchanged %d tokens, the file's %v: want the first then the rewritten one", len(sent), sent[0] == first)
	}
}

func TestOIDCFileRefusalDoesNotLast(t *testing.T) {
	clock := newFakeClock()
	iam := fakeOIDCIAM(t, clock, true)
	path := filepath.Join(t.TempDir(), "id_token")
	writeIDTokenFile(t, path, testJWT(t, clock.Now().Add(10*time.Minute)))
	cache := NewCache(NewOIDCSource(oidcConfig(iam, clock, IDTokenFile(path))), clock.Now)

	err := mustFail(t, cache)
	if asError[*IAMError](t, err).Lasting() {
		t.Error("the refusal of a token read from a file lasts, though the file may hold another one next time")
	}
	assertContains(t, "error", err.Error(), "id_token_file", path)
	_ = mustFail(t, cache)
	if n := iam.count(); n != 2 {
		t.Errorf("%d exchanges for two reads, want 2: a token file's refusal is not remembered", n)
	}
}

func TestIDTokenFileErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	writeIDTokenFile(t, empty, " \n")
	missing := filepath.Join(dir, "missing")
	tests := []struct {
		path string
		want []string
	}{
		{missing, []string{"id_token_file", missing}},
		{empty, []string{"id_token_file", empty, "empty"}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			clock := newFakeClock()
			iam := fakeOIDCIAM(t, clock, false)
			cache := NewCache(NewOIDCSource(oidcConfig(iam, clock, IDTokenFile(tt.path))), clock.Now)
			err := mustFail(t, cache)
			assertContains(t, "error", err.Error(), tt.want...)
			var lasting interface{ Lasting() bool }
			if errors.As(err, &lasting) && lasting.Lasting() {
				t.Error("a file not written yet is remembered as a lasting failure")
			}
			if iam.count() != 0 {
				t.Error("IAM was called without an ID token")
			}
			// The CI writes the file later: the next read uses it.
			writeIDTokenFile(t, tt.path, testJWT(t, clock.Now().Add(time.Hour)))
			if got := mustToken(t, cache); got != "oidc-token-1" {
				t.Errorf("after the file was written got %q, want oidc-token-1", got)
			}
		})
	}
}

func TestIDTokenSourcesNameThemselvesWithoutTheToken(t *testing.T) {
	jwt := testJWT(t, clockStart)
	for _, src := range []IDTokenSource{IDTokenValue(jwt), IDTokenFile("/run/secrets/id_token"),
		GitHubActionsIDToken(GitHubActionsConfig{RequestURL: "https://runner/token?x=1", RequestToken: "actions-request-token"})} {
		name := src.String()
		if name == "" {
			t.Errorf("%T has no name", src)
		}
		assertLacks(t, "name", name, jwt, "actions-request-token")
	}
}
