package provider

// Shared fixtures of the acceptance tests of the ways that need no stored
// secret: OpenID Connect, an agency, the ECS metadata service and a KooCLI
// profile, each against the emulator's IAM, metadata listener and GitHub
// Actions token service.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

const (
	testIdpID               = "ci-idp"
	testIssuer              = "https://token.actions.githubusercontent.com"
	testAudience            = "servicestage-ci"
	testIDTokenSubject      = "repo:octo-org/orders:ref:refs/heads/main"
	testAgency              = "release-agency"
	testAgencyDomain        = "release-account"
	testActionsRequestToken = "actions-request-token-0123456789abcdef"
	// The paths of the exchanges, as the emulator records them.
	idTokenPath     = "/v3.0/OS-AUTH/id-token/tokens"
	agencyPath      = "/v3.0/OS-CREDENTIAL/securitytokens"
	sessionPath     = "/meta-data/latest/api/token"
	securityKeyPath = "/openstack/latest/securitykey"
)

// withIdentities is withTask's emulator with the test identity provider and
// agency added.
func withIdentities(t *testing.T) (*emulator.Server, string) {
	t.Helper()
	srv, url := withTask(t)
	addIdentities(srv)
	return srv, url
}

func addIdentities(srv *emulator.Server) {
	srv.AddIdentityProvider(emulator.IdentityProvider{ID: testIdpID, Issuer: testIssuer, ClientID: testAudience})
	srv.AddAgency(emulator.Agency{DomainName: testAgencyDomain, Name: testAgency})
}

// idToken is an ID token the emulator's identity provider accepts.
func idToken(srv *emulator.Server) string {
	return srv.MintIDToken(testIssuer, testAudience, testIDTokenSubject, time.Hour)
}

// oidcProvider is the provider block of the OpenID Connect way.
func oidcProvider(url, jwt string) string {
	return providerBlock("endpoint", url, "auth_url", url+"/v3", "project_id", testProject,
		"idp_id", testIdpID, "id_token", jwt)
}

// assumeRole adds the test agency's assume_role block to a provider block.
func assumeRole(block string, extra ...string) string {
	lines := []string{fmt.Sprintf("assume_role {\n    agency_name = %q\n    domain_name = %q", testAgency, testAgencyDomain)}
	lines = append(lines, extra...)
	return withLine(block, strings.Join(lines, "\n    ")+"\n  }")
}

// startMetadata starts the emulator's ECS metadata service and points the
// provider at it; the test must not be parallel.
func startMetadata(t *testing.T, srv *emulator.Server, m emulator.Metadata) {
	t.Helper()
	ms := srv.StartMetadata(m)
	t.Cleanup(ms.Close)
	t.Setenv("HW_METADATA_ENDPOINT", ms.URL)
}

// requestsTo lists what one listener of the emulator saw at path ("" for any).
func requestsTo(srv *emulator.Server, listener, path string) []emulator.Request {
	var out []emulator.Request
	for _, r := range srv.Requests() {
		if r.Listener == listener && (path == "" || r.Path == path) {
			out = append(out, r)
		}
	}
	return out
}

// exchangedOnce checks that the emulator saw exactly one successful request
// at path: one exchange serves every read.
func exchangedOnce(srv *emulator.Server, listener, path string) emulatorCheck {
	return func() error {
		var ok int
		for _, r := range requestsTo(srv, listener, path) {
			if r.Status/100 == 2 {
				ok++
			}
		}
		if ok != 1 {
			return fmt.Errorf("%d successful requests to %s %s, want 1", ok, listener, path)
		}
		return nil
	}
}

// readsAccepted checks that there were deploy-info reads and that the
// emulator accepted every one, authenticated with auth ("token", "aksk").
func readsAccepted(srv *emulator.Server, auth string) emulatorCheck {
	return func() error {
		reads := deployInfoReads(srv)
		if len(reads) == 0 {
			return fmt.Errorf("the emulator saw no deploy-info read")
		}
		for _, r := range reads {
			if r.Auth != auth || r.Status != http.StatusOK {
				return fmt.Errorf("read %s: Auth %q, HTTP %d; want Auth %q and 200", r.Path, r.Auth, r.Status, auth)
			}
		}
		return nil
	}
}

// allOf runs emulator checks in turn.
func allOf(checks ...emulatorCheck) emulatorCheck {
	return func() error {
		for _, c := range checks {
			if err := c(); err != nil {
				return err
			}
		}
		return nil
	}
}

// onlyAt checks that no header of any request to another listener than
// listener carried secret.
func onlyAt(srv *emulator.Server, listener, secret string) emulatorCheck {
	return func() error {
		for _, r := range srv.Requests() {
			if r.Listener == listener {
				continue
			}
			for name, values := range r.Header {
				if strings.Contains(strings.Join(values, " "), secret) {
					return fmt.Errorf("a request to the %s listener (%s) carried the secret in %s", r.Listener, r.Path, name)
				}
			}
		}
		return nil
	}
}

// stepClock is a clock that moves only when told: the emulator and the
// provider share it, so a credential's lifetime is counted in reads.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *stepClock) advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// clockedEmulator is an emulator on clock that moves it on by perRead at
// every deploy-info read, before the read is answered.
func clockedEmulator(t *testing.T, clock *stepClock, perRead time.Duration) (*emulator.Server, string) {
	t.Helper()
	srv := emulator.New()
	srv.Now = clock.Now
	srv.AddProject(testProject)
	srv.AddToken(testToken, testProject, clock.Now().Add(24*time.Hour))
	srv.AddAccessKey(emulator.AccessKey{AccessKey: testAccessKey, SecretKey: testSecretKey})
	srv.AddUser(emulator.User{Name: testUser, Password: testPassword, Domain: testDomain})
	addIdentities(srv)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/deploy-info") {
			clock.advance(perRead)
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return srv, ts.URL
}
