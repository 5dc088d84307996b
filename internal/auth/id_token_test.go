package auth

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const testActionsRequestToken = "ACTIONS-REQUEST-TOKEN-DO-NOT-LEAK"

// fakeActions is a GitHub Actions runner's ID token service handing out jwt.
func fakeActions(t *testing.T, jwt string) *fakeServer {
	return newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int, _ []byte) {
		if r.Method != http.MethodGet || r.Header.Get("Authorization") != "Bearer "+testActionsRequestToken {
			http.Error(w, "unexpected request", http.StatusUnauthorized)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"count": 1, "value": jwt})
	})
}

func actionsConfig(srv *fakeServer, requestURL, audience string) GitHubActionsConfig {
	return GitHubActionsConfig{RequestURL: requestURL, RequestToken: testActionsRequestToken, Audience: audience,
		Sender: Sender{HTTPClient: srv.Client(), UserAgent: "terraform-provider-servicestage/test"}}
}

func TestGitHubActionsIDTokenRequest(t *testing.T) {
	tests := []struct {
		name, path, audience string
		wantQuery            url.Values
	}{
		{"audience appended to the runner's query", "/_apis/token?api-version=2.0", testAudience,
			url.Values{"api-version": {"2.0"}, "audience": {testAudience}}},
		{"audience escaped", "/_apis/token?api-version=2.0", "api://servicestage ci&x=1",
			url.Values{"api-version": {"2.0"}, "audience": {"api://servicestage ci&x=1"}}},
		{"no audience parameter when unset", "/_apis/token?api-version=2.0", "",
			url.Values{"api-version": {"2.0"}}},
		{"a URL without a query", "/_apis/token", testAudience,
			url.Values{"audience": {testAudience}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jwt := testJWT(t, clockStart.Add(time.Hour))
			srv := fakeActions(t, jwt)
			got, err := GitHubActionsIDToken(actionsConfig(srv, srv.URL+tt.path, tt.audience)).IDToken(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if got != jwt {
				t.Errorf("ID token %q, want the answer's value", got)
			}
			reqs := srv.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			req := reqs[0]
			query, err := url.ParseQuery(req.RawQuery)
			if err != nil {
				t.Fatal(err)
			}
			if req.Method != http.MethodGet || req.Path != "/_apis/token" || query.Encode() != tt.wantQuery.Encode() {
				t.Errorf("sent %s %s?%s, want GET /_apis/token?%s", req.Method, req.Path, req.RawQuery, tt.wantQuery.Encode())
			}
			if got := req.Header.Get("Authorization"); got != "Bearer "+testActionsRequestToken {
				t.Errorf("Authorization = %q, want the request token as a Bearer token", got)
			}
			if got := req.Header.Get("User-Agent"); got != "terraform-provider-servicestage/test" {
				t.Errorf("User-Agent = %q", got)
			}
		})
	}
}

func TestGitHubActionsIDTokenErrorsNeverShowTheRequestToken(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{"refused, JSON echoing the token", http.StatusForbidden,
			`{"message":"token ` + testActionsRequestToken + ` may not ask for an ID token"}`, []string{"403", "id-token: write"}},
		{"refused, text echoing the token past the excerpt's cut", http.StatusUnauthorized,
			strings.Repeat("x", maxErrorSnippet-25) + " Bearer " + testActionsRequestToken, []string{"401", "id-token: write"}},
		{"answer without a value", http.StatusOK, `{"count":0}`, []string{"value", "ACTIONS_ID_TOKEN_REQUEST_URL"}},
		{"answer that is not JSON", http.StatusOK, testActionsRequestToken, []string{"value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ []byte) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			_, err := GitHubActionsIDToken(actionsConfig(srv, srv.URL+"/_apis/token?api-version=2.0", testAudience)).IDToken(t.Context())
			if err == nil {
				t.Fatal("IDToken succeeded")
			}
			assertContains(t, "error", err.Error(), tt.want...)
			assertLacks(t, "error", err.Error(), testActionsRequestToken, testActionsRequestToken[:10])
		})
	}
}

func TestGitHubActionsIDTokenUnreachable(t *testing.T) {
	cfg := GitHubActionsConfig{RequestURL: closedURL(t) + "/_apis/token?api-version=2.0", RequestToken: testActionsRequestToken}
	_, err := GitHubActionsIDToken(cfg).IDToken(t.Context())
	if err == nil {
		t.Fatal("IDToken succeeded with nothing listening")
	}
	assertContains(t, "error", err.Error(), "GitHub Actions", "ACTIONS_ID_TOKEN_REQUEST_URL")
	assertLacks(t, "error", err.Error(), testActionsRequestToken)
}

func TestGitHubActionsIDTokenEmptyRequestTokenLeavesTheMessageAlone(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ []byte) {
		writeJSON(w, http.StatusForbidden, map[string]string{"message": "denied"})
	})
	cfg := actionsConfig(srv, srv.URL+"/_apis/token", "")
	cfg.RequestToken = ""
	_, err := GitHubActionsIDToken(cfg).IDToken(t.Context())
	if err == nil || !strings.Contains(err.Error(), `"denied"`) {
		t.Errorf("error %v, want the runner's message as it is", err)
	}
}

// On GitHub Actions each exchange fetches a new ID token from the runner,
// and a refusal is not remembered: the next token may be accepted.
func TestOIDCSourceFromGitHubActions(t *testing.T) {
	clock := newFakeClock()
	jwt := testJWT(t, clock.Now().Add(5*time.Minute))
	actions := fakeActions(t, jwt)
	iam := fakeOIDCIAM(t, clock, false)
	idToken := GitHubActionsIDToken(actionsConfig(actions, actions.URL+"/_apis/token?api-version=2.0", testAudience))
	src := NewOIDCSource(oidcConfig(iam, clock, idToken))

	for range 2 {
		if _, err := src.Retrieve(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if actions.count() != 2 || iam.count() != 2 {
		t.Errorf("%d ID token fetches and %d exchanges, want 2 and 2", actions.count(), iam.count())
	}
	for _, req := range iam.requests() {
		assertLacks(t, "exchange sent to IAM", string(req.Body)+req.Header.Get("Authorization"), testActionsRequestToken)
	}

	refusing := fakeOIDCIAM(t, clock, true)
	cache := NewCache(NewOIDCSource(oidcConfig(refusing, clock, idToken)), clock.Now)
	err := mustFail(t, cache)
	if asError[*IAMError](t, err).Lasting() {
		t.Error("a refusal of a fetched ID token lasts")
	}
	assertLacks(t, "error", err.Error(), jwt, testJWTSignature, testActionsRequestToken)
	_ = mustFail(t, cache)
	if refusing.count() != 2 {
		t.Errorf("%d exchanges for two reads, want 2", refusing.count())
	}
}
