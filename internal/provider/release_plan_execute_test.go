package provider

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

// Plain Go tests of the execute action: the served provider (through the
// same wrapper as main.go) gets the action RPCs Terraform would send, against
// the emulator, with no Terraform involved.

const executeTypeName = "servicestage_release_plan_execute"

// executeLastRun is when the test task last ran, before each test's execute.
var executeLastRun = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

// executeEmulator serves a two-component release task that last ran at executeLastRun.
func executeEmulator(t *testing.T) (*emulator.Server, string) {
	t.Helper()
	srv, url := newEmulator(t)
	srv.AddReleasePlan(testProject, emulator.ReleasePlan{ID: testReleasePlan, Name: "orders-release", Action: "upgrade",
		Status: "SUCCESS", CreateTime: executeLastRun.Add(-time.Hour), ExecuteTime: executeLastRun,
		Components: []emulator.PlanComponent{{Seq: 1, ComponentID: "c1", Name: "orders-api"}, {Seq: 2, ComponentID: "c2", Name: "orders-worker"}}})
	return srv, url
}

// servedProvider is the provider as main.go serves it, configured for token
// authentication against url.
func servedProvider(t *testing.T, url string) tfprotov6.ProviderServer {
	t.Helper()
	server := typedstate.NewProtocol6(func() provider.Provider { return &servicestageProvider{version: "test", timing: testTiming} })()
	configuredServer(t, server, url)
	return server
}

// actionConfig is the protocol configuration of action typeName: every
// attribute null but those given.
func actionConfig(t *testing.T, server tfprotov6.ProviderServer, typeName string, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	s, ok := schemas.ActionSchemas[typeName]
	if !ok {
		t.Fatalf("the provider has no action %s", typeName)
	}
	typ := s.Schema.ValueType().(tftypes.Object) //nolint:forcetypeassert // A schema's value type is an object.
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range set {
		attrs[name] = v
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// invocationResult is what Terraform would show of an invoke.
type invocationResult struct {
	progress []string
	diags    []*tfprotov6.Diagnostic
}

// failure is the error diagnostics' summaries and details, one string.
func (r invocationResult) failure() string {
	var b strings.Builder
	for _, d := range r.diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			b.WriteString(d.Summary + "\n" + d.Detail + "\n")
		}
	}
	return b.String()
}

// invokeExecute invokes the execute action on testReleasePlan with extra
// configuration, and collects its progress and final diagnostics.
func invokeExecute(t *testing.T, url string, extra map[string]tftypes.Value) invocationResult {
	t.Helper()
	return invokeAction(t, url, executeTypeName, "release_plan_id", testReleasePlan, extra)
}

// invokeAction invokes action typeName on the task id (in attribute
// idAttr) with extra configuration, and collects its progress and final
// diagnostics.
func invokeAction(t *testing.T, url, typeName, idAttr, id string, extra map[string]tftypes.Value) invocationResult {
	t.Helper()
	set := map[string]tftypes.Value{idAttr: tftypes.NewValue(tftypes.String, id)}
	for k, v := range extra {
		set[k] = v
	}
	server := servedProvider(t, url)
	actions, ok := server.(tfprotov6.ActionServer)
	if !ok {
		t.Fatal("the served provider does not serve actions")
	}
	stream, err := actions.InvokeAction(context.Background(), &tfprotov6.InvokeActionRequest{ActionType: typeName, Config: actionConfig(t, server, typeName, set)})
	if err != nil {
		t.Fatal(err)
	}
	var r invocationResult
	for ev := range stream.Events {
		switch e := ev.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			r.progress = append(r.progress, e.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			r.diags = e.Diagnostics
		}
	}
	t.Logf("progress:\n  %s\nfailure:\n%s", strings.Join(r.progress, "\n  "), r.failure())
	return r
}

