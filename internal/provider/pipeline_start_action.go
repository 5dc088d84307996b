package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// startPipelinePermission is the IAM action of the new edition's start request.
const startPipelinePermission = "servicestage:pipeline:modify"

// startSignal words how the start action learns that a run began.
var startSignal = runSignal{request: "start", field: "last_trigger_at", readFrom: "the task list"}

// pipelineStart is the action's definition, built once: each RPC gets a copy.
var pipelineStart = providerAction{
	typeNameSuffix: "_pipeline_start",
	starts:         onePipeline,
	readPermission: "servicestage:pipeline:list",
	invoke:         invokePipelineStart,
	schema: schema.Schema{
		MarkdownDescription: "Starts a run of a release task of the **new edition** of Release Management " +
			"(`POST /v3/{project_id}/pipeline/pipelines/{pipeline_id}/action?action_id=start`, every task of it) and, " +
			"unless `wait = false`, waits for it, reporting each change of the task's status. Needs Terraform 1.14 or later. " +
			"A task with a run in progress is not started. The start request is never sent twice: when its outcome is " +
			"unknown, the action reads the task list to learn whether a run began, and follows that run or fails without " +
			"resending. Old-edition tasks are started by `servicestage_release_plan_execute`.",
		Attributes: map[string]schema.Attribute{
			"pipeline_id": idArgument("ID of the new-edition release task (the API calls it a pipeline) to run."),
			"project_id":  actionProjectID("Project of the release task."),
			"wait": waitArgument("Wait until the run is no longer in progress, through `AWAITING_APPROVAL` and `PAUSED` " +
				"(a person may approve or continue it in the console meanwhile), and fail unless its status is `SUCCEEDED`."),
			"timeouts": invokeTimeouts(),
		},
	},
}

func newPipelineStartAction() action.Action { return pipelineStart.instance() }

// invokePipelineStart starts a run unless one is in progress and, with
// wait, follows it until it is no longer in progress.
func invokePipelineStart(inv *invocation) error {
	find := listedPipeline(inv.client, inv.projectID, inv.id)
	before, err := find(inv.ctx)
	if err != nil {
		return err
	}
	if before.Status == "" {
		return pipelineNotListed(inv)
	}
	task := pipelineTaskName(before)
	if servicestage.PipelineInProgress(before.Status) {
		return &actionError{summary: "Release task run in progress", detail: fmt.Sprintf(
			"%s has a run in progress: its status is %s%s.\n\nNothing was sent: ServiceStage starts no new run while one is under way. "+
				"Let the run end (servicestage_pipeline with wait_for_completion waits for it), or end it in the console, then run this action again.",
			upperFirst(task), before.Status, waitsForPerson(before.Status))}
	}

	newRun := func(p *servicestage.PipelineSummary) bool { return movedOn(p.LastTriggerAt, before.LastTriggerAt) }
	run, follow, err := startOnce(inv, startSignal, task, before.LastTriggerAt, find, newRun, func() error {
		return needsPermission(startPipelinePermission, inv.client.StartPipeline(inv.ctx, inv.projectID, inv.id))
	})
	if !follow {
		return err
	}
	started := formatMillis(run.LastTriggerAt)
	inv.progress("%s started a run at %s: status %s%s.", upperFirst(task), started, run.Status, waitsForPerson(run.Status))

	last := run.Status
	report := func(p *servicestage.PipelineSummary) {
		if p.Status != last && p.Status != "" {
			last = p.Status
			inv.progress("%s: status %s%s.", upperFirst(task), p.Status, waitsForPerson(p.Status))
		}
	}
	// Until its start time shows, a later answer may still be the previous run's.
	done := func(p *servicestage.PipelineSummary) bool { return newRun(p) && p.Completed() }
	final, err := waitUntil(inv.ctx, find, done, func(ctx context.Context, p *servicestage.PipelineSummary, next time.Duration) {
		report(p)
		logPipelineStatus(ctx, p, next)
	}, inv.timing.pollInitial, inv.timing.pollMax)
	if err != nil {
		return followError(err, task, started)
	}
	report(final)
	if !final.Succeeded() {
		return &actionError{summary: "Release failed", detail: fmt.Sprintf(
			"The run of %s started at %s ended with status %s, not SUCCEEDED.\n\n"+
				"See the run in the ServiceStage console for each stage and its log.",
			task, started, statusWord(final))}
	}
	inv.progress("%s: the run started at %s succeeded.", upperFirst(task), started)
	return nil
}

// pipelineTaskName names a task in messages: new-edition release task "name" (id).
func pipelineTaskName(p *servicestage.PipelineSummary) string {
	if p.Name == "" || p.Name == p.ID {
		return fmt.Sprintf("new-edition release task %q", p.ID)
	}
	return fmt.Sprintf("new-edition release task %q (%s)", p.Name, p.ID)
}

// statusWord is a task's status word, with the API's code when the provider has no word for it.
func statusWord(p *servicestage.PipelineSummary) string {
	if code, ok := p.StatusCode.Get(); ok && p.Status == servicestage.PipelineUnknown {
		return fmt.Sprintf("%s (status code %d)", p.Status, code)
	}
	return p.Status
}

// pipelineNotListed is a task the list does not show: its details say
// whether it exists (a not-found then reads as the data sources word it).
func pipelineNotListed(inv *invocation) error {
	if _, err := inv.client.GetPipeline(inv.ctx, inv.projectID, inv.id); err != nil {
		return needsPermission("servicestage:pipeline:get", err)
	}
	return &actionError{summary: "New-edition release task not in the list", detail: fmt.Sprintf(
		"The details of new-edition release task %q are there, but the list of project %q does not show it, so its status "+
			"is unknown and nothing was sent. The list may lag behind a task just created: run this action again later.",
		inv.id, inv.projectID)}
}
