package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// The gate example's order (issue 19, point 3): the details take their ID
// from a waiting deploy-info read, so they are read after the release ends
// and show its outcome, not RUNNING.
func TestAccGate_detailsAfterTheWait(t *testing.T) {
	srv, url := newEmulator(t)
	start := waitReleaseStart
	running := emulator.Component{ID: "c1", Name: "orders-api", Status: "RUNNING", JobStatus: "RUNNING", StartTime: start}
	done := running
	done.Status, done.JobStatus, done.EndTime = "SUCCESS", "SUCCEEDED", start.Add(time.Minute)
	srv.AddTask(testProject, testReleasePlan,
		emulator.Step{Times: 2, Body: emulator.DeployInfoJSON(testReleasePlan, running)},
		emulator.Step{Body: emulator.DeployInfoJSON(testReleasePlan, done)})
	srv.AddReleasePlan(testProject, emulator.ReleasePlan{ID: testReleasePlan, Name: "orders-release", Status: "RUNNING",
		CreateTime: start.Add(-time.Hour), ExecuteTime: start, Components: []emulator.PlanComponent{{Seq: 1, ComponentID: "c1", Name: "orders-api"}}})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(testReleasePlan, waitAttr) + `
data "servicestage_release_plan" "gate" {
  release_plan_id = data.servicestage_release_plan_deploy_info.test.id
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				expect("all_succeeded", knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.servicestage_release_plan.gate", tfjsonpath.New("status"), knownvalue.StringExact("SUCCESS")),
			},
		}},
	})
}
