package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

// pipelineSummaryObject is one element of pipelines.
var pipelineSummaryObject = typedstate.ObjectOf[servicestage.PipelineSummary]()

// pipelinesDataSource is the data source's definition, built once: each RPC gets a copy.
var pipelinesDataSource = dataSource{
	typeNameSuffix: "_pipelines",
	reads:          pipelineList,
	permission:     "servicestage:pipeline:list",
	readInto:       readPipelines,
	schema: schema.Schema{
		MarkdownDescription: "Lists the release tasks of a project in the **new edition** of Release Management " +
			"(`GET /v3/{project_id}/pipeline/pipelines`), newest first, so that a configuration can find a task by name. " +
			"The filters are applied by the provider and combine with AND; no match gives empty lists. " +
			"Old-edition tasks are listed by `servicestage_release_plans`.",
		Attributes: attributes(listArguments(schema.StringAttribute{
			Optional:   true,
			Validators: []validator.String{stringvalidator.OneOf(servicestage.PipelineStatusWords()...)},
			MarkdownDescription: "Only tasks with exactly this status word: one of `" +
				strings.Join(servicestage.PipelineStatusWords(), "`, `") + "`.",
		}), map[string]schema.Attribute{
			"pipelines": pipelineSummaryObject.ListAttribute(
				"The matching new-edition release tasks, newest first by `create_time` (a task without one last, ties by `id`)."),
			"ids": computedStrings("The IDs of the matching release tasks, in the same order as `pipelines`: `ids[0]` is the newest."),
		}),
	},
}

func newPipelinesDataSource() datasource.DataSource { return pipelinesDataSource.instance() }

// readPipelines lists the project's new-edition release tasks and keeps the matches.
func readPipelines(r *readCall, diags *diag.Diagnostics) error {
	filter, ok := listFilterOf(r, diags)
	if !ok {
		return nil
	}
	list, err := r.client.ListPipelines(r.ctx, r.projectID)
	if err != nil {
		return err
	}
	return setTaskList(r, filter, list.Pipelines, pipelineSummaryObject, "pipelines", pipelineKey)
}

func pipelineKey(p *servicestage.PipelineSummary) listedTask {
	return listedTask{p.ID, p.Name, p.Status, p.CreateTime}
}

// pipelineObject is the details and the status as attributes.
var pipelineObject = typedstate.ObjectOf[servicestage.Pipeline]()

// pipelineDataSource is the data source's definition, built once: each RPC gets a copy.
var pipelineDataSource = dataSource{
	typeNameSuffix: "_pipeline",
	permission:     "servicestage:pipeline:get (details) and servicestage:pipeline:list (status)",
	reads:          onePipeline,
	readInto:       readPipeline,
	schema: schema.Schema{
		MarkdownDescription: "Reads one release task of the **new edition** of Release Management: its details " +
			"(`GET /v3/{project_id}/pipeline/pipelines/{pipeline_id}`) with its status from the project's list " +
			"(`GET /v3/{project_id}/pipeline/pipelines`), since the details carry none. With `wait_for_completion`, " +
			"the read waits until no run is in progress. Old-edition tasks are read by `servicestage_release_plan`.",
		Attributes: attributes(pipelineObject.Attributes(), map[string]schema.Attribute{
			"pipeline_id": schema.StringAttribute{
				Required:            true,
				Validators:          []validator.String{pathSegment()},
				MarkdownDescription: "ID of the new-edition release task (the API calls it a pipeline).",
			},
			"project_id": projectIDAttribute("Project of the release task."),
			"wait_for_completion": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Poll the list until `completed` is true (every 2 seconds at first, backing off to 30 seconds), " +
					"within `timeouts.read`. `AWAITING_APPROVAL` and `PAUSED` are waited through: a person may approve or " +
					"continue the run in the console meanwhile. Default `false`: read once.",
			},
			"timeouts": readTimeouts("Bounds the whole read, the wait and every retry included, as a duration such as `\"30s\"` or `\"1h\"`. Default `20m`."),
			"completed": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "No run is in progress: `status` is known and is not `RUNNING`, `AWAITING_APPROVAL`, " +
					"`PAUSED`, `ROLLING_BACK`, `STOPPING` or `RESTARTING`. False when the list does not show the task.",
			},
			"succeeded": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "`status` is `SUCCEEDED`: the last run released successfully.",
			},
		}),
	},
}

func newPipelineDataSource() datasource.DataSource { return pipelineDataSource.instance() }

// readPipeline reads the details once and, side by side with them, the
// status from the list: once, or until no run is in progress.
func readPipeline(r *readCall, diags *diag.Diagnostics) error {
	pipelineID := r.state.String("pipeline_id")
	ctx := tflog.SetField(r.ctx, "pipeline_id", pipelineID)
	fetch := listedPipeline(r.client, r.projectID, pipelineID)
	type answer struct {
		status *servicestage.PipelineSummary
		err    error
	}
	// The list is asked while the details are: a read costs one round trip, not two.
	// Each goroutine logs with fields of its own: tflog masks secrets in a
	// context's field map in place, so two goroutines must not share one.
	listCtx := tflog.SetField(ctx, "status_from", "list")
	first := make(chan answer, 1)
	go func() {
		status, err := fetch(listCtx)
		first <- answer{status, err}
	}()
	details, err := r.client.GetPipeline(ctx, r.projectID, pipelineID)
	if err != nil {
		return err // A missing task says so, whatever the list said.
	}
	a := <-first
	status, err := a.status, a.err
	wait := r.state.Bool("wait_for_completion")
	if wait {
		// The first poll is the answer already there.
		polled := false
		status, err = waitUntil(ctx, func(ctx context.Context) (*servicestage.PipelineSummary, error) {
			if !polled {
				polled = true
				return a.status, a.err
			}
			return fetch(ctx)
		}, (*servicestage.PipelineSummary).Completed, logPipelineStatus, r.timing.pollInitial, r.timing.pollMax)
	}
	if err != nil {
		return err
	}
	if status.Status == "" {
		diags.AddWarning("New-edition release task not in the list",
			fmt.Sprintf("The details of new-edition release task %q are there, but the list of project %q does not show it, "+
				"so its status, creator and times are null and completed is false. The list may lag behind a task just created: "+
				"read again later.", pipelineID, r.projectID))
	}
	details.Merge(status)
	r.state.SetBool("wait_for_completion", wait)
	if err := setAPI(r.state, pipelineObject, details, "new-edition release task"); err != nil {
		return err
	}
	r.state.SetBool("completed", details.Completed())
	r.state.SetBool("succeeded", details.Succeeded())
	return nil
}
