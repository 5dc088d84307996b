package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// The new edition's endpoints, numbered apart from the old edition's.
const (
	pipelineList    endpoint = iota + 100 // GET .../pipeline/pipelines
	pipelineDetails                       // GET .../pipeline/pipelines/{id}
	pipelineAction                        // POST .../pipeline/pipelines/{id}/action
)

// The new edition's status codes, as the list sends them.
const (
	PipelineInitialized      = 1
	PipelineSucceeded        = 2
	PipelineFailed           = 3
	PipelineRunning          = 4
	PipelineAwaitingApproval = 5
	PipelinePaused           = 7
	PipelineRollingBack      = 10
)

// Pipeline is one release task of the new edition of Release Management
// (its API says pipeline), as its list and details show it. Rendering
// follows the real API: empty strings become null, zero times 0.
type Pipeline struct {
	ID, Name, Description, ConfigMode, FailMode, Creator, EnterpriseProjectID string
	ModelVersion                                                              int64
	// Status is the status code the list shows now.
	Status                                int
	CreateTime, UpdateTime, LastTriggerAt time.Time
	// Run is the status codes the list shows at its next reads, one per
	// read, after which the last one stays: a run that began already.
	Run []int
	// OnStart is the Run a start begins; nil means RUNNING, RUNNING,
	// SUCCEEDED. A code that never ends, alone, is a run that never finishes.
	OnStart []int
}

// StartFault is how the emulator answers a start instead of plainly.
type StartFault int

const (
	// StartActs502 starts the run, then answers 502: the caller cannot tell.
	StartActs502 StartFault = iota + 1
	// StartRefuses500 answers 500 without starting anything.
	StartRefuses500
	// StartForbidden answers 403 without starting anything: the caller
	// lacks servicestage:pipeline:modify.
	StartForbidden
)

// pipelineState is a pipeline with what its starts did.
type pipelineState struct {
	Pipeline
	// faults answer the next starts, one each.
	faults []StartFault
	starts int // starts that acted
	runs   int // execution IDs issued
}

// AddPipeline adds p to project's new-edition release tasks (replacing a
// task with the same ID in place, else appending) and makes the project known.
func (s *Server) AddPipeline(project string, p Pipeline) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.projects[project] = true
	delete(s.listBodies, project)
	if s.pipelines == nil {
		s.pipelines = map[string][]*pipelineState{}
	}
	for i, old := range s.pipelines[project] {
		if old.ID == p.ID {
			s.pipelines[project][i] = &pipelineState{Pipeline: p}
			return
		}
	}
	s.pipelines[project] = append(s.pipelines[project], &pipelineState{Pipeline: p})
}

// SetPipelineListBare makes project's list answer the bare JSON array of
// the reference's example (true) or the documented object with pipelines.
func (s *Server) SetPipelineListBare(project string, bare bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bareLists == nil {
		s.bareLists = map[string]bool{}
	}
	s.bareLists[project] = bare
	delete(s.listBodies, project)
}

// ScriptPipelineList replaces project's rendered list with scripted steps.
func (s *Server) ScriptPipelineList(project string, steps ...Step) {
	s.script(taskKey{pipelineList, project, ""}, steps)
}

// ScriptPipeline replaces the rendered details of task id with scripted steps.
func (s *Server) ScriptPipeline(project, id string, steps ...Step) {
	s.script(taskKey{pipelineDetails, project, id}, steps)
}

// ScriptPipelineStarts makes the next starts of task id fail as given, one each.
func (s *Server) ScriptPipelineStarts(project, id string, faults ...StartFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.pipeline(project, id); p != nil {
		p.faults = append(p.faults, faults...)
	}
}

// PipelineListReads returns how many times project's new-edition list has been read.
func (s *Server) PipelineListReads(project string) int {
	return s.reads(taskKey{pipelineList, project, ""})
}

// PipelineReads returns how many times task id's details have been read.
func (s *Server) PipelineReads(project, id string) int {
	return s.reads(taskKey{pipelineDetails, project, id})
}

// PipelineStarts returns how many starts of task id acted (began a run).
func (s *Server) PipelineStarts(project, id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.pipeline(project, id); p != nil {
		return p.starts
	}
	return 0
}

