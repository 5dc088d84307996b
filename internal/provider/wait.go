package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// fetchFunc reads deploy info once.
type fetchFunc func(ctx context.Context) (*servicestage.DeployInfo, error)

// waitError is a wait that ended before the release task completed: its
// deadline (timeouts.read) passed, or Terraform cancelled it.
type waitError struct {
	elapsed time.Duration
	reads   int
	// lastErr is the last error the wait rode out, and lastErrRead the
	// read that met it; nil if none.
	lastErr     error
	lastErrRead int
	// last is the answer of the last successful read; nil if none succeeded.
	last *servicestage.DeployInfo
	// cause is why the wait ended: the context's cause.
	cause error
	// interrupted is the error of the read the end cut short, if any.
	interrupted error
}

func (e *waitError) Error() string { return e.message("the release task") }

func (e *waitError) Unwrap() []error {
	errs := []error{e.cause}
	if e.interrupted != nil {
		errs = append(errs, e.interrupted)
	}
	return errs
}

// message explains the wait; subject names the release task.
func (e *waitError) message(subject string) string {
	var b strings.Builder
	reads := "1 read"
	if e.reads != 1 {
		reads = fmt.Sprintf("%d reads", e.reads)
	}
	if errors.Is(e.cause, context.Canceled) {
		fmt.Fprintf(&b, "waiting for %s was cancelled after %s (%s)", subject, roundElapsed(e.elapsed), reads)
	} else {
		fmt.Fprintf(&b, "%s did not complete within %s (%s)", subject, roundElapsed(e.elapsed), reads)
	}
	if e.last == nil {
		b.WriteString("; no read succeeded")
		if e.interrupted != nil {
			fmt.Fprintf(&b, ": %s", e.interrupted)
		}
	} else {
		pending := e.last.PendingComponents()
		fmt.Fprintf(&b, "; %d of %d component(s) still pending at the last read:", len(pending), len(e.last.Components))
		for _, c := range pending {
			fmt.Fprintf(&b, "\n  - %s: job_status %s", orDash(c.Name), orDash(c.JobStatus))
			if c.RollbackJobStatus != "" {
				fmt.Fprintf(&b, ", rollback_job_status %s", c.RollbackJobStatus)
			}
		}
	}
	if e.lastErr != nil {
		fmt.Fprintf(&b, "\nThe last error seen, at read %d: %s", e.lastErrRead, e.lastErr)
	}
	return b.String()
}

// waitForCompletion polls until the release task has no pending job. The
// interval starts at initial and grows by half each poll up to maxInterval;
// ctx bounds the whole wait. An error left after the retries ends the wait
// only if waiting cannot fix it (see mayPass): an outage of the gateway
// during a long release is ridden out, a missing task or refused
// credentials are not.
func waitForCompletion(ctx context.Context, fetch fetchFunc, initial, maxInterval time.Duration) (*servicestage.DeployInfo, error) {
	start := time.Now()
	interval := min(initial, maxInterval)
	w := &waitError{}
	for reads := 1; ; reads++ {
		w.reads = reads
		info, err := fetch(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			w.elapsed, w.cause, w.interrupted = time.Since(start), context.Cause(ctx), err
			return nil, w
		case err != nil && !mayPass(err):
			return nil, err
		case err != nil:
			w.lastErr, w.lastErrRead = err, reads
			tflog.Warn(ctx, "a read failed; the wait goes on", map[string]any{"error": err.Error(), "next_poll_in": interval.String()})
		case info.Completed():
			tflog.Info(ctx, "release task completed", map[string]any{"reads": reads, "elapsed": time.Since(start).String()})
			return info, nil
		default:
			w.last = info
			logPending(ctx, info, interval)
		}

		timer := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			timer.Stop()
			w.elapsed, w.cause = time.Since(start), context.Cause(ctx)
			return nil, w
		case <-timer.C:
		}
		interval = nextPollInterval(interval, maxInterval)
	}
}

// logPending says what the wait is waiting for.
func logPending(ctx context.Context, info *servicestage.DeployInfo, interval time.Duration) {
	pending := info.PendingComponents()
	names := make([]string, len(pending))
	for i, c := range pending {
		names[i] = c.Name
	}
	tflog.Info(ctx, "waiting for the release task to complete", map[string]any{
		"pending_count":      len(pending),
		"pending_components": names,
		"next_poll_in":       interval.String(),
	})
}

// mayPass reports whether a read's error may be gone at the next poll. The
// retries ask the same question of the same classifier: see
// servicestage.MayPass.
func mayPass(err error) bool {
	return servicestage.MayPass(err)
}

// nextPollInterval grows the interval between polls by half, up to maxInterval.
func nextPollInterval(interval, maxInterval time.Duration) time.Duration {
	return min(interval+interval/2, maxInterval)
}

// roundElapsed rounds a duration for people: tenths of a second under a
// minute, whole seconds above.
func roundElapsed(d time.Duration) time.Duration {
	if d < time.Minute {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
