package emulator_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

const (
	idpID       = "github-ci"
	idpIssuer   = "https://token.actions.githubusercontent.com"
	idpClientID = "servicestage-ci"
	idTokenPath = "/v3.0/OS-AUTH/id-token/tokens"
	ciSubject   = "repo:octo-org/octo-repo:ref:refs/heads/main"
)

// withIdP is startClocked with one OpenID Connect identity provider.
func withIdP(t *testing.T) (*emulator.Server, *fakeClock, string) {
	t.Helper()
	srv, clock, base := startClocked(t)
	srv.AddIdentityProvider(emulator.IdentityProvider{ID: idpID, Issuer: idpIssuer, ClientID: idpClientID})
	return srv, clock, base
}

// exchangeBody is the contract's body, scoped by project ID.
func exchangeBody(jwt string) string {
	return `{"auth":{"id_token":{"id":"` + jwt + `"},"scope":{"project":{"id":"` + project + `"}}}}`
}

// exchange posts body with X-Idp-Id idp ("" for none).
func exchange(t *testing.T, base, idp, body string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+idTokenPath, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json;charset=utf8")
	if idp != "" {
		req.Header.Set("X-Idp-Id", idp)
	}
	return do(t, http.DefaultTransport, req)
}

// An ID token that passes the checks becomes a token for its project,
// valid TokenLifetime on the emulator's clock.
func TestIDTokenExchange(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		lifetime   time.Duration
	}{
		{"by project ID", "", 0},
		{"by region name", `{"auth":{"id_token":{"id":"JWT"},"scope":{"project":{"name":"` + regionName + `"}}}}`, time.Hour},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, clock, base := withIdP(t)
			srv.TokenLifetime = tt.lifetime
			jwt := srv.MintIDToken(idpIssuer, idpClientID, ciSubject, 5*time.Minute)
			body := exchangeBody(jwt)
			if tt.body != "" {
				body = strings.Replace(tt.body, "JWT", jwt, 1)
			}
			a := exchange(t, base, idpID, body)
			issued := a.header.Get("X-Subject-Token")
			if a.status != http.StatusCreated || issued == "" {
				t.Fatalf("exchange: HTTP %d, X-Subject-Token %q, body %s", a.status, issued, a.body)
			}
			var parsed struct {
				Token struct {
					Methods []string `json:"methods"`
					Project struct {
						ID string `json:"id"`
					} `json:"project"`
					User struct {
						Name string `json:"name"`
					} `json:"user"`
				} `json:"token"`
			}
			decode(t, a.body, &parsed)
			if tk := parsed.Token; len(tk.Methods) != 1 || tk.Methods[0] != "mapped" || tk.Project.ID != project || tk.User.Name != ciSubject {
				t.Errorf("token %+v, want methods [mapped], project %s, user %s", tk, project, ciSubject)
			}
			lifetime := tt.lifetime
			if lifetime == 0 {
				lifetime = 24 * time.Hour
			}
			wantExpiresAt(t, a.body, clock.Now().Add(lifetime))
			if n, m := srv.IDTokenExchanges(), srv.TokensIssued(); n != 1 || m != 0 {
				t.Errorf("IDTokenExchanges %d and TokensIssued %d, want 1 and 0", n, m)
			}

			clock.advance(lifetime - time.Second)
			wantOK(t, do(t, http.DefaultTransport, withToken(t, base, issued)))
			clock.advance(time.Second)
			wantRejected(t, do(t, http.DefaultTransport, withToken(t, base, issued)), "token expires")
		})
	}
}

