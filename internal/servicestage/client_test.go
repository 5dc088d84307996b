package servicestage

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

const (
	testProject = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	testTask    = "716eda33-dbc6-47f3-953f-29119edd5e5c"
	testPath    = "/prefix/v3/" + testProject + "/cas/release-plans/" + testTask + "/deploy-info"
	testBody    = `{"id":"` + testTask + `","components":[{"name":"web","job_status":"SUCCEEDED","seq":"2","start_time":"1722933924962"}]}`
)

// recorder is a test server that answers with a script of handlers, one per
// request, repeating the last, and remembers when each request arrived.
type recorder struct {
	srv *httptest.Server

	mu       sync.Mutex
	arrivals []time.Time
	requests []*http.Request
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.arrivals)
}

func (r *recorder) gap(i int) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.arrivals[i].Sub(r.arrivals[i-1])
}

func newRecorder(t *testing.T, script ...http.HandlerFunc) *recorder {
	t.Helper()
	r := &recorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		n := len(r.arrivals)
		r.arrivals = append(r.arrivals, time.Now())
		r.requests = append(r.requests, req.Clone(context.Background()))
		r.mu.Unlock()
		script[min(n, len(script)-1)](w, req)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func answer(status int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

var ok200 = answer(http.StatusOK, testBody, "X-Request-Id", "ok-request")

func apiErrorJSON(code, msg string) string {
	return fmt.Sprintf(`{"error_code":%q,"error_msg":%q}`, code, msg)
}

// resetConnection cuts the TCP connection without an answer (RST).
func resetConnection(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	conn.Close()
}

func newTestClient(t *testing.T, r *recorder, modify ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		Endpoint:     r.srv.URL + "/prefix/",
		HTTPClient:   r.srv.Client(),
		MaxRetries:   5,
		UserAgent:    "terraform-provider-servicestage/test",
		RetryWaitMin: 10 * time.Millisecond,
		RetryWaitMax: 50 * time.Millisecond,
	}
	for _, m := range modify {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGetDeployInfoRequest(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, ok200)
	info, err := newTestClient(t, r).GetDeployInfo(context.Background(), testProject, testTask)
	if err != nil {
		t.Fatal(err)
	}
	if info.ID != testTask || len(info.Components) != 1 || info.Components[0].Seq != (Int64{2, true}) ||
		info.Components[0].StartTime.Int64 != (Int64{1722933924962, true}) {
		t.Errorf("got %+v", info)
	}
	if r.count() != 1 {
		t.Fatalf("%d requests, want 1", r.count())
	}
	req := r.requests[0]
	if req.Method != http.MethodGet || req.URL.Path != testPath || req.URL.RawQuery != "" {
		t.Errorf("request %s %s?%s, want GET %s", req.Method, req.URL.Path, req.URL.RawQuery, testPath)
	}
	for name, want := range map[string]string{
		"Content-Type": "application/json;charset=utf8",
		"User-Agent":   "terraform-provider-servicestage/test",
		"Accept":       "application/json",
	} {
		if got := req.Header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if req.ContentLength > 0 {
		t.Errorf("a GET with a body of %d bytes", req.ContentLength)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	for _, endpoint := range []string{"", "servicestage.example.com", "ftp://h", "https://", "https://h/?q=1", "https://h/#f", "https://u:p@h/", "://bad"} {
		if _, err := New(Config{Endpoint: endpoint, HTTPClient: http.DefaultClient}); err == nil {
			t.Errorf("endpoint %q accepted", endpoint)
		}
	}
	if _, err := New(Config{Endpoint: "https://h"}); err == nil {
		t.Error("nil HTTPClient accepted")
	}
}

func TestGetDeployInfoRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		script    []http.HandlerFunc
		wantCalls int
	}{
		{"503 twice then 200", []http.HandlerFunc{answer(503, apiErrorJSON("X", "busy")), answer(503, ""), ok200}, 3},
		{"500", []http.HandlerFunc{answer(500, apiErrorJSON("SVCSTG.00100500", "internal")), ok200}, 2},
		{"502 HTML", []http.HandlerFunc{answer(502, "<html>bad gateway</html>"), ok200}, 2},
		{"504", []http.HandlerFunc{answer(504, ""), ok200}, 2},
		{"429 without Retry-After", []http.HandlerFunc{answer(429, apiErrorJSON("APIGW.0308", "over ratelimit")), ok200}, 2},
		{"connection reset", []http.HandlerFunc{resetConnection, resetConnection, ok200}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRecorder(t, tt.script...)
			info, err := newTestClient(t, r).GetDeployInfo(context.Background(), testProject, testTask)
			if err != nil {
				t.Fatalf("after %d requests: %v", r.count(), err)
			}
			if info.ID != testTask {
				t.Errorf("id %q", info.ID)
			}
			if r.count() != tt.wantCalls {
				t.Errorf("%d requests, want %d", r.count(), tt.wantCalls)
			}
		})
	}
}

func TestGetDeployInfoDoesNotRetryClientErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status   int
		code     string
		notFound bool
	}{
		{400, "SVCSTG.00100400", false},
		{401, "APIGW.0301", false},
		{401, "SVCSTG.00100401", true},
		{403, "APIGW.0302", false},
		{404, "SVCSTG.00100404", true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status, tt.code), func(t *testing.T) {
			t.Parallel()
			r := newRecorder(t, answer(tt.status, apiErrorJSON(tt.code, "no"), "X-Request-Id", "rid-1"), ok200)
			_, err := newTestClient(t, r).GetDeployInfo(context.Background(), testProject, testTask)
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("got %v, want an *APIError", err)
			}
			if ae.StatusCode != tt.status || ae.Code != tt.code || ae.RequestID != "rid-1" || ae.NotFound() != tt.notFound {
				t.Errorf("got %+v (NotFound %v)", ae, ae.NotFound())
			}
			if !strings.Contains(err.Error(), testTask) || !strings.Contains(err.Error(), testProject) {
				t.Errorf("error %q names neither task nor project", err)
			}
			if r.count() != 1 {
				t.Errorf("%d requests, want exactly 1", r.count())
			}
		})
	}
}

func TestGetDeployInfoRetriesExhausted(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	r := newRecorder(t, func(w http.ResponseWriter, req *http.Request) {
		i := n.Add(1)
		answer(503, apiErrorJSON("SVCSTG.00100503", fmt.Sprint("busy ", i)), "X-Request-Id", fmt.Sprint("rid-", i))(w, req)
	})
	_, err := newTestClient(t, r, func(c *Config) { c.MaxRetries = 2 }).GetDeployInfo(context.Background(), testProject, testTask)
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want an *APIError", err)
	}
	if ae.StatusCode != 503 || ae.Message != "busy 3" || ae.RequestID != "rid-3" {
		t.Errorf("got %+v, want the third (last) answer", ae)
	}
	if r.count() != 3 {
		t.Errorf("%d requests, want 3 (1 + MaxRetries 2)", r.count())
	}
}

func TestGetDeployInfoNegativeMaxRetriesMeansOneAttempt(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, answer(503, ""), ok200)
	_, err := newTestClient(t, r, func(c *Config) { c.MaxRetries = -1 }).GetDeployInfo(context.Background(), testProject, testTask)
	if err == nil || r.count() != 1 {
		t.Errorf("err %v after %d requests, want a 503 after 1", err, r.count())
	}
}

func TestGetDeployInfoConnectionResetExhausted(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, resetConnection)
	_, err := newTestClient(t, r, func(c *Config) { c.MaxRetries = 1 }).GetDeployInfo(context.Background(), testProject, testTask)
	if err == nil || !strings.Contains(err.Error(), "after 2 attempt(s)") || !strings.Contains(err.Error(), "no answer from") {
		t.Errorf("got %v, want a 'no answer ... after 2 attempt(s)' error", err)
	}
	if r.count() != 2 {
		t.Errorf("%d requests, want 2", r.count())
	}
}

func TestGetDeployInfoHonoursRetryAfterSeconds(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, answer(429, apiErrorJSON("APIGW.0308", "policy user over ratelimit"), "Retry-After", "1"), ok200)
	if _, err := newTestClient(t, r).GetDeployInfo(context.Background(), testProject, testTask); err != nil {
		t.Fatal(err)
	}
	if r.count() != 2 {
		t.Fatalf("%d requests, want 2", r.count())
	}
	if gap := r.gap(1); gap < 950*time.Millisecond {
		t.Errorf("retried after %v, want at least Retry-After: 1 second", gap)
	}
}

