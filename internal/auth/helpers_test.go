package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock safe for concurrent reads.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: clockStart} }

func (c *fakeClock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Set(t time.Time)         { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }
func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

var clockStart = time.Date(2024, 8, 6, 8, 0, 0, 0, time.UTC)

// iamTime formats t as IAM writes expires_at.
func iamTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// recorded is one request a fake server received.
type recorded struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
}

// bodyJSON decodes the recorded body as JSON.
func (r recorded) bodyJSON(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("request body %q is not JSON: %v", r.Body, err)
	}
	return v
}

// fakeServer records every request and answers it with handle, which gets
// the request's number (1, 2, ...) and its body.
type fakeServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newFakeServer(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int, body []byte)) *fakeServer {
	t.Helper()
	s := &fakeServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, recorded{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
		n := len(s.reqs)
		s.mu.Unlock()
		handle(w, r, n, body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *fakeServer) requests() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.reqs...)
}

func (s *fakeServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// temporaryKeysBody is the answer of IAM's securitytokens API and of the
// ECS metadata service.
func temporaryKeysBody(access, secret, token string, expires time.Time) map[string]any {
	return map[string]any{"credential": map[string]any{
		"access": access, "secret": secret, "securitytoken": token, "expires_at": iamTime(expires),
	}}
}

// makeJWT builds a token shaped like a JWT with the given claims; its
// signature part is sig, so that a test can look for it in messages.
func makeJWT(t *testing.T, claims map[string]any, sig string) string {
	t.Helper()
	enc := func(v any) string {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(data)
	}
	return enc(map[string]any{"alg": "RS256", "typ": "JWT"}) + "." + enc(claims) + "." + sig
}

// closedURL is an http URL on the loopback interface where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// stubSource is a Source whose answers a test scripts, counting calls.
type stubSource struct {
	mu    sync.Mutex
	calls int
	// answer gives the n-th answer (n from 1).
	answer func(ctx context.Context, n int) (Credential, error)
}

func (s *stubSource) Retrieve(ctx context.Context) (Credential, error) {
	s.mu.Lock()
	s.calls++
	n := s.calls
	s.mu.Unlock()
	return s.answer(ctx, n)
}

func (s *stubSource) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// lastingError is a refusal that asking again cannot change.
type lastingError struct{ lasting bool }

func (e lastingError) Error() string { return "refused" }
func (e lastingError) Lasting() bool { return e.lasting }

// mustCredential gets the credential p hands out now.
func mustCredential(t *testing.T, p Provider) Credential {
	t.Helper()
	cred, err := p.Credential(t.Context())
	if err != nil {
		t.Fatalf("Credential: %v", err)
	}
	return cred
}

// mustFail calls p for a credential that must not come.
func mustFail(t *testing.T, p Provider) error {
	t.Helper()
	cred, err := p.Credential(t.Context())
	if err == nil {
		t.Fatalf("Credential succeeded with %+v, want an error", cred)
	}
	return err
}

// assertContains checks that text holds every one of wants.
func assertContains(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("%s %q does not mention %q", what, text, want)
		}
	}
}

// assertLacks checks that text holds none of secrets.
func assertLacks(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		if secret != "" && strings.Contains(text, secret) {
			t.Errorf("%s leaks %q: %s", what, secret, text)
		}
	}
}

// asError checks that err is, or wraps, a *T and returns it.
func asError[T error](t *testing.T, err error) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error %v (%T) is not a %T", err, err, target)
	}
	return target
}
