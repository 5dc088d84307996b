package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// Acceptance tests of the start action, as those of the execute action.

// startActionConfig is the action on testPipelineTask and a terraform_data
// resource that triggers it.
func startActionConfig(url string) string {
	return tokenProvider(url) + fmt.Sprintf(`
action "servicestage_pipeline_start" "release" {
  config {
    pipeline_id = %q
  }
}

resource "terraform_data" "release" {
  input = "checkout 2026.1130.1200"
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.servicestage_pipeline_start.release]
    }
  }
}
`, testPipelineTask)
}

// expectStarts fails the step unless n starts began a run.
func expectStarts(srv *emulator.Server, n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := srv.PipelineStarts(testProject, testPipelineTask); got != n {
			return fmt.Errorf("%d start(s) began a run, want %d", got, n)
		}
		return nil
	}
}

func TestAccPipelineStart_trigger(t *testing.T) {
	srv, url := startEmulator(t, emulator.PipelineSucceeded)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   actionCLIs,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: startActionConfig(url),
			Check: resource.ComposeTestCheckFunc(expectStarts(srv, 1), func(*terraform.State) error {
				// The run was followed to its end: one read before the start, then RUNNING, RUNNING, SUCCEEDED.
				if n := srv.PipelineListReads(testProject); n < 4 {
					return fmt.Errorf("the list read %d times; the run has 3 phases", n)
				}
				return nil
			}),
		}},
	})
}

func TestAccPipelineStart_triggerFailedRun(t *testing.T) {
	srv, url := startEmulator(t, emulator.PipelineSucceeded, emulator.PipelineRunning, emulator.PipelineFailed)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   actionCLIs,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      startActionConfig(url),
			ExpectError: errorPattern(`Release failed`, `release task "checkout-release"`, `ended with status FAILED, not SUCCEEDED.`),
		}},
	})
	if n := srv.PipelineStarts(testProject, testPipelineTask); n != 1 {
		t.Errorf("%d start(s) began a run, want 1", n)
	}
}

// -invoke through the CLI, with the execute action's CLI helpers: a
// triggered run, an invoked one, and one refused while a run waits.
func TestAccPipelineStart_invoke(t *testing.T) {
	tf := actionTerraform(t)
	srv, url := startEmulator(t, emulator.PipelineSucceeded,
		emulator.PipelineRunning, emulator.PipelineAwaitingApproval, emulator.PipelineSucceeded)
	dir := t.TempDir()
	config := `terraform {
  required_providers {
    servicestage = { source = "f6c119bb/servicestage" }
  }
}
` + startActionConfig(url)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	env := reattachEnv(t)
	runTerraform(t, tf, dir, env, "init", "-input=false", "-no-color")

	out := runTerraform(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	wantInOrder(t, "apply output", out, "Action started: action.servicestage_pipeline_start.release",
		"started a run at", "status AWAITING_APPROVAL: the task waits for a person to approve or continue it in the ServiceStage console.",
		"status SUCCEEDED.", "succeeded.", "Apply complete!")

	out = runTerraform(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color",
		"-invoke=action.servicestage_pipeline_start.release")
	wantInOrder(t, "invoke output", out, "started a run at", "status SUCCEEDED.", "succeeded.")
	if n := srv.PipelineStarts(testProject, testPipelineTask); n != 2 {
		t.Errorf("after -invoke: %d start(s), want 2", n)
	}

	// A failed run fails the invoke, naming the final status.
	srv.AddPipeline(testProject, emulator.Pipeline{ID: testPipelineTask, Name: "checkout-release", ModelVersion: 2,
		Status: emulator.PipelineSucceeded, LastTriggerAt: startLastRun,
		OnStart: []int{emulator.PipelineRunning, emulator.PipelinePaused, emulator.PipelineRollingBack, emulator.PipelineFailed}})
	out = runTerraformFailing(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color",
		"-invoke=action.servicestage_pipeline_start.release")
	wantInOrder(t, "failed invoke output", out, "started a run at", "status PAUSED: the task waits for a person",
		"status ROLLING_BACK.", "status FAILED.", "ended with status FAILED, not SUCCEEDED.", "Error: Release failed")
	if n := srv.PipelineStarts(testProject, testPipelineTask); n != 1 {
		t.Errorf("after the failed -invoke: %d start(s) on the replaced task, want 1", n)
	}

	// A run waiting for a person: the invoke sends nothing and says why.
	srv.AddPipeline(testProject, emulator.Pipeline{ID: testPipelineTask, Name: "checkout-release", ModelVersion: 2,
		Status: emulator.PipelineAwaitingApproval, LastTriggerAt: startLastRun})
	out = runTerraformFailing(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color",
		"-invoke=action.servicestage_pipeline_start.release")
	wantInOrder(t, "refused invoke output", out, "Action failed: action.servicestage_pipeline_start.release",
		"its status is AWAITING_APPROVAL: the task waits for a person", "Nothing was sent", "Error: Release task run in progress")
	if n := srv.PipelineStarts(testProject, testPipelineTask); n != 0 {
		t.Errorf("after the refused -invoke: %d start(s) on the replaced task, want 0", n)
	}
}
