package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

const (
	pipelinesAddr = "data.servicestage_pipelines.test"
	pipelineAddr  = "data.servicestage_pipeline.test"
)

// The test project's new-edition tasks, added out of order. Newest first
// they are pipe-a and pipe-b (same time: ties go by id), pipe-c, then
// pipe-d and pipe-e, which have no create_time (null last, ties by id).
// pipe-e's status code is one the contract does not list.
var testPipelines = []emulator.Pipeline{
	{ID: "pipe-c", Name: "billing-release-1", Status: emulator.PipelineFailed, Creator: "ci", ModelVersion: 2, CreateTime: planTime(2)},
	{ID: "pipe-e", Name: "发布-支付", Status: 6, ModelVersion: 2},
	{ID: "pipe-b", Name: "orders-release-3", Status: emulator.PipelineRunning, Creator: "ci", ModelVersion: 2, CreateTime: planTime(3)},
	{ID: "pipe-d", Name: "orders-draft", Status: emulator.PipelineInitialized, Creator: "ci", ConfigMode: "template", ModelVersion: 2},
	{ID: "pipe-a", Name: "orders-release-2", Description: "weekly orders release", ConfigMode: "ui", FailMode: "stop",
		Creator: "ops", EnterpriseProjectID: "0", ModelVersion: 2, Status: emulator.PipelineSucceeded,
		CreateTime: planTime(3), UpdateTime: planTime(4), LastTriggerAt: planTime(5)},
}

func withPipelines(t *testing.T) (*emulator.Server, string) {
	t.Helper()
	srv, url := newEmulator(t)
	for _, p := range testPipelines {
		srv.AddPipeline(testProject, p)
	}
	return srv, url
}

func pipelinesBlock(args ...string) string {
	return hclBlock(`data "servicestage_pipelines" "test"`, args...)
}

func pipelineBlock(id string, extra ...string) string {
	return hclBlock(`data "servicestage_pipeline" "test"`, append([]string{"pipeline_id", id}, extra...)...)
}

// expectPipelineIDs checks ids, and that pipelines lists the same tasks in the same order.
func expectPipelineIDs(ids ...string) []statecheck.StateCheck {
	return expectListIDs(pipelinesAddr, "pipelines", ids...)
}

func expectPipeline(path string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(pipelineAddr, tfjsonpath.New(path), check)
}

// Both shapes of the list answer give the same state: every field, the
// order and its ties, unknown codes, times of 0 and empty strings as null.
func TestAccPipelines_allNewestFirstBothShapes(t *testing.T) {
	for name, bare := range map[string]bool{"bare array": true, "object with pipelines": false} {
		t.Run(name, func(t *testing.T) {
			srv, url := withPipelines(t)
			srv.SetPipelineListBare(testProject, bare)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: tokenProvider(url) + pipelinesBlock(),
					ConfigStateChecks: append(expectPipelineIDs("pipe-a", "pipe-b", "pipe-c", "pipe-d", "pipe-e"),
						statecheck.ExpectKnownValue(pipelinesAddr, tfjsonpath.New("id"), knownvalue.StringExact(testProject)),
						statecheck.ExpectKnownValue(pipelinesAddr, tfjsonpath.New("project_id"), knownvalue.StringExact(testProject)),
						statecheck.ExpectKnownValue(pipelinesAddr, tfjsonpath.New("pipelines").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":                    knownvalue.StringExact("pipe-a"),
							"name":                  knownvalue.StringExact("orders-release-2"),
							"description":           knownvalue.StringExact("weekly orders release"),
							"config_mode":           knownvalue.StringExact("ui"),
							"creator":               knownvalue.StringExact("ops"),
							"enterprise_project_id": knownvalue.StringExact("0"),
							"model_version":         knownvalue.Int64Exact(2),
							"status_code":           knownvalue.Int64Exact(2),
							"status":                knownvalue.StringExact("SUCCEEDED"),
							"create_time":           knownvalue.Int64Exact(planTime(3).UnixMilli()),
							"update_time":           knownvalue.Int64Exact(planTime(4).UnixMilli()),
							"last_trigger_at":       knownvalue.Int64Exact(planTime(5).UnixMilli()),
						})),
						// An unlisted code is UNKNOWN, its number kept; times of 0 and empty strings are null.
						statecheck.ExpectKnownValue(pipelinesAddr, tfjsonpath.New("pipelines").AtSliceIndex(4), knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":                    knownvalue.StringExact("pipe-e"),
							"name":                  knownvalue.StringExact("发布-支付"),
							"description":           knownvalue.Null(),
							"config_mode":           knownvalue.Null(),
							"creator":               knownvalue.Null(),
							"enterprise_project_id": knownvalue.Null(),
							"model_version":         knownvalue.Int64Exact(2),
							"status_code":           knownvalue.Int64Exact(6),
							"status":                knownvalue.StringExact("UNKNOWN"),
							"create_time":           knownvalue.Null(),
							"update_time":           knownvalue.Null(),
							"last_trigger_at":       knownvalue.Null(),
						})),
					),
				}},
			})
		})
	}
}

