package emulator

import (
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

// PipelineListReads returns how many times project's new-edition list has been read.
func (s *Server) PipelineListReads(project string) int {
	return s.reads(taskKey{pipelineList, project, ""})
}

// PipelineReads returns how many times task id's details have been read.
func (s *Server) PipelineReads(project, id string) int {
	return s.reads(taskKey{pipelineDetails, project, id})
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
