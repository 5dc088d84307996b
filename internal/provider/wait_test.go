package provider

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/errorbody"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// fakeRelease scripts the answers of successive reads; the last repeats.
// before, when set, runs at the start of each read (1-based).
type fakeRelease struct {
	mu      sync.Mutex
	answers []fakeAnswer
	times   []time.Time
	before  func(ctx context.Context, read int) error
}

type fakeAnswer struct {
	info *servicestage.DeployInfo
	err  error
}

func (f *fakeRelease) fetch(ctx context.Context) (*servicestage.DeployInfo, error) {
	f.mu.Lock()
	f.times = append(f.times, time.Now())
	read := len(f.times)
	a := f.answers[min(read, len(f.answers))-1]
	before := f.before
	f.mu.Unlock()
	if before != nil {
		if err := before(ctx, read); err != nil {
			return nil, err
		}
	}
	return a.info, a.err
}

func (f *fakeRelease) reads() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.times)
}

// readTimes returns when each read started.
func (f *fakeRelease) readTimes() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.times...)
}

func fakeAnswers(infos ...*servicestage.DeployInfo) *fakeRelease {
	f := &fakeRelease{}
	for _, info := range infos {
		f.answers = append(f.answers, fakeAnswer{info: info})
	}
	return f
}

func fakeDeployInfo(components ...*servicestage.Component) *servicestage.DeployInfo {
	return &servicestage.DeployInfo{ID: testReleasePlan, Components: components}
}

func fakeComponent(name, jobStatus, rollbackJobStatus string) *servicestage.Component {
	return &servicestage.Component{Name: name, JobStatus: jobStatus, RollbackJobStatus: rollbackJobStatus}
}

var (
	runningRelease   = fakeDeployInfo(fakeComponent("api", "RUNNING", ""))
	succeededRelease = fakeDeployInfo(fakeComponent("api", "SUCCEEDED", ""))
)

// The production schedule: 2s, growing by half each poll, capped at 30s.
func TestWaitPollSchedule(t *testing.T) {
	want := []time.Duration{
		2 * time.Second, 3 * time.Second, 4500 * time.Millisecond, 6750 * time.Millisecond,
		10125 * time.Millisecond, 15187500 * time.Microsecond, 22781250 * time.Microsecond,
		30 * time.Second, 30 * time.Second,
	}
	interval := defaultTiming.pollInitial
	for i, w := range want {
		if interval != w {
			t.Fatalf("interval %d = %s, want %s", i+1, interval, w)
		}
		interval = nextPollInterval(interval, defaultTiming.pollMax)
	}
}

// The same schedule on the real loop with short durations: each gap between
// reads is at least its interval. (That the cap holds is TestWaitPollSchedule's
// job: an upper bound on measured time breaks on a loaded machine.)
func TestWaitIntervalGrowth(t *testing.T) {
	const initial, maxInterval = 20 * time.Millisecond, 45 * time.Millisecond
	f := fakeAnswers(runningRelease, runningRelease, runningRelease, runningRelease, runningRelease, runningRelease, runningRelease, runningRelease, succeededRelease)

	info, err := waitForCompletion(t.Context(), f.fetch, initial, maxInterval)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Completed() {
		t.Fatal("returned a release that has not completed")
	}

	ms := time.Millisecond
	want := []time.Duration{20 * ms, 30 * ms, 45 * ms, 45 * ms, 45 * ms, 45 * ms, 45 * ms, 45 * ms}
	times := f.readTimes()
	if len(times) != len(want)+1 {
		t.Fatalf("%d reads, want %d", len(times), len(want)+1)
	}
	for i, w := range want {
		if gap := times[i+1].Sub(times[i]); gap < w {
			t.Errorf("gap %d = %s, want at least %s", i+1, gap, w)
		}
	}
}