// pipeline finds a task; the caller holds s.mu.
func (s *Server) pipeline(project, id string) *pipelineState {
	for _, p := range s.pipelines[project] {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// renderPipelines answers an unscripted read of the list, each task's run
// advancing one status, or of one task's details. The caller holds s.mu.
func (s *Server) renderPipelines(key taskKey) ([]byte, bool) {
	if key.ep == pipelineDetails {
		if p := s.pipeline(key.project, key.id); p != nil {
			return PipelineJSON(p.Pipeline), true
		}
		return nil, false
	}
	items := make([]Pipeline, 0, len(s.pipelines[key.project]))
	changed := false
	for _, p := range s.pipelines[key.project] {
		if len(p.Run) > 0 {
			p.Status, p.Run, changed = p.Run[0], p.Run[1:], true
		}
		items = append(items, p.Pipeline)
	}
	// A list that has not changed is sent as rendered before, so that a
	// benchmark of many reads does not price the emulator's rendering.
	if body, ok := s.listBodies[key.project]; ok && !changed {
		return body, true
	}
	body := PipelineListJSON(s.bareLists[key.project], items...)
	if s.listBodies == nil {
		s.listBodies = map[string][]byte{}
	}
	s.listBodies[key.project] = body
	return body, true
}

// PipelineListJSON renders a 200 list body: the bare array, or the object
// with pipelines.
func PipelineListJSON(bare bool, pipelines ...Pipeline) []byte {
	items := make([]map[string]any, 0, len(pipelines))
	for _, p := range pipelines {
		items = append(items, map[string]any{
			"id":                    nullable(p.ID),
			"name":                  nullable(p.Name),
			"description":           nullable(p.Description),
			"create_time":           millis(p.CreateTime),
			"update_time":           millis(p.UpdateTime),
			"model_version":         p.ModelVersion,
			"config_mode":           nullable(p.ConfigMode),
			"status":                p.Status,
			"creator":               nullable(p.Creator),
			"last_trigger_at":       millis(p.LastTriggerAt),
			"enterprise_project_id": nullable(p.EnterpriseProjectID),
			"version":               1,
		})
	}
	if bare {
		return mustMarshal(items)
	}
	return mustMarshal(map[string]any{"pipelines": items})
}

// PipelineJSON renders a 200 details body: no status, no times.
func PipelineJSON(p Pipeline) []byte {
	return mustMarshal(map[string]any{
		"id":                    nullable(p.ID),
		"name":                  nullable(p.Name),
		"description":           nullable(p.Description),
		"model_version":         p.ModelVersion,
		"config_mode":           nullable(p.ConfigMode),
		"fail_mode":             nullable(p.FailMode),
		"enterprise_project_id": nullable(p.EnterpriseProjectID),
		"pipeline_declaration":  map[string]any{"stages": []any{}},
	})
}

// startPipeline answers POST .../pipelines/{id}/action?action_id=start: it
// moves last_trigger_at and begins the task's OnStart run, unless a run is
// under way (400) or a scripted fault says otherwise.
func (s *Server) startPipeline(w http.ResponseWriter, r *http.Request, key taskKey) {
	if r.URL.Query().Get("action_id") != "start" {
		writeError(w, http.StatusBadRequest, "SVCSTG.00100400", "Invalid request: the emulator serves action_id=start only")
		return
	}
	var body map[string]any
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil || body == nil {
		writeError(w, http.StatusBadRequest, "SVCSTG.00100400", "Invalid request: the body must be a JSON object")
		return
	}
	s.mu.Lock()
	knownProject := s.projects[key.project]
	p := s.pipeline(key.project, key.id)
	var fault StartFault
	if p != nil && len(p.faults) > 0 {
		fault, p.faults = p.faults[0], p.faults[1:]
	}
	running := p != nil && inProgress(p.Status)
	if p != nil && !running && (fault == 0 || fault == StartActs502) {
		p.starts++
		p.runs++
		p.LastTriggerAt = s.Now()
		delete(s.listBodies, key.project)
		p.Status, p.Run = PipelineRunning, append([]int(nil), p.OnStart...)
		if p.Run == nil {
			p.Run = []int{PipelineRunning, PipelineRunning, PipelineSucceeded}
		}
	}
	var answer map[string]any
	if p != nil {
		answer = map[string]any{"id": fmt.Sprintf("%s-run-%d", p.ID, p.runs), "pipeline_id": p.ID, "status": p.Status}
	}
	s.mu.Unlock()

	switch {
	case !knownProject:
		writeError(w, http.StatusNotFound, "SVCSTG.00100404", "Project "+key.project+" does not exist or ServiceStage is not enabled in it")
	case p == nil:
		writeError(w, http.StatusNotFound, "SVCSTG.00100404", "Pipeline "+key.id+" does not exist")
	case running:
		writeError(w, http.StatusBadRequest, "SVCSTG.00100400", "Pipeline "+key.id+" is running: wait for the run to end")
	case fault == StartActs502:
		writeError(w, http.StatusBadGateway, "APIGW.0202", "Bad gateway")
	case fault == StartRefuses500:
		writeError(w, http.StatusInternalServerError, "SVCSTG.00100500", "Internal error")
	case fault == StartForbidden:
		writeError(w, http.StatusForbidden, "APIGW.0302", "The IAM user is not authorized to access the API")
	default:
		writeJSON(w, http.StatusOK, answer)
	}
}

// inProgress is the new edition's "a run is under way".
func inProgress(code int) bool {
	switch code {
	case PipelineRunning, PipelineAwaitingApproval, PipelinePaused, PipelineRollingBack, 13, 14:
		return true
	}
	return false
}

// The demo's new-edition release tasks: they live apart from the old
// edition's, as in the console.
const (
	DemoPipelineFinished      = "4105b37a-947e-4aca-90d8-cec7c04c6f38"
	DemoPipelineFinishedName  = "checkout-release-2026-11-27"
	DemoPipelineReleasing     = "6c2f8e14-3a9b-4d57-b0e2-7f1a4c9d3e85"
	DemoPipelineReleasingName = "checkout-release-2026-11-28"
	DemoPipelineDraft         = "9a7d3b52-1e6c-4f08-8d4a-2b5e7c1f0a96"
	DemoPipelineDraftName     = "inventory-release-template"
)

// seedPipelines adds the demo's new-edition tasks: one that succeeded, one
// running whose list status goes RUNNING, AWAITING_APPROVAL (a person
// approves at once), SUCCEEDED over its next list reads, and one never run.
func (s *Server) seedPipelines(now time.Time) {
	started := now.Add(-time.Hour).Truncate(time.Second)
	s.AddPipeline(DemoProject, Pipeline{ID: DemoPipelineFinished, Name: DemoPipelineFinishedName,
		Description: "checkout 2026.1127.0815", ConfigMode: "ui", FailMode: "stop", Creator: DemoUser,
		EnterpriseProjectID: "0", ModelVersion: 2, Status: PipelineSucceeded,
		CreateTime: started.Add(-2 * time.Hour), UpdateTime: started.Add(-90 * time.Minute), LastTriggerAt: started})
	s.AddPipeline(DemoProject, Pipeline{ID: DemoPipelineReleasing, Name: DemoPipelineReleasingName,
		Description: "checkout 2026.1128.0930", ConfigMode: "ui", FailMode: "stop", Creator: DemoUser,
		EnterpriseProjectID: "0", ModelVersion: 2, Status: PipelineRunning,
		CreateTime: now.Add(-20 * time.Minute), LastTriggerAt: now.Truncate(time.Second),
		Run: []int{PipelineRunning, PipelineAwaitingApproval, PipelineSucceeded}})
	s.AddPipeline(DemoProject, Pipeline{ID: DemoPipelineDraft, Name: DemoPipelineDraftName,
		ConfigMode: "template", FailMode: "continue", Creator: DemoUser, EnterpriseProjectID: "0", ModelVersion: 2,
		Status: PipelineInitialized, CreateTime: started.Add(-5 * time.Hour)})
}

// AddPipelines adds n finished new-edition tasks to project, for benchmarks:
// pipeline-0000 and on, with IDs BenchPipelineID(i).
func (s *Server) AddPipelines(project string, n int) {
	created := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		at := created.Add(time.Duration(i) * time.Minute)
		s.AddPipeline(project, Pipeline{ID: BenchPipelineID(i), Name: fmt.Sprintf("pipeline-%04d", i),
			Description: "release " + at.Format("2006.0102.1504"), ConfigMode: "ui", FailMode: "stop", Creator: "ci",
			EnterpriseProjectID: "0", ModelVersion: 2, Status: PipelineSucceeded,
			CreateTime: at, UpdateTime: at, LastTriggerAt: at.Add(time.Minute)})
	}
}

// BenchPipelineID is the ID of the i-th task AddPipelines adds.
func BenchPipelineID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }
