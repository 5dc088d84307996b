package provider

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// Plain Go tests of the start action, as those of the execute action: the
// served provider gets the action RPCs Terraform would send.

const (
	startTypeName    = "servicestage_pipeline_start"
	testPipelineTask = "3b8e1f0a-6c2d-4e9b-a7f5-1d0c9e8b7a64"
)

// startLastRun is when the test task last ran, before each test's start.
var startLastRun = time.Date(2026, 11, 27, 10, 15, 0, 0, time.UTC)

// startEmulator serves a new-edition task whose last run, at startLastRun,
// succeeded; a start runs it RUNNING, RUNNING, SUCCEEDED unless onStart says otherwise.
func startEmulator(t *testing.T, status int, onStart ...int) (*emulator.Server, string) {
	t.Helper()
	srv, url := newEmulator(t)
	srv.AddPipeline(testProject, emulator.Pipeline{ID: testPipelineTask, Name: "checkout-release", ConfigMode: "ui", FailMode: "stop",
		ModelVersion: 2, Status: status, CreateTime: startLastRun.Add(-time.Hour), LastTriggerAt: startLastRun, OnStart: onStart})
	return srv, url
}

// invokeStart invokes the start action on testPipelineTask with extra configuration.
func invokeStart(t *testing.T, url string, extra map[string]tftypes.Value) invocationResult {
	t.Helper()
	return invokeAction(t, url, startTypeName, "pipeline_id", testPipelineTask, extra)
}

// wantStarts fails unless the emulator saw n start requests (acted or not)
// and no other POST, and acted has begun runs.
func wantStarts(t *testing.T, srv *emulator.Server, n, acted int) {
	t.Helper()
	posts := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost {
			posts++
			if !strings.HasSuffix(r.Path, "/pipeline/pipelines/"+testPipelineTask+"/action") {
				t.Errorf("POST %s, want only starts", r.Path)
			}
		}
	}
	if posts != n {
		t.Errorf("the emulator saw %d start request(s), want %d", posts, n)
	}
	if got := srv.PipelineStarts(testProject, testPipelineTask); got != acted {
		t.Errorf("%d start(s) began a run, want %d", got, acted)
	}
}

// invokeTimeoutOf is timeouts = { invoke = d }.
func invokeTimeoutOf(d string) map[string]tftypes.Value {
	return map[string]tftypes.Value{"timeouts": tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"invoke": tftypes.String}},
		map[string]tftypes.Value{"invoke": tftypes.NewValue(tftypes.String, d)})}
}

const startTask = `New-edition release task "checkout-release" (` + testPipelineTask + `)`

func TestPipelineStart_followsRunToSuccess(t *testing.T) {
	srv, url := startEmulator(t, emulator.PipelineSucceeded,
		emulator.PipelineRunning, emulator.PipelineAwaitingApproval, emulator.PipelineRunning, emulator.PipelineSucceeded)
	r := invokeStart(t, url, nil)
	if r.failure() != "" {
		t.Fatalf("the invoke failed:\n%s", r.failure())
	}
	wantStarts(t, srv, 1, 1)
	wantInOrder(t, "progress", strings.Join(r.progress, "\n"),
		startTask+" started a run at ", ": status RUNNING.",
		startTask+": status AWAITING_APPROVAL: the task waits for a person to approve or continue it in the ServiceStage console.",
		startTask+": status RUNNING.",
		startTask+": status SUCCEEDED.",
		startTask+": the run started at ", " succeeded.")
}

func TestPipelineStart_noWait(t *testing.T) {
	srv, url := startEmulator(t, emulator.PipelineFailed)
	r := invokeStart(t, url, map[string]tftypes.Value{"wait": tftypes.NewValue(tftypes.Bool, false)})
	if r.failure() != "" {
		t.Fatalf("the invoke failed:\n%s", r.failure())
	}
	wantStarts(t, srv, 1, 1)
	if n := srv.PipelineListReads(testProject); n != 1 {
		t.Errorf("the list read %d times, want 1 (before the start) with wait = false", n)
	}
	wantInOrder(t, "progress", strings.Join(r.progress, "\n"), "not waiting for it (wait = false)")
}

// A run in progress is not started again: nothing is sent, and the
// failure names the status.
func TestPipelineStart_inProgressRefused(t *testing.T) {
	for status, word := range map[int]string{emulator.PipelineRunning: "RUNNING", emulator.PipelinePaused: "PAUSED"} {
		t.Run(word, func(t *testing.T) {
			srv, url := startEmulator(t, status)
			r := invokeStart(t, url, nil)
			wantStarts(t, srv, 0, 0)
			wantInOrder(t, "failure", r.failure(), "Release task run in progress",
				startTask+" has a run in progress: its status is "+word, "Nothing was sent")
			if person := strings.Contains(r.failure(), "waits for a person"); person != (word == "PAUSED") {
				t.Errorf("%s: says a person must act: %v", word, person)
			}
		})
	}
}

