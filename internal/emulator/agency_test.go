package emulator_test

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

const (
	agencyName   = "release-deployer"
	agencyDomain = "ops-account"
	agencyDomID  = "0d4f5e6a7b8c9d0e1f2a3b4c5d6e7f80"
	assumePath   = "/v3.0/OS-CREDENTIAL/securitytokens"
)

// withAgency is startClocked with one agency whose sessions last at most 2 hours.
func withAgency(t *testing.T) (*emulator.Server, *fakeClock, string) {
	t.Helper()
	srv, clock, base := startClocked(t)
	srv.AddAgency(emulator.Agency{DomainName: agencyDomain, DomainID: agencyDomID, Name: agencyName, MaxDuration: 2 * time.Hour})
	return srv, clock, base
}

// assumeBody is the contract's body; duration 0 leaves duration_seconds out.
func assumeBody(agency, domain string, duration int) string {
	ar := fmt.Sprintf(`"agency_name":%q,"domain_name":%q`, agency, domain)
	if duration != 0 {
		ar += fmt.Sprintf(`,"duration_seconds":%d`, duration)
	}
	return `{"auth":{"identity":{"methods":["assume_role"],"assume_role":{` + ar + `}}}}`
}

// assume posts body to the agency endpoint with tok ("" for none) through rt.
func assume(t *testing.T, base string, rt http.RoundTripper, tok, body string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+assumePath, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json;charset=utf8")
	if tok != "" {
		req.Header.Set("X-Auth-Token", tok)
	}
	return do(t, rt, req)
}

// An agency's credentials, asked for with a token or an AK/SK, are
// accepted by ServiceStage until their expiry and refused from then on.
func TestAgencyIssuesExpiringKeys(t *testing.T) {
	for _, tt := range []struct {
		name     string
		signed   bool
		body     string
		duration time.Duration
		auth     string
	}{
		{"token, one hour", false, assumeBody(agencyName, agencyDomain, 3600), time.Hour, "token"},
		{"AK/SK, default 900 s", true, assumeBody(agencyName, agencyDomain, 0), 900 * time.Second, "aksk"},
		{"by domain_id", false, `{"auth":{"identity":{"methods":["assume_role"],"assume_role":{"agency_name":"` + agencyName +
			`","domain_id":"` + agencyDomID + `","duration_seconds":7200}}}}`, 2 * time.Hour, "token"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, clock, base := withAgency(t)
			rt, tok := http.DefaultTransport, token
			if tt.signed {
				rt, tok = signedAt(clock, keyPair{AccessKey: accessKey, SecretKey: secretKey}), ""
			}
			a := assume(t, base, rt, tok, tt.body)
			if a.status != http.StatusCreated {
				t.Fatalf("assume: HTTP %d %s", a.status, a.body)
			}
			if r := lastAuth(t, srv); r.Path != assumePath || r.Auth != tt.auth || r.Listener != emulator.ListenerServiceStage {
				t.Errorf("recorded %+v, want the agency path with Auth %q", r, tt.auth)
			}
			if n := srv.AgencyCredentialsIssued(); n != 1 {
				t.Errorf("AgencyCredentialsIssued %d, want 1", n)
			}
			cred := wantCredential(t, a.body, clock.Now().Add(tt.duration))

			clock.advance(tt.duration - time.Second)
			wantOK(t, do(t, signedAt(clock, cred), deployInfo(t, base)))
			withoutToken := cred
			withoutToken.SecurityToken = ""
			wantRejected(t, do(t, signedAt(clock, withoutToken), deployInfo(t, base)), "security token is missing or invalid")
			clock.advance(time.Second)
			expired := do(t, signedAt(clock, cred), deployInfo(t, base))
			wantRejected(t, expired, "security token has expired")
			wantNoneOf(t, "expired agency key", expired.body, cred.SecretKey, cred.SecurityToken)
		})
	}
}

// Two calls give two different credentials.
func TestAgencyKeysAreFresh(t *testing.T) {
	_, clock, base := withAgency(t)
	first := wantCredential(t, assume(t, base, http.DefaultTransport, token, assumeBody(agencyName, agencyDomain, 0)).body, clock.Now().Add(900*time.Second))
	second := wantCredential(t, assume(t, base, http.DefaultTransport, token, assumeBody(agencyName, agencyDomain, 0)).body, clock.Now().Add(900*time.Second))
	if first.AccessKey == second.AccessKey || first.SecretKey == second.SecretKey || first.SecurityToken == second.SecurityToken {
		t.Errorf("two calls gave a shared value: %+v and %+v", first, second)
	}
}

