package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
)

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

// ScriptPipelineStarts makes the next starts of task id fail as given, one each.
func (s *Server) ScriptPipelineStarts(project, id string, faults ...StartFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.pipeline(project, id); p != nil {
		p.faults = append(p.faults, faults...)
	}
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
