package provider

// OpenID Connect: a CI's ID token exchanged at IAM for a token, end to end.

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

func TestAccOIDC_idTokenHCL(t *testing.T) {
	srv, url := withIdentities(t)
	jwt := idToken(srv)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: oidcProvider(url, jwt) + deployInfoBlock(testReleasePlan, "  count = 10"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dataSourceAddr+"[9]", tfjsonpath.New("all_succeeded"), knownvalue.Bool(true)),
				allOf(readsAccepted(srv, "token"), exchangedOnce(srv, "servicestage", idTokenPath)),
			},
		}},
	})
}

// The token file is read at the exchange; everything from the environment.
func TestAccOIDC_idTokenFileEnv(t *testing.T) {
	srv, url := withIdentities(t)
	file := filepath.Join(t.TempDir(), "id-token")
	if err := os.WriteFile(file, []byte(idToken(srv)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	setenv(t, "HW_IDP_ID", testIdpID, "HW_ID_TOKEN_FILE", file, "HW_SERVICESTAGE_ENDPOINT", url,
		"HW_AUTH_URL", url+"/v3", "HW_PROJECT_ID", testProject)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            emptyProvider + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(allOf(readsAccepted(srv, "token"), exchangedOnce(srv, "servicestage", idTokenPath))),
		}},
	})
}

// Without project_id, the token is scoped to the region's default project,
// which the data sources then read from.
func TestAccOIDC_scopedByRegion(t *testing.T) {
	srv, url := withIdentities(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock("endpoint", url, "auth_url", url+"/v3", "region", testRegion, "idp_id", testIdpID,
				"id_token", idToken(srv)) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(),
		}},
	})
}

// On a GitHub Actions runner, the ID token comes from the runner's token
// service, asked for the audience; its request token goes there only, and
// the ID token to IAM only.
func TestAccOIDC_gitHubActions(t *testing.T) {
	srv, url := withIdentities(t)
	actions, requestURL := srv.StartActionsIDTokenService(testActionsRequestToken, testIssuer)
	t.Cleanup(actions.Close)
	setenv(t, "ACTIONS_ID_TOKEN_REQUEST_URL", requestURL, "ACTIONS_ID_TOKEN_REQUEST_TOKEN", testActionsRequestToken)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock("endpoint", url, "auth_url", url+"/v3", "project_id", testProject, "idp_id", testIdpID,
				"id_token_audience", testAudience) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(allOf(
				readsAccepted(srv, "token"),
				exchangedOnce(srv, "actions", ""),
				exchangedOnce(srv, "servicestage", idTokenPath),
				onlyAt(srv, "actions", testActionsRequestToken),
			)),
		}},
	})
}

// IAM refusing the ID token says what to compare, never the token.
func TestAccOIDC_refused(t *testing.T) {
	srv, url := withTask(t)
	srv.AddIdentityProvider(emulator.IdentityProvider{ID: testIdpID, Issuer: testIssuer, ClientID: "another-client"})
	jwt := srv.MintIDToken(testIssuer, testAudience, testIDTokenSubject, time.Hour)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ErrorCheck: errorWithout(t, errorPattern(`IAM refused the OpenID Connect ID token`, `identity provider "ci-idp" \(idp_id\)`,
			`HTTP 401`, `audience`, `issued by "`+testIssuer+`" for audience "servicestage-ci"`, `Check idp_id`,
			`identity conversion rules`), jwt),
		Steps: []resource.TestStep{{Config: oidcProvider(url, jwt) + deployInfoBlock(testReleasePlan)}},
	})
	if n := len(deployInfoReads(srv)); n != 0 {
		t.Errorf("%d deploy-info reads without a token", n)
	}
}

// idp_id without any ID token is a configuration error on idp_id.
func TestAccOIDC_noIDToken(t *testing.T) {
	srv, url := withIdentities(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerBlock("endpoint", url, "project_id", testProject, "idp_id", testIdpID) + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`No ID token for idp_id`, `id_token \(HW_ID_TOKEN\)`, `id_token_file`, `id-token: write`),
		}},
	})
	assertNoRequests(t, srv)
}
