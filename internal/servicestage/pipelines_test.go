package servicestage

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// The example answer of the reference's list page: a bare array.
const pipelineListExample = `[
  {
    "id": "4105b37a-947e-4aca-90d8-cec7c04c6f38",
    "name": "release-gn7mre",
    "description": "",
    "create_time": 1730794123000,
    "update_time": 1730794123000,
    "model_version": 2,
    "config_mode": "ui",
    "status": 2,
    "creator": "devops",
    "last_trigger_at": 0,
    "enterprise_project_id": "0",
    "version": 1
  }
]`

var pipelineExampleSummary = &PipelineSummary{
	ID: "4105b37a-947e-4aca-90d8-cec7c04c6f38", Name: "release-gn7mre", ConfigMode: "ui", Creator: "devops",
	EnterpriseProjectID: "0", ModelVersion: Int64{2, true}, StatusCode: Int64{2, true}, Status: PipelineSucceeded,
	CreateTime: millis(1730794123000), UpdateTime: millis(1730794123000),
	// last_trigger_at 0: never run.
}

func TestDecodePipelineListBothShapes(t *testing.T) {
	for name, body := range map[string]string{
		"bare array":      pipelineListExample,
		"documented":      `{"pipelines": ` + pipelineListExample + `}`,
		"with whitespace": "\n  " + pipelineListExample,
	} {
		list, err := DecodePipelineList([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(list.Pipelines) != 1 || !reflect.DeepEqual(list.Pipelines[0], pipelineExampleSummary) {
			t.Errorf("%s: got %+v", name, list.Pipelines)
		}
	}
	for name, body := range map[string]string{"empty array": `[]`, "empty object": `{}`, "null list": `{"pipelines": null}`} {
		list, err := DecodePipelineList([]byte(body))
		if err != nil || len(list.Pipelines) != 0 {
			t.Errorf("%s: %+v, %v; want an empty list", name, list, err)
		}
	}
}

// A fault is located in either shape: which task, which field.
func TestDecodePipelineListErrors(t *testing.T) {
	for name, tc := range map[string]struct{ body, want string }{
		"bare, bad time": {`[{"id": "a", "name": "ok"}, {"id": "b", "name": "orders", "create_time": "yesterday"}]`,
			`decoding new-edition release task list response: release task 1 ("orders"), field "create_time": "yesterday" is not an integer`},
		"object, bad status": {`{"pipelines": [{"id": "b", "name": "orders", "status": "two"}]}`,
			`release task 0 ("orders"), field "status": "two" is not an integer`},
		"bare, null element": {`[{"id": "a"}, null]`, `release task 1: release task is null`},
		"null body":          {`null`, `the body is null`},
		"truncated":          {`[{"id": "a"`, `truncated JSON`},
		"a string":           {`"pipelines"`, `expected a JSON object`},
	} {
		_, err := DecodePipelineList([]byte(tc.body))
		var de *DecodeError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want a DecodeError containing %q", name, err, tc.want)
		}
	}
}

func TestPipelineStatusWords(t *testing.T) {
	want := map[int64]struct {
		word       string
		inProgress bool
	}{
		1: {"INITIALIZED", false}, 2: {"SUCCEEDED", false}, 3: {"FAILED", false}, 4: {"RUNNING", true},
		5: {"AWAITING_APPROVAL", true}, 7: {"PAUSED", true}, 9: {"SKIPPED", false}, 10: {"ROLLING_BACK", true},
		11: {"ROLLED_BACK", false}, 12: {"ROLLBACK_FAILED", false}, 13: {"STOPPING", true}, 14: {"RESTARTING", true},
		0: {"UNKNOWN", false}, 6: {"UNKNOWN", false}, 8: {"UNKNOWN", false}, 15: {"UNKNOWN", false}, -1: {"UNKNOWN", false},
	}
	for code, w := range want {
		word := PipelineStatusWord(Int64{code, true})
		if word != w.word || PipelineInProgress(word) != w.inProgress {
			t.Errorf("code %d: %s (in progress %v), want %s (%v)", code, word, PipelineInProgress(word), w.word, w.inProgress)
		}
		p := &PipelineSummary{StatusCode: Int64{code, true}, Status: word}
		if p.Completed() == w.inProgress || p.Succeeded() != (code == 2) {
			t.Errorf("code %d: completed %v, succeeded %v", code, p.Completed(), p.Succeeded())
		}
	}
	if PipelineStatusWord(Int64{}) != "" || (&PipelineSummary{}).Completed() {
		t.Errorf("no status must have no word and not be completed")
	}
	words := PipelineStatusWords()
	if len(words) != 13 || words[len(words)-1] != PipelineUnknown {
		t.Errorf("words %v", words)
	}
	for _, w := range []string{"AWAITING_APPROVAL", "PAUSED"} {
		if !PipelineWaitsForPerson(w) {
			t.Errorf("%s waits for a person", w)
		}
	}
	if PipelineWaitsForPerson("RUNNING") {
		t.Errorf("RUNNING does not wait for a person")
	}
}

// Details carry no status: the list's entry fills what they lack, and what
// they say wins.
func TestPipelineMerge(t *testing.T) {
	p, err := DecodePipeline([]byte(`{"id": "4105b37a-947e-4aca-90d8-cec7c04c6f38", "name": "renamed", "description": null,
		"model_version": 2, "config_mode": "template", "fail_mode": "continue", "enterprise_project_id": "0",
		"pipeline_declaration": {"stages": [{"name": "prod"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != "" || p.StatusCode.Valid {
		t.Fatalf("details alone have a status: %+v", p)
	}
	p.Merge(pipelineExampleSummary)
	want := *pipelineExampleSummary
	want.Name, want.ConfigMode = "renamed", "template"
	if !reflect.DeepEqual(p.PipelineSummary, want) || p.FailMode != "continue" {
		t.Errorf("merged %+v\nwant   %+v", p.PipelineSummary, want)
	}
	if pipelineExampleSummary.Name != "release-gn7mre" {
		t.Errorf("Merge changed the list's entry")
	}
	// Should the details ever carry a status, the list's still wins: it is
	// the one the list-based waits agree with.
	p, _ = DecodePipeline([]byte(`{"id": "x", "status": 4}`))
	p.Merge(&PipelineSummary{ID: "x"})
	if p.Status != "" || p.StatusCode.Valid {
		t.Errorf("a task the list lacks has a status: %+v", p.PipelineSummary)
	}
}

func TestPipelineRequests(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, answer(http.StatusOK, pipelineListExample), answer(http.StatusOK, `{"id": "x", "name": "n"}`))
	c := newTestClient(t, r)
	list, err := c.ListPipelines(context.Background(), testProject)
	if err != nil || list.Find("4105b37a-947e-4aca-90d8-cec7c04c6f38") == nil || list.Find("nope") != nil {
		t.Fatalf("%+v, %v", list, err)
	}
	if _, err := c.GetPipeline(context.Background(), testProject, "x"); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"/prefix/v3/" + testProject + "/pipeline/pipelines", "/prefix/v3/" + testProject + "/pipeline/pipelines/x"} {
		if got := r.requests[i].URL.Path; got != want || r.requests[i].Method != http.MethodGet {
			t.Errorf("request %d: %s %s, want GET %s", i, r.requests[i].Method, got, want)
		}
	}
	if _, err := c.GetPipeline(context.Background(), testProject, "../x"); err == nil || r.count() != 2 {
		t.Errorf("a hostile ID: %v after %d requests", err, r.count())
	}
}

// Calls that overlap share the one request under way; later calls make
// their own.
func TestListPipelinesSharesOverlappingCalls(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	r := newRecorder(t, func(w http.ResponseWriter, req *http.Request) {
		<-release
		answer(http.StatusOK, pipelineListExample)(w, req)
	}, answer(http.StatusOK, pipelineListExample))
	c := newTestClient(t, r)

	const callers = 10
	var wg sync.WaitGroup
	lists := make([]*PipelineList, callers)
	errs := make([]error, callers)
	call := func(i int) {
		defer wg.Done()
		lists[i], errs[i] = c.ListPipelines(context.Background(), testProject)
	}
	wg.Add(callers)
	go call(0)
	for r.count() == 0 {
		waitABit()
	}
	for i := 1; i < callers; i++ {
		go call(i)
	}
	// The first request is held until every caller has begun; a caller
	// that joins after it is answered by a request of its own.
	waitABit()
	close(release)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil || lists[i] == nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
	}
	if r.count() >= callers {
		t.Errorf("%d requests for %d overlapping calls; want them shared", r.count(), callers)
	}
	before := r.count()
	if _, err := c.ListPipelines(context.Background(), testProject); err != nil || r.count() != before+1 {
		t.Errorf("a later call: %v, %d requests; want a request of its own", err, r.count()-before)
	}
}

// A caller that joined a request whose starter gave up does not inherit
// the starter's cancellation: it asks again.
func TestListPipelinesOutlivesTheStarter(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, func(w http.ResponseWriter, req *http.Request) {
		<-req.Context().Done() // the first request hangs until its caller gives up
	}, answer(http.StatusOK, pipelineListExample))
	c := newTestClient(t, r)
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := c.ListPipelines(ctx, testProject)
		first <- err
	}()
	for r.count() == 0 {
		waitABit()
	}
	second := make(chan error, 1)
	go func() {
		_, err := c.ListPipelines(context.Background(), testProject)
		second <- err
	}()
	waitABit()
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("the starter: %v, want cancelled", err)
	}
	if err := <-second; err != nil {
		t.Errorf("the caller that joined: %v", err)
	}
}

// waitABit lets other goroutines run; no result depends on how long it is.
func waitABit() { time.Sleep(5 * time.Millisecond) }
