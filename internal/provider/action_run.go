package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// runSignal is how an action learns that a run began, for its messages:
// the request that starts one, the field that moves on when it does, and
// where that field is read.
type runSignal struct {
	request, field, readFrom string
}

// runPoll is what awaitNewRun saw: its reads, and the last error it rode out.
type runPoll struct {
	reads   int
	lastErr error
}

// awaitNewRun reads the task with read until started says a new run shows,
// and returns that answer: waitUntil's rules, with at most maxReads reads
// (0: until ctx ends). run is false when no new run showed, and err is then
// why the polling stopped early, if it did.
func awaitNewRun[T any](inv *invocation, read func(context.Context) (T, error), started func(T) bool, maxReads int) (
	answer T, run bool, seen runPoll, err error,
) {
	type polled struct {
		v         T
		run, last bool
	}
	fetch := func(ctx context.Context) (polled, error) {
		seen.reads++
		last := maxReads > 0 && seen.reads >= maxReads
		v, err := read(ctx)
		switch {
		case err != nil && mayPass(err) && ctx.Err() == nil:
			seen.lastErr = err
			if last {
				return polled{last: true}, nil // the reads are spent
			}
			return polled{}, err
		case err != nil:
			return polled{}, err
		}
		return polled{v: v, run: started(v), last: last}, nil
	}
	p, err := waitUntil(inv.ctx, fetch, func(p polled) bool { return p.run || p.last }, nil, inv.timing.pollInitial, inv.timing.pollMax)
	var w *waitError
	if errors.As(err, &w) {
		err = w.cause // the reads' story is in seen
	}
	return p.v, p.run, seen, err
}

// startOnce sends a start request (send) under the never-twice rule and
// returns the task's answer that shows the new run; follow is false, with
// no error, when the run is not to be followed (wait = false). An unknown
// outcome is resolved by a few reads: a new run is followed, none fails
// without resending.
func startOnce[T any](inv *invocation, sig runSignal, task string, before servicestage.Time,
	read func(context.Context) (T, error), started func(T) bool, send func() error,
) (run T, follow bool, err error) {
	var zero T
	shown := false
	err = send()
	var unknown *servicestage.OutcomeUnknownError
	switch {
	case errors.As(err, &unknown):
		inv.progress("The answer to the %s request of %s was not a clear yes or no (%s); reading %s to learn whether a run began. The request is not resent.",
			sig.request, task, briefly(unknown.Err), sig.readFrom)
		var seen runPoll
		if run, shown, seen, err = awaitNewRun(inv, read, started, outcomePolls); !shown {
			return zero, false, notResentError(sig, task, unknown, before, seen, err)
		}
	case err != nil:
		return zero, false, err
	}
	if !inv.wait() {
		inv.progress("Started a run of %s; not waiting for it (wait = false).", task)
		return zero, false, nil
	}
	if !shown {
		var seen runPoll
		if run, shown, seen, err = awaitNewRun(inv, read, started, 0); !shown {
			return zero, false, runNotShownError(sig, task, before, seen, err)
		}
	}
	return run, true, nil
}

// outcomePolls is how many reads of the details an execute whose outcome is
// unknown makes to learn whether a run began: the service may show it late.
const outcomePolls = 4

// briefly names what went wrong with a request in a few words: its HTTP
// status, or the innermost network error.
func briefly(err error) string {
	var apiErr *servicestage.APIError
	if errors.As(err, &apiErr) {
		return fmt.Sprintf("HTTP %d", apiErr.StatusCode)
	}
	for inner := errors.Unwrap(err); inner != nil; inner = errors.Unwrap(inner) {
		err = inner
	}
	return err.Error()
}

// notResentError is a start request whose outcome stayed unknown: no new run
// showed, and the request was not sent again.
func notResentError(sig runSignal, task string, unknown *servicestage.OutcomeUnknownError, before servicestage.Time, seen runPoll, pollErr error) error {
	var b strings.Builder
	fmt.Fprintf(&b, "ServiceStage gave no clear answer to the %s request of %s: %v.\n\n", sig.request, task, unknown.Err)
	b.WriteString("The request was NOT resent, so that the release cannot start twice. ")
	fmt.Fprintf(&b, "The task shows no new run yet: its %s was still %s after %d read(s) of %s.", sig.field, formatMillis(before), seen.reads, sig.readFrom)
	if pollErr != nil {
		fmt.Fprintf(&b, " Reading it stopped on: %v.", pollErr)
	} else if seen.lastErr != nil {
		fmt.Fprintf(&b, " The last read failed: %v.", seen.lastErr)
	}
	b.WriteString("\n\nCheck the release task in the ServiceStage console before running this action again: " +
		"the run may still show up there.")
	return &actionError{summary: "Release task run not confirmed; the request was not resent", detail: b.String()}
}

// runNotShownError is an accepted start request whose run never showed.
func runNotShownError(sig runSignal, task string, before servicestage.Time, seen runPoll, err error) error {
	detail := fmt.Sprintf("ServiceStage accepted the %s request of %s, but the task showed no new run: "+
		"its %s was still %s after %d read(s)", sig.request, task, sig.field, formatMillis(before), seen.reads)
	switch {
	case isTimeout(err):
		detail += ", when timeouts.invoke ran out"
	case err != nil:
		detail += fmt.Sprintf(", until: %v", err)
	}
	if seen.lastErr != nil {
		detail += fmt.Sprintf(". The last error ridden out: %v", seen.lastErr)
	}
	detail += ".\n\nThe run may still start: check the release task in the ServiceStage console before running this action again."
	if isTimeout(err) {
		detail += " Raise timeouts.invoke if the service is slow to start runs."
	}
	return &actionError{summary: "Started run not seen", detail: detail}
}

// movedOn reports a start time (execute_time, last_trigger_at) later than before: a new run.
func movedOn(now, before servicestage.Time) bool {
	return now.Valid && (!before.Valid || now.Value > before.Value)
}

// formatMillis shows an API time for people, in UTC.
func formatMillis(t servicestage.Time) string {
	if !t.Valid {
		return "(never)"
	}
	return time.UnixMilli(t.Value).UTC().Format(time.RFC3339)
}

// followError words an error that ended the follow of a run started at
// started: the run goes on in ServiceStage.
func followError(err error, task, started string) error {
	goesOn := fmt.Sprintf("The run started at %s goes on in ServiceStage: follow it in the console.", started)
	var w *waitError
	if errors.As(err, &w) {
		return runWaitError(w, task, started, goesOn)
	}
	return &startedError{err: err, note: goesOn}
}

// runWaitError is a follow that timeouts.invoke or a cancel cut short.
func runWaitError(w *waitError, task, started, goesOn string) error {
	subject := fmt.Sprintf("the run of %s started at %s", task, started)
	if isCancelled(w) {
		return &actionError{summary: "Wait for the release cancelled",
			detail: upperFirst(w.message(subject)) + "\n\nStopping Terraform does not stop the release. " + goesOn}
	}
	return &actionError{summary: "Timed out waiting for the release",
		detail: upperFirst(w.message(subject)) + "\n\n" + goesOn + " Raise timeouts.invoke if releases need longer."}
}