// Each filter alone, and combined (AND); one terraform run, a step each.
func TestAccPipelines_filters(t *testing.T) {
	_, url := withPipelines(t)
	step := func(block string, ids ...string) resource.TestStep {
		return resource.TestStep{Config: tokenProvider(url) + block, ConfigStateChecks: expectPipelineIDs(ids...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(pipelinesBlock("name", "orders-release-3"), "pipe-b"),
			step(pipelinesBlock("name_regex", "^orders-"), "pipe-a", "pipe-b", "pipe-d"),
			step(pipelinesBlock("name_regex", "release"), "pipe-a", "pipe-b", "pipe-c"),
			step(pipelinesBlock("name_regex", "^发布"), "pipe-e"),
			step(pipelinesBlock("status", "SUCCEEDED"), "pipe-a"),
			step(pipelinesBlock("status", "UNKNOWN"), "pipe-e"),
			step(pipelinesBlock("status", "PAUSED")),
			step(pipelinesBlock("name_regex", "^orders-", "status", "RUNNING"), "pipe-b"),
			step(pipelinesBlock("name", "orders-draft", "name_regex", "draft$", "status", "INITIALIZED"), "pipe-d"),
			step(pipelinesBlock("name", "orders-release-2", "name_regex", "^orders-"), "pipe-a"),
			step(pipelinesBlock("name", "orders-release-2", "status", "FAILED")),
		},
	})
}

// A status that is not a word of the new edition (SUCCESS is the old
// edition's), or a bad regex, fails before any request.
func TestAccPipelines_invalidFiltersSendNothing(t *testing.T) {
	for name, tc := range map[string]struct {
		block     string
		fragments []string
	}{
		"old-edition status": {pipelinesBlock("status", "SUCCESS"),
			[]string{`Invalid Attribute Value Match`, `status`, `SUCCEEDED`, `AWAITING_APPROVAL`, `UNKNOWN`, `got: "SUCCESS"`}},
		"lower case": {pipelinesBlock("status", "succeeded"), []string{`status`, `got: "succeeded"`}},
		"regex":      {pipelinesBlock("name_regex", "orders-(["), []string{`Invalid regular expression`, `name_regex`}},
	} {
		t.Run(name, func(t *testing.T) {
			srv, url := withPipelines(t)
			failingRead(t, tokenProvider(url)+tc.block, tc.fragments...)
			assertNoRequests(t, srv)
		})
	}
}

func TestAccPipelines_emptyProject(t *testing.T) {
	_, url := newEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: tokenProvider(url) + pipelinesBlock(), ConfigStateChecks: expectPipelineIDs()}},
	})
}

