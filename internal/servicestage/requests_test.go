package servicestage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/errorbody"
)

// closedAddress is a local address nothing listens at: a dial is refused.
func closedAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// realDialError dials addr and returns the error as an HTTP client reports it.
func realGetError(t *testing.T, url string) error {
	t.Helper()
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(url) //nolint:noctx // a test of dial errors
	if err == nil {
		resp.Body.Close()
		t.Fatalf("GET %s answered %d", url, resp.StatusCode)
	}
	return err
}

func TestMayPassRealNetworkErrors(t *testing.T) {
	t.Parallel()
	refused := realGetError(t, "http://"+closedAddress(t)+"/")
	if !errors.Is(refused, syscall.ECONNREFUSED) {
		t.Fatalf("dialing a closed port: %v, want ECONNREFUSED", refused)
	}
	reset := newRecorder(t, resetConnection)
	resetErr := realGetError(t, reset.srv.URL)

	// An unreachable network: a real one where this machine has no route
	// to the documentation prefix, a constructed one (as net builds it) else.
	unreachable := error(&net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ENETUNREACH}})
	if conn, err := net.DialTimeout("tcp", "[2001:db8::1]:80", time.Second); err == nil {
		conn.Close()
	} else if errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH) {
		unreachable = err
	}

	tests := []struct {
		name      string
		err       error
		mayPass   bool
		neverSent bool
	}{
		{"refused", refused, true, true},
		{"reset", resetErr, true, false},
		{"network unreachable", unreachable, true, true},
		{"host unreachable", &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.EHOSTUNREACH}}, true, true},
		{"temporary DNS failure", &net.DNSError{Err: "server misbehaving", Name: "h", IsTemporary: true}, true, true},
		{"DNS timeout", &net.DNSError{Err: "i/o timeout", Name: "h", IsTimeout: true}, true, true},
		{"no such host", &net.DNSError{Err: "no such host", Name: "h", IsNotFound: true}, false, true},
		{"5xx", &APIError{StatusCode: 503}, true, false},
		{"429", &APIError{StatusCode: 429}, true, false},
		{"404", &APIError{StatusCode: 404, Code: "SVCSTG.00100404"}, false, false},
		{"IAM 503", &auth.CredentialError{Err: &auth.IAMError{StatusCode: 503}}, true, true},
		{"IAM 429", &auth.IAMError{StatusCode: 429}, true, false},
		{"IAM 401", &auth.IAMError{StatusCode: 401}, false, false},
		{"redirect", &errorbody.RedirectError{StatusCode: 302}, false, false},
		{"decode", &DecodeError{Response: "x", Index: -1, Offset: -1, Err: errors.New("bad")}, false, false},
		{"throttle deadline", ErrThrottleDeadline, false, true},
		{"request_timeout", fmt.Errorf("%w (1s)", ErrAttemptTimeout), true, false},
	}
	for _, tt := range tests {
		if got := MayPass(tt.err); got != tt.mayPass {
			t.Errorf("%s: MayPass(%v) = %v, want %v", tt.name, tt.err, got, tt.mayPass)
		}
		if got := neverSent(tt.err); got != tt.neverSent {
			t.Errorf("%s: neverSent(%v) = %v, want %v", tt.name, tt.err, got, tt.neverSent)
		}
	}
}

// A wrong port is told after a few refusals, not after every retry, and a
// host derived from region says so.
func TestRefusedConnectionsEndEarlyAndNameTheRegion(t *testing.T) {
	t.Parallel()
	addr := closedAddress(t)
	c, err := New(Config{Endpoint: "http://" + addr, HTTPClient: &http.Client{}, MaxRetries: 10,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond, EndpointFrom: `region "xx-north-9"`})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetDeployInfo(t.Context(), testProject, testTask)
	for _, want := range []string{fmt.Sprintf("after %d attempt(s)", maxRefusedInARow), "refused 3 times in a row",
		"the host " + addr + ` comes from region "xx-north-9"`, "check region and cloud", "connection refused"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %q", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "check endpoint") {
		t.Errorf("error %v says to check endpoint, which is not set", err)
	}
}

// dropAfterRequest reads the whole request, then cuts the connection: the
// service may have acted on it.
func dropAfterRequest(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	resetConnection(w, r)
}

func hang(_ http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body) // so the server notices the client leave
	<-r.Context().Done()
}

