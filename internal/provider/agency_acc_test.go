package provider

// assume_role: the credentials of any way exchanged for an agency's
// temporary AK/SK, which then sign every read.

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// readsSignedByAgency checks that every read was signed with a temporary
// key the agency issued, security token included, after one agency request.
func readsSignedByAgency(srv *emulator.Server) emulatorCheck {
	return func() error {
		if err := readsAccepted(srv, "aksk")(); err != nil {
			return err
		}
		for _, r := range deployInfoReads(srv) {
			if r.Header.Get("X-Security-Token") == "" {
				return fmt.Errorf("read %s carried no security token: not signed with the agency's credentials", r.Path)
			}
		}
		if got := srv.AgencyCredentialsIssued(); got != 1 {
			return fmt.Errorf("the agency issued %d credentials, want 1", got)
		}
		return nil
	}
}

func TestAccAgency_overEveryWay(t *testing.T) {
	for _, tc := range []struct {
		name     string
		provider func(srv *emulator.Server, url string) string
	}{
		{"token", func(_ *emulator.Server, url string) string {
			return providerBlock("endpoint", url, "auth_url", url+"/v3", "project_id", testProject, "token", testToken)
		}},
		{"access key", func(_ *emulator.Server, url string) string {
			return providerBlock("endpoint", url, "auth_url", url+"/v3", "project_id", testProject,
				"access_key", testAccessKey, "secret_key", testSecretKey)
		}},
		{"password", func(_ *emulator.Server, url string) string { return passwordProvider(url, "project_id", testProject) }},
		{"OpenID Connect", func(srv *emulator.Server, url string) string { return oidcProvider(url, idToken(srv)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, url := withIdentities(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: assumeRole(tc.provider(srv, url), `duration = "2h"`) +
						deployInfoBlock(testReleasePlan, "  count = 5"),
					ConfigStateChecks: []statecheck.StateCheck{allOf(
						readsSignedByAgency(srv), exchangedOnce(srv, "servicestage", agencyPath))},
				}},
			})
		})
	}
}

func TestAccAgency_env(t *testing.T) {
	srv, url := withIdentities(t)
	setenv(t, "HW_ACCESS_KEY", testAccessKey, "HW_SECRET_KEY", testSecretKey, "HW_SERVICESTAGE_ENDPOINT", url,
		"HW_AUTH_URL", url+"/v3", "HW_PROJECT_ID", testProject,
		"HW_ASSUME_ROLE_AGENCY_NAME", testAgency, "HW_ASSUME_ROLE_DOMAIN_NAME", testAgencyDomain, "HW_ASSUME_ROLE_DURATION", "3600")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            emptyProvider + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(readsSignedByAgency(srv)),
		}},
	})
}

// A refusal names the agency, its account and the IAM action needed.
func TestAccAgency_refused(t *testing.T) {
	srv, url := withTask(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ErrorCheck: errorWithout(t, errorPattern(`IAM refused the agency`,
			`IAM refused to issue temporary credentials for agency "release-agency" of account "release-account"`,
			`HTTP 403`, `iam:agencies:assume`, `Check assume_role's agency_name and domain_name`), testSecretKey),
		Steps: []resource.TestStep{{
			Config: assumeRole(providerBlock("endpoint", url, "auth_url", url+"/v3", "project_id", testProject,
				"access_key", testAccessKey, "secret_key", testSecretKey)) + deployInfoBlock(testReleasePlan),
		}},
	})
	if n := len(deployInfoReads(srv)); n != 0 {
		t.Errorf("%d deploy-info reads without the agency's credentials", n)
	}
}

// Half an assume_role is a configuration error on the attribute missing.
func TestAccAgency_missingDomain(t *testing.T) {
	srv, url := withIdentities(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: withLine(tokenProvider(url), "assume_role {\n    agency_name = \"release-agency\"\n  }") +
				deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`Missing assume_role.domain_name`, `HW_ASSUME_ROLE_DOMAIN_NAME`),
		}},
	})
	assertNoRequests(t, srv)
}
