package servicestage

// Placeholder: the net branch's start.go replaces this file at merge. It has
// the same API; it sends each start once and never retries.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"syscall"
)

// OutcomeUnknownError is a start request that may have reached the service:
// it was not resent, and whether a run began is unknown.
type OutcomeUnknownError struct {
	Op  string
	Err error
}

func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("%s: the outcome is unknown, the request may have reached the service: %v", e.Op, e.Err)
}

func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// ExecuteReleasePlan starts a run of an old-edition release task.
func (c *Client) ExecuteReleasePlan(ctx context.Context, projectID, releasePlanID string) error {
	return c.postOnce(ctx, fmt.Sprintf("executing release task %q in project %q", releasePlanID, projectID), nil,
		[]pathID{{"project_id", projectID}, {"release_plan_id", releasePlanID}},
		"v3", projectID, "cas", "release-plans", releasePlanID, "execute")
}

// StartPipeline starts a run of a new-edition release task.
func (c *Client) StartPipeline(ctx context.Context, projectID, pipelineID string) error {
	return c.postOnce(ctx, fmt.Sprintf("starting new-edition release task %q in project %q", pipelineID, projectID), []byte("{}"),
		[]pathID{{"project_id", projectID}, {"pipeline_id", pipelineID}},
		"v3", projectID, "pipeline", "pipelines", pipelineID, "action?action_id=start")
}

func (c *Client) postOnce(ctx context.Context, op string, body []byte, ids []pathID, segments ...string) error {
	for _, id := range ids {
		if err := ValidateID(id.value); err != nil {
			return fmt.Errorf("%s: %s %w", op, id.attribute, err)
		}
	}
	u := c.urlFor(segments...)
	if last := segments[len(segments)-1]; last == "action?action_id=start" {
		u = c.urlFor(segments[:len(segments)-1]...)
		u.Path += "/action"
		u.RawPath = ""
		u.RawQuery = "action_id=start"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/json;charset=utf8")
	req.Header.Set("Accept", "application/json")
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) {
			return fmt.Errorf("%s: %w", op, err)
		}
		return &OutcomeUnknownError{Op: op, Err: err}
	}
	defer resp.Body.Close()
	respBody, _ := readCapped(resp.Body, c.cfg.MaxBodyBytes)
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	apiErr := NewAPIError(op, resp.StatusCode, resp.Header, respBody)
	if resp.StatusCode >= 500 {
		return &OutcomeUnknownError{Op: op, Err: apiErr}
	}
	return apiErr
}
