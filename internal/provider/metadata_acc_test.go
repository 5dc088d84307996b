package provider

// The ECS metadata service: no credentials configured at all.

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// metadataExchange checks the metadata listener saw one session token PUT
// (none for v1) and one securitykey GET, sent with the session token in v2,
// and that the session token went nowhere else.
func metadataExchange(srv *emulator.Server, v2 bool) emulatorCheck {
	return func() error {
		puts, gets := requestsTo(srv, "metadata", sessionPath), requestsTo(srv, "metadata", securityKeyPath)
		wantPuts := 0
		if v2 {
			wantPuts = 1
		}
		if len(puts) != 1 && v2 || len(gets) != 1 {
			return fmt.Errorf("%d session token and %d securitykey requests, want %d and 1", len(puts), len(gets), wantPuts)
		}
		if gets[0].Status != http.StatusOK || gets[0].Method != http.MethodGet {
			return fmt.Errorf("securitykey: %s, HTTP %d", gets[0].Method, gets[0].Status)
		}
		session := gets[0].Header.Get("X-Metadata-Token")
		if v2 != (session != "") {
			return fmt.Errorf("securitykey sent with X-Metadata-Token %v, want %v", session != "", v2)
		}
		if v2 {
			return onlyAt(srv, "metadata", session)()
		}
		return nil
	}
}

func TestAccMetadata_v2(t *testing.T) {
	srv, url := withTask(t)
	startMetadata(t, srv, emulator.Metadata{Agency: true})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            providerBlock("endpoint", url, "project_id", testProject) + deployInfoBlock(testReleasePlan, "  count = 20"),
			ConfigStateChecks: []statecheck.StateCheck{allOf(readsAccepted(srv, "aksk"), metadataExchange(srv, true))},
		}},
	})
}

// Where the service refuses the session token's PUT, the GET goes without one.
func TestAccMetadata_v1(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusMethodNotAllowed} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv, url := withTask(t)
			startMetadata(t, srv, emulator.Metadata{Agency: true, TokenPUTStatus: status})
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            providerBlock("endpoint", url, "project_id", testProject) + deployInfoBlock(testReleasePlan),
					ConfigStateChecks: readSucceeded(allOf(readsAccepted(srv, "aksk"), metadataExchange(srv, false))),
				}},
			})
		})
	}
}

// An ECS without an agency is told to bind one.
func TestAccMetadata_noAgency(t *testing.T) {
	srv, url := withTask(t)
	startMetadata(t, srv, emulator.Metadata{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock("endpoint", url, "project_id", testProject) + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`No agency on this ECS`, `has no credentials for this instance`, `HTTP 401`, `Please configure Cloud Service Agency first`,
				`the ECS has no agency. Bind one in the ECS console`),
		}},
	})
	if n := len(deployInfoReads(srv)); n != 0 {
		t.Errorf("%d deploy-info reads without credentials", n)
	}
}

// The metadata service's credentials act through an agency too.
func TestAccMetadata_withAgency(t *testing.T) {
	srv, url := withIdentities(t)
	startMetadata(t, srv, emulator.Metadata{Agency: true})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            assumeRole(providerBlock("endpoint", url, "auth_url", url+"/v3", "project_id", testProject)) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(allOf(readsSignedByAgency(srv), metadataExchange(srv, true))),
		}},
	})
}