func TestWaitReturnsOnCompletion(t *testing.T) {
	t.Run("already complete", func(t *testing.T) {
		f := fakeAnswers(succeededRelease)
		// An hour-long interval shows the loop does not sleep before
		// returning: the test would time out.
		info, err := waitForCompletion(t.Context(), f.fetch, time.Hour, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if info != succeededRelease || f.reads() != 1 {
			t.Errorf("got %v after %d reads, want the completed answer after 1", info, f.reads())
		}
	})
	t.Run("after two running reads", func(t *testing.T) {
		f := fakeAnswers(runningRelease, runningRelease, succeededRelease)
		info, err := waitForCompletion(t.Context(), f.fetch, time.Millisecond, 5*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if info != succeededRelease || f.reads() != 3 {
			t.Errorf("got %v after %d reads, want the completed answer after 3", info, f.reads())
		}
	})
	t.Run("a pending rollback keeps it waiting", func(t *testing.T) {
		rollingBack := fakeDeployInfo(fakeComponent("api", "FAILED", "RUNNING"))
		rolledBack := fakeDeployInfo(fakeComponent("api", "FAILED", "SUCCEEDED"))
		f := fakeAnswers(runningRelease, rollingBack, rollingBack, rolledBack)
		info, err := waitForCompletion(t.Context(), f.fetch, time.Millisecond, 5*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if info != rolledBack || f.reads() != 4 {
			t.Errorf("got %v after %d reads, want the rolled-back answer after 4", info, f.reads())
		}
	})
	t.Run("no components", func(t *testing.T) {
		f := fakeAnswers(fakeDeployInfo())
		if _, err := waitForCompletion(t.Context(), f.fetch, time.Hour, time.Hour); err != nil || f.reads() != 1 {
			t.Errorf("err %v after %d reads, want none after 1", err, f.reads())
		}
	})
}

// apiError is an answer of the given status and code, as the client returns it.
func apiError(status int, code string) *servicestage.APIError {
	return servicestage.NewAPIError("reading deploy info", status,
		http.Header{"X-Request-Id": {"0123456789abcdef0123456789abcdef"}},
		[]byte(`{"error_code":"`+code+`","error_msg":"scripted"}`))
}

// A read that fails for good ends the wait at once, with that error as is.
func TestWaitPermanentErrorAborts(t *testing.T) {
	notFound := apiError(http.StatusNotFound, "SVCSTG.00100404")

	for _, tc := range []struct {
		name      string
		answers   []fakeAnswer
		wantReads int
	}{
		{"first read", []fakeAnswer{{err: notFound}}, 1},
		{"mid-wait", []fakeAnswer{{info: runningRelease}, {info: runningRelease}, {err: notFound}, {info: succeededRelease}}, 3},
		{"after an outage", []fakeAnswer{{info: runningRelease}, {err: apiError(503, "")}, {err: notFound}, {info: succeededRelease}}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeRelease{answers: tc.answers}
			// With an hour between polls, only an immediate return passes.
			interval := time.Hour
			if tc.wantReads > 1 {
				interval = time.Millisecond
			}
			_, err := waitForCompletion(t.Context(), f.fetch, interval, interval)
			var apiErr *servicestage.APIError
			if !errors.As(err, &apiErr) || !apiErr.NotFound() {
				t.Fatalf("err = %v, want the not-found API error", err)
			}
			var waitErr *waitError
			if errors.As(err, &waitErr) {
				t.Errorf("a failed read came back as a wait error: %v", err)
			}
			if f.reads() != tc.wantReads {
				t.Errorf("%d reads, want %d", f.reads(), tc.wantReads)
			}
		})
	}
}

// Errors that may pass do not end the wait: the next poll tries again, and
// the wait ends on completion.
func TestWaitRidesOutTransientErrors(t *testing.T) {
	for _, err := range []error{
		apiError(http.StatusServiceUnavailable, ""),
		apiError(http.StatusBadGateway, "APIGW.0202"),
		apiError(http.StatusTooManyRequests, "APIGW.0308"),
		apiError(http.StatusInternalServerError, "SVCSTG.00100500"),
		fmt.Errorf("no answer after 6 attempt(s): %w", servicestage.ErrAttemptTimeout),
		fmt.Errorf("no answer after 6 attempt(s): %w", syscall.ECONNREFUSED),
		// A VPN or routing flap, and a DNS server that stumbles.
		&net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.EHOSTUNREACH}},
		&net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ENETUNREACH}},
		&net.DNSError{Err: "server misbehaving", Name: "servicestage.example", IsTemporary: true},
		&auth.IAMError{StatusCode: http.StatusServiceUnavailable},
		&auth.CredentialError{Err: &auth.IAMError{StatusCode: http.StatusTooManyRequests}},
	} {
		t.Run(err.Error(), func(t *testing.T) {
			f := &fakeRelease{answers: []fakeAnswer{{info: runningRelease}, {err: err}, {err: err}, {info: succeededRelease}}}
			info, got := waitForCompletion(t.Context(), f.fetch, time.Millisecond, time.Millisecond)
			if got != nil || info != succeededRelease || f.reads() != 4 {
				t.Errorf("got %v, %v after %d reads; want the completed answer after 4", info, got, f.reads())
			}
		})
	}
}

