package provider

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

// releasePlansDataSource is the data source's definition, built once: each RPC gets a copy.
var releasePlansDataSource = dataSource{
	typeNameSuffix: "_release_plans",
	reads:          releaseTaskList,
	permission:     "servicestage::listReleasePlan",
	readInto:       readReleasePlans,
	schema: schema.Schema{
		MarkdownDescription: "Lists the release tasks of a project (`GET /v3/{project_id}/cas/release-plans`), " +
			"newest first, so that a configuration can find a task by name instead of pasting its ID. " +
			"The filters are applied by the provider and combine with AND; no match gives empty lists.",
		Attributes: attributes(listArguments(schema.StringAttribute{
			Optional:   true,
			Validators: []validator.String{nonEmptyFilter()},
			MarkdownDescription: "Only tasks with exactly this status, case included, e.g. `SUCCESS` or `FAILED`; " +
				"a value that differs from a known status only in case gets a warning. Not empty: omit it to list every task.",
		}), map[string]schema.Attribute{
			"release_plans": releasePlanSummaryObject.ListAttribute(
				"The matching release tasks, newest first by `create_time` (a task without one last, ties by `id`)."),
			"ids": computedStrings("The IDs of the matching release tasks, in the same order as `release_plans`: `ids[0]` is the newest."),
		}),
	},
}

func newReleasePlansDataSource() datasource.DataSource { return releasePlansDataSource.instance() }

// releasePlanSummaryObject is one element of release_plans.
var releasePlanSummaryObject = typedstate.ObjectOf[servicestage.ReleasePlanSummary]()

// readReleasePlans lists the project's release tasks and keeps the matches.
func readReleasePlans(r *readCall, diags *diag.Diagnostics) error {
	filter, ok := listFilterOf(r, diags)
	if !ok {
		return nil
	}
	list, err := r.client.ListReleasePlans(r.ctx, r.projectID)
	if err != nil {
		return err
	}
	if count, ok := list.Count.Get(); ok && count > int64(len(list.ReleasePlans)) {
		diags.AddWarning("Release task list may be incomplete",
			fmt.Sprintf("ServiceStage counts %d release tasks in project %q but sent %d; the API documents no paging, "+
				"so release_plans holds only those sent.", count, r.projectID, len(list.ReleasePlans)))
	}
	if known, ok := differsOnlyInCase(filter.status, list.ReleasePlans); ok {
		diags.AddAttributeWarning(path.Root("status"), "status differs from a known status only in case",
			fmt.Sprintf("status = %q is compared exactly, case included, so it matches no release task; did you mean %q? "+
				"ServiceStage writes statuses in upper case.", filter.status, known))
	}
	return setTaskList(r, filter, list.ReleasePlans, releasePlanSummaryObject, "release_plans", releasePlanKey)
}

func releasePlanKey(p *servicestage.ReleasePlanSummary) listedTask {
	return listedTask{p.ID, p.Name, p.Status, p.CreateTime}
}

// differsOnlyInCase returns the known status, documented or in the list,
// that status equals but for case, when none equals it exactly: "success"
// for "SUCCESS" matches nothing, silently.
func differsOnlyInCase(status string, plans []*servicestage.ReleasePlanSummary) (string, bool) {
	if status == "" {
		return "", false
	}
	known := slices.Clone(servicestage.ReleasePlanStatuses)
	for _, p := range plans {
		if p != nil {
			known = append(known, p.Status)
		}
	}
	if slices.Contains(known, status) {
		return "", false
	}
	for _, k := range known {
		if strings.EqualFold(k, status) {
			return k, true
		}
	}
	return "", false
}
