package emulator

import (
	"net/http"
	"strings"
	"time"
)

// Step is one scripted answer to reads of a release task. A task's script is
// a list of steps; each lasts Times reads (one when unset) or, when For is
// set, that long from when it began (the task's first read for the first
// step, else the end of the step before), and the last step repeats
// forever. So a leading Step{For: d, Status: 503} is an outage of d from
// the first read, after which the steps that follow play out in full.
type Step struct {
	Times int
	For   time.Duration

	// Status defaults to 200.
	Status int
	// Body is sent verbatim, so tests control every byte of the JSON.
	Body   []byte
	Header http.Header
	// Fault, when set, replaces the answer with a transport failure.
	Fault Fault
}

// Fault is a way for the transport to fail instead of answering.
type Fault string

// Faults the emulator can inject.
const (
	// FaultReset closes the connection without an answer.
	FaultReset Fault = "reset"
	// FaultHang never answers until the client gives up.
	FaultHang Fault = "hang"
	// FaultTruncate announces the full Content-Length and sends half the body.
	FaultTruncate Fault = "truncate"
)

// endpoint is one of the ServiceStage APIs served.
type endpoint int

const (
	deployInfo  endpoint = iota // GET .../release-plans/{id}/deploy-info
	planDetails                 // GET .../release-plans/{id}
	planList                    // GET .../release-plans
	planExecute                 // POST .../release-plans/{id}/execute
)

// method is the HTTP method an endpoint answers.
// taskKey names what one read asks for; id is "" for the list.
type taskKey struct {
	ep          endpoint
	project, id string
}

type task struct {
	// steps is the script; nil means the answer is rendered from the
	// project's release plans at each read (list and details only).
	steps []Step
	reads int // every read, for Reads

	step      int       // the step answering now
	stepReads int       // reads it has answered
	stepStart time.Time // when it began
}

// AddTask scripts the answers for reads of release task id's deploy-info
// in project. With one step the task answers the same way every time.
func (s *Server) AddTask(project, id string, steps ...Step) {
	s.script(taskKey{deployInfo, project, id}, steps)
}

// Reads returns how many times a task's deploy-info has been read.
func (s *Server) Reads(project, id string) int {
	return s.reads(taskKey{deployInfo, project, id})
}

// script replaces the answers for key and makes its project known.
func (s *Server) script(key taskKey, steps []Step) {
	if len(steps) == 0 {
		panic("emulator: a script needs at least one step")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.projects[key.project] = true
	s.tasks[key] = &task{steps: steps}
}

func (s *Server) reads(key taskKey) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tasks[key]; t != nil {
		return t.reads
	}
	return 0
}

// next picks the step for this read and advances the script.
func (t *task) next(now time.Time) Step {
	if t.reads == 0 {
		t.stepStart = now
	}
	t.reads++
	for t.step < len(t.steps)-1 {
		st := t.steps[t.step]
		switch {
		case st.For > 0 && now.Sub(t.stepStart) >= st.For:
			t.stepStart = t.stepStart.Add(st.For)
		case st.For <= 0 && t.stepReads >= max(st.Times, 1):
			t.stepStart = now
		default:
			t.stepReads++
			return st
		}
		t.step++
		t.stepReads = 0
	}
	return t.steps[t.step]
}

// serve answers a read after the checks every ServiceStage endpoint makes,
// in this order: Content-Type, project, then the task itself.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, key taskKey) {
	if !checkContentType(w, r) {
		return
	}
	if key.ep == pipelineAction {
		s.startPipeline(w, r, key)
		return
	}
	s.mu.Lock()
	knownProject := s.projects[key.project]
	var st Step
	found := false
	if knownProject {
		st, found = s.nextAnswer(key)
	}
	s.mu.Unlock()

	switch {
	case !knownProject:
		writeError(w, http.StatusNotFound, "SVCSTG.00100404", "Project "+key.project+" does not exist or ServiceStage is not enabled in it")
	case !found && key.ep == pipelineDetails:
		writeError(w, http.StatusNotFound, "SVCSTG.00100404", "Pipeline "+key.id+" does not exist")
	case !found && key.ep == planDetails:
		writeError(w, http.StatusNotFound, "SVCSTG.00100433", "Application release not found: release plan "+key.id+" does not exist")
	case !found:
		writeError(w, http.StatusNotFound, "SVCSTG.00100404", "Release plan "+key.id+" does not exist")
	default:
		s.answer(w, r, st)
	}
}

// checkContentType answers 400 unless the request says it is JSON: the
// reference marks Content-Type mandatory even on the GETs.
func checkContentType(w http.ResponseWriter, r *http.Request) bool {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeError(w, http.StatusBadRequest, "SVCSTG.00100400", "Invalid request: the Content-Type header must be application/json")
		return false
	}
	return true
}

// nextAnswer is the step for this read of key: the script's, or else the
// answer rendered from the release plans. Reads are counted either way;
// the caller holds s.mu.
func (s *Server) nextAnswer(key taskKey) (Step, bool) {
	t := s.tasks[key]
	if t != nil && t.steps != nil {
		return t.next(s.Now()), true
	}
	body, ok := s.render(key)
	if !ok {
		return Step{}, false
	}
	if t == nil {
		t = &task{}
		s.tasks[key] = t
	}
	t.reads++
	return Step{Body: body}, true
}

// answer sends a scripted step, or fails the way it says.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, st Step) {
	for name, values := range st.Header {
		for _, v := range values {
			w.Header().Add(name, v)
		}
	}
	if st.Fault != "" {
		inject(w, r, st)
		return
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
	}
	w.WriteHeader(cmpOr(st.Status, http.StatusOK))
	_, _ = w.Write(st.Body)
}

func cmpOr(v, fallback int) int {
	if v == 0 {
		return fallback
	}
	return v
}