// Errors that waiting cannot fix end the wait at the read that met them.
func TestWaitEndsOnErrorsThatWillNotPass(t *testing.T) {
	for _, err := range []error{
		apiError(http.StatusNotFound, "SVCSTG.00100404"),
		apiError(http.StatusNotFound, "APIGW.0101"),
		apiError(http.StatusUnauthorized, "SVCSTG.00100401"),
		apiError(http.StatusUnauthorized, "APIGW.0301"),
		apiError(http.StatusForbidden, "APIGW.0302"),
		apiError(http.StatusBadRequest, "SVCSTG.00100400"),
		&servicestage.DecodeError{},
		fmt.Errorf("reading: %w", servicestage.ErrThrottleDeadline),
		fmt.Errorf("reading: %w", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}),
		&auth.IAMError{StatusCode: http.StatusUnauthorized},
		&errorbody.RedirectError{StatusCode: http.StatusFound, Location: "https://elsewhere.example/", Check: "check endpoint"},
		&net.DNSError{Err: "no such host", Name: "servicestage.xx-typo-1.example", IsNotFound: true},
	} {
		t.Run(fmt.Sprintf("%T %v", err, err), func(t *testing.T) {
			f := &fakeRelease{answers: []fakeAnswer{{info: runningRelease}, {err: err}, {info: succeededRelease}}}
			_, got := waitForCompletion(t.Context(), f.fetch, time.Millisecond, time.Millisecond)
			if !errors.Is(got, err) || f.reads() != 2 {
				t.Errorf("got %v after %d reads; want %v after 2", got, f.reads(), err)
			}
		})
	}
}

