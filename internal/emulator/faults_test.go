package emulator_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

const (
	scriptProject = "0123456789abcdef0123456789abcdef"
	scriptTask    = "5d0c3f6e-2a1b-4c8d-9e7f-0a1b2c3d4e5f"
	scriptToken   = "script-token"
)

var scriptBody = emulator.DeployInfoJSON(scriptTask, emulator.Component{Name: "api", JobStatus: "SUCCEEDED"})

// scriptServer serves one release task scripted with steps; it returns the
// server and the task's deploy-info URL.
func scriptServer(t *testing.T, steps ...emulator.Step) (*emulator.Server, string) {
	t.Helper()
	srv := emulator.New()
	srv.AddToken(scriptToken, scriptProject, time.Now().Add(time.Hour))
	srv.AddTask(scriptProject, scriptTask, steps...)
	ts := srv.Start()
	t.Cleanup(ts.Close)
	return srv, ts.URL + "/v3/" + scriptProject + "/cas/release-plans/" + scriptTask + "/deploy-info"
}

// scriptGet reads the task once with client, as the provider would.
func scriptGet(ctx context.Context, client *http.Client, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json;charset=utf8")
	req.Header.Set("X-Auth-Token", scriptToken)
	return client.Do(req)
}

// scriptStatus reads the task with a fresh connection and returns the
// status, or 0 when the transport failed.
func scriptStatus(t *testing.T, url string) int {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	resp, err := scriptGet(context.Background(), client, url)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); err != nil {
		return 0
	}
	return resp.StatusCode
}

func TestFaultResetIsAConnectionError(t *testing.T) {
	_, url := scriptServer(t, emulator.Step{Times: 1, Fault: emulator.FaultReset}, emulator.Step{Body: scriptBody})
	client := &http.Client{Transport: &http.Transport{}}

	resp, err := scriptGet(context.Background(), client, url)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got HTTP %d, want a connection error", resp.StatusCode)
	}
	// A connection closed before any answer reads as EOF or a reset: what
	// the provider's retry policy counts as transient.
	if !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("got %v, want EOF or ECONNRESET", err)
	}

	resp, err = scriptGet(context.Background(), client, url)
	if err != nil {
		t.Fatalf("the step after the reset: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the step after the reset answered HTTP %d, want 200", resp.StatusCode)
	}
}

func TestFaultHangIsAClientTimeout(t *testing.T) {
	srv := emulator.New()
	srv.AddToken(scriptToken, scriptProject, time.Now().Add(time.Hour))
	srv.AddTask(scriptProject, scriptTask, emulator.Step{Fault: emulator.FaultHang})
	ts := srv.Start()
	defer ts.Close()
	url := ts.URL + "/v3/" + scriptProject + "/cas/release-plans/" + scriptTask + "/deploy-info"

	t.Run("client timeout", func(t *testing.T) {
		resp, err := scriptGet(context.Background(), &http.Client{Timeout: 200 * time.Millisecond}, url)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("got HTTP %d, want a timeout", resp.StatusCode)
		}
		var netErr net.Error
		if !errors.As(err, &netErr) || !netErr.Timeout() {
			t.Errorf("got %v, want a timeout error", err)
		}
	})
	t.Run("context deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		resp, err := scriptGet(ctx, http.DefaultClient, url)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("got HTTP %d, want a timeout", resp.StatusCode)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want context.DeadlineExceeded", err)
		}
	})

	// The hung handlers end when their clients give up: Close, which waits
	// for every handler, returns, and both reads were recorded as ended
	// without an answer.
	ts.Close()
	for _, r := range srv.Requests() {
		if r.Status != 0 {
			t.Errorf("a hung read of %s was recorded with HTTP %d, want no answer", r.Path, r.Status)
		}
	}
	if n := srv.Reads(scriptProject, scriptTask); n != 2 {
		t.Errorf("the task was read %d times, want 2", n)
	}
}

func TestFaultTruncateIsUnexpectedEOF(t *testing.T) {
	_, url := scriptServer(t, emulator.Step{Fault: emulator.FaultTruncate, Body: scriptBody})

	resp, err := scriptGet(context.Background(), http.DefaultClient, url)
	if err != nil {
		t.Fatalf("the headers should arrive intact: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("got HTTP %d, want 200", resp.StatusCode)
	}
	if got, want := resp.Header.Get("Content-Length"), strconv.Itoa(len(scriptBody)); got != want {
		t.Errorf("Content-Length is %s, want the full body's %s", got, want)
	}
	body, err := io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading the body: got %v, want unexpected EOF", err)
	}
	if len(body) != len(scriptBody)/2 {
		t.Errorf("read %d bytes, want half the body (%d)", len(body), len(scriptBody)/2)
	}
}

// Each step lasts Times reads (one when unset) and the last one repeats.
func TestStepTimes(t *testing.T) {
	srv, url := scriptServer(t,
		emulator.Step{Times: 2, Status: 503},
		emulator.Step{Fault: emulator.FaultReset}, // Times unset: once
		emulator.Step{Times: 1, Status: 429, Header: http.Header{"Retry-After": {"1"}}},
		emulator.Step{Body: scriptBody},
	)
	var got []int
	for range 7 {
		got = append(got, scriptStatus(t, url))
	}
	want := []int{503, 503, 0, 429, 200, 200, 200}
	if !equalInts(got, want) {
		t.Errorf("statuses %v, want %v (0 = transport error)", got, want)
	}
	if n := srv.Reads(scriptProject, scriptTask); n != len(want) {
		t.Errorf("Reads = %d, want %d", n, len(want))
	}
	if n := len(srv.Requests()); n != len(want) {
		t.Errorf("Requests() has %d entries, want %d", n, len(want))
	}
}

