package auth

import (
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeWholeIAM serves the three IAM exchanges: password and ID token
// logins hand out pw-token-n and oidc-token-n scoped to project
// "scoped-project"; securitytokens hands out AGENCY-AK-n, recording the
// X-Auth-Token or the access key it was asked with.
func fakeWholeIAM(t *testing.T, clock *fakeClock) (*fakeServer, func() []string) {
	var mu sync.Mutex
	var askedWith []string
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int, _ []byte) {
		token := func(prefix string) {
			w.Header().Set("X-Subject-Token", fmt.Sprintf("%s-%d", prefix, n))
			writeJSON(w, http.StatusCreated, map[string]any{"token": map[string]any{
				"expires_at": iamTime(clock.Now().Add(24 * time.Hour)), "project": map[string]any{"id": "scoped-project"}}})
		}
		switch r.URL.Path {
		case "/v3/auth/tokens":
			token("pw-token")
		case "/v3.0/OS-AUTH/id-token/tokens":
			token("oidc-token")
		case "/v3.0/OS-CREDENTIAL/securitytokens":
			by := r.Header.Get("X-Auth-Token")
			if by == "" {
				by = r.Header.Get("Authorization")
			}
			mu.Lock()
			askedWith = append(askedWith, by)
			mu.Unlock()
			writeJSON(w, http.StatusCreated, temporaryKeysBody(fmt.Sprintf("AGENCY-AK-%d", n), "AGENCY-SK", "AGENCY-STS", clock.Now().Add(time.Hour)))
		default:
			http.Error(w, "unexpected "+r.URL.Path, http.StatusNotFound)
		}
	})
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), askedWith...)
	}
}

func testEnv(iam *fakeServer, clock *fakeClock, projectID string) Env {
	return Env{
		AuthURL: iam.URL + "/v3", ProjectID: projectID, Region: "ap-southeast-3",
		HTTPClient: iam.Client(),
		Authenticated: func(p Provider) *http.Client {
			return &http.Client{Transport: &Transport{Credentials: p, Base: iam.Client().Transport, Now: clock.Now}}
		},
		UserAgent: "terraform-provider-servicestage/test", Now: clock.Now,
	}
}

func mustChoose(t *testing.T, settings ...setting) Choice {
	t.Helper()
	choice, problems := Choose(given(settings...))
	for _, p := range problems {
		if !p.Warning {
			t.Fatalf("Choose: %+v", p)
		}
	}
	return choice
}

