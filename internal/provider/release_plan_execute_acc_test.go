package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

// Acceptance tests of the execute action, as HashiCorp's providers test
// theirs: a terraform_data resource triggers the action after it is
// created. Actions need Terraform 1.14; OpenTofu has none.

// actionCLIs skips a test on a CLI without actions.
var actionCLIs = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0), skipOpenTofu{}}

// skipOpenTofu skips under OpenTofu, whose version numbers would otherwise
// pass for Terraform's.
type skipOpenTofu struct{}

func (skipOpenTofu) CheckTerraformVersion(_ context.Context, _ tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if isOpenTofu() {
		resp.Skip = "OpenTofu has no actions"
	}
}

func isOpenTofu() bool {
	return os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org" ||
		strings.Contains(filepath.Base(os.Getenv("TF_ACC_TERRAFORM_PATH")), "tofu")
}

// executeActionConfig is the action on testReleasePlan and a
// terraform_data resource that triggers it.
func executeActionConfig(url string) string {
	return tokenProvider(url) + fmt.Sprintf(`
action "servicestage_release_plan_execute" "release" {
  config {
    release_plan_id = %q
  }
}

resource "terraform_data" "release" {
  input = "orders 2026.1130.1200"
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.servicestage_release_plan_execute.release]
    }
  }
}
`, testReleasePlan)
}

// expectExecutes fails the step unless the emulator saw n executes.
func expectExecutes(srv *emulator.Server, n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := srv.Executes(testProject, testReleasePlan); got != n {
			return fmt.Errorf("the emulator saw %d execute request(s), want %d", got, n)
		}
		return nil
	}
}

func TestAccReleasePlanExecute_trigger(t *testing.T) {
	srv, url := executeEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   actionCLIs,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: executeActionConfig(url),
			Check: resource.ComposeTestCheckFunc(expectExecutes(srv, 1), func(*terraform.State) error {
				// The run was followed to its end: every job was read done.
				if n := srv.Reads(testProject, testReleasePlan); n < 3 {
					return fmt.Errorf("deploy-info read %d times; the run has 3 phases", n)
				}
				return nil
			}),
		}},
	})
}

func TestAccReleasePlanExecute_triggerFailedRun(t *testing.T) {
	srv, url := executeEmulator(t)
	srv.SetRun(testProject, testReleasePlan, emulator.ProgressingRun(executeLastRun.Add(time.Hour),
		emulator.Component{ID: "c1", Name: "orders-api", Status: "SUCCESS", JobStatus: "SUCCEEDED"},
		emulator.Component{ID: "c2", Name: "orders-worker", Status: "FAILED", JobStatus: "FAILED",
			FailMessage: "image orders-worker:2026.1130.1200 not found"},
	))
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   actionCLIs,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: executeActionConfig(url),
			ExpectError: errorPattern(`Release failed`, `ended with 1 of 2 component\(s\) not deployed:`,
				`- orders-worker: job_status FAILED \(status FAILED\): image orders-worker:2026\.1130\.1200 not found`),
		}},
	})
	if n := srv.Executes(testProject, testReleasePlan); n != 1 {
		t.Errorf("the emulator saw %d execute request(s), want 1", n)
	}
}

// Never twice, through Terraform: a 502 after the service acted is
// followed, a 500 without acting fails saying it was not resent; one
// execute either way.
func TestAccReleasePlanExecute_ambiguousAnswers(t *testing.T) {
	t.Run("502 after acting", func(t *testing.T) {
		srv, url := executeEmulator(t)
		srv.ScriptExecute(testProject, testReleasePlan, emulator.Execute{Acts: true, Answer: emulator.Step{Status: http.StatusBadGateway}})
		resource.ParallelTest(t, resource.TestCase{
			TerraformVersionChecks:   actionCLIs,
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: executeActionConfig(url), Check: expectExecutes(srv, 1)}},
		})
	})
	t.Run("500 without acting", func(t *testing.T) {
		srv, url := executeEmulator(t)
		srv.ScriptExecute(testProject, testReleasePlan, emulator.Execute{Answer: emulator.Step{Status: http.StatusInternalServerError}})
		resource.ParallelTest(t, resource.TestCase{
			TerraformVersionChecks:   actionCLIs,
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: executeActionConfig(url),
				ExpectError: errorPattern(`the request was not resent`, `HTTP 500`, `The request was NOT resent`,
					`The task shows no new run yet`, `Check the release task in the ServiceStage console before running this action again`),
			}},
		})
		if n := srv.Executes(testProject, testReleasePlan); n != 1 {
			t.Errorf("the emulator saw %d execute request(s), want 1", n)
		}
	})
}

