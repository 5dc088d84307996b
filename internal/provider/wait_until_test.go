package provider

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// pipelineAnswers is a fetch that answers the statuses in turn, the last
// for ever; an empty word is a 503 ridden out.
func pipelineAnswers(words ...string) (fetch func(context.Context) (*servicestage.PipelineSummary, error), reads *int) {
	n := 0
	return func(context.Context) (*servicestage.PipelineSummary, error) {
		word := words[min(n, len(words)-1)]
		n++
		if word == "" {
			return nil, &servicestage.APIError{StatusCode: http.StatusServiceUnavailable, Code: "APIGW.0202"}
		}
		return &servicestage.PipelineSummary{ID: "p", Status: word}, nil
	}, &n
}

// The progress callback sees every read that is not done, in order, with
// the interval before the next; the done answer is returned.
func TestWaitUntilReportsProgress(t *testing.T) {
	fetch, reads := pipelineAnswers("RUNNING", "", "AWAITING_APPROVAL", "PAUSED", "FAILED")
	var seen []string
	var intervals []time.Duration
	got, err := waitUntil(t.Context(), fetch, (*servicestage.PipelineSummary).Completed,
		func(_ context.Context, p *servicestage.PipelineSummary, next time.Duration) {
			seen = append(seen, p.Status)
			intervals = append(intervals, next)
		}, time.Millisecond, 2*time.Millisecond)
	if err != nil || got.Status != "FAILED" || *reads != 5 {
		t.Fatalf("got %+v, %v after %d reads; want FAILED after 5", got, err, *reads)
	}
	if strings.Join(seen, " ") != "RUNNING AWAITING_APPROVAL PAUSED" {
		t.Errorf("progress saw %v", seen)
	}
	// The interval grows on every poll, the failed one included.
	if len(intervals) != 3 || intervals[0] != time.Millisecond || intervals[2] != 2*time.Millisecond {
		t.Errorf("intervals %v", intervals)
	}
}

// No progress callback is needed; an error waiting cannot fix ends the wait at once.
func TestWaitUntilStopsOnPermanentError(t *testing.T) {
	n := 0
	notFound := &servicestage.APIError{StatusCode: http.StatusNotFound, Code: "SVCSTG.00100404"}
	_, err := waitUntil(t.Context(), func(context.Context) (int, error) {
		n++
		if n < 3 {
			return n, nil
		}
		return 0, notFound
	}, func(int) bool { return false }, nil, time.Millisecond, time.Millisecond)
	if !errors.Is(err, notFound) || n != 3 {
		t.Errorf("%v after %d reads; want the not-found error at read 3", err, n)
	}
}

// At the deadline the error names the last status, and for a checkpoint
// says that a person must act in the console.
func TestWaitUntilTimeoutNamesTheStatus(t *testing.T) {
	for word, person := range map[string]bool{"RUNNING": false, "AWAITING_APPROVAL": true, "PAUSED": true, "": false} {
		fetch, _ := pipelineAnswers(word)
		if word == "" {
			fetch = func(context.Context) (*servicestage.PipelineSummary, error) {
				return &servicestage.PipelineSummary{ID: "p"}, nil // not in the list
			}
		}
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		_, err := waitUntil(ctx, fetch, (*servicestage.PipelineSummary).Completed, nil, time.Millisecond, time.Millisecond)
		cancel()
		var w *waitError
		if !errors.As(err, &w) || !isTimeout(err) {
			t.Fatalf("%q: %v, want a waitError that timed out", word, err)
		}
		msg := w.message(`new-edition release task "p"`)
		switch {
		case word == "" && !strings.Contains(msg, "did not show it at the last read"):
			t.Errorf("not in the list: %s", msg)
		case word != "" && !strings.Contains(msg, "its status was "+word+" at the last read"):
			t.Errorf("%s: %s", word, msg)
		case strings.Contains(msg, "waits for a person") != person:
			t.Errorf("%s: person %v: %s", word, person, msg)
		}
	}
}
