package servicestage

import (
	"context"
	"fmt"
)

// ReleasePlanSummary is one release task as the list returns it
// (GET /v3/{project_id}/cas/release-plans). The console calls release plans
// release tasks.
type ReleasePlanSummary struct {
	ID          string `json:"id" doc:"Release task ID."`
	Name        string `json:"name" doc:"Release task name."`
	Action      string `json:"action" doc:"Task type, such as 'create', 'upgrade' or 'clone'; passed through unchanged."`
	Status      string `json:"status" doc:"Task status, such as 'CREATED', 'SUCCESS', 'FAILED', 'PARTIALLY_FAILED', 'ROLLBACK_SUCCEED', 'ROLLBACK_FAILED' or 'ABORTED'; passed through unchanged."`
	Creator     string `json:"creator" doc:"User who created the task."`
	CreateTime  Time   `json:"create_time" doc:"Creation time, in milliseconds since the Unix epoch."`
	ModifyTime  Time   `json:"modify_time" doc:"Last modification time, in milliseconds since the Unix epoch; null if never modified."`
	ExecuteTime Time   `json:"execute_time" doc:"Time of the last run, in milliseconds since the Unix epoch; null if never run."`
}

// ReleasePlanStatuses are the task statuses the API reference lists; others
// may appear, and statuses are passed through unchanged, never checked.
var ReleasePlanStatuses = []string{"CREATED", "SUCCESS", "FAILED", "PARTIALLY_FAILED", "ROLLBACK_SUCCEED", "ROLLBACK_FAILED", "ABORTED"}

// ReleasePlanList is the answer of the list endpoint. The API documents no
// paging: Count is the number of tasks it knows, which may exceed those sent.
type ReleasePlanList struct {
	Count        Int64                 `json:"count"`
	ReleasePlans []*ReleasePlanSummary `json:"release_plans"`
}

// ReleasePlan is one release task in detail
// (GET /v3/{project_id}/cas/release-plans/{release_plan_id}).
type ReleasePlan struct {
	ReleasePlanSummary
	Description  string           `json:"desc" tfsdk:"description" doc:"Description of the task."`
	FailStrategy string           `json:"fail_strategy" doc:"What happens when a component fails: 'continue' or 'stop'."`
	SwimlaneID   string           `json:"swimlane_id" doc:"ID of the lane the task releases into."`
	Components   []*PlanComponent `json:"components" doc:"The components the task releases, in API order."`
}

// PlanComponent is one component of a release task's plan.
type PlanComponent struct {
	Seq         Int64  `json:"seq" doc:"Release batch; components of one batch are released together."`
	ComponentID string `json:"component_id" doc:"Component ID."`
	Name        string `json:"name" doc:"Component name."`
}

var (
	releasePlanListShape = shape{response: "release task list", list: "release_plans", element: "release task"}
	releasePlanShape     = shape{response: "release task", list: "components", element: "component"}
)

// DecodeReleasePlanList parses the list endpoint's body.
func DecodeReleasePlanList(body []byte) (*ReleasePlanList, error) {
	return decode[ReleasePlanList](body, releasePlanListShape)
}

// DecodeReleasePlan parses the details endpoint's body.
func DecodeReleasePlan(body []byte) (*ReleasePlan, error) {
	return decode[ReleasePlan](body, releasePlanShape)
}

// ListReleasePlans reads every release task of a project.
func (c *Client) ListReleasePlans(ctx context.Context, projectID string) (*ReleasePlanList, error) {
	return fetch(ctx, c, fmt.Sprintf("listing the release tasks of project %q", projectID), DecodeReleasePlanList,
		[]pathID{{"project_id", projectID}}, "v3", projectID, "cas", "release-plans")
}

// GetReleasePlan reads one release task.
func (c *Client) GetReleasePlan(ctx context.Context, projectID, releasePlanID string) (*ReleasePlan, error) {
	return fetch(ctx, c, fmt.Sprintf("reading release task %q in project %q", releasePlanID, projectID), DecodeReleasePlan,
		[]pathID{{"project_id", projectID}, {"release_plan_id", releasePlanID}}, "v3", projectID, "cas", "release-plans", releasePlanID)
}