// Step.Header reaches the client, Status defaults to 200, and every answer
// carries a request ID.
func TestStepHeaderAndDefaults(t *testing.T) {
	_, url := scriptServer(t,
		emulator.Step{Times: 1, Status: 429, Header: http.Header{"Retry-After": {"7"}}, Body: []byte(`{"error_code":"APIGW.0308"}`)},
		emulator.Step{Body: scriptBody})

	for i, want := range []struct {
		status     int
		retryAfter string
	}{{429, "7"}, {200, ""}} {
		resp, err := scriptGet(context.Background(), http.DefaultClient, url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want.status || resp.Header.Get("Retry-After") != want.retryAfter {
			t.Errorf("read %d: HTTP %d, Retry-After %q; want %d, %q", i+1, resp.StatusCode, resp.Header.Get("Retry-After"), want.status, want.retryAfter)
		}
		if len(resp.Header.Get("X-Request-Id")) != 32 {
			t.Errorf("read %d: X-Request-Id %q, want 32 hex digits", i+1, resp.Header.Get("X-Request-Id"))
		}
	}
}

// fakeClock is a Server.Now that moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// A step with For lasts that long after the task's first read, not after
// AddTask, however many reads happen meanwhile.
func TestStepFor(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	srv := emulator.New()
	srv.Now = clock.Now
	srv.AddToken(scriptToken, scriptProject, clock.Now().Add(24*time.Hour))
	srv.AddTask(scriptProject, scriptTask,
		emulator.Step{For: time.Minute, Status: 503},
		emulator.Step{For: time.Minute, Status: 502},
		emulator.Step{Body: scriptBody})
	ts := srv.Start()
	defer ts.Close()
	url := ts.URL + "/v3/" + scriptProject + "/cas/release-plans/" + scriptTask + "/deploy-info"

	clock.advance(10 * time.Minute) // before the first read: does not count
	for i, tc := range []struct {
		after time.Duration
		want  int
	}{
		{0, 503}, {30 * time.Second, 503}, {29 * time.Second, 503},
		{time.Second, 502}, {59 * time.Second, 502},
		{time.Second, 200}, {time.Hour, 200},
	} {
		clock.advance(tc.after)
		if got := scriptStatus(t, url); got != tc.want {
			t.Errorf("read %d: HTTP %d, want %d", i+1, got, tc.want)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FaultHang reads and authenticates the request, then sends not one byte
// until the client hangs up; only then does the handler end.
func TestFaultHangAcceptsAndNeverAnswers(t *testing.T) {
	srv, url := scriptServer(t, emulator.Step{Fault: emulator.FaultHang})
	host := strings.TrimPrefix(strings.SplitN(url, "/v3/", 2)[0], "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	path := "/v3/" + strings.SplitN(url, "/v3/", 2)[1]
	if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: "+host+"\r\nContent-Type: application/json\r\nX-Auth-Token: "+scriptToken+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	n, err := conn.Read(make([]byte, 1))
	var netErr net.Error
	if n != 0 || !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Fatalf("read %d bytes (%v), want nothing until the deadline", n, err)
	}
	if reads, reqs := srv.Reads(scriptProject, scriptTask), len(srv.Requests()); reads != 1 || reqs != 0 {
		t.Errorf("while hanging: Reads %d, %d requests finished; want 1 and 0", reads, reqs)
	}

	conn.Close()
	deadline := time.Now().Add(2 * time.Second)
	for len(srv.Requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Auth != "token" || reqs[0].Status != 0 {
		t.Errorf("after the client left: requests %+v, want one, authenticated by token, never answered (status 0)", reqs)
	}
}

// An outage window scripted before the release steps: 503 for two seconds
// from the first read, then every release step in turn.
func TestOutageThenRelease(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	srv := emulator.New()
	srv.Now = clock.Now
	srv.AddToken(scriptToken, scriptProject, clock.Now().Add(24*time.Hour))
	running := emulator.DeployInfoJSON(scriptTask, emulator.Component{Name: "api", JobStatus: "RUNNING"})
	srv.AddTask(scriptProject, scriptTask,
		emulator.Step{For: 2 * time.Second, Status: http.StatusServiceUnavailable, Body: []byte(`{"error_code":"APIGW.0206","error_msg":"backend unavailable"}`)},
		emulator.Step{Times: 2, Body: running},
		emulator.Step{For: time.Second, Status: http.StatusBadGateway},
		emulator.Step{Body: scriptBody})
	ts := srv.Start()
	defer ts.Close()
	url := ts.URL + "/v3/" + scriptProject + "/cas/release-plans/" + scriptTask + "/deploy-info"

	for i, tc := range []struct {
		after  time.Duration
		status int
		body   []byte
	}{
		{0, 503, nil}, {1900 * time.Millisecond, 503, nil},
		{100 * time.Millisecond, 200, running}, {time.Hour, 200, running}, // Times counts reads, not time
		{0, 502, nil}, {999 * time.Millisecond, 502, nil}, // the 502 window starts at its first read
		{time.Millisecond, 200, scriptBody}, {0, 200, scriptBody},
	} {
		clock.advance(tc.after)
		resp, err := scriptGet(context.Background(), http.DefaultClient, url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || (tc.body != nil && string(body) != string(tc.body)) {
			t.Errorf("read %d: HTTP %d %s, want %d %s", i+1, resp.StatusCode, body, tc.status, tc.body)
		}
	}
}