// The CLI's -invoke, which terraform-plugin-testing has no step for: the
// test runs Terraform itself against the provider served in-process
// (TF_REATTACH_PROVIDERS), and reads what the user would see.
func TestAccReleasePlanExecute_invoke(t *testing.T) {
	tf := actionTerraform(t)
	srv, url := executeEmulator(t)
	dir := t.TempDir()
	config := `terraform {
  required_providers {
    servicestage = { source = "f6c119bb/servicestage" }
  }
}
` + executeActionConfig(url)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	env := reattachEnv(t)
	runTerraform(t, tf, dir, env, "init", "-input=false", "-no-color")

	// The trigger: creating terraform_data starts the run.
	out := runTerraform(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	wantInOrder(t, "apply output", out, "Action started: action.servicestage_release_plan_execute.release",
		"started a run at", "orders-api: job_status SUCCEEDED (1 of 2 component(s) done)",
		"succeeded: all 2 component(s) deployed.", "Apply complete!")
	if n := srv.Executes(testProject, testReleasePlan); n != 1 {
		t.Errorf("after apply: %d execute request(s), want 1", n)
	}

	// -invoke runs the action alone, another run.
	out = runTerraform(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color",
		"-invoke=action.servicestage_release_plan_execute.release")
	wantInOrder(t, "invoke output", out, "started a run at",
		"orders-worker: job_status SUCCEEDED (2 of 2 component(s) done)", "succeeded: all 2 component(s) deployed.")
	if n := srv.Executes(testProject, testReleasePlan); n != 2 {
		t.Errorf("after -invoke: %d execute request(s), want 2", n)
	}

	// A failed run fails the invoke, with the component and its message.
	srv.SetRun(testProject, testReleasePlan, emulator.ProgressingRun(executeLastRun.Add(time.Hour),
		emulator.Component{ID: "c1", Name: "orders-api", Status: "SUCCESS", JobStatus: "SUCCEEDED"},
		emulator.Component{ID: "c2", Name: "orders-worker", Status: "ROLLBACK_SUCCEED", JobStatus: "FAILED",
			FailMessage: "health check of orders-worker-7f9c-2 failed: readiness probe timed out", RollbackJobStatus: "SUCCEEDED"},
	))
	out = runTerraformFailing(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color",
		"-invoke=action.servicestage_release_plan_execute.release")
	wantInOrder(t, "failed invoke output", out, "orders-worker: job_status FAILED: health check",
		"Error: Release failed", "- orders-worker: job_status FAILED (status ROLLBACK_SUCCEED): health check of orders-worker-7f9c-2 failed")
	if n := srv.Executes(testProject, testReleasePlan); n != 3 {
		t.Errorf("after the failed -invoke: %d execute request(s), want 3", n)
	}

	// A 500 without acting: the invoke fails, saying it did not resend.
	srv.ScriptExecute(testProject, testReleasePlan, emulator.Execute{Answer: emulator.Step{Status: http.StatusInternalServerError}})
	out = runTerraformFailing(t, tf, dir, env, "apply", "-auto-approve", "-input=false", "-no-color",
		"-invoke=action.servicestage_release_plan_execute.release")
	wantInOrder(t, "unconfirmed invoke output", out, "The request is not resent.",
		"Error: Release task run not confirmed; the request was not resent", "The request was NOT resent")
	if n := srv.Executes(testProject, testReleasePlan); n != 4 {
		t.Errorf("after the unconfirmed -invoke: %d execute request(s), want 4", n)
	}
}

// actionTerraform is the Terraform CLI under test, or skips when it has no
// actions or acceptance tests are off.
func actionTerraform(t *testing.T) string {
	t.Helper()
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || tf == "" {
		t.Skip("needs TF_ACC and TF_ACC_TERRAFORM_PATH")
	}
	if ok, why := cliHasActions(t, tf); !ok {
		t.Skip(why)
	}
	return tf
}

// cliHasActions reports whether the CLI at tf has actions (Terraform 1.14
// or later, not OpenTofu), and if not, why.
func cliHasActions(t *testing.T, tf string) (bool, string) {
	t.Helper()
	if isOpenTofu() {
		return false, "OpenTofu has no actions"
	}
	out, err := exec.CommandContext(t.Context(), tf, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version: %v", tf, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v", tf, err)
	}
	if got, err := version.NewVersion(v.Version); err != nil || got.Core().LessThan(tfversion.Version1_14_0) {
		return false, fmt.Sprintf("Terraform %s has no actions", v.Version)
	}
	return true, ""
}

// reattachEnv serves the provider in-process for the test's life and
// returns the environment that points Terraform at it.
func reattachEnv(t *testing.T) []string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig)
	closed := make(chan struct{})
	serve := typedstate.NewProtocol6(func() provider.Provider { return &servicestageProvider{version: "test", timing: testTiming} })
	go func() {
		_ = tf6server.Serve("registry.terraform.io/f6c119bb/servicestage", func() tfprotov6.ProviderServer { return serve() },
			tf6server.WithDebug(ctx, reattach, closed), tf6server.WithLoggingSink(t))
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-reattach:
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("the provider server did not start")
	}
	t.Cleanup(func() { cancel(); <-closed })
	type addr struct{ Network, String string }
	config, err := json.Marshal(map[string]any{"registry.terraform.io/f6c119bb/servicestage": map[string]any{
		"Protocol": string(rc.Protocol), "ProtocolVersion": rc.ProtocolVersion, "Pid": rc.Pid, "Test": rc.Test,
		"Addr": addr{rc.Addr.Network(), rc.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(t.TempDir(), "empty.tfrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return append(os.Environ(), "TF_REATTACH_PROVIDERS="+string(config), "TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
}

// runTerraform runs the CLI in dir and returns its output; it fails the test if the command fails.
func runTerraform(t *testing.T, tf, dir string, env []string, args ...string) string {
	t.Helper()
	out, err := terraformOutput(t, tf, dir, env, args...)
	if err != nil {
		t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// runTerraformFailing is runTerraform for a command that must fail.
func runTerraformFailing(t *testing.T, tf, dir string, env []string, args ...string) string {
	t.Helper()
	out, err := terraformOutput(t, tf, dir, env, args...)
	if err == nil {
		t.Fatalf("terraform %s succeeded, want a failure:\n%s", strings.Join(args, " "), out)
	}
	return out
}

func terraformOutput(t *testing.T, tf, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), tf, args...)
	cmd.Dir, cmd.Env = dir, env
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	err := cmd.Run()
	t.Logf("$ terraform %s\n%s", strings.Join(args, " "), b.String())
	return b.String(), err
}
