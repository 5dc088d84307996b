package emulator_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

const (
	pipelinesPath = "/v3/" + project + "/pipeline/pipelines"
	pipelineID    = "4105b37a-947e-4aca-90d8-cec7c04c6f38"
)

// withPipeline is start plus one new-edition task that has run once.
func withPipeline(t *testing.T, p emulator.Pipeline) (*emulator.Server, string) {
	t.Helper()
	srv, base := start(t)
	srv.AddPipeline(project, p)
	return srv, base
}

// listStatus reads the list once and returns the task's status and last_trigger_at.
func listStatus(t *testing.T, base string) (status, lastTrigger string) {
	t.Helper()
	a := do(t, nil, apiGet(t, base, pipelinesPath, token))
	wantOK(t, a)
	var list struct {
		Pipelines []map[string]any `json:"pipelines"`
	}
	decode(t, a.body, &list)
	for _, p := range list.Pipelines {
		if p["id"] == pipelineID {
			return timeString(p["status"]), timeString(p["last_trigger_at"])
		}
	}
	t.Fatalf("the list %s lacks %s", a.body, pipelineID)
	return "", ""
}

func TestPipelineListShapesAndDetails(t *testing.T) {
	created := time.UnixMilli(1730794123000)
	srv, base := withPipeline(t, emulator.Pipeline{ID: pipelineID, Name: "release-gn7mre", ConfigMode: "ui", FailMode: "stop",
		ModelVersion: 2, Status: emulator.PipelineSucceeded, Creator: "devops", EnterpriseProjectID: "0", CreateTime: created})

	a := do(t, nil, apiGet(t, base, pipelinesPath, token))
	wantOK(t, a)
	if !strings.HasPrefix(string(a.body), `{"pipelines":[`) {
		t.Errorf("documented shape: %s", a.body)
	}
	srv.SetPipelineListBare(project, true)
	a = do(t, nil, apiGet(t, base, pipelinesPath, token))
	wantOK(t, a)
	var bare []map[string]any
	decode(t, a.body, &bare)
	if len(bare) != 1 || timeString(bare[0]["status"]) != "2" ||
		timeString(bare[0]["create_time"]) != "1730794123000" || timeString(bare[0]["last_trigger_at"]) != "0" || bare[0]["description"] != nil {
		t.Errorf("bare list: %s", a.body)
	}

	a = do(t, nil, apiGet(t, base, pipelinesPath+"/"+pipelineID, token))
	wantOK(t, a)
	var details map[string]any
	decode(t, a.body, &details)
	if details["fail_mode"] != "stop" || details["name"] != "release-gn7mre" {
		t.Errorf("details: %s", a.body)
	}
	for _, absent := range []string{"status", "create_time", "last_trigger_at", "creator"} {
		if _, ok := details[absent]; ok {
			t.Errorf("details carry %s, which the real ones do not: %s", absent, a.body)
		}
	}
	wantError(t, "unknown task", do(t, nil, apiGet(t, base, pipelinesPath+"/no-such-task", token)), http.StatusNotFound, "SVCSTG.00100404")
	if srv.PipelineListReads(project) != 2 || srv.PipelineReads(project, pipelineID) != 1 {
		t.Errorf("reads: list %d, details %d; want 2 and 1", srv.PipelineListReads(project), srv.PipelineReads(project, pipelineID))
	}
}

// The new endpoints check credentials as the old ones do.
func TestPipelineAuthChecks(t *testing.T) {
	_, base := withPipeline(t, emulator.Pipeline{ID: pipelineID, Status: emulator.PipelineSucceeded})
	wantRejected(t, do(t, nil, apiGet(t, base, pipelinesPath, "")), "Authorization not found")
	wantRejected(t, do(t, nil, apiGet(t, base, pipelinesPath, "forged")), "decrypt token fail")
	wantOK(t, do(t, signer(auth.KeyPair{AccessKey: accessKey, SecretKey: secretKey}, 0), apiGet(t, base, pipelinesPath+"/"+pipelineID, "")))
	wantRejected(t, do(t, signer(auth.KeyPair{AccessKey: accessKey, SecretKey: "wrong"}, 0), apiGet(t, base, pipelinesPath, "")), "")
	post := apiPost(t, base, pipelinesPath+"/"+pipelineID+"/action?action_id=start", token, "{}")
	post.Header.Del("X-Auth-Token")
	wantRejected(t, do(t, nil, post), "Authorization not found")
	// A GET of the action, or a POST of the list, is no API.
	wantError(t, "GET action", do(t, nil, apiGet(t, base, pipelinesPath+"/"+pipelineID+"/action", token)), http.StatusMethodNotAllowed, "APIGW.0101")
}

