package provider

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// executePermission is the IAM action of the execute request.
const executePermission = "servicestage::createReleasePlan"

// executeSignal words how the execute action learns that a run began.
var executeSignal = runSignal{request: "execute", field: "execute_time", readFrom: "its details"}

// releasePlanExecute is the action's definition, built once: each RPC gets a copy.
var releasePlanExecute = providerAction{
	typeNameSuffix: "_release_plan_execute",
	starts:         oneReleaseTask,
	readPermission: "servicestage::getReleasePlan",
	invoke:         invokeReleasePlanExecute,
	schema: schema.Schema{
		MarkdownDescription: "Starts a run of a ServiceStage release task " +
			"(`POST /v3/{project_id}/cas/release-plans/{release_plan_id}/execute`) and, unless `wait = false`, " +
			"waits for it, reporting each component's job as it changes. Needs Terraform 1.14 or later. " +
			"The start request is never sent twice: when its outcome is unknown, the action reads the task to " +
			"learn whether a run began, and follows that run or fails without resending.",
		Attributes: map[string]schema.Attribute{
			"release_plan_id": idArgument("ID of the release task (release plan) to run."),
			"project_id":      actionProjectID("Project of the release task."),
			"wait": waitArgument("Wait until every component's deployment (and rollback) job has ended, " +
				"and fail unless every deployment succeeded."),
			"timeouts": invokeTimeouts(),
		},
	},
}

func newReleasePlanExecuteAction() action.Action { return releasePlanExecute.instance() }

// invokeReleasePlanExecute starts a run and, with wait, follows it to its end.
func invokeReleasePlanExecute(inv *invocation) error {
	details := func(ctx context.Context) (*servicestage.ReleasePlan, error) {
		return inv.client.GetReleasePlan(ctx, inv.projectID, inv.id)
	}
	before, err := details(inv.ctx)
	if err != nil {
		return err
	}
	task := releaseTaskName(before, inv.id)

	newRun := func(p *servicestage.ReleasePlan) bool { return movedOn(p.ExecuteTime, before.ExecuteTime) }
	run, follow, err := startOnce(inv, executeSignal, task, before.ExecuteTime, details, newRun, func() error {
		return needsPermission(executePermission, inv.client.ExecuteReleasePlan(inv.ctx, inv.projectID, inv.id))
	})
	if !follow {
		return err
	}
	started := formatMillis(run.ExecuteTime)
	inv.progress("%s started a run at %s (%d component(s)).", upperFirst(task), started, len(run.Components))

	info, err := followRun(inv)
	switch {
	case err != nil:
		return followError(err, task, started)
	case !info.AllSucceeded():
		return runFailedError(info, task, started)
	}
	inv.progress("%s: the run started at %s succeeded: all %d component(s) deployed.", upperFirst(task), started, len(info.Components))
	return nil
}

// releaseTaskName names a task in messages: release task "name" (id).
func releaseTaskName(p *servicestage.ReleasePlan, id string) string {
	if p.Name == "" || p.Name == id {
		return fmt.Sprintf("release task %q", id)
	}
	return fmt.Sprintf("release task %q (%s)", p.Name, id)
}

// followRun polls the deploy info until the run completes (wait.go's
// rules), reporting each component whose job or rollback job changed.
func followRun(inv *invocation) (*servicestage.DeployInfo, error) {
	last := map[string]*servicestage.Component{}
	report := func(info *servicestage.DeployInfo) {
		for _, line := range jobChanges(last, info) {
			inv.progress("%s", line)
		}
	}
	fetch := func(ctx context.Context) (*servicestage.DeployInfo, error) {
		return inv.client.GetDeployInfo(ctx, inv.projectID, inv.id)
	}
	info, err := waitUntil(inv.ctx, fetch, (*servicestage.DeployInfo).Completed,
		func(ctx context.Context, info *servicestage.DeployInfo, next time.Duration) {
			report(info)
			logPending(ctx, info, next)
		}, inv.timing.pollInitial, inv.timing.pollMax)
	if err == nil {
		report(info) // the final answer, which the sink is not told of
	}
	return info, err
}

// jobChanges describes each component whose job_status or
// rollback_job_status differs from last, and records the new ones in last.
func jobChanges(last map[string]*servicestage.Component, info *servicestage.DeployInfo) []string {
	done := 0
	for _, c := range info.Components {
		if !c.Pending() {
			done++
		}
	}
	var lines []string
	for i, c := range info.Components {
		key := cmp.Or(c.ID, c.Name, fmt.Sprint(i))
		before := last[key]
		if before == nil {
			before = &servicestage.Component{}
		}
		var changes []string
		if c.JobStatus != before.JobStatus && c.JobStatus != "" {
			changes = append(changes, "job_status "+c.JobStatus+withMessage(c.JobStatus, c.FailMessage))
		}
		if c.RollbackJobStatus != before.RollbackJobStatus && c.RollbackJobStatus != "" {
			changes = append(changes, "rollback_job_status "+c.RollbackJobStatus+withMessage(c.RollbackJobStatus, c.RollbackFailMessage))
		}
		if len(changes) > 0 {
			lines = append(lines, fmt.Sprintf("%s: %s (%d of %d component(s) done)",
				componentName(c), strings.Join(changes, ", "), done, len(info.Components)))
		}
		last[key] = c
	}
	return lines
}

// withMessage adds a failed job's message.
func withMessage(status, message string) string {
	if status == servicestage.JobFailed && message != "" {
		return ": " + message
	}
	return ""
}

// componentName names a component by its name, else its ID.
func componentName(c *servicestage.Component) string { return cmp.Or(c.Name, c.ID, "(unnamed)") }

// runFailedError names each component that did not succeed, with its messages.
func runFailedError(info *servicestage.DeployInfo, task, started string) error {
	var b strings.Builder
	if len(info.Components) == 0 {
		fmt.Fprintf(&b, "The run of %s started at %s has no components: nothing was deployed.", task, started)
		return &actionError{summary: "Release failed", detail: b.String()}
	}
	failed := 0
	for _, c := range info.Components {
		if c.JobStatus != servicestage.JobSucceeded {
			failed++
		}
	}
	fmt.Fprintf(&b, "The run of %s started at %s ended with %d of %d component(s) not deployed:", task, started, failed, len(info.Components))
	for _, c := range info.Components {
		if c.JobStatus == servicestage.JobSucceeded && c.RollbackJobStatus == "" {
			continue
		}
		fmt.Fprintf(&b, "\n  - %s: job_status %s", componentName(c), orDash(c.JobStatus))
		if c.Status != "" {
			fmt.Fprintf(&b, " (status %s)", c.Status)
		}
		if c.FailMessage != "" {
			fmt.Fprintf(&b, ": %s", c.FailMessage)
		}
		if c.RollbackJobStatus != "" {
			fmt.Fprintf(&b, "; rollback_job_status %s", c.RollbackJobStatus)
			if c.RollbackFailMessage != "" {
				fmt.Fprintf(&b, ": %s", c.RollbackFailMessage)
			}
		}
	}
	b.WriteString("\n\nSee the release task in the ServiceStage console, or read servicestage_release_plan_deploy_info, for each job.")
	return &actionError{summary: "Release failed", detail: b.String()}
}
