package auth

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// The secrets of the leak test: each is unique, and plain letters, digits
// and dashes, so that JSON logs cannot escape it out of sight.
const (
	leakPassword      = "LEAK-password-7f3a"
	leakPasswordToken = "LEAK-issued-password-token-19c2"
	leakOIDCToken     = "LEAK-issued-oidc-token-55e0"
	leakJWTSignature  = "LEAK-jwt-signature-c0de"
	leakActionsToken  = "LEAK-actions-request-token-a11c"
	leakBaseSK        = "LEAK-base-secret-key-b45e"
	leakAgencySK      = "LEAK-agency-secret-key-a9e7"
	leakAgencySTS     = "LEAK-agency-security-token-a9e8"
	leakSession       = "LEAK-metadata-session-token-5e55"
	leakECSSK         = "LEAK-ecs-secret-key-ec55"
	leakECSSTS        = "LEAK-ecs-security-token-ec56"
	leakProfileSK     = "LEAKprofileSecretKey0123456789"
	leakProfileSTS    = "LEAK-profile-security-token-f11e"
)

// leakWorld is every service a credential comes from, in one fake: IAM's
// three exchanges, a GitHub Actions runner, the ECS metadata service, and
// ServiceStage. With refuse set, each refuses, echoing what it was sent
// where a careless service might.
type leakWorld struct {
	*fakeServer
	refuse atomic.Bool
	jwt    string
}

func newLeakWorld(t *testing.T, clock *fakeClock) *leakWorld {
	w := &leakWorld{}
	w.jwt = makeJWT(t, map[string]any{"iss": testIssuer, "aud": testAudience, "exp": clockStart.Add(time.Hour).Unix()}, leakJWTSignature)
	w.fakeServer = newFakeServer(t, func(rw http.ResponseWriter, r *http.Request, _ int, body []byte) {
		refuse := w.refuse.Load()
		expires := clock.Now().Add(time.Hour)
		switch r.URL.Path {
		case "/v3/auth/tokens":
			if refuse {
				writeJSON(rw, http.StatusUnauthorized, map[string]any{"error_code": "IAM.0002", "error_msg": "refused " + string(body)})
				return
			}
			rw.Header().Set("X-Subject-Token", leakPasswordToken)
			writeJSON(rw, http.StatusCreated, map[string]any{"token": map[string]any{"expires_at": iamTime(expires)}})
		case "/v3.0/OS-AUTH/id-token/tokens":
			if refuse {
				rw.WriteHeader(http.StatusUnauthorized)
				_, _ = rw.Write(append([]byte("invalid id token in "), body...))
				return
			}
			rw.Header().Set("X-Subject-Token", leakOIDCToken)
			writeJSON(rw, http.StatusCreated, map[string]any{"token": map[string]any{"expires_at": iamTime(expires)}})
		case "/v3.0/OS-CREDENTIAL/securitytokens":
			if refuse {
				writeJSON(rw, http.StatusForbidden, map[string]any{"error": map[string]any{"code": "IAM.0003", "message": "no iam:agencies:assume"}})
				return
			}
			writeJSON(rw, http.StatusCreated, temporaryKeysBody("AGENCY-AK", leakAgencySK, leakAgencySTS, expires))
		case "/actions/token":
			if refuse {
				rw.WriteHeader(http.StatusForbidden)
				_, _ = rw.Write([]byte("no id-token permission for " + r.Header.Get("Authorization")))
				return
			}
			writeJSON(rw, http.StatusOK, map[string]any{"value": w.jwt})
		case "/meta-data/latest/api/token":
			_, _ = rw.Write([]byte(leakSession))
		case "/openstack/latest/securitykey":
			if refuse {
				writeJSON(rw, http.StatusNotFound, map[string]any{"message": "configure Cloud Service Agency first"})
				return
			}
			writeJSON(rw, http.StatusOK, temporaryKeysBody("ECS-AK", leakECSSK, leakECSSTS, expires))
		default: // ServiceStage
			writeJSON(rw, http.StatusOK, map[string]any{"id": "ok"})
		}
	})
	return w
}

