package emulator_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

const executePath = detailsPath + "/execute"

// apiPost builds the execute request as the provider sends it.
// runPlan is a task of two components, last run at lastRun.
func runPlan(lastRun time.Time) emulator.ReleasePlan {
	return emulator.ReleasePlan{ID: releasePlan, Name: "orders", Status: "SUCCESS", CreateTime: lastRun.Add(-time.Hour),
		ExecuteTime: lastRun, Components: []emulator.PlanComponent{{Seq: 1, ComponentID: "c1", Name: "api"}, {Seq: 2, ComponentID: "c2", Name: "worker"}}}
}

// planView is what the list and the details say of the test task.
type planView struct {
	status      string
	executeTime int64
}

func viewPlan(t *testing.T, base string) (details, listed planView) {
	t.Helper()
	var d struct {
		Status      string `json:"status"`
		ExecuteTime int64  `json:"execute_time"`
	}
	a := do(t, http.DefaultTransport, apiGet(t, base, detailsPath, token))
	wantOK(t, a)
	decode(t, a.body, &d)
	var l struct {
		ReleasePlans []struct {
			ID          string `json:"id"`
			Status      string `json:"status"`
			ExecuteTime int64  `json:"execute_time"`
		} `json:"release_plans"`
	}
	a = do(t, http.DefaultTransport, apiGet(t, base, listPath, token))
	wantOK(t, a)
	decode(t, a.body, &l)
	for _, p := range l.ReleasePlans {
		if p.ID == releasePlan {
			listed = planView{p.Status, p.ExecuteTime}
		}
	}
	return planView{d.Status, d.ExecuteTime}, listed
}

// jobStates reads deploy-info once: each component's job_status, and
// rollback_job_status after a slash when set.
func jobStates(t *testing.T, base string) []string {
	t.Helper()
	var info struct {
		Components []struct {
			JobStatus         string  `json:"job_status"`
			RollbackJobStatus *string `json:"rollback_job_status"`
			FailMessage       *string `json:"fail_message"`
		} `json:"components"`
	}
	a := do(t, http.DefaultTransport, withToken(t, base, token))
	wantOK(t, a)
	decode(t, a.body, &info)
	states := make([]string, len(info.Components))
	for i, c := range info.Components {
		states[i] = c.JobStatus
		if c.RollbackJobStatus != nil {
			states[i] += "/" + *c.RollbackJobStatus
		}
	}
	return states
}

// An execute moves execute_time on in the list and the details, and starts a
// run whose jobs succeed one by one over reads; when it ends, the task's
// status is the run's outcome.
func TestExecuteStartsARun(t *testing.T) {
	srv, base := start(t)
	lastRun := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	srv.AddReleasePlan(project, runPlan(lastRun))

	wantOK(t, do(t, http.DefaultTransport, apiPost(t, base, executePath, token, "")))
	if n := srv.Executes(project, releasePlan); n != 1 {
		t.Errorf("Executes = %d, want 1", n)
	}
	details, listed := viewPlan(t, base)
	if details.executeTime <= lastRun.UnixMilli() || listed != details || details.status != "RUNNING" {
		t.Fatalf("after execute: details %+v, list %+v; want execute_time after %d and RUNNING in both", details, listed, lastRun.UnixMilli())
	}
	for i, want := range [][]string{
		{"RUNNING", "RUNNING"}, {"SUCCEEDED", "RUNNING"}, {"SUCCEEDED", "SUCCEEDED"}, {"SUCCEEDED", "SUCCEEDED"},
	} {
		if got := jobStates(t, base); !slices.Equal(got, want) {
			t.Errorf("read %d: jobs %v, want %v", i+1, got, want)
		}
		if d, _ := viewPlan(t, base); i < 2 && d.status != "RUNNING" {
			t.Errorf("read %d: status %q while the run goes on, want RUNNING", i+1, d.status)
		}
	}
	details2, listed2 := viewPlan(t, base)
	if details2.status != "SUCCESS" || listed2.status != "SUCCESS" || details2.executeTime != details.executeTime {
		t.Errorf("after the run: details %+v, list %+v; want SUCCESS and the run's execute_time %d", details2, listed2, details.executeTime)
	}

	// A second execute is a second run, with its own execute_time.
	wantOK(t, do(t, http.DefaultTransport, apiPost(t, base, executePath, token, "")))
	if d, _ := viewPlan(t, base); d.executeTime <= details.executeTime || d.status != "RUNNING" {
		t.Errorf("second run: %+v, want a later execute_time than %d and RUNNING", d, details.executeTime)
	}
	if got := jobStates(t, base); !slices.Equal(got, []string{"RUNNING", "RUNNING"}) {
		t.Errorf("second run's first read: %v, want both RUNNING", got)
	}
}