// Each failed check of the ID token is IAM's 401 naming the check, and
// no refusal quotes the token or any part of it.
func TestIDTokenRefusals(t *testing.T) {
	srv, clock, base := withIdP(t)
	good := srv.MintIDToken(idpIssuer, idpClientID, ciSubject, 5*time.Minute)
	parts := strings.Split(good, ".")
	other := emulator.New() // its key is another issuer's
	other.Now = clock.Now
	shortLived := srv.MintIDToken(idpIssuer, idpClientID, ciSubject, time.Minute)

	tokens := []struct{ name, jwt, fragment string }{
		{"not a JWT", "not-a-jwt", "not a JWT"},
		{"not base64url", "eyJhbGciOiJIUzI1NiJ9.not*base64.c2lnbmF0dXJl", "not a JWT"},
		{"signed by another key", other.MintIDToken(idpIssuer, idpClientID, ciSubject, 5*time.Minute), "signature"},
		{"claims changed", parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(
			`{"iss":"`+idpIssuer+`","aud":"`+idpClientID+`","sub":"someone-else","exp":4102444800}`)) + "." + parts[2], "signature"},
		{"another issuer", srv.MintIDToken("https://gitlab.example.com", idpClientID, ciSubject, 5*time.Minute),
			"issuer (iss) is not identity provider " + idpID + "'s issuer " + idpIssuer},
		{"another audience", srv.MintIDToken(idpIssuer, "https://github.com/octo-org", ciSubject, 5*time.Minute),
			"audience (aud) does not include identity provider " + idpID + "'s client ID " + idpClientID},
	}
	for _, tt := range tokens {
		t.Run(tt.name, func(t *testing.T) {
			a := exchange(t, base, idpID, exchangeBody(tt.jwt))
			wantIAMError(t, tt.name, a, http.StatusUnauthorized, tt.fragment)
			wantNoneOf(t, tt.name, a.body, append(strings.Split(tt.jwt, "."), tt.jwt)...)
			if tok := a.header.Get("X-Subject-Token"); tok != "" {
				t.Errorf("a refusal carries X-Subject-Token %q", tok)
			}
		})
	}
	clock.advance(time.Minute)
	a := exchange(t, base, idpID, exchangeBody(shortLived))
	wantIAMError(t, "expired", a, http.StatusUnauthorized, "expired (exp)")
	wantNoneOf(t, "expired", a.body, append(strings.Split(shortLived, "."), shortLived)...)
	if n := srv.IDTokenExchanges(); n != 0 {
		t.Errorf("IDTokenExchanges %d after refusals only, want 0", n)
	}
}

// What IAM refuses before it looks at the token: the identity provider,
// the content type, the body and its scope.
func TestIDTokenRequestRefusals(t *testing.T) {
	srv, _, base := withIdP(t)
	jwt := srv.MintIDToken(idpIssuer, idpClientID, ciSubject, 5*time.Minute)
	for _, tt := range []struct {
		name, idp, body string
		status          int
		fragment        string
	}{
		{"no X-Idp-Id", "", exchangeBody(jwt), http.StatusBadRequest, "X-Idp-Id"},
		{"unknown identity provider", "gitlab-ci", exchangeBody(jwt), http.StatusNotFound, "identity provider gitlab-ci does not exist"},
		{"not JSON", idpID, "{", http.StatusBadRequest, "not valid JSON"},
		{"no id_token", idpID, `{"auth":{"scope":{"project":{"id":"` + project + `"}}}}`, http.StatusBadRequest, "auth.id_token.id"},
		{"no scope", idpID, `{"auth":{"id_token":{"id":"` + jwt + `"}}}`, http.StatusBadRequest, "auth.scope.project"},
		{"domain scope", idpID, `{"auth":{"id_token":{"id":"` + jwt + `"},"scope":{"domain":{"name":"d"}}}}`, http.StatusBadRequest, "auth.scope.project"},
		{"unknown project", idpID, strings.Replace(exchangeBody(jwt), project, "00000000000000000000000000000000", 1), http.StatusBadRequest, "project in the scope does not exist"},
		{"unknown region", idpID, `{"auth":{"id_token":{"id":"` + jwt + `"},"scope":{"project":{"name":"xx-nowhere-1"}}}}`, http.StatusBadRequest, "project in the scope does not exist"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := exchange(t, base, tt.idp, tt.body)
			wantIAMError(t, tt.name, a, tt.status, tt.fragment)
			wantNoneOf(t, tt.name, a.body, append(strings.Split(jwt, "."), jwt)...)
		})
	}
	req := apiPost(t, base, idTokenPath, "", exchangeBody(jwt))
	req.Header.Set("X-Idp-Id", idpID)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	wantIAMError(t, "form content type", do(t, http.DefaultTransport, req), http.StatusBadRequest, "Content-Type")
	if n := srv.IDTokenExchanges(); n != 0 {
		t.Errorf("IDTokenExchanges %d after refusals only, want 0", n)
	}
}

// MintIDToken writes the header and claims the brief fixes, on s.Now().
func TestMintIDTokenClaims(t *testing.T) {
	srv, clock, _ := withIdP(t)
	parts := strings.Split(srv.MintIDToken(idpIssuer, idpClientID, ciSubject, 5*time.Minute), ".")
	if len(parts) != 3 {
		t.Fatalf("%d parts, want 3", len(parts))
	}
	header, claims := b64JSON(t, parts[0]), b64JSON(t, parts[1])
	if header["alg"] != "HS256" || header["typ"] != "JWT" {
		t.Errorf("header %v", header)
	}
	now := float64(clock.Now().Unix())
	if claims["iss"] != idpIssuer || claims["aud"] != idpClientID || claims["sub"] != ciSubject ||
		claims["iat"] != now || claims["nbf"] != now || claims["exp"] != now+300 {
		t.Errorf("claims %v", claims)
	}
}

func b64JSON(t *testing.T, part string) map[string]any {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		t.Fatalf("part %q: %v", part, err)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("part %s: %v", raw, err)
	}
	return v
}