func TestCredentialsOfTheFixedWays(t *testing.T) {
	clock := newFakeClock()
	iam, _ := fakeWholeIAM(t, clock)
	tests := []struct {
		name     string
		settings []setting
		want     Credential
	}{
		{"token", []setting{vToken}, Credential{Token: "VALUE-token"}},
		{"AK/SK", []setting{vAccessKey, vSecretKey}, Credential{Keys: KeyPair{AccessKey: "VALUE-ak", SecretKey: "VALUE-sk"}}},
		{"temporary AK/SK", []setting{vAccessKey, vSecretKey, vSTS},
			Credential{Keys: KeyPair{AccessKey: "VALUE-ak", SecretKey: "VALUE-sk", SecurityToken: "VALUE-sts"}}},
		{"shared config", []setting{sharedConfig(t, kooProfile("default", "securityToken", "profile-sts"))},
			Credential{Keys: KeyPair{AccessKey: "AKdefault", SecretKey: testProfileSK, SecurityToken: "profile-sts"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			creds := mustChoose(t, tt.settings...).Credentials(testEnv(iam, clock, ""))
			if got := mustCredential(t, creds); got != tt.want {
				t.Errorf("credential %+v, want %+v", got, tt.want)
			}
			if creds.ScopedProject != nil {
				t.Error("a fixed credential offers a scoped project")
			}
		})
	}
	if n := iam.count(); n != 0 {
		t.Errorf("%d requests to IAM for fixed credentials, want 0", n)
	}
}

func TestCredentialsOfPasswordAndIDTokenWays(t *testing.T) {
	idTokenFile := filepath.Join(t.TempDir(), "id_token")
	writeIDTokenFile(t, idTokenFile, testJWT(t, clockStart.Add(time.Hour)))
	tests := []struct {
		name      string
		settings  []setting
		wantToken string
	}{
		{"password", []setting{vUser, vPassword, vDomain}, "pw-token-1"},
		{"ID token", []setting{vIdp, hcl(SettingIDToken, testJWT(t, clockStart.Add(time.Hour)))}, "oidc-token-1"},
		{"ID token file", []setting{vIdp, hcl(SettingIDTokenFile, idTokenFile)}, "oidc-token-1"},
	}
	for _, tt := range tests {
		for _, projectID := range []string{"", "given-project"} {
			t.Run(fmt.Sprintf("%s, project %q", tt.name, projectID), func(t *testing.T) {
				clock := newFakeClock()
				iam, _ := fakeWholeIAM(t, clock)
				creds := mustChoose(t, tt.settings...).Credentials(testEnv(iam, clock, projectID))
				if n := iam.count(); n != 0 {
					t.Fatalf("%d requests before any credential was needed, want 0", n)
				}
				if got := mustToken(t, creds); got != tt.wantToken {
					t.Errorf("token %q, want %q", got, tt.wantToken)
				}
				if projectID != "" {
					if creds.ScopedProject != nil {
						t.Error("a project was given, yet the token's is offered")
					}
					return
				}
				if creds.ScopedProject == nil {
					t.Fatal("a token scoped by region does not offer its project")
				}
				if got, err := creds.ScopedProject(t.Context()); err != nil || got != "scoped-project" {
					t.Errorf("ScopedProject = %q, %v; want scoped-project", got, err)
				}
				if n := iam.count(); n != 1 {
					t.Errorf("%d logins, want 1 for the token and its project", n)
				}
			})
		}
	}
}

func TestCredentialsFromGitHubActions(t *testing.T) {
	clock := newFakeClock()
	iam, _ := fakeWholeIAM(t, clock)
	jwt := testJWT(t, clock.Now().Add(time.Hour))
	actions := fakeActions(t, jwt)
	choice := mustChoose(t, vIdp, env(SettingActionsURL, actions.URL+"/_apis/token?api-version=2.0"),
		env(SettingActionsToken, testActionsRequestToken), hcl(SettingIDTokenAudience, testAudience))
	if got := mustToken(t, choice.Credentials(testEnv(iam, clock, "p"))); got != "oidc-token-1" {
		t.Errorf("token %q, want oidc-token-1", got)
	}
	reqs := actions.requests()
	if len(reqs) != 1 || reqs[0].RawQuery != "api-version=2.0&audience="+testAudience {
		t.Errorf("runner asked %d times, query %v; want once with the audience", len(reqs), reqs)
	}
	if got := iam.requests()[0].bodyJSON(t)["auth"].(map[string]any)["id_token"].(map[string]any)["id"]; got != jwt {
		t.Errorf("IAM was given %v, want the runner's ID token", got)
	}
}

func TestCredentialsFromTheMetadataService(t *testing.T) {
	clock := newFakeClock()
	iam, _ := fakeWholeIAM(t, clock)
	m := newFakeMetadata(t, clock)
	e := testEnv(iam, clock, "")
	e.MetadataClient = m.Client()
	creds := mustChoose(t, env(SettingMetadataEndpoint, m.URL)).Credentials(e)
	if m.count() != 0 {
		t.Fatal("the metadata service was asked before a credential was needed")
	}
	if got := mustCredential(t, creds); got.Keys.AccessKey != "ECS-AK-1" || got.ExpiresAt.IsZero() {
		t.Errorf("credential %+v, want the ECS's temporary keys", got)
	}
	if creds.ScopedProject != nil {
		t.Error("temporary keys offer a scoped project")
	}
}

func TestCredentialsThroughAnAgency(t *testing.T) {
	tests := []struct {
		name      string
		settings  []setting
		askedWith string
	}{
		{"over a token", []setting{vToken}, "VALUE-token"},
		{"over a password", []setting{vUser, vPassword, vDomain}, "pw-token-1"},
		{"over AK/SK", []setting{vAccessKey, vSecretKey}, "SDK-HMAC-SHA256 Access=VALUE-ak"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			iam, askedWith := fakeWholeIAM(t, clock)
			settings := append(slices.Clone(tt.settings), vAgency, vAgencyDom, hcl(SettingAgencyDuration, "30m"))
			creds := mustChoose(t, settings...).Credentials(testEnv(iam, clock, ""))
			if iam.count() != 0 {
				t.Fatal("IAM was asked before a credential was needed")
			}
			got := mustCredential(t, creds)
			if got.Keys.AccessKey == "" || got.Keys.SecurityToken != "AGENCY-STS" {
				t.Errorf("credential %+v, want the agency's temporary keys", got)
			}
			if creds.ScopedProject != nil {
				t.Error("an agency's keys offer the project of the credentials beneath them")
			}
			asked := askedWith()
			if len(asked) != 1 || len(asked[0]) < len(tt.askedWith) || asked[0][:len(tt.askedWith)] != tt.askedWith {
				t.Errorf("the agency was asked with %q, want %q", asked, tt.askedWith)
			}
			role := iam.requests()[len(iam.requests())-1].bodyJSON(t)["auth"].(map[string]any)["identity"].(map[string]any)["assume_role"]
			want := map[string]any{"agency_name": "VALUE-agency", "domain_name": "VALUE-agency-domain", "duration_seconds": float64(1800)}
			if !reflect.DeepEqual(role, want) {
				t.Errorf("assume_role %v, want %v", role, want)
			}
		})
	}
}
