package servicestage

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/singleflight"
)

// The new edition of Release Management keeps its own release tasks, which
// its API calls pipelines: none of them is under /cas/release-plans.

// PipelineSummary is one new-edition release task as the list returns it
// (GET /v3/{project_id}/pipeline/pipelines). Its status is only here: the
// details answer carries none.
type PipelineSummary struct {
	ID                  string `json:"id" doc:"Release task ID (new edition), a UUID."`
	Name                string `json:"name" doc:"Release task name."`
	Description         string `json:"description" doc:"Description of the task."`
	ConfigMode          string `json:"config_mode" doc:"How the task is defined: 'ui' or 'template'."`
	Creator             string `json:"creator" doc:"User who created the task."`
	EnterpriseProjectID string `json:"enterprise_project_id" doc:"Enterprise project of the task; '0' is the default one."`
	ModelVersion        Int64  `json:"model_version" doc:"Model of the task; '2' for the new edition's."`
	StatusCode          Int64  `json:"status" tfsdk:"status_code" doc:"Status as the API's number, kept even when the provider has no word for it."`
	// Status is not sent: it is the word for StatusCode, set by the decoder.
	Status        string `json:"-" tfsdk:"status" doc:"Status as a word: 'INITIALIZED', 'SUCCEEDED', 'FAILED', 'RUNNING', 'AWAITING_APPROVAL', 'PAUSED', 'SKIPPED', 'ROLLING_BACK', 'ROLLED_BACK', 'ROLLBACK_FAILED', 'STOPPING', 'RESTARTING', or 'UNKNOWN' for a code the provider does not know; null when the list does not show the task."`
	CreateTime    Time   `json:"create_time" doc:"Creation time, in milliseconds since the Unix epoch."`
	UpdateTime    Time   `json:"update_time" doc:"Last modification time, in milliseconds since the Unix epoch; null if never modified."`
	LastTriggerAt Time   `json:"last_trigger_at" doc:"Start of the last run, in milliseconds since the Unix epoch; null if never run."`
}

// PipelineList is the answer of the list endpoint: documented as an object
// with pipelines, shown in the reference's example as the bare array.
type PipelineList struct {
	Pipelines []*PipelineSummary `json:"pipelines"`
}

// Pipeline is one new-edition release task in detail
// (GET /v3/{project_id}/pipeline/pipelines/{pipeline_id}), with what only
// the list shows (status, creator, times) filled in by Merge.
type Pipeline struct {
	PipelineSummary
	FailMode string `json:"fail_mode" doc:"What happens when a task of the run fails: 'stop' or 'continue'."`
}

var (
	pipelineListShape = shape{response: "new-edition release task list", list: "pipelines", element: "release task", bareList: true}
	pipelineShape     = shape{response: "new-edition release task", element: "field"}
)

// DecodePipelineList parses the list endpoint's body, a bare array or an
// object with pipelines.
func DecodePipelineList(body []byte) (*PipelineList, error) {
	list, err := decode[PipelineList](body, pipelineListShape)
	if err != nil {
		return nil, err
	}
	for _, p := range list.Pipelines {
		p.Status = PipelineStatusWord(p.StatusCode)
	}
	return list, nil
}

// DecodePipeline parses the details endpoint's body.
func DecodePipeline(body []byte) (*Pipeline, error) {
	p, err := decode[Pipeline](body, pipelineShape)
	if err != nil {
		return nil, err
	}
	p.Status = PipelineStatusWord(p.StatusCode)
	return p, nil
}

// Find returns the task with the given ID, or nil.
func (l *PipelineList) Find(id string) *PipelineSummary {
	for _, p := range l.Pipelines {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// Merge takes the status from the task's list entry, and fills each other
// field the details answer left unset (creator, times) from it: otherwise
// what the details say wins.
func (p *Pipeline) Merge(s *PipelineSummary) {
	dst, src := reflect.ValueOf(&p.PipelineSummary).Elem(), reflect.ValueOf(s).Elem()
	for i := range dst.NumField() {
		if dst.Field(i).IsZero() {
			dst.Field(i).Set(src.Field(i))
		}
	}
	p.StatusCode, p.Status = s.StatusCode, s.Status
}

// ListPipelines reads every new-edition release task of a project. Calls
// for one project that overlap share one request and its answer, which the
// callers must not modify.
func (c *Client) ListPipelines(ctx context.Context, projectID string) (*PipelineList, error) {
	op := fmt.Sprintf("listing the new-edition release tasks of project %q", projectID)
	for {
		// The shared request logs with fields of its own: tflog masks a
		// context's fields in place, and this caller may log while it runs.
		shared := tflog.SetField(ctx, "shared_list_request", true)
		ch := c.lists.DoChan(projectID, func() (any, error) {
			return fetch(shared, c, op, DecodePipelineList, []pathID{{"project_id", projectID}}, "v3", projectID, "pipeline", "pipelines")
		})
		var res singleflight.Result
		select {
		case res = <-ch:
		case <-ctx.Done():
			return nil, fmt.Errorf("%s: %w while the shared list request was under way; raise timeouts.read if the service is slow",
				op, context.Cause(ctx))
		}
		// The request ran under the context of the caller that started it:
		// if that one ended, the answer is not this caller's to share.
		if res.Shared && ctx.Err() == nil && (errors.Is(res.Err, context.Canceled) || errors.Is(res.Err, context.DeadlineExceeded)) {
			continue
		}
		if res.Err != nil {
			return nil, res.Err
		}
		list, _ := res.Val.(*PipelineList)
		return list, nil
	}
}

// GetPipeline reads one new-edition release task's details. They carry no
// status: see ListPipelines and Pipeline.Merge.
func (c *Client) GetPipeline(ctx context.Context, projectID, pipelineID string) (*Pipeline, error) {
	return fetch(ctx, c, fmt.Sprintf("reading new-edition release task %q in project %q", pipelineID, projectID), DecodePipeline,
		[]pathID{{"project_id", projectID}, {"pipeline_id", pipelineID}}, "v3", projectID, "pipeline", "pipelines", pipelineID)
}
