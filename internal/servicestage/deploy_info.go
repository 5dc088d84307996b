package servicestage

import (
	"context"
	"fmt"
)

// GetDeployInfo reads the deployment information of one release task.
func (c *Client) GetDeployInfo(ctx context.Context, projectID, releasePlanID string) (*DeployInfo, error) {
	return fetch(ctx, c, fmt.Sprintf("reading deploy info of release task %q in project %q", releasePlanID, projectID), DecodeDeployInfo,
		[]pathID{{"project_id", projectID}, {"release_plan_id", releasePlanID}},
		"v3", projectID, "cas", "release-plans", releasePlanID, "deploy-info")
}

// DeployInfo is the deployment information of one release task, as returned by
// GET /v3/{project_id}/cas/release-plans/{release_plan_id}/deploy-info.
//
// Each field is declared here once: its JSON name, its tolerant type, and
// (in doc) what it means; the provider derives its schema and state from them.
type DeployInfo struct {
	ID         string       `json:"id" doc:"The release task ID the API returned."`
	Components []*Component `json:"components" doc:"The components of the release task, in API order."`
}

// Component is one component of a release task. Empty strings stand for JSON
// null, an absent field or "", which the API uses interchangeably.
type Component struct {
	ID                  string `json:"id" doc:"Component ID."`
	Name                string `json:"name" doc:"Component name."`
	Version             string `json:"version" doc:"Component version being released."`
	Seq                 Int64  `json:"seq" doc:"Release batch; components of one batch are released together."`
	Status              string `json:"status" doc:"Component status, such as 'SUCCESS', 'RUNNING', 'FAILED' or 'ROLLBACK_SUCCEED'; passed through unchanged."`
	JobID               string `json:"job_id" doc:"Deployment job ID."`
	JobStatus           string `json:"job_status" doc:"Deployment job status, such as 'CREATED', 'RUNNING', 'SUCCEEDED' or 'FAILED'; passed through unchanged."`
	StartTime           Time   `json:"start_time" doc:"Start of the component's release, in milliseconds since the Unix epoch; null if it has not started."`
	EndTime             Time   `json:"end_time" doc:"End of the component's release, in milliseconds since the Unix epoch; null if it has not ended."`
	FailMessage         string `json:"fail_message" doc:"Why the deployment failed, if it did."`
	RollbackJobID       string `json:"rollback_job_id" doc:"Rollback job ID; null without a rollback."`
	RollbackJobStatus   string `json:"rollback_job_status" doc:"Rollback job status; null without a rollback."`
	RollbackStartTime   Time   `json:"rollback_start_time" doc:"Start of the rollback, in milliseconds since the Unix epoch; null without one."`
	RollbackEndTime     Time   `json:"rollback_end_time" doc:"End of the rollback, in milliseconds since the Unix epoch; null if it has not ended."`
	RollbackFailMessage string `json:"rollback_fail_message" doc:"Why the rollback failed, if it did."`
}

var deployInfoShape = shape{response: "deploy-info", list: "components", element: "component"}

// DecodeDeployInfo parses a deploy-info response body, tolerating every type
// contradiction of the API reference: numbers or numeric strings for seq and
// the four times, and null, absent or "" for anything optional.
func DecodeDeployInfo(body []byte) (*DeployInfo, error) {
	return decode[DeployInfo](body, deployInfoShape)
}