// Execute checks what the reads check, and a refused request starts nothing.
func TestExecuteChecks(t *testing.T) {
	srv, base := start(t)
	lastRun := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	srv.AddReleasePlan(project, runPlan(lastRun))
	const otherProject = "00000000000000000000000000000abc"
	srv.AddToken("other-token", otherProject, time.Now().Add(time.Hour))

	wantRejected(t, do(t, http.DefaultTransport, apiPost(t, base, executePath, "", "")), "Authorization not found")
	wantError(t, "another project's token", do(t, http.DefaultTransport, apiPost(t, base, executePath, "other-token", "")),
		http.StatusForbidden, "APIGW.0302")
	noType := apiPost(t, base, executePath, token, "")
	noType.Header.Del("Content-Type")
	wantError(t, "no Content-Type", do(t, http.DefaultTransport, noType), http.StatusBadRequest, "SVCSTG.00100400")
	wantError(t, "GET", do(t, http.DefaultTransport, apiGet(t, base, executePath, token)), http.StatusMethodNotAllowed, "APIGW.0101")
	wantError(t, "unknown task", do(t, http.DefaultTransport, apiPost(t, base, listPath+"/6b1d0e2f-0000-4000-8000-000000000000/execute", token, "")),
		http.StatusNotFound, "SVCSTG.00100433")
	if d, _ := viewPlan(t, base); d.executeTime != lastRun.UnixMilli() || d.status != "SUCCESS" {
		t.Errorf("after refused executes: %+v, want the old run (%d, SUCCESS)", d, lastRun.UnixMilli())
	}
	if n := srv.Executes(project, releasePlan); n != 0 {
		t.Errorf("Executes = %d, want 0: every request was refused", n)
	}
}

// A scripted failing run ends FAILED with its message, or ROLLBACK_SUCCEED
// when the failed component was rolled back.
func TestExecuteFailingRun(t *testing.T) {
	srv, base := start(t)
	lastRun := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	srv.AddReleasePlan(project, runPlan(lastRun))
	now := time.Now()
	srv.SetRun(project, releasePlan, emulator.ProgressingRun(now,
		emulator.Component{ID: "c1", Name: "api", Status: "SUCCESS", JobStatus: "SUCCEEDED", StartTime: now, EndTime: now.Add(time.Second)},
		emulator.Component{ID: "c2", Name: "worker", Status: "ROLLBACK_SUCCEED", JobStatus: "FAILED", StartTime: now, EndTime: now.Add(time.Second),
			FailMessage: "readiness probe failed", RollbackJobStatus: "SUCCEEDED"},
	))
	wantOK(t, do(t, http.DefaultTransport, apiPost(t, base, executePath, token, "")))
	for i, want := range [][]string{
		{"RUNNING", "RUNNING"}, {"SUCCEEDED", "RUNNING"}, {"SUCCEEDED", "FAILED/RUNNING"}, {"SUCCEEDED", "FAILED/SUCCEEDED"},
	} {
		if got := jobStates(t, base); !slices.Equal(got, want) {
			t.Errorf("read %d: jobs %v, want %v", i+1, got, want)
		}
	}
	if d, l := viewPlan(t, base); d.status != "ROLLBACK_SUCCEED" || l.status != "ROLLBACK_SUCCEED" {
		t.Errorf("after the run: details %q, list %q, want ROLLBACK_SUCCEED", d.status, l.status)
	}
}