func TestGetDeployInfoHonoursRetryAfterDate(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, func(w http.ResponseWriter, req *http.Request) {
		// Whole seconds only: the wait lies between 1s and 2s.
		answer(503, "", "Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))(w, req)
	}, ok200)
	if _, err := newTestClient(t, r).GetDeployInfo(context.Background(), testProject, testTask); err != nil {
		t.Fatal(err)
	}
	if r.count() != 2 {
		t.Fatalf("%d requests, want 2", r.count())
	}
	if gap := r.gap(1); gap < 950*time.Millisecond {
		t.Errorf("retried after %v, want the Retry-After date (1-2s away)", gap)
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 8, 6, 8, 30, 0, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"3", 3 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"Tue, 06 Aug 2024 08:30:05 GMT", 5 * time.Second, true},
		{"Tue, 06 Aug 2024 08:29:00 GMT", 0, true}, // in the past: now
	}
	for _, tt := range tests {
		got, ok := retryAfter(tt.value, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.value, got, ok, tt.want, tt.ok)
		}
	}
	// Seconds beyond what a Duration holds must not wrap to a negative wait.
	for _, huge := range []string{"9223372037", "18446744074", "99999999999999"} {
		if got, ok := retryAfter(huge, now); ok && got < time.Hour {
			t.Errorf("retryAfter(%s) = %v: wrapped around", huge, got)
		}
	}
}

func TestGetDeployInfoStopsWhenRetryAfterPassesDeadline(t *testing.T) {
	t.Parallel()
	// Retry-After two hours, deadline in one: a client that waited for
	// either would never finish, so returning at all shows it gave up.
	r := newRecorder(t, answer(429, apiErrorJSON("APIGW.0308", "over ratelimit"), "Retry-After", "7200"), ok200)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	_, err := newTestClient(t, r).GetDeployInfo(ctx, testProject, testTask)
	var ae *APIError
	if !errors.As(err, &ae) || !ae.Throttled() {
		t.Errorf("got %v, want the 429 APIError", err)
	}
	if r.count() != 1 {
		t.Errorf("%d requests, want 1", r.count())
	}
}

func TestGetDeployInfoHangingServerTimesOut(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, func(_ http.ResponseWriter, req *http.Request) {
		select {
		case <-req.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	// A client that ignored the deadline would get the server's empty
	// answer after 10s, not a deadline error.
	_, err := newTestClient(t, r).GetDeployInfo(ctx, testProject, testTask)
	if err == nil || !strings.Contains(err.Error(), "timed out") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want a 'timed out' error wrapping context.DeadlineExceeded", err)
	}
}

func TestGetDeployInfoCancelledDuringBackoff(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, answer(503, ""))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := newTestClient(t, r, func(c *Config) {
		c.RetryWaitMin, c.RetryWaitMax = time.Second, time.Second
	}).GetDeployInfo(ctx, testProject, testTask)
	if err == nil || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("got %v, want a 'cancelled' error", err)
	}
}

func TestGetDeployInfoBodyLimit(t *testing.T) {
	t.Parallel()
	const limit = 1024
	exact := testBody + strings.Repeat(" ", limit-len(testBody))
	t.Run("at the limit", func(t *testing.T) {
		t.Parallel()
		r := newRecorder(t, answer(200, exact))
		if _, err := newTestClient(t, r, func(c *Config) { c.MaxBodyBytes = limit }).GetDeployInfo(context.Background(), testProject, testTask); err != nil {
			t.Error(err)
		}
	})
	t.Run("one byte over", func(t *testing.T) {
		t.Parallel()
		r := newRecorder(t, answer(200, exact+" "))
		_, err := newTestClient(t, r, func(c *Config) { c.MaxBodyBytes = limit }).GetDeployInfo(context.Background(), testProject, testTask)
		if !errors.Is(err, ErrBodyTooLarge) {
			t.Errorf("got %v, want ErrBodyTooLarge", err)
		}
	})
	t.Run("huge error page", func(t *testing.T) {
		t.Parallel()
		r := newRecorder(t, answer(404, strings.Repeat("x", 10*limit)))
		_, err := newTestClient(t, r, func(c *Config) { c.MaxBodyBytes = limit }).GetDeployInfo(context.Background(), testProject, testTask)
		if !errors.Is(err, ErrBodyTooLarge) || !strings.Contains(err.Error(), "HTTP 404") {
			t.Errorf("got %v, want ErrBodyTooLarge naming HTTP 404", err)
		}
	})
}

