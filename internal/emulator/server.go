// Package emulator is a fake Huawei Cloud ServiceStage and IAM for tests and
// the demo. It checks what the real services check (credentials, signature,
// headers, path, project) and answers in their formats, so that the provider
// is exercised exactly as it would be against the cloud.
package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"sync/atomic"
	"time"
)

// Request is what the emulator saw of one request, for tests to assert on.
type Request struct {
	Time   time.Time
	Method string
	Path   string
	// Auth is "token", "aksk" or "" (none or rejected).
	Auth      string
	Status    int
	UserAgent string
	// Listener is the listener that got the request: ListenerServiceStage,
	// ListenerMetadata or ListenerActions.
	Listener string
	// Header is a copy of the request's headers, secrets included, so that
	// a test can check that none reached a host it is not for.
	Header http.Header
}

// The listeners a Request may come from: on a real runner or ECS each is
// another host, so a credential must reach only its own.
const (
	ListenerServiceStage = "servicestage" // ServiceStage and IAM (Start, StartTLS)
	ListenerMetadata     = "metadata"     // the ECS metadata service (StartMetadata)
	ListenerActions      = "actions"      // GitHub Actions' ID-token service (StartActionsIDTokenService)
)

// Server emulates ServiceStage's release-task APIs (list, details,
// deploy-info, execute) and IAM's token API.
type Server struct {
	// Now is the clock of every check (signatures, tokens, temporary keys,
	// ID tokens, metadata sessions); tests may replace it before Start.
	Now func() time.Time
	// TokenLifetime is how long the tokens the password and OpenID Connect
	// endpoints issue live; 0 means IAM's 24 hours.
	TokenLifetime time.Duration

	mu       sync.Mutex
	projects map[string]bool
	tasks    map[taskKey]*task
	plans    map[string][]ReleasePlan
	// executions are the execute scripts and counts, by planExecute key.
	executions map[taskKey]*executions
	tokens     map[string]issuedToken
	keys       map[string]AccessKey
	users      map[string]User
	regions    map[string]string
	requests   []Request

	// pipelines are the new edition's tasks, bareLists the projects whose
	// list is the bare array, and listBodies each project's list as last sent.
	pipelines  map[string][]*pipelineState
	bareLists  map[string]bool
	listBodies map[string][]byte

	// agencies may be assumed, idps federate ID tokens (by ID), and
	// idTokenKey signs the ID tokens MintIDToken makes: nothing else knows it.
	agencies   []Agency
	idps       map[string]IdentityProvider
	idTokenKey []byte

	tokensIssued     atomic.Int64
	connections      atomic.Int64
	agencyIssued     atomic.Int64
	idTokenExchanges atomic.Int64
	metadataIssued   atomic.Int64
	actionsRequests  atomic.Int64
}

// New returns an empty emulator: add projects, credentials and tasks to it.
func New() *Server {
	return &Server{
		Now:        time.Now,
		projects:   map[string]bool{},
		tasks:      map[taskKey]*task{},
		plans:      map[string][]ReleasePlan{},
		executions: map[taskKey]*executions{},
		tokens:     map[string]issuedToken{},
		keys:       map[string]AccessKey{},
		users:      map[string]User{},
		regions:    map[string]string{},
		idps:       map[string]IdentityProvider{},
		idTokenKey: randomBytes(32),
	}
}

// routes are the ServiceStage paths served: group 1 is the project, group
// 2 (when present) the release task ID. Segments are matched on the escaped
// path, so an encoded "/" can never pass for a separator.
var routes = []struct {
	path   *regexp.Regexp
	ep     endpoint
	method string
}{
	{regexp.MustCompile(`^/v3/([^/]+)/cas/release-plans$`), planList, http.MethodGet},
	{regexp.MustCompile(`^/v3/([^/]+)/cas/release-plans/([^/]+)$`), planDetails, http.MethodGet},
	{regexp.MustCompile(`^/v3/([^/]+)/cas/release-plans/([^/]+)/deploy-info$`), deployInfo, http.MethodGet},
	{regexp.MustCompile(`^/v3/([^/]+)/cas/release-plans/([^/]+)/execute$`), planExecute, http.MethodPost},
	{regexp.MustCompile(`^/v3/([^/]+)/pipeline/pipelines$`), pipelineList, http.MethodGet},
	{regexp.MustCompile(`^/v3/([^/]+)/pipeline/pipelines/([^/]+)$`), pipelineDetails, http.MethodGet},
	{regexp.MustCompile(`^/v3/([^/]+)/pipeline/pipelines/([^/]+)/action$`), pipelineAction, http.MethodPost},
}

