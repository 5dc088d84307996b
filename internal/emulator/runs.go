package emulator

import (
	"encoding/json"
	"net/http"
	"time"
)

// Run is the course of a release run that execute starts: its deploy-info
// over successive reads. Each phase lasts PhaseReads deploy-info reads (one
// when unset); the last phase repeats, so a run whose last phase still has
// a pending job never finishes.
type Run struct {
	Phases     [][]Component
	PhaseReads int
}

// ProgressingRun is a run of the given components as they end: first every
// job RUNNING, then one component after another reaching its final state.
// A component that ends with a rollback shows its job FAILED and its
// rollback RUNNING for one phase before that.
func ProgressingRun(start time.Time, final ...Component) Run {
	current := make([]Component, len(final))
	for i, c := range final {
		current[i] = runningComponent(c, start)
	}
	snapshot := func() []Component { return append([]Component(nil), current...) }
	run := Run{Phases: [][]Component{snapshot()}}
	for i, c := range final {
		if c.RollbackJobStatus != "" {
			rolling := c
			rolling.Status, rolling.RollbackJobStatus, rolling.RollbackEndTime, rolling.RollbackFailMessage = "ROLLBACKING", "RUNNING", time.Time{}, ""
			current[i] = rolling
			run.Phases = append(run.Phases, snapshot())
		}
		current[i] = c
		run.Phases = append(run.Phases, snapshot())
	}
	return run
}

// EndlessRun is a run whose components stay RUNNING forever.
func EndlessRun(start time.Time, components ...Component) Run {
	running := make([]Component, len(components))
	for i, c := range components {
		running[i] = runningComponent(c, start)
	}
	return Run{Phases: [][]Component{running}}
}

// runningComponent is c while its deployment job runs.
func runningComponent(c Component, start time.Time) Component {
	return Component{ID: c.ID, Name: c.Name, Version: c.Version, Seq: c.Seq, Status: "RUNNING",
		JobID: c.JobID, JobStatus: "RUNNING", StartTime: start}
}

// startRun moves execute_time on, marks the task RUNNING and makes its
// deploy-info play run (or a default run of its components) from the
// start; the caller holds s.mu.
func (s *Server) startRun(key taskKey, plan int, run *Run) {
	p := &s.plans[key.project][plan]
	now := s.Now().Truncate(time.Millisecond)
	if !now.After(p.ExecuteTime) {
		now = p.ExecuteTime.Add(time.Millisecond) // Every run has its own execute_time.
	}
	p.ExecuteTime, p.Status = now, statusRunning
	if run == nil {
		final := make([]Component, len(p.Components))
		for i, c := range p.Components {
			final[i] = Component{ID: c.ComponentID, Name: c.Name, Seq: c.Seq, Status: "SUCCESS", JobStatus: "SUCCEEDED",
				StartTime: now, EndTime: now.Add(time.Duration(i+1) * time.Second)}
		}
		r := ProgressingRun(now, final...)
		run = &r
	}
	steps := make([]Step, len(run.Phases))
	for i, phase := range run.Phases {
		steps[i] = Step{Times: max(run.PhaseReads, 1), Body: DeployInfoJSON(key.id, phase...)}
	}
	s.tasks[taskKey{deployInfo, key.project, key.id}] = &task{steps: steps}
}

// statusRunning is the status of a task whose run is under way. The list
// and details show it until the run's deploy-info completes, then its
// outcome (see runStatus).
const statusRunning = "RUNNING"

// runStatus is the status the list and details show for p: a RUNNING task
// whose deploy-info has completed shows its outcome. The caller holds s.mu.
func (s *Server) runStatus(project string, p ReleasePlan) string {
	if p.Status != statusRunning {
		return p.Status
	}
	t := s.tasks[taskKey{deployInfo, project, p.ID}]
	if t == nil || t.steps == nil {
		return p.Status
	}
	st := t.current(s.Now())
	if st.Status != 0 && st.Status != http.StatusOK || st.Fault != "" {
		return p.Status
	}
	if outcome, done := outcomeOf(st.Body); done {
		return outcome
	}
	return p.Status
}

// outcomeOf reads a deploy-info body and, once no job is pending (the
// contract's rule), names the run's outcome as the list would.
func outcomeOf(body []byte) (string, bool) {
	var info struct {
		Components []struct {
			Status            *string `json:"status"`
			JobStatus         *string `json:"job_status"`
			RollbackJobStatus *string `json:"rollback_job_status"`
		} `json:"components"`
	}
	if json.Unmarshal(body, &info) != nil || len(info.Components) == 0 {
		return "", false
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	ended := func(s string) bool { return s == "SUCCEEDED" || s == "FAILED" }
	succeeded, rolledBack, rollbackFailed := 0, 0, 0
	for _, c := range info.Components {
		job, rollback := str(c.JobStatus), str(c.RollbackJobStatus)
		if str(c.Status) != "ABORTED" && (!ended(job) || (rollback != "" && !ended(rollback))) {
			return "", false
		}
		switch {
		case rollback == "FAILED":
			rollbackFailed++
		case rollback == "SUCCEEDED":
			rolledBack++
		case job == "SUCCEEDED":
			succeeded++
		}
	}
	switch {
	case succeeded == len(info.Components):
		return "SUCCESS", true
	case rollbackFailed > 0:
		return "ROLLBACK_FAILED", true
	case rolledBack > 0:
		return "ROLLBACK_SUCCEED", true
	case succeeded > 0:
		return "PARTIALLY_FAILED", true
	default:
		return "FAILED", true
	}
}

// current is the step the task's last read got (its first step before any
// read), moved on by any timed step that has run out since.
func (t *task) current(now time.Time) Step {
	if t.reads == 0 {
		return t.steps[0]
	}
	step, start := t.step, t.stepStart
	for step < len(t.steps)-1 && t.steps[step].For > 0 && now.Sub(start) >= t.steps[step].For {
		start = start.Add(t.steps[step].For)
		step++
	}
	return t.steps[step]
}