func TestGetDeployInfoBadBodyNamesRequestID(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, answer(200, `{"id":"t","components":[{"name":"api","seq":"first"}]}`, "X-Request-Id", "rid-decode"))
	_, err := newTestClient(t, r).GetDeployInfo(context.Background(), testProject, testTask)
	var de *DecodeError
	if !errors.As(err, &de) || de.Field != "seq" {
		t.Fatalf("got %v, want a *DecodeError for seq", err)
	}
	if !strings.Contains(err.Error(), "rid-decode") {
		t.Errorf("error %q lacks the request ID", err)
	}
}

func TestGetDeployInfoRejectsInvalidIDsWithoutRequest(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, ok200)
	c := newTestClient(t, r)
	bad := []string{"", "/", "a/b", "..", "a..b", "%2F", "a b", "\t", "\x00", "\\", "a?b", strings.Repeat("a", MaxIDLength+1)}
	for _, id := range bad {
		if _, err := c.GetDeployInfo(context.Background(), id, testTask); err == nil || !strings.Contains(err.Error(), "project_id") {
			t.Errorf("project %q: got %v, want a project_id error", id, err)
		}
		if _, err := c.GetDeployInfo(context.Background(), testProject, id); err == nil || !strings.Contains(err.Error(), "release_plan_id") {
			t.Errorf("release task %q: got %v, want a release_plan_id error", id, err)
		}
	}
	if r.count() != 0 {
		t.Errorf("%d requests reached the server", r.count())
	}
}

func TestGetDeployInfoEscapesPathSegments(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, ok200)
	if _, err := newTestClient(t, r).GetDeployInfo(context.Background(), testProject, "task:é;1"); err != nil {
		t.Fatal(err)
	}
	got := r.requests[0].URL
	if got.Path != "/prefix/v3/"+testProject+"/cas/release-plans/task:é;1/deploy-info" {
		t.Errorf("path %q", got.Path)
	}
	if !strings.Contains(got.EscapedPath(), "task:%C3%A9%3B1") {
		t.Errorf("escaped path %q", got.EscapedPath())
	}
}

func TestClientIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	r := newRecorder(t, func(w http.ResponseWriter, req *http.Request) {
		if n.Add(1)%3 == 0 {
			answer(503, "")(w, req)
			return
		}
		ok200(w, req)
	})
	c := newTestClient(t, r)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := c.GetDeployInfo(context.Background(), testProject, testTask)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// timeoutWrapper is a net.Error that times out, around another error.
type timeoutWrapper struct{ err error }

func (e timeoutWrapper) Error() string   { return "timeout: " + e.err.Error() }
func (e timeoutWrapper) Unwrap() error   { return e.err }
func (e timeoutWrapper) Timeout() bool   { return true }
func (e timeoutWrapper) Temporary() bool { return true }

func TestTransientNetworkError(t *testing.T) {
	t.Parallel()
	urlErr := func(err error) error { return &url.Error{Op: "Get", URL: "https://h/", Err: err} }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"reset", urlErr(&net.OpError{Op: "read", Err: &os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}}), true},
		{"refused", urlErr(&net.OpError{Op: "dial", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}), true},
		{"EOF", urlErr(io.EOF), true},
		{"unexpected EOF", urlErr(io.ErrUnexpectedEOF), true},
		{"timeout", urlErr(timeoutWrapper{errors.New("i/o")}), true},
		{"DNS", urlErr(&net.DNSError{Err: "no such host", Name: "h", IsNotFound: true}), false},
		{"unknown authority", urlErr(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), false},
		{"unknown authority, timing out", urlErr(timeoutWrapper{x509.UnknownAuthorityError{}}), false},
		{"hostname, timing out", urlErr(timeoutWrapper{x509.HostnameError{Host: "h"}}), false},
		{"invalid, timing out", urlErr(timeoutWrapper{x509.CertificateInvalidError{Reason: x509.Expired}}), false},
		{"request_timeout", urlErr(fmt.Errorf("%w (1s)", ErrAttemptTimeout)), true},
		{"throttle deadline", urlErr(ErrThrottleDeadline), false},
		{"other", errors.New("boom"), false},
	}
	for _, tt := range tests {
		wantCert := strings.Contains(tt.name, "authority") || strings.Contains(tt.name, "hostname") || strings.Contains(tt.name, "invalid")
		if got := CertificateError(tt.err); got != wantCert {
			t.Errorf("%s: CertificateError(%v) = %v, want %v", tt.name, tt.err, got, wantCert)
		}
		if got := TransientNetworkError(tt.err); got != tt.want {
			t.Errorf("%s: TransientNetworkError(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}