// The caller authenticates as for any IAM API; anything else is IAM's 401.
func TestAgencyCallerAuthentication(t *testing.T) {
	srv, clock, base := withAgency(t)
	srv.AddToken("expired-token", project, clock.Now())
	srv.AddAccessKey(emulator.AccessKey{AccessKey: tempKey, SecretKey: tempSecret, SecurityToken: tempSecToken, Expires: clock.Now().Add(time.Minute)})
	body := assumeBody(agencyName, agencyDomain, 0)
	temp := keyPair{AccessKey: tempKey, SecretKey: tempSecret, SecurityToken: tempSecToken}

	// A temporary key with its token is a caller too, until it expires.
	if a := assume(t, base, signedAt(clock, temp), "", body); a.status != http.StatusCreated {
		t.Errorf("temporary key: HTTP %d %s, want 201", a.status, a.body)
	}
	for _, tt := range []struct {
		name     string
		rt       http.RoundTripper
		tok      string
		fragment string
	}{
		{"nothing", http.DefaultTransport, "", "requires authentication"},
		{"unknown token", http.DefaultTransport, "no-such-token", "not valid"},
		{"expired token", http.DefaultTransport, "expired-token", "expired"},
		{"wrong secret", signedAt(clock, keyPair{AccessKey: accessKey, SecretKey: "wrong"}), "", "verify aksk signature fail"},
		{"unknown key", signedAt(clock, keyPair{AccessKey: "NOSUCHKEY", SecretKey: secretKey}), "", "not exist"},
		{"temporary key without its token", signedAt(clock, keyPair{AccessKey: tempKey, SecretKey: tempSecret}), "", "security token is missing"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := assume(t, base, tt.rt, tt.tok, body)
			wantIAMError(t, tt.name, a, http.StatusUnauthorized, tt.fragment)
			wantNoneOf(t, tt.name, a.body, secretKey, tempSecret)
		})
	}
	clock.advance(time.Minute)
	a := assume(t, base, signedAt(clock, temp), "", body)
	wantIAMError(t, "expired temporary key", a, http.StatusUnauthorized, "security token has expired")
	wantNoneOf(t, "expired temporary key", a.body, tempSecret)
	if n := srv.AgencyCredentialsIssued(); n != 1 {
		t.Errorf("AgencyCredentialsIssued %d after one accepted call, want 1", n)
	}
}

// What IAM refuses in the request, and an agency that is not there.
func TestAgencyRefusals(t *testing.T) {
	srv, _, base := withAgency(t)
	for _, tt := range []struct {
		name     string
		body     string
		status   int
		fragment string
	}{
		{"not JSON", `{"auth":`, http.StatusBadRequest, "not valid JSON"},
		{"password method", `{"auth":{"identity":{"methods":["password"],"assume_role":{"agency_name":"a","domain_name":"d"}}}}`,
			http.StatusBadRequest, "methods"},
		{"no assume_role", `{"auth":{"identity":{"methods":["assume_role"]}}}`, http.StatusBadRequest, "assume_role is missing"},
		{"no agency_name", assumeBody("", agencyDomain, 0), http.StatusBadRequest, "agency_name"},
		{"no domain", assumeBody(agencyName, "", 0), http.StatusBadRequest, "domain_name"},
		{"duration too short", assumeBody(agencyName, agencyDomain, 899), http.StatusBadRequest, "duration_seconds is invalid: it must be a whole number of seconds from 900 to 86400"},
		{"duration too long", assumeBody(agencyName, agencyDomain, 86401), http.StatusBadRequest, "from 900 to 86400"},
		{"duration not whole", `{"auth":{"identity":{"methods":["assume_role"],"assume_role":{"agency_name":"` + agencyName +
			`","domain_name":"` + agencyDomain + `","duration_seconds":1000.5}}}}`, http.StatusBadRequest, "duration_seconds"},
		{"duration a string", `{"auth":{"identity":{"methods":["assume_role"],"assume_role":{"agency_name":"` + agencyName +
			`","domain_name":"` + agencyDomain + `","duration_seconds":"3600"}}}}`, http.StatusBadRequest, "duration_seconds"},
		{"above the agency's maximum", assumeBody(agencyName, agencyDomain, 7201), http.StatusBadRequest,
			"duration_seconds is invalid: agency " + agencyName + " allows from 900 to 7200 seconds"},
		{"unknown agency", assumeBody("other-agency", agencyDomain, 0), http.StatusForbidden, "iam:agencies:assume"},
		{"agency of another account", assumeBody(agencyName, "other-account", 0), http.StatusForbidden, "agency " + agencyName + " of account other-account"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantIAMError(t, tt.name, assume(t, base, http.DefaultTransport, token, tt.body), tt.status, tt.fragment)
		})
	}

	req := apiPost(t, base, assumePath, token, assumeBody(agencyName, agencyDomain, 0))
	req.Header.Set("Content-Type", "text/plain")
	wantIAMError(t, "text/plain", do(t, http.DefaultTransport, req), http.StatusBadRequest, "Content-Type")
	req = apiGet(t, base, assumePath, token)
	wantIAMError(t, "GET", do(t, http.DefaultTransport, req), http.StatusMethodNotAllowed, "POST")
	if n := srv.AgencyCredentialsIssued(); n != 0 {
		t.Errorf("AgencyCredentialsIssued %d after refusals only, want 0", n)
	}
}

// An agency without MaxDuration allows IAM's full day.
func TestAgencyDefaultMaximum(t *testing.T) {
	srv, clock, base := startClocked(t)
	srv.AddAgency(emulator.Agency{DomainName: agencyDomain, Name: agencyName})
	a := assume(t, base, http.DefaultTransport, token, assumeBody(agencyName, agencyDomain, 86400))
	if a.status != http.StatusCreated {
		t.Fatalf("a day: HTTP %d %s", a.status, a.body)
	}
	wantCredential(t, a.body, clock.Now().Add(24*time.Hour))
}
