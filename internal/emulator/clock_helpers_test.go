package emulator_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// startClocked is start (one of each credential, one task) on a fake clock,
// which also signs the requests of signedAt, so that moving it ages
// credentials without making the signatures stale.
func startClocked(t *testing.T) (*emulator.Server, *fakeClock, string) {
	t.Helper()
	clock := &fakeClock{now: time.Date(2026, 12, 5, 21, 0, 0, 0, time.UTC)}
	srv := emulator.New()
	srv.Now = clock.Now
	srv.AddRegionProject(regionName, project)
	srv.AddToken(token, project, clock.Now().Add(365*24*time.Hour))
	srv.AddAccessKey(emulator.AccessKey{AccessKey: accessKey, SecretKey: secretKey})
	srv.AddUser(emulator.User{Name: userName, Password: password, Domain: domainName})
	srv.AddTask(project, releasePlan, emulator.Step{Body: emulator.DeployInfoJSON(releasePlan)})
	ts := srv.Start()
	t.Cleanup(ts.Close)
	return srv, clock, ts.URL
}

// keyPair is an AK/SK, with the security token of a temporary one.
type keyPair struct{ AccessKey, SecretKey, SecurityToken string }

// signedAt signs every request with cred at the fake clock's time.
func signedAt(clock *fakeClock, cred keyPair) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		clone := req.Clone(req.Context())
		if err := emulator.SignForTest(clone, cred.AccessKey, cred.SecretKey, cred.SecurityToken, clock.Now()); err != nil {
			return nil, err
		}
		return http.DefaultTransport.RoundTrip(clone)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// credential is the body IAM's agency endpoint and ECS's metadata answer.
type credential struct {
	Access        string `json:"access"`
	Secret        string `json:"secret"`
	SecurityToken string `json:"securitytoken"`
	ExpiresAt     string `json:"expires_at"`
}

// wantCredential reads a credential body, checks its expiry and returns it
// as signing credentials.
func wantCredential(t *testing.T, body []byte, expires time.Time) keyPair {
	t.Helper()
	var parsed struct {
		Credential credential `json:"credential"`
	}
	if err := json.Unmarshal(body, &parsed); err != nil {
		t.Fatalf("credential body %s: %v", body, err)
	}
	c := parsed.Credential
	if c.Access == "" || c.Secret == "" || c.SecurityToken == "" {
		t.Fatalf("credential %+v lacks a value", c)
	}
	if want := expires.UTC().Format("2006-01-02T15:04:05.000000Z"); c.ExpiresAt != want {
		t.Errorf("expires_at %q, want %q", c.ExpiresAt, want)
	}
	return keyPair{AccessKey: c.Access, SecretKey: c.Secret, SecurityToken: c.SecurityToken}
}

// wantIAMError checks an answer in IAM's error shape: the status, an
// IAM.* code, a message containing fragment, and error.code matching.
func wantIAMError(t *testing.T, what string, a answer, status int, fragment string) {
	t.Helper()
	var body struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(a.body, &body)
	if a.status != status || !strings.HasPrefix(a.code, "IAM.") || !strings.Contains(a.msg, fragment) ||
		body.Error.Code != status || body.Error.Message != a.msg || len(a.requestID) != 32 {
		t.Errorf("%s: got HTTP %d %s %q (body %s), want %d IAM.* containing %q in IAM's shape",
			what, a.status, a.code, a.msg, a.body, status, fragment)
	}
}

// wantNoneOf fails if body contains any of secrets.
func wantNoneOf(t *testing.T, what string, body []byte, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(string(body), s) {
			t.Errorf("%s: the answer contains a secret (%d characters): %s", what, len(s), body)
		}
	}
}

// wantExpiresAt checks an IAM token body's token.expires_at.
func wantExpiresAt(t *testing.T, body []byte, expires time.Time) {
	t.Helper()
	var parsed struct {
		Token struct {
			ExpiresAt string `json:"expires_at"`
		} `json:"token"`
	}
	if err := json.Unmarshal(body, &parsed); err != nil {
		t.Fatalf("token body %s: %v", body, err)
	}
	if want := expires.UTC().Format("2006-01-02T15:04:05.000000Z"); parsed.Token.ExpiresAt != want {
		t.Errorf("token.expires_at %q, want %q", parsed.Token.ExpiresAt, want)
	}
}