// The list as the API may send it: numeric strings, "0" times, null and
// absent fields, fields the provider does not know.
func TestAccPipelines_oddShapes(t *testing.T) {
	srv, url := newEmulator(t)
	srv.ScriptPipelineList(testProject, emulator.Step{Body: []byte(`[
		{"id": "t1", "name": "orders-1", "status": "2", "create_time": "1764000000000", "update_time": "0",
		 "last_trigger_at": 0, "creator": null, "version": 3, "labels": {"team": "orders"}},
		{"id": "t2", "name": "", "status": null, "model_version": "2", "create_time": 1764000060000}]`)})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + pipelinesBlock(),
			ConfigStateChecks: append(expectPipelineIDs("t2", "t1"),
				statecheck.ExpectKnownValue(pipelinesAddr, tfjsonpath.New("pipelines").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"name": knownvalue.Null(), "status": knownvalue.Null(), "status_code": knownvalue.Null(), "model_version": knownvalue.Int64Exact(2),
				})),
				statecheck.ExpectKnownValue(pipelinesAddr, tfjsonpath.New("pipelines").AtSliceIndex(1), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"status": knownvalue.StringExact("SUCCEEDED"), "status_code": knownvalue.Int64Exact(2), "creator": knownvalue.Null(),
					"create_time": knownvalue.Int64Exact(1764000000000), "update_time": knownvalue.Null(), "last_trigger_at": knownvalue.Null(),
				}))),
		}},
	})
}

func TestAccPipelines_badStatusNamesTheField(t *testing.T) {
	srv, url := newEmulator(t)
	srv.ScriptPipelineList(testProject, emulator.Step{Body: []byte(`{"pipelines": [
		{"id": "t1", "name": "orders-1", "status": 2},
		{"id": "t2", "name": "orders-2", "status": "done"}]}`)})
	failingRead(t, tokenProvider(url)+pipelinesBlock(),
		`Unexpected new-edition release task list response`, `request ID [0-9a-f]{32}`, `release task 1 \("orders-2"\), field "status"`, `"done" is not an integer`)
}

// The details, merged with the status, creator and times from the list.
func TestAccPipeline_detailsMergedWithStatus(t *testing.T) {
	_, url := withPipelines(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + pipelineBlock("pipe-a"),
			ConfigStateChecks: []statecheck.StateCheck{
				expectPipeline("pipeline_id", knownvalue.StringExact("pipe-a")),
				expectPipeline("project_id", knownvalue.StringExact(testProject)),
				expectPipeline("id", knownvalue.StringExact("pipe-a")),
				expectPipeline("name", knownvalue.StringExact("orders-release-2")),
				expectPipeline("description", knownvalue.StringExact("weekly orders release")),
				expectPipeline("config_mode", knownvalue.StringExact("ui")),
				expectPipeline("fail_mode", knownvalue.StringExact("stop")),
				expectPipeline("creator", knownvalue.StringExact("ops")),
				expectPipeline("enterprise_project_id", knownvalue.StringExact("0")),
				expectPipeline("model_version", knownvalue.Int64Exact(2)),
				expectPipeline("status_code", knownvalue.Int64Exact(2)),
				expectPipeline("status", knownvalue.StringExact("SUCCEEDED")),
				expectPipeline("create_time", knownvalue.Int64Exact(planTime(3).UnixMilli())),
				expectPipeline("update_time", knownvalue.Int64Exact(planTime(4).UnixMilli())),
				expectPipeline("last_trigger_at", knownvalue.Int64Exact(planTime(5).UnixMilli())),
				expectPipeline("completed", knownvalue.Bool(true)),
				expectPipeline("succeeded", knownvalue.Bool(true)),
				expectPipeline("wait_for_completion", knownvalue.Bool(false)),
			},
		}},
	})
}

// Without a wait, a running task is read once as it is; a failed or
// unknown one is completed and not succeeded.
func TestAccPipeline_statuses(t *testing.T) {
	_, url := withPipelines(t)
	step := func(id, status string, completed, succeeded bool) resource.TestStep {
		return resource.TestStep{Config: tokenProvider(url) + pipelineBlock(id), ConfigStateChecks: []statecheck.StateCheck{
			expectPipeline("status", knownvalue.StringExact(status)),
			expectPipeline("completed", knownvalue.Bool(completed)),
			expectPipeline("succeeded", knownvalue.Bool(succeeded)),
		}}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step("pipe-b", "RUNNING", false, false),
			step("pipe-c", "FAILED", true, false),
			step("pipe-d", "INITIALIZED", true, false),
			step("pipe-e", "UNKNOWN", true, false),
		},
	})
}

