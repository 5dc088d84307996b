package provider

import (
	"context"
	"errors"

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
