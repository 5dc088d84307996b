package provider

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// releasePlans is the data source's definition, built once: each RPC gets a copy.
var releasePlans = dataSource{
	typeNameSuffix: "_release_plans",
	reads:          releaseTaskList,
	permission:     "servicestage::listReleasePlan",
	readInto:       readReleasePlans,
	schema: schema.Schema{
		MarkdownDescription: "Lists the release tasks of a project (`GET /v3/{project_id}/cas/release-plans`), " +
			"newest first, so that a configuration can find a task by name instead of pasting its ID. " +
			"The filters are applied by the provider and combine with AND; no match gives empty lists.",
		Attributes: map[string]schema.Attribute{
			"project_id": projectIDAttribute("Project to list."),
			"timeouts":   readOnceTimeouts,
			"name": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{nonEmptyFilter()},
				MarkdownDescription: "Only the task with exactly this name. Not empty: omit it to list every task.",
			},
			"name_regex": schema.StringAttribute{
				Optional:   true,
				Validators: []validator.String{nonEmptyFilter(), validRegexp()},
				MarkdownDescription: "Only tasks whose name matches this [RE2](https://github.com/google/re2/wiki/Syntax) " +
					"regular expression, e.g. `^orders-`. Unanchored, like Terraform's `regex` function. Not empty: omit it to list every task.",
			},
			"status": schema.StringAttribute{
				Optional:   true,
				Validators: []validator.String{nonEmptyFilter()},
				MarkdownDescription: "Only tasks with exactly this status, case included, e.g. `SUCCESS` or `FAILED`; " +
					"a value that differs from a known status only in case gets a warning. Not empty: omit it to list every task.",
			},
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The project ID.",
			},
			"release_plans": releasePlanSummaryObject.listAttribute(
				"The matching release tasks, newest first by `create_time` (a task without one last, ties by `id`)."),
			"ids": computedStrings("The IDs of the matching release tasks, in the same order as `release_plans`: `ids[0]` is the newest."),
		},
	},
}

func newReleasePlansDataSource() datasource.DataSource { return releasePlans.instance() }

// releasePlanSummaryObject is one element of release_plans.
var releasePlanSummaryObject = newAPIObject[servicestage.ReleasePlanSummary]()

// readReleasePlans lists the project's release tasks and keeps the matches.
func readReleasePlans(r *reading, diags *diag.Diagnostics) error {
	// The validator has checked name_regex; "" matches every name.
	nameRegex, err := regexp.Compile(r.state.string("name_regex"))
	if err != nil {
		diags.AddAttributeError(path.Root("name_regex"), "Invalid regular expression", err.Error())
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
	if i := slices.Index(list.ReleasePlans, nil); i >= 0 {
		return unexpectedNull("release task list", fmt.Errorf("the answer has null at release_plans[%d], where an object is expected", i))
	}
	status := r.state.string("status")
	if known, ok := differsOnlyInCase(status, list.ReleasePlans); ok {
		diags.AddAttributeWarning(path.Root("status"), "status differs from a known status only in case",
			fmt.Sprintf("status = %q is compared exactly, case included, so it matches no release task; did you mean %q? "+
				"ServiceStage writes statuses in upper case.", status, known))
	}
	matches := filterReleasePlans(list.ReleasePlans, r.state.string("name"), nameRegex, status)
	ids := make([]string, len(matches))
	for i, p := range matches {
		ids[i] = p.ID
	}
	plans, err := listOf(releasePlanSummaryObject, "release_plans", matches)
	if err != nil {
		return unexpectedNull("release task list", err)
	}
	r.state.setString("id", r.projectID)
	r.state["release_plans"] = plans
	r.state.setStrings("ids", ids)
	return nil
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
		known = append(known, p.Status)
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

// filterReleasePlans keeps the tasks that pass every filter ("" passes all),
// newest first by create_time, a null time last, ties by id.
func filterReleasePlans(plans []*servicestage.ReleasePlanSummary, name string, nameRegex *regexp.Regexp, status string) []*servicestage.ReleasePlanSummary {
	matches := make([]*servicestage.ReleasePlanSummary, 0, len(plans))
	for _, p := range plans {
		if (name == "" || p.Name == name) && nameRegex.MatchString(p.Name) && (status == "" || p.Status == status) {
			matches = append(matches, p)
		}
	}
	slices.SortStableFunc(matches, func(a, b *servicestage.ReleasePlanSummary) int {
		at, aok := a.CreateTime.Get()
		bt, bok := b.CreateTime.Get()
		switch {
		case aok != bok && aok:
			return -1
		case aok != bok:
			return 1
		case at != bt:
			return cmp.Compare(bt, at)
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return matches
}
