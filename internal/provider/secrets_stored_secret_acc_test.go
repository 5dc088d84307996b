package provider

// The ways without a stored secret obtain secrets at run time: an ID token,
// GitHub Actions' request token, an agency's or the ECS's temporary keys, a
// metadata session token. At TF_LOG=TRACE none of them may reach the log,
// the state or the plan.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// runtimeSecrets are the secret header values the emulator's listeners saw.
func runtimeSecrets(srv *emulator.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		for _, name := range []string{"X-Security-Token", "X-Metadata-Token", "X-Auth-Token"} {
			if v := r.Header.Get(name); v != "" {
				out = append(out, v)
			}
		}
		if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			out = append(out, v)
		}
	}
	return out
}

func TestAccSecrets_waysWithoutAStoredSecret(t *testing.T) {
	for _, tc := range []struct {
		name string
		// setUp readies the way and returns its provider block and the
		// secrets it configured.
		setUp   func(t *testing.T, srv *emulator.Server, url string) (string, []string)
		logsToo []string
	}{
		{"OpenID Connect from a file", func(t *testing.T, srv *emulator.Server, url string) (string, []string) {
			jwt := idToken(srv)
			file := filepath.Join(t.TempDir(), "token")
			if err := os.WriteFile(file, []byte(jwt), 0o600); err != nil {
				t.Fatal(err)
			}
			return providerBlock("endpoint", url, "auth_url", url+"/v3", "project_id", testProject, "idp_id", testIdpID,
				"id_token_file", file), []string{jwt}
		}, []string{"Exchanging an OpenID Connect ID token", "Obtained an IAM token"}},
		{"GitHub Actions", func(t *testing.T, srv *emulator.Server, url string) (string, []string) {
			actions, requestURL := srv.StartActionsIDTokenService(testActionsRequestToken, testIssuer)
			t.Cleanup(actions.Close)
			setenv(t, "ACTIONS_ID_TOKEN_REQUEST_URL", requestURL, "ACTIONS_ID_TOKEN_REQUEST_TOKEN", testActionsRequestToken)
			return providerBlock("endpoint", url, "auth_url", url+"/v3", "project_id", testProject, "idp_id", testIdpID,
				"id_token_audience", testAudience), []string{testActionsRequestToken}
		}, []string{"/idtoken?api-version=2.0&audience=servicestage-ci"}},
		{"agency over an access key", func(_ *testing.T, _ *emulator.Server, url string) (string, []string) {
			return assumeRole(providerBlock("endpoint", url, "auth_url", url+"/v3", "project_id", testProject,
				"access_key", testAccessKey, "secret_key", testSecretKey)), []string{testSecretKey}
		}, []string{"Requesting temporary credentials of an agency", "Obtained temporary credentials of an agency"}},
		{"ECS metadata", func(t *testing.T, srv *emulator.Server, url string) (string, []string) {
			startMetadata(t, srv, emulator.Metadata{Agency: true})
			return providerBlock("endpoint", url, "project_id", testProject), nil
		}, []string{"Obtained temporary credentials", "/openstack/latest/securitykey"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, url := withIdentities(t)
			srv.AddTask(testProject, testReleasePlan, okStep)
			provider, configured := tc.setUp(t, srv, url)
			logs := captureLogs(t)
			captured := &jsonCapture{}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            provider + deployInfoBlock(testReleasePlan),
					ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{captured}},
					ConfigStateChecks: []statecheck.StateCheck{captured, okComponents},
				}},
			})
			secrets := append(configured, runtimeSecrets(srv)...)
			if len(secrets) == 0 {
				t.Fatal("no secret was sent: the way was not exercised")
			}
			log := logs()
			leaks := secretLeaks(secrets...)
			assertLogged(t, log, append([]string{"[TRACE]", "HTTP request", "HTTP response"}, tc.logsToo...)...)
			assertNoLeak(t, "the log", log, leaks)
			assertNoLeak(t, "the state", string(captured.state), leaks)
			assertNoLeak(t, "the plan", string(captured.plan), leaks)
		})
	}
}