// An endless run never completes: the task stays RUNNING.
func TestExecuteEndlessRun(t *testing.T) {
	srv, base := start(t)
	srv.AddReleasePlan(project, runPlan(time.Now().Add(-time.Hour)))
	srv.SetRun(project, releasePlan, emulator.EndlessRun(time.Now(), emulator.Component{ID: "c1", Name: "api"}))
	wantOK(t, do(t, http.DefaultTransport, apiPost(t, base, executePath, token, "")))
	for i := range 5 {
		if got := jobStates(t, base); !slices.Equal(got, []string{"RUNNING"}) {
			t.Errorf("read %d: %v, want RUNNING", i+1, got)
		}
	}
	if d, _ := viewPlan(t, base); d.status != "RUNNING" {
		t.Errorf("status %q, want RUNNING", d.status)
	}
}

// The two ambiguous faults: 502 after the run started, 500 without one.
func TestExecuteAmbiguousFaults(t *testing.T) {
	for _, tc := range []struct {
		name    string
		execute emulator.Execute
		status  int
		started bool
	}{
		{"502 after acting", emulator.Execute{Acts: true, Answer: emulator.Step{Status: http.StatusBadGateway}}, http.StatusBadGateway, true},
		{"500 without acting", emulator.Execute{Answer: emulator.Step{Status: http.StatusInternalServerError}}, http.StatusInternalServerError, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, base := start(t)
			lastRun := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
			srv.AddReleasePlan(project, runPlan(lastRun))
			srv.ScriptExecute(project, releasePlan, tc.execute, emulator.Execute{Acts: true})
			wantError(t, tc.name, do(t, http.DefaultTransport, apiPost(t, base, executePath, token, "")), tc.status, "SVCSTG.00100500")
			d, _ := viewPlan(t, base)
			if started := d.executeTime != lastRun.UnixMilli(); started != tc.started || (started && d.status != "RUNNING") {
				t.Errorf("details %+v: a run started = %v, want %v", d, started, tc.started)
			}
			// The last answer repeats: the next execute succeeds.
			wantOK(t, do(t, http.DefaultTransport, apiPost(t, base, executePath, token, "")))
			if n := srv.Executes(project, releasePlan); n != 2 {
				t.Errorf("Executes = %d, want 2", n)
			}
		})
	}
}

// A late run shows at the ShowAfter-th read of the details after execute.
func TestExecuteLateRun(t *testing.T) {
	srv, base := start(t)
	lastRun := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	srv.AddReleasePlan(project, runPlan(lastRun))
	srv.ScriptExecute(project, releasePlan, emulator.Execute{Acts: true, ShowAfter: 2})
	wantOK(t, do(t, http.DefaultTransport, apiPost(t, base, executePath, token, "")))
	if d, _ := viewPlan(t, base); d.executeTime != lastRun.UnixMilli() {
		t.Errorf("first read after execute: execute_time %d, want the old %d", d.executeTime, lastRun.UnixMilli())
	}
	if d, _ := viewPlan(t, base); d.executeTime <= lastRun.UnixMilli() || d.status != "RUNNING" {
		t.Errorf("second read after execute: %+v, want the new run", d)
	}
}

// The demo's releasing task shows RUNNING until its deploy-info completes,
// then SUCCESS, in the list and the details (issue 19, point 3).
func TestSeededReleasingTaskStatusFollowsItsRun(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	srv := emulator.New()
	srv.Now = clock.Now
	srv.SeedDemo(clock.Now())
	ts := srv.Start()
	defer ts.Close()
	details := "/v3/" + emulator.DemoProject + "/cas/release-plans/" + emulator.DemoReleasingTask
	status := func() string {
		var d struct {
			Status string `json:"status"`
		}
		a := do(t, http.DefaultTransport, apiGet(t, ts.URL, details, emulator.DemoToken))
		wantOK(t, a)
		decode(t, a.body, &d)
		return d.Status
	}
	wantOK(t, do(t, http.DefaultTransport, apiGet(t, ts.URL, details+"/deploy-info", emulator.DemoToken)))
	if s := status(); s != "RUNNING" {
		t.Errorf("while releasing: %q, want RUNNING", s)
	}
	clock.advance(emulator.DemoReleaseDuration)
	if s := status(); s != "SUCCESS" {
		t.Errorf("after the release: %q, want SUCCESS", s)
	}
}