// A wait that times out during an outage names the pending components of
// the last answer and the last error seen.
func TestWaitTimeoutNamesLastError(t *testing.T) {
	f := &fakeRelease{answers: []fakeAnswer{{info: runningRelease}, {err: apiError(http.StatusServiceUnavailable, "APIGW.0202")}}}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := waitForCompletion(ctx, f.fetch, 5*time.Millisecond, 5*time.Millisecond)
	var waitErr *waitError
	if !errors.As(err, &waitErr) || !isTimeout(err) {
		t.Fatalf("err = %v, want a timed-out wait", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"1 of 1 component(s) still pending at the last read:\n  - api: job_status RUNNING",
		"\nThe last error seen, at read ",
		"HTTP 503 Service Unavailable, error_code APIGW.0202",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if waitErr.lastErrRead < 2 || waitErr.lastErrRead > waitErr.reads {
		t.Errorf("last error at read %d of %d", waitErr.lastErrRead, waitErr.reads)
	}
}

// Ctrl-C cancels the read's context: the wait must end promptly, whether it
// is sleeping between polls or in the middle of a read.
func TestWaitCancelStopsPromptly(t *testing.T) {
	rollingBack := fakeDeployInfo(fakeComponent("api", "RUNNING", ""), fakeComponent("worker", "FAILED", "RUNNING"), fakeComponent("done", "SUCCEEDED", ""))

	for _, tc := range []struct {
		name   string
		before func(ctx context.Context, read int) error
	}{
		{name: "between polls"},
		{name: "during a read", before: func(ctx context.Context, read int) error {
			if read < 2 {
				return nil
			}
			<-ctx.Done() // a read the cancellation cuts short
			return fmt.Errorf("reading deploy info: cancelled after 1 attempt(s): %w", ctx.Err())
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fakeAnswers(rollingBack)
			f.before = tc.before
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()

			interval := time.Hour
			if tc.before != nil {
				interval = time.Millisecond
			}
			time.AfterFunc(150*time.Millisecond, cancel)
			// With an hour between polls, or a read that only the
			// cancellation ends, a wait that ignored it would never return.
			_, err := waitForCompletion(ctx, f.fetch, interval, interval)
			var waitErr *waitError
			if !errors.As(err, &waitErr) || !isCancelled(err) || isTimeout(err) {
				t.Fatalf("err = %#v, want a cancelled wait", err)
			}
			msg := err.Error()
			for _, want := range []string{
				"waiting for the release task was cancelled after ",
				"2 of 3 component(s) still pending at the last read:",
				"\n  - api: job_status RUNNING\n",
				"\n  - worker: job_status FAILED, rollback_job_status RUNNING",
			} {
				if !strings.Contains(msg, want) {
					t.Errorf("error lacks %q:\n%s", want, msg)
				}
			}
			if strings.Contains(msg, "done") {
				t.Errorf("error lists a finished component:\n%s", msg)
			}
		})
	}
}

// When timeouts.read passes, the error says how long the wait took and which
// components were pending, with the status of each pending job.
func TestWaitTimeoutListsPending(t *testing.T) {
	last := fakeDeployInfo(
		fakeComponent("api", "RUNNING", ""),
		fakeComponent("worker", "FAILED", "RUNNING"),
		fakeComponent("done", "SUCCEEDED", ""),
		fakeComponent("rolled-back", "FAILED", "SUCCEEDED"),
		fakeComponent("", "", ""),
	)
	f := fakeAnswers(runningRelease, last)
	// The deadline passes during the fifth read, whatever the machine's
	// speed: the read count is the same on a loaded machine.
	ctx, expire := context.WithCancelCause(t.Context())
	defer expire(nil)
	f.before = func(_ context.Context, read int) error {
		if read == 5 {
			expire(context.DeadlineExceeded)
		}
		return nil
	}

	_, err := waitForCompletion(ctx, f.fetch, 10*time.Millisecond, 30*time.Millisecond)
	var waitErr *waitError
	if !errors.As(err, &waitErr) || !isTimeout(err) || isCancelled(err) {
		t.Fatalf("err = %#v, want a timed-out wait", err)
	}
	if waitErr.reads != 5 || f.reads() != 5 {
		t.Errorf("the error counts %d reads; there were %d, want 5", waitErr.reads, f.reads())
	}
	msg := err.Error()
	want := regexp.MustCompile(`^the release task did not complete within (\d+ms|\d+(\.\d)?s) \(5 reads\); 3 of 5 component\(s\) still pending at the last read:
  - api: job_status RUNNING
  - worker: job_status FAILED, rollback_job_status RUNNING
  - -: job_status -$`)
	if !want.MatchString(msg) {
		t.Errorf("error:\n%s\nwant it to match:\n%s", msg, want)
	}
}

// A deadline that passes before any read succeeded has no pending list: the
// error of the read it cut short explains instead.
func TestWaitTimeoutBeforeFirstAnswer(t *testing.T) {
	f := fakeAnswers(runningRelease)
	f.before = func(ctx context.Context, _ int) error {
		<-ctx.Done()
		return fmt.Errorf("reading deploy info: timed out after 1 attempt(s): %w", ctx.Err())
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()

	_, err := waitForCompletion(ctx, f.fetch, time.Hour, time.Hour)
	if !isTimeout(err) {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if want := "(1 read); no read succeeded: reading deploy info: timed out after 1 attempt(s): context deadline exceeded"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
}

// The diagnostics name the release task and say what to do.
func TestWaitDiagnostics(t *testing.T) {
	last := fakeDeployInfo(fakeComponent("api", "FAILED", "RUNNING"))
	for _, tc := range []struct {
		cause   error
		summary string
		detail  []string
	}{
		{context.DeadlineExceeded, "Timed out waiting for release task", []string{
			`Release task "` + testReleasePlan + `" in project "` + testProject + `" did not complete within 5s (20 reads); 1 of 1 component(s) still pending`,
			"- api: job_status FAILED, rollback_job_status RUNNING",
			"Raise timeouts.read",
		}},
		{context.Canceled, "Wait for release task cancelled", []string{
			`Waiting for release task "` + testReleasePlan + `" in project "` + testProject + `" was cancelled after 5s (20 reads)`,
			"- api: job_status FAILED, rollback_job_status RUNNING",
			"goes on in ServiceStage",
		}},
	} {
		err := &waitError{elapsed: 5*time.Second + 20*time.Millisecond, reads: 20, last: last, cause: tc.cause}
		d := readErrorDiagnostic(err, testSubject)
		if d.Summary() != tc.summary {
			t.Errorf("summary %q, want %q", d.Summary(), tc.summary)
		}
		for _, want := range tc.detail {
			if !strings.Contains(d.Detail(), want) {
				t.Errorf("detail lacks %q:\n%s", want, d.Detail())
			}
		}
	}
}

func TestRoundElapsed(t *testing.T) {
	for in, want := range map[time.Duration]string{
		149 * time.Millisecond:                  "100ms",
		5*time.Second + 30*time.Millisecond:     "5s",
		5*time.Second + 260*time.Millisecond:    "5.3s",
		20*time.Minute + 400*time.Millisecond:   "20m0s",
		2*time.Minute + 3*time.Second + 600e6:   "2m4s",
		59*time.Second + 940*time.Millisecond:   "59.9s",
		time.Minute + 10*time.Millisecond:       "1m0s",
		0:                                       "0s",
		30*time.Second + 999*time.Microsecond:   "30s",
		1*time.Second + 50*time.Millisecond - 1: "1s",
	} {
		if got := roundElapsed(in).String(); got != want {
			t.Errorf("roundElapsed(%s) = %s, want %s", in, got, want)
		}
	}
}