// Details the list does not show: null status fields, completed false.
func TestAccPipeline_notInTheList(t *testing.T) {
	srv, url := withPipelines(t)
	srv.ScriptPipelineList(testProject, emulator.Step{Body: []byte(`[]`)})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + pipelineBlock("pipe-a"),
			ConfigStateChecks: []statecheck.StateCheck{
				expectPipeline("name", knownvalue.StringExact("orders-release-2")),
				expectPipeline("fail_mode", knownvalue.StringExact("stop")),
				expectPipeline("status", knownvalue.Null()),
				expectPipeline("status_code", knownvalue.Null()),
				expectPipeline("creator", knownvalue.Null()),
				expectPipeline("create_time", knownvalue.Null()),
				expectPipeline("last_trigger_at", knownvalue.Null()),
				expectPipeline("completed", knownvalue.Bool(false)),
				expectPipeline("succeeded", knownvalue.Bool(false)),
			},
		}},
	})
}

// An old-edition ID given to the new-edition data source: not found, and
// the error says the editions keep separate tasks.
func TestAccPipeline_oldEditionIDNotFound(t *testing.T) {
	srv, url := withPipelines(t)
	srv.AddReleasePlan(testProject, emulator.ReleasePlan{ID: testReleasePlan, Name: "orders-old", Status: "SUCCESS"})
	failingRead(t, tokenProvider(url)+pipelineBlock(testReleasePlan),
		`Not found in ServiceStage`, `New-edition release task "`+testReleasePlan+`" was not found in project "`+testProject+`"`,
		`HTTP 404`, `SVCSTG\.00100404`, `request ID [0-9a-f]{32}`, `Check pipeline_id`, `two editions`, `old-edition release task ID is not valid here`,
		`servicestage_release_plan`)
}

func TestAccPipeline_hostileIDSendsNothing(t *testing.T) {
	srv, url := withPipelines(t)
	failingRead(t, tokenProvider(url)+pipelineBlock("../pipe-a"), `Invalid ID`, `pipeline_id must not contain`)
	assertNoRequests(t, srv)
}

// Every way of authenticating reaches both new-edition endpoints.
func TestAccPipelines_everyAuthMethod(t *testing.T) {
	testEveryAuthMethod(t, withPipelines, pipelinesBlock()+pipelineBlock("pipe-a"),
		func(srv *emulator.Server, auth string, tokens int64) []statecheck.StateCheck {
			return []statecheck.StateCheck{
				statecheck.ExpectKnownValue(pipelinesAddr, tfjsonpath.New("ids"), knownvalue.ListSizeExact(len(testPipelines))),
				expectPipeline("status", knownvalue.StringExact("SUCCEEDED")),
				emulatorCheck(func() error {
					return pathReadsWith(srv, auth, tokens, "/v3/"+testProject+"/pipeline/pipelines", "/v3/"+testProject+"/pipeline/pipelines/pipe-a")
				}),
			}
		})
}

// The wait polls the list until the run ends: RUNNING for two reads, then
// SUCCEEDED.
func TestAccPipeline_waitUntilSucceeded(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddPipeline(testProject, emulator.Pipeline{ID: "pipe-r", Name: "orders-release-9", Status: emulator.PipelineRunning,
		LastTriggerAt: planTime(9), Run: []int{emulator.PipelineRunning, emulator.PipelineRunning, emulator.PipelineSucceeded}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + pipelineBlock("pipe-r", "wait_for_completion", "true"),
			ConfigStateChecks: []statecheck.StateCheck{
				expectPipeline("status", knownvalue.StringExact("SUCCEEDED")),
				expectPipeline("completed", knownvalue.Bool(true)),
				expectPipeline("succeeded", knownvalue.Bool(true)),
				expectPipeline("wait_for_completion", knownvalue.Bool(true)),
			},
			Check: expectPipelineListReads(srv, 3),
		}},
	})
}

