package servicestage

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// ExecuteReleasePlan sends POST /v3/{project_id}/cas/release-plans/{release_plan_id}/execute
// (no body, no answer body) once: it is repeated only when the request certainly never
// reached the service (connection refused, DNS failure, TLS handshake failure, or a 429).
func (c *Client) ExecuteReleasePlan(ctx context.Context, projectID, releasePlanID string) error {
	return c.start(ctx, fmt.Sprintf("starting a run of release task %q in project %q", releasePlanID, projectID), nil,
		[]pathID{{"project_id", projectID}, {"release_plan_id", releasePlanID}},
		c.urlFor("v3", projectID, "cas", "release-plans", releasePlanID, "execute"))
}

// StartPipeline sends POST /v3/{project_id}/pipeline/pipelines/{pipeline_id}/action?action_id=start
// with body {} under the same rule.
func (c *Client) StartPipeline(ctx context.Context, projectID, pipelineID string) error {
	u := c.urlFor("v3", projectID, "pipeline", "pipelines", pipelineID, "action")
	u.RawQuery = url.Values{"action_id": {"start"}}.Encode()
	return c.start(ctx, fmt.Sprintf("starting new-edition release task %q in project %q", pipelineID, projectID), []byte("{}"),
		[]pathID{{"project_id", projectID}, {"pipeline_id", pipelineID}}, u)
}

// OutcomeUnknownError reports a start request that may have reached the service (a 5xx, a
// connection dropped after the request was written, an attempt past request_timeout): it
// was not resent. errors.As finds it; Unwrap gives the cause (an *APIError for a 5xx).
type OutcomeUnknownError struct {
	Op  string
	Err error
}

func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("%s: the request may have reached ServiceStage, and was not resent so that nothing starts twice: %v", e.Op, e.Err)
}

func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// start POSTs a request that starts something, under the never-twice rule.
func (c *Client) start(ctx context.Context, op string, payload []byte, ids []pathID, u *url.URL) error {
	if err := validateIDs(op, ids); err != nil {
		return err
	}
	policy := c.newPolicy()
	policy.startsSomething = true
	ans, err := c.send(ctx, op, http.MethodPost, u, payload, policy)
	switch {
	case ans != nil && ans.status >= 200 && ans.status <= 299:
		return nil // accepted; only its body was cut, and none is expected
	case err != nil && policy.mayHaveReached:
		return &OutcomeUnknownError{Op: op, Err: err}
	case err != nil:
		return err
	case ans.status >= http.StatusInternalServerError:
		return &OutcomeUnknownError{Op: op, Err: c.answerError(op, ans)}
	}
	return c.answerError(op, ans)
}