// leakRun is one path through a source, with a logger capturing TRACE.
type leakRun struct {
	t      *testing.T
	ctx    context.Context
	clock  *fakeClock
	world  *leakWorld
	logs   *syncBuffer
	mu     sync.Mutex
	errors []string
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }

// note keeps the text of err, which must not hold a secret either.
func (r *leakRun) note(err error) {
	if err != nil {
		r.mu.Lock()
		r.errors = append(r.errors, err.Error())
		r.mu.Unlock()
	}
}

// use takes a credential from p and sends a request to ServiceStage with
// it, as a read does; it returns whether a credential was had.
func (r *leakRun) use(p Provider) bool {
	_, err := p.Credential(r.ctx)
	r.note(err)
	req, _ := http.NewRequestWithContext(r.ctx, http.MethodPost, r.world.URL+"/v3/p/cas/release-plans/x/execute", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	resp, sendErr := (&Transport{Credentials: p, Base: r.world.Client().Transport, Now: r.clock.Now}).RoundTrip(req)
	if sendErr == nil {
		resp.Body.Close()
	}
	r.note(sendErr)
	return err == nil
}

func (r *leakRun) iamClient(base Provider) *http.Client {
	return &http.Client{Transport: &Transport{Credentials: base, Base: r.world.Client().Transport, Now: r.clock.Now}}
}

func (r *leakRun) password() Source {
	return NewPasswordSource(PasswordConfig{AuthURL: r.world.URL + "/v3", UserName: "alice", Password: leakPassword,
		DomainName: "example", ProjectID: "p", Sender: Sender{HTTPClient: r.world.Client()}, Now: r.clock.Now})
}

func (r *leakRun) oidc(idToken IDTokenSource) Source {
	return NewOIDCSource(OIDCConfig{AuthURL: r.world.URL + "/v3", IdpID: testIdpID, ProjectID: "p", IDToken: idToken,
		Sender: Sender{HTTPClient: r.world.Client()}, Now: r.clock.Now})
}

func (r *leakRun) actions() IDTokenSource {
	return GitHubActionsIDToken(GitHubActionsConfig{RequestURL: r.world.URL + "/actions/token?api-version=2.0",
		RequestToken: leakActionsToken, Audience: testAudience, Sender: Sender{HTTPClient: r.world.Client()}})
}

func (r *leakRun) agency(base Provider) Source {
	return NewAgencySource(AgencyConfig{AuthURL: r.world.URL + "/v3", AgencyName: "deployer", DomainName: "owner",
		Duration: time.Hour, Sender: Sender{HTTPClient: r.iamClient(base)}})
}

func (r *leakRun) metadata() Source {
	return NewMetadataSource(MetadataConfig{Endpoint: r.world.URL, Sender: Sender{HTTPClient: r.world.Client()}, Now: r.clock.Now})
}

// life runs a source the way a provider does: a first read, reads on
// each side of a renewal, and, when the source then refuses, the reads
// that fall back on the current credential and the one that cannot.
func (r *leakRun) life(src Source) {
	cache := NewCache(src, r.clock.Now)
	r.use(cache)
	r.clock.Advance(56 * time.Minute)
	r.use(cache)
	r.world.refuse.Store(true)
	r.clock.Advance(56 * time.Minute)
	r.use(cache) // renewal refused: the current credential is served
	r.clock.Advance(4 * time.Minute)
	r.use(cache) // expired: the refusal
	r.world.refuse.Store(false)
}

// refused runs a source that refuses from the start.
func (r *leakRun) refused(src Source) {
	r.world.refuse.Store(true)
	defer r.world.refuse.Store(false)
	cache := NewCache(src, r.clock.Now)
	if r.use(cache) {
		r.t.Error("a refusing source handed out a credential")
	}
	r.use(cache)
}

func TestNoSecretInLogsOrErrors(t *testing.T) {
	tests := []struct {
		name string
		run  func(r *leakRun)
		// logged must appear in the log: proof that the path was logged.
		logged []string
	}{
		{"password", func(r *leakRun) { r.life(r.password()) }, []string{"Requesting an IAM token", "Could not renew"}},
		{"password refused", func(r *leakRun) { r.refused(r.password()) }, []string{"Requesting an IAM token"}},
		{"ID token value", func(r *leakRun) { r.life(r.oidc(IDTokenValue(r.world.jwt))) }, []string{"Exchanging an OpenID Connect ID token"}},
		{"ID token value refused", func(r *leakRun) { r.refused(r.oidc(IDTokenValue(r.world.jwt))) }, []string{"idp_id"}},
		{"ID token file", func(r *leakRun) {
			path := filepath.Join(r.t.TempDir(), "id_token")
			writeIDTokenFile(r.t, path, r.world.jwt)
			r.life(r.oidc(IDTokenFile(path)))
			r.refused(r.oidc(IDTokenFile(path)))
		}, nil},
		{"GitHub Actions", func(r *leakRun) { r.life(r.oidc(r.actions())) }, nil},
		{"GitHub Actions refused", func(r *leakRun) { r.refused(r.oidc(r.actions())) }, nil},
		{"agency over AK/SK", func(r *leakRun) {
			r.life(r.agency(Fixed(Credential{Keys: KeyPair{AccessKey: "BASE-AK", SecretKey: leakBaseSK}})))
		}, []string{"Requesting temporary credentials of an agency", "canonical_request", "x-security-token:\\u003credacted\\u003e"}},
		{"agency over a password", func(r *leakRun) {
			r.life(r.agency(NewCache(r.password(), r.clock.Now)))
		}, []string{"Obtained temporary credentials of an agency"}},
		{"agency refused", func(r *leakRun) {
			r.refused(r.agency(Fixed(Credential{Keys: KeyPair{AccessKey: "BASE-AK", SecretKey: leakBaseSK}})))
		}, nil},
		{"agency with its base refused", func(r *leakRun) { r.refused(r.agency(NewCache(r.password(), r.clock.Now))) }, nil},
		{"metadata", func(r *leakRun) { r.life(r.metadata()) }, []string{"Obtained temporary credentials", "canonical_request"}},
		{"metadata without agency", func(r *leakRun) { r.refused(r.metadata()) }, nil},
		{"metadata not there", func(r *leakRun) {
			r.use(NewCache(NewMetadataSource(MetadataConfig{Endpoint: closedURL(r.t), Now: r.clock.Now}), r.clock.Now))
		}, nil},
		{"KooCLI profile", func(r *leakRun) {
			dir := r.t.TempDir()
			file := writeKooCLIConfig(r.t, dir, "default",
				kooProfile("default", "secretAccessKey", leakProfileSK, "securityToken", leakProfileSTS),
				kooProfile("encrypted", "secretAccessKey", leakProfileSK+"=="), kooProfile("sso", "mode", "SSO", "secretAccessKey", leakProfileSK))
			for _, name := range []string{"", "encrypted", "sso", "missing"} {
				_, err := ReadProfile(file, name)
				r.note(err)
			}
			_, problems := Choose(given(hcl(SettingSharedConfigFile, file), hcl(SettingProfile, "encrypted")))
			for _, p := range problems {
				r.note(errorString(problemText(p)))
			}
			choice, _ := Choose(given(hcl(SettingSharedConfigFile, file)))
			r.use(choice.Credentials(Env{}).Provider)
		}, []string{"canonical_request"}},
	}
	secrets := []string{leakPassword, leakPasswordToken, leakOIDCToken, leakJWTSignature, leakActionsToken, leakBaseSK,
		leakAgencySK, leakAgencySTS, leakSession, leakECSSK, leakECSSTS, leakProfileSK, leakProfileSTS}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			logs := &syncBuffer{}
			r := &leakRun{t: t, ctx: tflogtest.RootLogger(t.Context(), logs), clock: clock, world: newLeakWorld(t, clock), logs: logs}
			tt.run(r)

			out := logs.String()
			if out == "" && len(r.errors) == 0 {
				t.Fatal("nothing was logged and nothing failed: the path was not run")
			}
			assertContains(t, "log", out, tt.logged...)
			assertLacks(t, "log", out, append(secrets, r.world.jwt)...)
			for _, e := range r.errors {
				assertLacks(t, "error", e, append(secrets, r.world.jwt)...)
			}
		})
	}
}

// errorString turns a message into an error, for note.
type errorString string

func (e errorString) Error() string { return string(e) }