// wantInOrder fails unless each fragment appears in text, in order.
func wantInOrder(t *testing.T, what, text string, fragments ...string) {
	t.Helper()
	rest := text
	for _, f := range fragments {
		i := strings.Index(rest, f)
		if i < 0 {
			t.Errorf("%s lacks %q (in order) in:\n%s", what, f, text)
			return
		}
		rest = rest[i+len(f):]
	}
}

// wantExecutes fails unless the emulator saw exactly n execute requests.
func wantExecutes(t *testing.T, srv *emulator.Server, n int) {
	t.Helper()
	if got := srv.Executes(testProject, testReleasePlan); got != n {
		t.Errorf("the emulator saw %d execute request(s), want %d", got, n)
	}
	posts := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost {
			posts++
		}
	}
	if posts != n {
		t.Errorf("the emulator saw %d POST request(s), want %d", posts, n)
	}
}

func TestReleasePlanExecute_followsRunToSuccess(t *testing.T) {
	srv, url := executeEmulator(t)
	r := invokeExecute(t, url, nil)
	if r.failure() != "" {
		t.Fatalf("the invoke failed:\n%s", r.failure())
	}
	wantExecutes(t, srv, 1)
	wantInOrder(t, "progress", strings.Join(r.progress, "\n"),
		`Release task "orders-release" (`+testReleasePlan+`) started a run at `,
		"orders-api: job_status RUNNING (0 of 2 component(s) done)",
		"orders-worker: job_status RUNNING (0 of 2 component(s) done)",
		"orders-api: job_status SUCCEEDED (1 of 2 component(s) done)",
		"orders-worker: job_status SUCCEEDED (2 of 2 component(s) done)",
		"succeeded: all 2 component(s) deployed.",
	)
}

func TestReleasePlanExecute_noWait(t *testing.T) {
	srv, url := executeEmulator(t)
	r := invokeExecute(t, url, map[string]tftypes.Value{"wait": tftypes.NewValue(tftypes.Bool, false)})
	if r.failure() != "" {
		t.Fatalf("the invoke failed:\n%s", r.failure())
	}
	wantExecutes(t, srv, 1)
	if n := srv.Reads(testProject, testReleasePlan); n != 0 {
		t.Errorf("deploy-info read %d times, want 0 with wait = false", n)
	}
	wantInOrder(t, "progress", strings.Join(r.progress, "\n"), "not waiting for it (wait = false)")
}

func TestReleasePlanExecute_failedRun(t *testing.T) {
	srv, url := executeEmulator(t)
	srv.SetRun(testProject, testReleasePlan, emulator.ProgressingRun(executeLastRun.Add(time.Hour),
		emulator.Component{ID: "c1", Name: "orders-api", Status: "SUCCESS", JobStatus: "SUCCEEDED"},
		emulator.Component{ID: "c2", Name: "orders-worker", Status: "ROLLBACK_FAILED", JobStatus: "FAILED",
			FailMessage: "readiness probe of orders-worker-7f9c-2 timed out", RollbackJobStatus: "FAILED",
			RollbackFailMessage: "previous version 2026.1126 no longer in the repository"},
	))
	r := invokeExecute(t, url, nil)
	wantExecutes(t, srv, 1)
	wantInOrder(t, "progress", strings.Join(r.progress, "\n"),
		"orders-worker: job_status FAILED: readiness probe of orders-worker-7f9c-2 timed out, rollback_job_status RUNNING (1 of 2 component(s) done)",
		"orders-worker: rollback_job_status FAILED: previous version 2026.1126 no longer in the repository (2 of 2 component(s) done)",
	)
	wantInOrder(t, "failure", r.failure(), "Release failed",
		"ended with 1 of 2 component(s) not deployed:",
		"- orders-worker: job_status FAILED (status ROLLBACK_FAILED): readiness probe of orders-worker-7f9c-2 timed out; "+
			"rollback_job_status FAILED: previous version 2026.1126 no longer in the repository")
	if strings.Contains(r.failure(), "orders-api") {
		t.Errorf("the failure names orders-api, which succeeded")
	}
}