func TestStartRequestsAreNeverSentTwice(t *testing.T) {
	t.Parallel()
	accepted := answer(http.StatusOK, "")
	tests := []struct {
		name         string
		script       []http.HandlerFunc
		requests     int
		unknown      bool // an *OutcomeUnknownError
		apiStatus    int  // an *APIError of this status within
		requestLimit time.Duration
	}{
		{"accepted", []http.HandlerFunc{accepted}, 1, false, 0, 0},
		{"429 then accepted", []http.HandlerFunc{answer(429, apiErrorJSON("APIGW.0308", "over ratelimit")), accepted}, 2, false, 0, 0},
		{"503 is not resent", []http.HandlerFunc{answer(503, apiErrorJSON("SVCSTG.00100500", "busy")), accepted}, 1, true, 503, 0},
		{"500 is not resent", []http.HandlerFunc{answer(500, ""), accepted}, 1, true, 500, 0},
		{"dropped after the request is not resent", []http.HandlerFunc{dropAfterRequest, accepted}, 1, true, 0, 0},
		{"an attempt past request_timeout is not resent", []http.HandlerFunc{hang, accepted}, 1, true, 0, 50 * time.Millisecond},
		{"404 is an APIError", []http.HandlerFunc{answer(404, apiErrorJSON("SVCSTG.00100404", "no such task"))}, 1, false, 404, 0},
		{"403 is an APIError", []http.HandlerFunc{answer(403, apiErrorJSON("SVCSTG.00100403", "denied"))}, 1, false, 403, 0},
	}
	for _, tt := range tests {
		for _, op := range []string{"execute", "start"} {
			t.Run(tt.name+"/"+op, func(t *testing.T) {
				t.Parallel()
				r := newRecorder(t, tt.script...)
				c := newTestClient(t, r)
				if tt.requestLimit > 0 {
					rt, err := NewTransport(TransportConfig{RequestTimeout: tt.requestLimit})
					if err != nil {
						t.Fatal(err)
					}
					c = newTestClient(t, r, func(cfg *Config) { cfg.HTTPClient = &http.Client{Transport: rt} })
				}
				var err error
				if op == "execute" {
					err = c.ExecuteReleasePlan(t.Context(), testProject, testTask)
				} else {
					err = c.StartPipeline(t.Context(), testProject, testTask)
				}
				if r.count() != tt.requests {
					t.Errorf("%d requests, want %d", r.count(), tt.requests)
				}
				var unknown *OutcomeUnknownError
				if errors.As(err, &unknown) != tt.unknown {
					t.Errorf("error %v (%T): OutcomeUnknownError %v, want %v", err, err, !tt.unknown, tt.unknown)
				}
				var apiErr *APIError
				if tt.apiStatus != 0 && (!errors.As(err, &apiErr) || apiErr.StatusCode != tt.apiStatus) {
					t.Errorf("error %v: want an *APIError with HTTP %d", err, tt.apiStatus)
				}
				if tt.unknown && tt.apiStatus != 0 && !errors.As(unknown.Unwrap(), &apiErr) {
					t.Errorf("Unwrap of %v is not the *APIError", err)
				}
				if !tt.unknown && tt.apiStatus == 0 && err != nil {
					t.Errorf("error %v, want none", err)
				}
			})
		}
	}
}

func TestStartRequestShape(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies []string
	r := newRecorder(t, func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
	})
	c := newTestClient(t, r)
	if err := c.ExecuteReleasePlan(t.Context(), testProject, testTask); err != nil {
		t.Fatal(err)
	}
	if err := c.StartPipeline(t.Context(), testProject, "pipe-1"); err != nil {
		t.Fatal(err)
	}
	exec, start := r.requests[0], r.requests[1]
	if exec.Method != http.MethodPost || exec.URL.Path != "/prefix/v3/"+testProject+"/cas/release-plans/"+testTask+"/execute" || bodies[0] != "" {
		t.Errorf("execute: %s %s body %q", exec.Method, exec.URL.Path, bodies[0])
	}
	if start.Method != http.MethodPost || start.URL.Path != "/prefix/v3/"+testProject+"/pipeline/pipelines/pipe-1/action" ||
		start.URL.RawQuery != "action_id=start" || bodies[1] != "{}" {
		t.Errorf("start: %s %s?%s body %q", start.Method, start.URL.Path, start.URL.RawQuery, bodies[1])
	}
	for _, id := range []string{"", "a/b", "..", "a b"} {
		if err := c.ExecuteReleasePlan(t.Context(), testProject, id); err == nil || !strings.Contains(err.Error(), "release_plan_id") {
			t.Errorf("release_plan_id %q: %v", id, err)
		}
		if err := c.StartPipeline(t.Context(), id, "p"); err == nil || !strings.Contains(err.Error(), "project_id") {
			t.Errorf("project_id %q: %v", id, err)
		}
	}
	if r.count() != 2 {
		t.Errorf("%d requests, want 2: an invalid ID is refused before sending", r.count())
	}
}