// route finds the endpoint an escaped path names, and the method it takes.
func route(escapedPath string) (taskKey, string, bool) {
	for _, rt := range routes {
		if m := rt.path.FindStringSubmatch(escapedPath); m != nil {
			key := taskKey{ep: rt.ep, project: m[1]}
			if len(m) > 2 {
				key.id = m[2]
			}
			return key, rt.method, true
		}
	}
	return taskKey{}, "", false
}

// ServeHTTP routes to IAM or ServiceStage.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	w.Header().Set("X-Request-Id", newRequestID())
	auth := ""
	defer func() {
		s.record(Request{Time: s.Now(), Method: r.Method, Path: r.URL.EscapedPath(), Auth: auth, Status: rec.status,
			UserAgent: r.UserAgent(), Listener: ListenerServiceStage, Header: r.Header.Clone()})
	}()

	if kind, ok := s.serveIAM(rec, r); ok {
		auth = kind
		return
	}
	key, method, ok := route(r.URL.EscapedPath())
	if !ok {
		writeError(rec, http.StatusNotFound, "APIGW.0101", "The API does not exist or has not been published in the environment")
		return
	}
	if r.Method != method {
		writeError(rec, http.StatusMethodNotAllowed, "APIGW.0101", "The API does not exist or has not been published in the environment")
		return
	}
	kind, ok := s.authenticate(rec, r, key.project)
	if !ok {
		return
	}
	auth = kind
	if key.ep == planExecute {
		s.serveExecute(rec, r, key)
		return
	}
	s.serve(rec, r, key)
}

// Start serves the emulator on a loopback port and counts the TCP
// connections it accepts. Close the returned server when done.
func (s *Server) Start() *httptest.Server {
	ts := s.unstarted()
	ts.Start()
	return ts
}

// unstarted is a test server for s that counts its connections.
func (s *Server) unstarted() *httptest.Server {
	ts := httptest.NewUnstartedServer(s)
	ts.Config.ConnState = s.trackConn
	return ts
}

// trackConn counts accepted connections; set it as http.Server.ConnState.
func (s *Server) trackConn(_ net.Conn, state http.ConnState) {
	if state == http.StateNew {
		s.connections.Add(1)
	}
}

// ConnState is trackConn for servers built outside Start.
func (s *Server) ConnState() func(net.Conn, http.ConnState) { return s.trackConn }

// Connections is the number of TCP connections accepted so far.
func (s *Server) Connections() int64 { return s.connections.Load() }

// TokensIssued is the number of IAM tokens the password endpoint has issued.
func (s *Server) TokensIssued() int64 { return s.tokensIssued.Load() }

// Requests returns a copy of the requests seen so far, in arrival order,
// from every listener.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]Request(nil), s.requests...)
	for i := range out {
		out[i].Header = out[i].Header.Clone()
	}
	return out
}

// recorded serves next as a listener of its own, recording its requests
// among the others.
func (s *Server) recorded(listener string, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			s.record(Request{Time: s.Now(), Method: r.Method, Path: r.URL.EscapedPath(), Status: rec.status,
				UserAgent: r.UserAgent(), Listener: listener, Header: r.Header.Clone()})
		}()
		next(rec, r)
	})
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r)
	s.mu.Unlock()
}

// AddProject makes a project ID known. Tasks add their project themselves.
func (s *Server) AddProject(projectID string) {
	s.mu.Lock()
	s.projects[projectID] = true
	s.mu.Unlock()
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection for faults.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func newRequestID() string { return hex.EncodeToString(randomBytes(16)) }

// randomBytes is n bytes from crypto/rand, which does not fail.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