// 502 after the service acted: the action sees the new run and follows it,
// and the emulator saw exactly one execute.
func TestReleasePlanExecute_502AfterActingFollowsTheRun(t *testing.T) {
	srv, url := executeEmulator(t)
	srv.ScriptExecute(testProject, testReleasePlan, emulator.Execute{Acts: true, Answer: emulator.Step{Status: http.StatusBadGateway}})
	r := invokeExecute(t, url, nil)
	if r.failure() != "" {
		t.Fatalf("the invoke failed:\n%s", r.failure())
	}
	wantExecutes(t, srv, 1)
	wantInOrder(t, "progress", strings.Join(r.progress, "\n"),
		"was not a clear yes or no", "HTTP 502", "The request is not resent.",
		"started a run at", "succeeded: all 2 component(s) deployed.")
}

// 500 without acting: no new run shows, and the action fails saying it did
// not resend, after one execute and a few reads of the details.
func TestReleasePlanExecute_500WithoutActingIsNotResent(t *testing.T) {
	srv, url := executeEmulator(t)
	srv.ScriptExecute(testProject, testReleasePlan, emulator.Execute{Answer: emulator.Step{Status: http.StatusInternalServerError}})
	r := invokeExecute(t, url, nil)
	wantExecutes(t, srv, 1)
	wantInOrder(t, "failure", r.failure(),
		"Release task run not confirmed; the request was not resent",
		"HTTP 500",
		"The request was NOT resent",
		"The task shows no new run yet: its execute_time was still 2026-11-27T09:30:00Z after 4 read(s) of its details.",
		"Check the release task in the ServiceStage console before running this action again")
	// One read before the execute, then outcomePolls reads after it.
	if n := srv.ReleasePlanReads(testProject, testReleasePlan); n != 1+outcomePolls {
		t.Errorf("details read %d times, want %d", n, 1+outcomePolls)
	}
	if n := srv.Reads(testProject, testReleasePlan); n != 0 {
		t.Errorf("deploy-info read %d times, want 0: no run started", n)
	}
}

// A run that shows late after an ambiguous answer is still found and
// followed, within the few reads the action makes.
func TestReleasePlanExecute_lateRunAfter502(t *testing.T) {
	srv, url := executeEmulator(t)
	srv.ScriptExecute(testProject, testReleasePlan,
		emulator.Execute{Acts: true, ShowAfter: outcomePolls, Answer: emulator.Step{Status: http.StatusBadGateway}})
	r := invokeExecute(t, url, nil)
	if r.failure() != "" {
		t.Fatalf("the invoke failed:\n%s", r.failure())
	}
	wantExecutes(t, srv, 1)
	if n := srv.ReleasePlanReads(testProject, testReleasePlan); n != 1+outcomePolls {
		t.Errorf("details read %d times, want %d", n, 1+outcomePolls)
	}
	wantInOrder(t, "progress", strings.Join(r.progress, "\n"), "started a run at", "succeeded")
}

// An accepted execute whose run never shows: at timeouts.invoke the action
// fails saying so, and does not resend.
func TestReleasePlanExecute_acceptedRunNeverShows(t *testing.T) {
	srv, url := executeEmulator(t)
	srv.ScriptExecute(testProject, testReleasePlan, emulator.Execute{Acts: true, ShowAfter: 1 << 30})
	timeouts := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"invoke": tftypes.String}},
		map[string]tftypes.Value{"invoke": tftypes.NewValue(tftypes.String, "1s")})
	r := invokeExecute(t, url, map[string]tftypes.Value{"timeouts": timeouts})
	wantExecutes(t, srv, 1)
	wantInOrder(t, "failure", r.failure(), "Started run not seen",
		"ServiceStage accepted the execute request", "its execute_time was still 2026-11-27T09:30:00Z",
		"check the release task in the ServiceStage console before running this action again", "Raise timeouts.invoke")
}