// AWAITING_APPROVAL and PAUSED are waited through: a person acts meanwhile.
// A run that fails ends the wait, completed and not succeeded.
func TestAccPipeline_waitThroughApproval(t *testing.T) {
	for name, tc := range map[string]struct {
		run       []int
		status    string
		succeeded bool
	}{
		"approved": {[]int{emulator.PipelineAwaitingApproval, emulator.PipelineAwaitingApproval, emulator.PipelineRunning,
			emulator.PipelinePaused, emulator.PipelineSucceeded}, "SUCCEEDED", true},
		"refused": {[]int{emulator.PipelineAwaitingApproval, emulator.PipelineFailed}, "FAILED", false},
	} {
		t.Run(name, func(t *testing.T) {
			srv, url := newEmulator(t)
			srv.AddPipeline(testProject, emulator.Pipeline{ID: "pipe-r", Name: "orders-release-9", Status: emulator.PipelineRunning, Run: tc.run})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: tokenProvider(url) + pipelineBlock("pipe-r", "wait_for_completion", "true"),
					ConfigStateChecks: []statecheck.StateCheck{
						expectPipeline("status", knownvalue.StringExact(tc.status)),
						expectPipeline("completed", knownvalue.Bool(true)),
						expectPipeline("succeeded", knownvalue.Bool(tc.succeeded)),
					},
					Check: expectPipelineListReads(srv, len(tc.run)),
				}},
			})
		})
	}
}

// At timeouts.read the error names the status; for a checkpoint it says
// the task waits for a person in the console.
func TestAccPipeline_waitTimeout(t *testing.T) {
	for name, tc := range map[string]struct {
		status    int
		fragments []string
	}{
		"running": {emulator.PipelineRunning, []string{`its status was RUNNING at the last read`}},
		"awaiting approval": {emulator.PipelineAwaitingApproval,
			[]string{`its status was AWAITING_APPROVAL at the last read`, `waits for a person to approve or continue it in the ServiceStage console`}},
		"paused": {emulator.PipelinePaused, []string{`its status was PAUSED`, `waits for a person`}},
	} {
		t.Run(name, func(t *testing.T) {
			srv, url := newEmulator(t)
			srv.AddPipeline(testProject, emulator.Pipeline{ID: "pipe-r", Name: "orders-release-9", Status: tc.status})
			failingRead(t, tokenProvider(url)+`data "servicestage_pipeline" "test" {
  pipeline_id         = "pipe-r"
  wait_for_completion = true
  timeouts = { read = "1s" }
}
`, append([]string{`Timed out waiting for new-edition release task`,
				`New-edition release task "pipe-r" in project "` + testProject + `" did not complete within 1s`}, tc.fragments...)...)
		})
	}
}

// The wait rides out an outage of the list, as the deploy-info wait does.
func TestAccPipeline_waitRidesOutAnOutage(t *testing.T) {
	srv, url := withPipelines(t)
	srv.ScriptPipelineList(testProject,
		emulator.Step{Times: 8, Status: http.StatusServiceUnavailable, Body: []byte(`{"error_code": "APIGW.0202", "error_msg": "busy"}`)},
		emulator.Step{Body: emulator.PipelineListJSON(true, testPipelines...)})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            tokenProvider(url) + pipelineBlock("pipe-a", "wait_for_completion", "true"),
			ConfigStateChecks: []statecheck.StateCheck{expectPipeline("status", knownvalue.StringExact("SUCCEEDED"))},
		}},
	})
}

// expectPipelineListReads fails the step unless the emulator has answered
// exactly n reads of the test project's new-edition list.
func expectPipelineListReads(srv *emulator.Server, n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := srv.PipelineListReads(testProject); got != n {
			return fmt.Errorf("the emulator answered %d reads of the list, want %d", got, n)
		}
		return nil
	}
}

// A token scoped to another project is refused; the error names the
// permissions each data source needs.
func TestAccPipelines_permissionDenied(t *testing.T) {
	for name, tc := range map[string]struct{ block, permission string }{
		"list":    {pipelinesBlock("project_id", otherProject), `servicestage:pipeline:list permission`},
		"details": {pipelineBlock("pipe-a", "project_id", otherProject), `servicestage:pipeline:get \(details\) and servicestage:pipeline:list \(status\) permission`},
	} {
		t.Run(name, func(t *testing.T) {
			_, url := withPipelines(t)
			failingRead(t, tokenProvider(url)+tc.block, `Permission denied`, `HTTP 403`, `APIGW\.0302`, tc.permission,
				`project "`+otherProject+`"`, `scoped to one project`)
		})
	}
}
