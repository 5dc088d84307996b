package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

const actionsRequestToken = "actions-request-token-0001"

// fetchIDToken GETs requestURL (plus the audience parameter, when set)
// with bearer as a runner's job does.
func fetchIDToken(t *testing.T, requestURL, audience, bearer string) (answer, string) {
	t.Helper()
	u := requestURL
	if audience != "" {
		u += "&audience=" + url.QueryEscape(audience)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	a := do(t, http.DefaultTransport, req)
	var body struct {
		Value   string `json:"value"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(a.body, &body)
	a.msg = body.Message
	return a, body.Value
}

// The service's token is minted for the audience asked for (GitHub's
// default without one) and exchanged at IAM like any other.
func TestActionsIDTokenService(t *testing.T) {
	for _, tt := range []struct{ name, audience, clientID string }{
		{"audience asked for", idpClientID, idpClientID},
		{"GitHub's default audience", "", emulator.ActionsDefaultAudience},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, clock, base := startClocked(t)
			srv.AddIdentityProvider(emulator.IdentityProvider{ID: idpID, Issuer: idpIssuer, ClientID: tt.clientID})
			ts, requestURL := srv.StartActionsIDTokenService(actionsRequestToken, idpIssuer)
			t.Cleanup(ts.Close)
			if !strings.HasPrefix(requestURL, ts.URL+"/") || !strings.Contains(requestURL, "?") {
				t.Errorf("request URL %q, want one on %s that carries a query", requestURL, ts.URL)
			}
			a, jwt := fetchIDToken(t, requestURL, tt.audience, actionsRequestToken)
			if a.status != http.StatusOK || jwt == "" {
				t.Fatalf("fetch: HTTP %d %s", a.status, a.body)
			}
			claims := b64JSON(t, strings.Split(jwt, ".")[1])
			if claims["sub"] != emulator.ActionsSubject || claims["exp"] != float64(clock.Now().Add(5*time.Minute).Unix()) {
				t.Errorf("claims %v, want sub %s and a 5-minute lifetime", claims, emulator.ActionsSubject)
			}
			if x := exchange(t, base, idpID, exchangeBody(jwt)); x.status != http.StatusCreated {
				t.Errorf("exchange: HTTP %d %s", x.status, x.body)
			}
			if n := srv.ActionsIDTokenRequests(); n != 1 {
				t.Errorf("ActionsIDTokenRequests %d, want 1", n)
			}
		})
	}
}

// A wrong or missing bearer token is 401 in GitHub's shape, without the
// token; other paths are 404. Every request is recorded on its listener.
func TestActionsIDTokenRefusals(t *testing.T) {
	srv, _, _ := startClocked(t)
	ts, requestURL := srv.StartActionsIDTokenService(actionsRequestToken, idpIssuer)
	t.Cleanup(ts.Close)
	for _, tt := range []struct{ name, bearer string }{{"wrong", "another-token"}, {"missing", ""}} {
		a, jwt := fetchIDToken(t, requestURL, idpClientID, tt.bearer)
		if a.status != http.StatusUnauthorized || jwt != "" || a.msg == "" {
			t.Errorf("%s bearer: HTTP %d %s, want 401 with a message and no token", tt.name, a.status, a.body)
		}
		wantNoneOf(t, tt.name, a.body, actionsRequestToken, "another-token")
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, ts.URL+"/elsewhere", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+actionsRequestToken)
	if a := do(t, http.DefaultTransport, req); a.status != http.StatusNotFound {
		t.Errorf("another path: HTTP %d, want 404", a.status)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 || srv.ActionsIDTokenRequests() != 3 {
		t.Fatalf("%d requests recorded, %d counted, want 3", len(reqs), srv.ActionsIDTokenRequests())
	}
	for _, r := range reqs {
		if r.Listener != emulator.ListenerActions || r.Status == 0 || !strings.HasPrefix(r.Path, "/") {
			t.Errorf("recorded %+v, want the actions listener with its path and status", r)
		}
	}
	if got := reqs[0].Header.Get("Authorization"); got != "Bearer another-token" {
		t.Errorf("recorded Authorization %q, want the one sent", got)
	}
}