// A release that outlasts timeouts.invoke: the failure names what is pending
// and says the release goes on.
func TestReleasePlanExecute_timeout(t *testing.T) {
	srv, url := executeEmulator(t)
	srv.SetRun(testProject, testReleasePlan, emulator.EndlessRun(executeLastRun.Add(time.Hour),
		emulator.Component{ID: "c1", Name: "orders-api"}, emulator.Component{ID: "c2", Name: "orders-worker"}))
	timeouts := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"invoke": tftypes.String}},
		map[string]tftypes.Value{"invoke": tftypes.NewValue(tftypes.String, "2s")})
	r := invokeExecute(t, url, map[string]tftypes.Value{"timeouts": timeouts})
	wantExecutes(t, srv, 1)
	wantInOrder(t, "failure", r.failure(),
		"Timed out waiting for the release",
		`The run of release task "orders-release" (`+testReleasePlan+`) started at `, "did not complete within 2",
		"2 of 2 component(s) still pending at the last read:",
		"- orders-api: job_status RUNNING", "- orders-worker: job_status RUNNING",
		"goes on in ServiceStage", "Raise timeouts.invoke")
}

// A refused execute names the permission it needs; the task is read first,
// with its own permission.
func TestReleasePlanExecute_permissionDenied(t *testing.T) {
	srv, url := executeEmulator(t)
	srv.ScriptExecute(testProject, testReleasePlan, emulator.Execute{Answer: emulator.Step{Status: http.StatusForbidden,
		Body: []byte(`{"error_code":"APIGW.0302","error_msg":"The IAM user is not authorized to access the API","request_id":"r-403"}`)}})
	r := invokeExecute(t, url, nil)
	wantExecutes(t, srv, 1)
	wantInOrder(t, "failure", r.failure(), "Permission denied", "HTTP 403", "APIGW.0302",
		"needs the servicestage::createReleasePlan permission in project")
}

// ServiceStage's 403 that means "not there, or not allowed" names the
// execute request's own permission, not the read's.
func TestReleasePlanExecute_notFoundOrForbidden(t *testing.T) {
	srv, url := executeEmulator(t)
	srv.ScriptExecute(testProject, testReleasePlan, emulator.Execute{Answer: emulator.Step{Status: http.StatusForbidden,
		Body: []byte(`{"error_code":"SVCSTG.00100403","error_msg":"Forbidden","request_id":"r-403"}`)}})
	r := invokeExecute(t, url, nil)
	wantExecutes(t, srv, 1)
	wantInOrder(t, "failure", r.failure(), "Not found in ServiceStage, or permission denied", "HTTP 403", "SVCSTG.00100403",
		"both for a release task that does not exist and for credentials without the permission",
		"lack the IAM action servicestage::createReleasePlan in project")
}

// An unknown task fails at the first read: nothing is sent.
func TestReleasePlanExecute_notFound(t *testing.T) {
	srv, url := newEmulator(t)
	r := invokeExecute(t, url, nil)
	wantExecutes(t, srv, 0)
	wantInOrder(t, "failure", r.failure(), "Not found in ServiceStage", "Release task", testReleasePlan, "was not found in project", testProject)
}

// The wrapper forwards validation: an ID that is no path segment is refused
// before any request, naming the attribute.
func TestReleasePlanExecute_validation(t *testing.T) {
	srv, url := newEmulator(t)
	server := servedProvider(t, url)
	actions, ok := server.(tfprotov6.ActionServer)
	if !ok {
		t.Fatal("the served provider does not serve actions")
	}
	resp, err := actions.ValidateActionConfig(context.Background(), &tfprotov6.ValidateActionConfigRequest{ActionType: executeTypeName,
		Config: actionConfig(t, server, executeTypeName, map[string]tftypes.Value{"release_plan_id": tftypes.NewValue(tftypes.String, "a/b")})})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Attribute.String() != "AttributeName(\"release_plan_id\")" {
		t.Errorf("diagnostics %v, want one on release_plan_id", resp.Diagnostics)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}
