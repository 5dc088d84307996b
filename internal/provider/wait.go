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

// waitError is a wait that ended before the release task completed.
type waitError struct {
	elapsed time.Duration
	polls   int
	last    *servicestage.DeployInfo
	err     error
}

func (e *waitError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "release task did not complete within %s (%d polls)", e.elapsed.Round(time.Second), e.polls)
	if e.last != nil {
		pending := e.last.PendingComponents()
		fmt.Fprintf(&b, "; %d component(s) still pending:", len(pending))
		for _, c := range pending {
			fmt.Fprintf(&b, "\n  - %s: job_status %s", orDash(c.Name), orDash(c.JobStatus))
			if c.RollbackJobStatus != "" {
				fmt.Fprintf(&b, ", rollback_job_status %s", c.RollbackJobStatus)
			}
		}
	}
	if e.err != nil {
		fmt.Fprintf(&b, "\nlast error: %s", e.err)
	}
	return b.String()
}

func (e *waitError) Unwrap() error { return e.err }

// waitForCompletion polls until the release task has no pending job. The
// interval starts at initial and grows by half each poll up to maxInterval;
// ctx bounds the whole wait.
func waitForCompletion(ctx context.Context, fetch fetchFunc, initial, maxInterval time.Duration) (*servicestage.DeployInfo, error) {
	start := time.Now()
	interval := initial
	var last *servicestage.DeployInfo
	for polls := 1; ; polls++ {
		info, err := fetch(ctx)
		switch {
		case err == nil:
			last = info
			if info.Completed() {
				tflog.Info(ctx, "release task completed", map[string]any{"polls": polls, "elapsed": time.Since(start).String()})
				return info, nil
			}
		case ctx.Err() != nil:
			return nil, &waitError{elapsed: time.Since(start), polls: polls, last: last, err: err}
		default:
			// A permanent error (not found, refused credentials) will not
			// heal by waiting; transient ones were already retried.
			return nil, err
		}

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

		timer := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, &waitError{elapsed: time.Since(start), polls: polls, last: last, err: context.Cause(ctx)}
		case <-timer.C:
		}
		interval = min(interval+interval/2, maxInterval)
	}
}

// isTimeout reports whether err ended a read because its deadline passed.
func isTimeout(err error) bool {
	return errors.Is(err, context.DeadlineExceeded)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