func TestPipelineStart_failedRun(t *testing.T) {
	srv, url := startEmulator(t, emulator.PipelineSucceeded, emulator.PipelineRunning, emulator.PipelineFailed)
	r := invokeStart(t, url, nil)
	wantStarts(t, srv, 1, 1)
	wantInOrder(t, "progress", strings.Join(r.progress, "\n"), "started a run at", startTask+": status FAILED.")
	wantInOrder(t, "failure", r.failure(), "Release failed",
		`The run of new-edition release task "checkout-release" (`+testPipelineTask+`) started at `,
		"ended with status FAILED, not SUCCEEDED.", "See the run in the ServiceStage console")
}

// A run that waits for an approval past timeouts.invoke: the failure names
// the status, that a person must act, and that the release goes on.
func TestPipelineStart_timeoutAwaitingApproval(t *testing.T) {
	srv, url := startEmulator(t, emulator.PipelineSucceeded, emulator.PipelineRunning, emulator.PipelineAwaitingApproval)
	r := invokeStart(t, url, invokeTimeoutOf("2s"))
	wantStarts(t, srv, 1, 1)
	wantInOrder(t, "progress", strings.Join(r.progress, "\n"), "started a run at",
		"status AWAITING_APPROVAL: the task waits for a person to approve or continue it in the ServiceStage console.")
	wantInOrder(t, "failure", r.failure(), "Timed out waiting for the release",
		`The run of new-edition release task "checkout-release" (`+testPipelineTask+`) started at `, "did not complete within 2",
		"its status was AWAITING_APPROVAL at the last read: the task waits for a person to approve or continue it in the ServiceStage console",
		"goes on in ServiceStage", "Raise timeouts.invoke")
}

// A refused start names the permission it needs.
func TestPipelineStart_permissionDenied(t *testing.T) {
	srv, url := startEmulator(t, emulator.PipelineSucceeded)
	srv.ScriptPipelineStarts(testProject, testPipelineTask, emulator.StartForbidden)
	r := invokeStart(t, url, nil)
	wantStarts(t, srv, 1, 0)
	wantInOrder(t, "failure", r.failure(), "Permission denied", "HTTP 403", "APIGW.0302",
		"needs the servicestage:pipeline:modify permission in project")
}

// A task the project does not have fails before anything is sent, saying
// which edition was read.
func TestPipelineStart_notFound(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddPipeline(testProject, emulator.Pipeline{ID: "another-task", Name: "other", Status: emulator.PipelineSucceeded})
	r := invokeStart(t, url, nil)
	wantStarts(t, srv, 0, 0)
	wantInOrder(t, "failure", r.failure(), "Not found in ServiceStage", testPipelineTask, "was not found in project", testProject,
		"an old-edition release task ID is not valid here")
}

// 502 after the service acted: the new run shows in the list and is
// followed; one start was sent.
func TestPipelineStart_502AfterActingFollowsTheRun(t *testing.T) {
	srv, url := startEmulator(t, emulator.PipelineSucceeded)
	srv.ScriptPipelineStarts(testProject, testPipelineTask, emulator.StartActs502)
	r := invokeStart(t, url, nil)
	if r.failure() != "" {
		t.Fatalf("the invoke failed:\n%s", r.failure())
	}
	wantStarts(t, srv, 1, 1)
	wantInOrder(t, "progress", strings.Join(r.progress, "\n"),
		"was not a clear yes or no", "HTTP 502", "The request is not resent.",
		"started a run at", "succeeded.")
}

// 500 without acting: no new run shows, and the action fails saying it did
// not resend, after one start and a few reads of the list.
func TestPipelineStart_500WithoutActingIsNotResent(t *testing.T) {
	srv, url := startEmulator(t, emulator.PipelineSucceeded)
	srv.ScriptPipelineStarts(testProject, testPipelineTask, emulator.StartRefuses500)
	r := invokeStart(t, url, nil)
	wantStarts(t, srv, 1, 0)
	wantInOrder(t, "failure", r.failure(),
		"Release task run not confirmed; the request was not resent",
		"HTTP 500",
		"The request was NOT resent",
		"The task shows no new run yet: its last_trigger_at was still 2026-11-27T10:15:00Z after 4 read(s) of the task list.",
		"Check the release task in the ServiceStage console before running this action again")
	if n := srv.PipelineListReads(testProject); n != 1+outcomePolls {
		t.Errorf("the list read %d times, want %d", n, 1+outcomePolls)
	}
}

// A task whose details are there but which the list does not show: its
// status is unknown, so nothing is sent.
func TestPipelineStart_notListed(t *testing.T) {
	srv, url := startEmulator(t, emulator.PipelineSucceeded)
	srv.ScriptPipelineList(testProject, emulator.Step{Body: emulator.PipelineListJSON(false)})
	r := invokeStart(t, url, nil)
	wantStarts(t, srv, 0, 0)
	wantInOrder(t, "failure", r.failure(), "New-edition release task not in the list",
		"the list of project", "does not show it", "nothing was sent", "run this action again later")
}