// A start whose connection is refused never reached the service: it is
// retried, and the error is not an unknown outcome.
func TestStartRetriesRefusedConnections(t *testing.T) {
	t.Parallel()
	c, err := New(Config{Endpoint: "http://" + closedAddress(t), HTTPClient: &http.Client{}, MaxRetries: 5,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	err = c.ExecuteReleasePlan(t.Context(), testProject, testTask)
	var unknown *OutcomeUnknownError
	if err == nil || errors.As(err, &unknown) || !strings.Contains(err.Error(), "after 3 attempt(s)") {
		t.Errorf("got %v, want a plain error after 3 attempts", err)
	}
}

// elsewhere records every request that reaches another host.
func elsewhere(t *testing.T) (*httptest.Server, func() []*http.Request) {
	t.Helper()
	var mu sync.Mutex
	var got []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Clone(context.Background()))
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []*http.Request { mu.Lock(); defer mu.Unlock(); return got }
}

func TestRedirectsAreRefusedAndCarryNoCredential(t *testing.T) {
	t.Parallel()
	other, received := elsewhere(t)
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect} {
		for _, method := range []string{"token", "aksk"} {
			r := newRecorder(t, answer(status, "", "Location", other.URL+"/steal"))
			var rt http.RoundTripper
			if method == "token" {
				rt = &auth.Transport{Credentials: auth.Fixed(auth.Credential{Token: "secret-token"}), Base: http.DefaultTransport}
			} else {
				rt = &auth.SigningTransport{Credentials: auth.KeyPair{AccessKey: "AK", SecretKey: "SK"}, Base: http.DefaultTransport}
			}
			// The client passed in follows redirects: New must refuse them anyway.
			c := newTestClient(t, r, func(cfg *Config) { cfg.HTTPClient = &http.Client{Transport: rt} })
			_, getErr := c.GetDeployInfo(t.Context(), testProject, testTask)
			startErr := c.ExecuteReleasePlan(t.Context(), testProject, testTask)
			for _, err := range []error{getErr, startErr} {
				var redirect *errorbody.RedirectError
				if !errors.As(err, &redirect) {
					t.Fatalf("HTTP %d, %s: %v (%T), want a *RedirectError", status, method, err, err)
				}
				for _, want := range []string{fmt.Sprintf("HTTP %d", status), other.URL + "/steal", "check endpoint", "not followed"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not say %q", err, want)
					}
				}
				if MayPass(err) {
					t.Errorf("a redirect may pass: %v", err)
				}
			}
		}
	}
	if n := len(received()); n != 0 {
		t.Errorf("%d requests reached the other host", n)
	}
}

// fakeTurn is a throttle whose turn comes after a wait that moves a fake
// clock on, as a queue under a low max_requests_per_second would.
type fakeTurn struct {
	mu   sync.Mutex
	now  time.Time
	wait time.Duration
}

func (f *fakeTurn) Wait(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(f.wait)
	return nil
}

func (f *fakeTurn) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }

// Each attempt is signed after its turn under the throttle: its X-Sdk-Date
// is the time the request leaves, not the time it was queued.
func TestSignedAfterTheThrottleWait(t *testing.T) {
	t.Parallel()
	turn := &fakeTurn{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), wait: 20 * time.Minute}
	r := newRecorder(t, answer(503, ""), ok200)
	base := &throttledTransport{limiter: turn, base: http.DefaultTransport}
	rt := Authenticated(base, func(next http.RoundTripper) http.RoundTripper {
		return &auth.SigningTransport{Credentials: auth.KeyPair{AccessKey: "AK", SecretKey: "SK"}, Base: next, Now: turn.Now}
	})
	c := newTestClient(t, r, func(cfg *Config) { cfg.HTTPClient = &http.Client{Transport: rt} })
	if _, err := c.GetDeployInfo(t.Context(), testProject, testTask); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, req := range r.requests {
		want := start.Add(time.Duration(i+1) * turn.wait).Format("20060102T150405Z")
		if got := req.Header.Get("X-Sdk-Date"); got != want {
			t.Errorf("attempt %d: X-Sdk-Date %s, want %s (signed after its turn)", i+1, got, want)
		}
	}
}

