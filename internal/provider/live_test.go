package provider

import (
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccLive_deployInfo reads a real release task from Huawei Cloud. It runs
// only when the machine has credentials (any method of the contract, from the
// HW_* variables), a region or endpoint, a project, and
// SERVICESTAGE_TEST_RELEASE_PLAN_ID. It adds to the emulator tests; it does
// not replace them.
func TestAccLive_deployInfo(t *testing.T) {
	id := os.Getenv("SERVICESTAGE_TEST_RELEASE_PLAN_ID")
	hasCreds := machineEnv["HW_AUTH_TOKEN"] != "" ||
		(machineEnv["HW_ACCESS_KEY"] != "" && machineEnv["HW_SECRET_KEY"] != "") ||
		(machineEnv["HW_USER_NAME"] != "" && machineEnv["HW_PASSWORD"] != "")
	hasPlace := machineEnv["HW_REGION_NAME"] != "" || machineEnv["HW_SERVICESTAGE_ENDPOINT"] != ""
	if id == "" || !hasCreds || !hasPlace || machineEnv["HW_PROJECT_ID"] == "" {
		t.Skip("live test: set HW_* credentials, HW_REGION_NAME, HW_PROJECT_ID and SERVICESTAGE_TEST_RELEASE_PLAN_ID to run it against Huawei Cloud")
	}
	for name, value := range machineEnv {
		t.Setenv(name, value)
	}

	// Real retries and polls: the live service gets the production timing.
	factories := providerFactories(defaultTiming)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: "provider \"servicestage\" {}\n" + deployInfoBlock(id),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("id", knownvalue.StringExact(id)),
				expect("project_id", knownvalue.StringExact(machineEnv["HW_PROJECT_ID"])),
				expect("completed", knownvalue.NotNull()),
				expect("all_succeeded", knownvalue.NotNull()),
				statecheck.ExpectKnownValue(dataSourceAddr, tfjsonpath.New("failed_components"), knownvalue.NotNull()),
			},
		}},
	})
}