// A start moves last_trigger_at and plays the run on the list's next reads;
// a second start while it runs is refused.
func TestPipelineStartRun(t *testing.T) {
	srv, base := withPipeline(t, emulator.Pipeline{ID: pipelineID, Status: emulator.PipelineSucceeded,
		OnStart: []int{emulator.PipelineRunning, emulator.PipelineAwaitingApproval, emulator.PipelineSucceeded}})
	status, before := listStatus(t, base)
	if status != "2" || before != "0" {
		t.Fatalf("before: status %s, last_trigger_at %s", status, before)
	}
	a := do(t, nil, apiPost(t, base, pipelinesPath+"/"+pipelineID+"/action?action_id=start", token, "{}"))
	wantOK(t, a)
	var started map[string]any
	decode(t, a.body, &started)
	if started["pipeline_id"] != pipelineID || timeString(started["status"]) != "4" || started["id"] == nil {
		t.Errorf("start answer: %s", a.body)
	}
	wantError(t, "start while running", do(t, nil, apiPost(t, base, pipelinesPath+"/"+pipelineID+"/action?action_id=start", token, "{}")),
		http.StatusBadRequest, "SVCSTG.00100400")
	var seen []string
	for range 4 {
		status, after := listStatus(t, base)
		if after == "0" {
			t.Errorf("last_trigger_at did not move")
		}
		seen = append(seen, status)
	}
	if got := strings.Join(seen, " "); got != "4 5 2 2" {
		t.Errorf("list statuses after the start: %s, want 4 5 2 2", got)
	}
	if n := srv.PipelineStarts(project, pipelineID); n != 1 {
		t.Errorf("%d starts acted, want 1", n)
	}
}

// The ambiguous faults: 502 after acting, 500 without; then a failing run
// and one that never ends.
func TestPipelineStartFaults(t *testing.T) {
	startPath := pipelinesPath + "/" + pipelineID + "/action?action_id=start"
	for _, tc := range []struct {
		name   string
		fault  emulator.StartFault
		status int
		acted  int
	}{
		{"502 after acting", emulator.StartActs502, http.StatusBadGateway, 1},
		{"500 without acting", emulator.StartRefuses500, http.StatusInternalServerError, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, base := withPipeline(t, emulator.Pipeline{ID: pipelineID, Status: emulator.PipelineFailed,
				OnStart: []int{emulator.PipelineRunning, emulator.PipelineFailed}})
			srv.ScriptPipelineStarts(project, pipelineID, tc.fault)
			if a := do(t, nil, apiPost(t, base, startPath, token, "{}")); a.status != tc.status {
				t.Errorf("HTTP %d, want %d", a.status, tc.status)
			}
			status, last := listStatus(t, base)
			if n := srv.PipelineStarts(project, pipelineID); n != tc.acted || (tc.acted == 1) != (last != "0") {
				t.Errorf("acted %d times (last_trigger_at %s, status %s), want %d", n, last, status, tc.acted)
			}
			if tc.acted == 0 {
				// The next start is not scripted: it acts, and its run fails.
				wantOK(t, do(t, nil, apiPost(t, base, startPath, token, "{}")))
				listStatus(t, base)
			}
			if status, _ := listStatus(t, base); status != "3" {
				t.Errorf("final status %s, want 3 (failed)", status)
			}
		})
	}
	t.Run("never finishes", func(t *testing.T) {
		_, base := withPipeline(t, emulator.Pipeline{ID: pipelineID, Status: emulator.PipelineInitialized, OnStart: []int{emulator.PipelineRunning}})
		wantOK(t, do(t, nil, apiPost(t, base, startPath, token, "{}")))
		for range 5 {
			if status, _ := listStatus(t, base); status != "4" {
				t.Fatalf("status %s, want 4 for ever", status)
			}
		}
	})
	t.Run("bad requests", func(t *testing.T) {
		_, base := withPipeline(t, emulator.Pipeline{ID: pipelineID, Status: emulator.PipelineSucceeded})
		wantError(t, "no body", do(t, nil, apiPost(t, base, startPath, token, "")), http.StatusBadRequest, "SVCSTG.00100400")
		wantError(t, "other action", do(t, nil, apiPost(t, base, pipelinesPath+"/"+pipelineID+"/action?action_id=stop", token, "{}")),
			http.StatusBadRequest, "SVCSTG.00100400")
		wantError(t, "unknown task", do(t, nil, apiPost(t, base, pipelinesPath+"/nope/action?action_id=start", token, "{}")),
			http.StatusNotFound, "SVCSTG.00100404")
	})
}

// The demo has a task in each edition; its running new-edition task ends.
func TestSeededPipelines(t *testing.T) {
	srv := emulator.New()
	srv.SeedDemo(time.Now())
	ts := srv.Start()
	defer ts.Close()
	path := "/v3/" + emulator.DemoProject + "/pipeline/pipelines"
	var last string
	for range 4 {
		a := do(t, nil, apiGet(t, ts.URL, path, emulator.DemoToken))
		wantOK(t, a)
		var list struct {
			Pipelines []map[string]any `json:"pipelines"`
		}
		decode(t, a.body, &list)
		if len(list.Pipelines) != 3 {
			t.Fatalf("%d seeded new-edition tasks, want 3", len(list.Pipelines))
		}
		for _, p := range list.Pipelines {
			if p["id"] == emulator.DemoPipelineReleasing {
				last = timeString(p["status"])
			}
		}
	}
	if last != "2" {
		t.Errorf("the running task's status after 4 list reads: %s, want 2", last)
	}
	wantOK(t, do(t, nil, apiGet(t, ts.URL, "/v3/"+emulator.DemoProject+"/cas/release-plans/"+emulator.DemoFinishedTask, emulator.DemoToken)))
}