// The shared throttle stays one: Authenticated keeps its limiter.
func TestAuthenticatedSharesTheThrottle(t *testing.T) {
	t.Parallel()
	rt, err := NewTransport(TransportConfig{RequestsPerSecond: 1})
	if err != nil {
		t.Fatal(err)
	}
	var inner http.RoundTripper
	wrapped := Authenticated(rt, func(next http.RoundTripper) http.RoundTripper { inner = next; return next })
	outer, ok := wrapped.(*throttledTransport)
	if !ok || outer.limiter != rt.(*throttledTransport).limiter || inner != rt.(*throttledTransport).base {
		t.Errorf("Authenticated did not put credentials after the shared throttle: %#v", wrapped)
	}
}

// IAM answers 503 once, then issues the token: the read succeeds after one
// retry of the token request.
func TestIAMTroubleIsRetried(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var iamCalls int
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		iamCalls++
		n := iamCalls
		mu.Unlock()
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("X-Subject-Token", "fresh-token")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"token":{"expires_at":"2099-01-01T00:00:00Z"}}`)
	}))
	t.Cleanup(iam.Close)
	r := newRecorder(t, ok200)
	source := auth.NewCache(auth.NewPasswordSource(auth.PasswordConfig{AuthURL: iam.URL + "/v3", UserName: "u", Password: "p", DomainName: "d",
		ProjectID: testProject, Sender: auth.Sender{Do: auth.SendFunc(Repeating(5, time.Millisecond, 2*time.Millisecond))}}), nil)
	c := newTestClient(t, r, func(cfg *Config) {
		cfg.HTTPClient = &http.Client{Transport: &auth.Transport{Credentials: source, Base: http.DefaultTransport}}
	})
	if _, err := c.GetDeployInfo(t.Context(), testProject, testTask); err != nil {
		t.Fatal(err)
	}
	if iamCalls != 2 || r.count() != 1 {
		t.Errorf("%d IAM calls and %d ServiceStage calls, want 2 and 1", iamCalls, r.count())
	}
	if got := r.requests[0].Header.Get("X-Auth-Token"); got != "fresh-token" {
		t.Errorf("X-Auth-Token %q", got)
	}
}

// IAM failing after its retries is told as IAM's trouble: not the endpoint's,
// not the password's, and not retried again by the read around it.
func TestIAMTroubleBlamesIAM(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var iamCalls int
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		iamCalls++
		mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(iam.Close)
	r := newRecorder(t, ok200)
	source := auth.NewCache(auth.NewPasswordSource(auth.PasswordConfig{AuthURL: iam.URL + "/v3", UserName: "u", Password: "p", DomainName: "d",
		ProjectID: testProject, Sender: auth.Sender{Do: auth.SendFunc(Repeating(2, time.Millisecond, 2*time.Millisecond))}}), nil)
	c := newTestClient(t, r, func(cfg *Config) {
		cfg.HTTPClient = &http.Client{Transport: &auth.Transport{Credentials: source, Base: http.DefaultTransport}}
	})
	_, err := c.GetDeployInfo(t.Context(), testProject, testTask)
	var iamErr *auth.IAMError
	if !errors.As(err, &iamErr) || !MayPass(err) {
		t.Fatalf("got %v, want an IAMError that may pass", err)
	}
	for _, never := range []string{"check endpoint", "check user_name", "no answer from"} {
		if strings.Contains(err.Error(), never) {
			t.Errorf("error %q says %q", err, never)
		}
	}
	if iamCalls != 3 || r.count() != 0 {
		t.Errorf("%d IAM calls and %d ServiceStage calls, want 3 (max_retries 2) and 0", iamCalls, r.count())
	}
}

// A 307 from auth_url never carries the password to the other host.
func TestIAMRedirectIsRefused(t *testing.T) {
	t.Parallel()
	other, received := elsewhere(t)
	iam := httptest.NewServer(http.RedirectHandler(other.URL+"/v3/auth/tokens", http.StatusTemporaryRedirect))
	t.Cleanup(iam.Close)
	source := auth.NewCache(auth.NewPasswordSource(auth.PasswordConfig{AuthURL: iam.URL + "/v3", UserName: "u", Password: "p", DomainName: "d",
		ProjectID: testProject, Sender: auth.Sender{Do: auth.SendFunc(Repeating(5, time.Millisecond, 2*time.Millisecond))}}), nil)
	_, err := source.Credential(t.Context())
	var redirect *errorbody.RedirectError
	if !errors.As(err, &redirect) || !strings.Contains(err.Error(), "check auth_url") || !strings.Contains(err.Error(), other.URL) {
		t.Errorf("got %v, want a redirect error naming the Location and auth_url", err)
	}
	if n := len(received()); n != 0 {
		t.Errorf("%d requests reached the other host", n)
	}
}
