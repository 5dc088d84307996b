package emulator

import (
	"net/http"
)

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
