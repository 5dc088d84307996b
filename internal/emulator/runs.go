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

// Execute is one scripted answer to execute: whether the service starts
// the run (Acts) and what the client gets (Answer: 200 with no body when
// zero). {Acts: true, Answer: Step{Status: 502}} acts and then answers an
// error; {Answer: Step{Status: 500}} fails without acting.
type Execute struct {
	Acts   bool
	Answer Step
	// ShowAfter, when set, delays an acting execute's run to the
	// ShowAfter-th read of the task's details after it, as a service that
	// shows a new run late.
	ShowAfter int
}

// Executes the emulator plays when no script is set.
var executeOK = Execute{Acts: true}

// executions holds a task's scripted answers and run, and counts the
// execute requests that passed the checks.
type executions struct {
	answers []Execute
	run     *Run
	count   int
	// hidden counts down the details reads before a late run starts; 0 when none waits.
	hidden int
}

// ScriptExecute sets the answers to execute of task id, one per request;
// the last repeats. Without a script every execute starts a run and
// answers 200.
func (s *Server) ScriptExecute(project, id string, answers ...Execute) {
	if len(answers) == 0 {
		panic("emulator: a script needs at least one answer")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.executionsOf(taskKey{planExecute, project, id}).answers = answers
}

// SetRun sets the run that execute starts for task id. Without one, a run
// of the task's components (from its details) succeeds one by one.
func (s *Server) SetRun(project, id string, run Run) {
	if len(run.Phases) == 0 {
		panic("emulator: a run needs at least one phase")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.executionsOf(taskKey{planExecute, project, id}).run = &run
}

// Executes returns how many execute requests of task id passed the checks
// (credentials, Content-Type, task), whether they started a run or not.
func (s *Server) Executes(project, id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.executions[taskKey{planExecute, project, id}]; e != nil {
		return e.count
	}
	return 0
}

// executionsOf returns key's executions, made on first use; the caller holds s.mu.
func (s *Server) executionsOf(key taskKey) *executions {
	e := s.executions[key]
	if e == nil {
		e = &executions{}
		s.executions[key] = e
	}
	return e
}

// serveExecute answers POST .../release-plans/{id}/execute after the checks
// the reads make: it starts a run (execute_time moves on, status RUNNING,
// deploy-info plays the run from its first phase) and answers as scripted.
func (s *Server) serveExecute(w http.ResponseWriter, r *http.Request, key taskKey) {
	if !checkContentType(w, r) {
		return
	}
	s.mu.Lock()
	knownProject := s.projects[key.project]
	plan := s.planIndex(key.project, key.id)
	var ex Execute
	if knownProject && plan >= 0 {
		e := s.executionsOf(key)
		ex = executeOK
		if len(e.answers) > 0 {
			ex = e.answers[min(e.count, len(e.answers)-1)]
		}
		e.count++
		switch {
		case ex.Acts && ex.ShowAfter > 0:
			e.hidden = ex.ShowAfter
		case ex.Acts:
			s.startRun(key, plan, e.run)
		}
	}
	s.mu.Unlock()

	switch {
	case !knownProject:
		writeError(w, http.StatusNotFound, "SVCSTG.00100404", "Project "+key.project+" does not exist or ServiceStage is not enabled in it")
	case plan < 0:
		writeError(w, http.StatusNotFound, "SVCSTG.00100433", "Application release not found: release plan "+key.id+" does not exist")
	case ex.Answer.Status == 0 && ex.Answer.Fault == "" && ex.Answer.Body == nil:
		w.WriteHeader(http.StatusOK) // The API documents no response body.
	case ex.Answer.Status >= 400 && ex.Answer.Body == nil && ex.Answer.Fault == "":
		writeError(w, ex.Answer.Status, "SVCSTG.00100500", http.StatusText(ex.Answer.Status)+" while executing the release plan")
	default:
		s.answer(w, r, ex.Answer)
	}
}

// planIndex finds task id among project's plans, or -1; the caller holds s.mu.
func (s *Server) planIndex(project, id string) int {
	for i, p := range s.plans[project] {
		if p.ID == id {
			return i
		}
	}
	return -1
}

// showLateRun counts a read of task id's details and starts its late run
// when the count runs out; the caller holds s.mu.
func (s *Server) showLateRun(project, id string) {
	key := taskKey{planExecute, project, id}
	e := s.executions[key]
	if e == nil || e.hidden == 0 {
		return
	}
	if e.hidden--; e.hidden == 0 {
		if plan := s.planIndex(project, id); plan >= 0 {
			s.startRun(key, plan, e.run)
		}
	}
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
