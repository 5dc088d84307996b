package emulator

import (
	"net/http"
	"strings"
	"time"
)

// Step is one scripted answer to reads of a release task. A task's script is
// a list of steps; each lasts Times reads or For time after the task's first
// read (whichever is set), and the last step repeats forever.
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

type taskKey struct{ project, id string }

type task struct {
	steps     []Step
	reads     int
	firstRead time.Time
}

// AddTask scripts the answers for reads of release task id in project.
// With one step the task answers the same way every time.
func (s *Server) AddTask(project, id string, steps ...Step) {
	if len(steps) == 0 {
		panic("emulator: AddTask needs at least one step")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.projects[project] = true
	s.tasks[taskKey{project, id}] = &task{steps: steps}
}

// Reads returns how many times a task has been read.
func (s *Server) Reads(project, id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tasks[taskKey{project, id}]; t != nil {
		return t.reads
	}
	return 0
}

// next picks the step for this read and advances the script.
func (t *task) next(now time.Time) Step {
	if t.reads == 0 {
		t.firstRead = now
	}
	t.reads++
	elapsed := now.Sub(t.firstRead)
	reads := 0
	var spent time.Duration
	for _, st := range t.steps[:len(t.steps)-1] {
		switch {
		case st.For > 0:
			spent += st.For
			if elapsed < spent {
				return st
			}
		default:
			reads += max(st.Times, 1)
			if t.reads <= reads {
				return st
			}
		}
	}
	return t.steps[len(t.steps)-1]
}

func (s *Server) serveDeployInfo(w http.ResponseWriter, r *http.Request, project, id string) {
	// The reference marks Content-Type mandatory even on this GET.
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeError(w, http.StatusBadRequest, "SVCSTG.00100400", "Invalid request: the Content-Type header must be application/json")
		return
	}
	s.mu.Lock()
	knownProject := s.projects[project]
	t := s.tasks[taskKey{project, id}]
	var st Step
	if t != nil {
		st = t.next(s.Now())
	}
	s.mu.Unlock()

	switch {
	case !knownProject:
		writeError(w, http.StatusNotFound, "SVCSTG.00100404", "Project "+project+" does not exist or ServiceStage is not enabled in it")
	case t == nil:
		writeError(w, http.StatusNotFound, "SVCSTG.00100404", "Release plan "+id+" does not exist")
	default:
		s.answer(w, r, st)
	}
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
