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

// waitError is a wait that ended before what it waited for was done: its
// deadline (timeouts.read) passed, or Terraform cancelled it.
type waitError struct {
	elapsed time.Duration
	reads   int
	// lastErr is the last error the wait rode out, and lastErrRead the
	// read that met it; nil if none.
	lastErr     error
	lastErrRead int
	// last is the answer of the last successful read, as fetched
	// (*servicestage.DeployInfo, *servicestage.PipelineSummary); nil if none
	// succeeded.
	last any
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
		b.WriteString(stillPending(e.last))
	}
	if e.lastErr != nil {
		fmt.Fprintf(&b, "\nThe last error seen, at read %d: %s", e.lastErrRead, e.lastErr)
	}
	return b.String()
}

// stillPending says what the last read showed was not done yet.
func stillPending(last any) string {
	var b strings.Builder
	switch last := last.(type) {
	case *servicestage.DeployInfo:
		pending := last.PendingComponents()
		fmt.Fprintf(&b, "; %d of %d component(s) still pending at the last read:", len(pending), len(last.Components))
		for _, c := range pending {
			fmt.Fprintf(&b, "\n  - %s: job_status %s", orDash(c.Name), orDash(c.JobStatus))
			if c.RollbackJobStatus != "" {
				fmt.Fprintf(&b, ", rollback_job_status %s", c.RollbackJobStatus)
			}
		}
	case *servicestage.PipelineSummary:
		if last.Status == "" {
			b.WriteString("; the list of the project's new-edition release tasks did not show it at the last read")
			break
		}
		fmt.Fprintf(&b, "; its status was %s at the last read%s", last.Status, waitsForPerson(last.Status))
	}
	return b.String()
}

// waitForCompletion polls deploy info until the release task has no pending
// job, with the rules of waitUntil.
func waitForCompletion(ctx context.Context, fetch fetchFunc, initial, maxInterval time.Duration) (*servicestage.DeployInfo, error) {
	return waitUntil(ctx, fetch, (*servicestage.DeployInfo).Completed, logPending, initial, maxInterval)
}

// waitUntil polls fetch until done says its answer is final (a success or
// a failure that waiting will not change), calling progress, if set, after
// each read that is not. A data source's wait and an action's are this
// loop with different sinks. The interval starts at initial and grows by
// half each poll up to maxInterval; ctx bounds the whole wait. An error
// left after the retries ends the wait only if waiting cannot fix it (see
// mayPass): an outage of the gateway during a long release is ridden out,
// a missing task or refused credentials are not.
func waitUntil[T any](ctx context.Context, fetch func(context.Context) (T, error), done func(T) bool,
	progress func(ctx context.Context, last T, nextPoll time.Duration), initial, maxInterval time.Duration,
) (T, error) {
	var zero T
	start := time.Now()
	interval := min(initial, maxInterval)
	w := &waitError{}
	for reads := 1; ; reads++ {
		w.reads = reads
		v, err := fetch(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			w.elapsed, w.cause, w.interrupted = time.Since(start), context.Cause(ctx), err
			return zero, w
		case err != nil && !mayPass(err):
			return zero, err
		case err != nil:
			w.lastErr, w.lastErrRead = err, reads
			tflog.Warn(ctx, "a read failed; the wait goes on", map[string]any{"error": err.Error(), "next_poll_in": interval.String()})
		case done(v):
			tflog.Info(ctx, "the wait is over", map[string]any{"reads": reads, "elapsed": time.Since(start).String()})
			return v, nil
		default:
			w.last = v
			if progress != nil {
				progress(ctx, v, interval)
			}
		}

		timer := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			timer.Stop()
			w.elapsed, w.cause = time.Since(start), context.Cause(ctx)
			return zero, w
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

// waitsForPerson adds, for a run stopped at a checkpoint, that a person must act.
func waitsForPerson(status string) string {
	if servicestage.PipelineWaitsForPerson(status) {
		return ": the task waits for a person to approve or continue it in the ServiceStage console"
	}
	return ""
}

// logPipelineStatus says what the wait is waiting for.
func logPipelineStatus(ctx context.Context, p *servicestage.PipelineSummary, interval time.Duration) {
	tflog.Info(ctx, "waiting for the new-edition release task to complete", map[string]any{
		"status":           p.Status,
		"waits_for_person": servicestage.PipelineWaitsForPerson(p.Status),
		"next_poll_in":     interval.String(),
	})
}
