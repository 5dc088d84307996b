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
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
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

// listArguments are the arguments of a list data source, with its status
// filter, and its id.
func listArguments(status schema.StringAttribute) map[string]schema.Attribute {
	return map[string]schema.Attribute{
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
		"status": status,
		"id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The project ID.",
		},
	}
}

func newReleasePlansDataSource() datasource.DataSource { return releasePlans.instance() }

// releasePlanSummaryObject is one element of release_plans.
var releasePlanSummaryObject = typedstate.ObjectOf[servicestage.ReleasePlanSummary]()

// readReleasePlans lists the project's release tasks and keeps the matches.
func readReleasePlans(r *reading, diags *diag.Diagnostics) error {
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

// listFilter is the filters of a list data source; "" passes all.
type listFilter struct {
	name, status string
	nameRegex    *regexp.Regexp
}

// listFilterOf reads the filters name, name_regex and status; ok is false
// when diags says why not.
func listFilterOf(r *reading, diags *diag.Diagnostics) (listFilter, bool) {
	// The validator has checked name_regex; "" matches every name.
	nameRegex, err := regexp.Compile(r.state.String("name_regex"))
	if err != nil {
		diags.AddAttributeError(path.Root("name_regex"), "Invalid regular expression", err.Error())
		return listFilter{}, false
	}
	return listFilter{name: r.state.String("name"), status: r.state.String("status"), nameRegex: nameRegex}, true
}

// listedTask is what the filters and the order look at in one listed task.
type listedTask struct {
	id, name, status string
	created          servicestage.Time
}

// setTaskList stores, as attribute attr and as ids, the tasks that pass
// every filter, in the order of matchingTasks. A null task in the answer is
// an error naming it, not a crash.
func setTaskList[T any](r *reading, f listFilter, tasks []*T, o *typedstate.Object, attr string, key func(*T) listedTask) error {
	response := strings.ReplaceAll(attr, "_", " ") + " list"
	if i := slices.Index(tasks, nil); i >= 0 {
		return unexpectedNull(response, fmt.Errorf("the answer has null at %s[%d], where an object is expected", attr, i))
	}
	sorted, ids := matchingTasks(f, tasks, key)
	list, err := typedstate.ListOf(o, attr, sorted)
	if err != nil {
		return unexpectedNull(response, err)
	}
	r.state.SetString("id", r.projectID)
	r.state[attr] = list
	r.state.SetStrings("ids", ids)
	return nil
}

// matchingTasks keeps the tasks that pass every filter, newest first by
// create_time, a null time last, ties by id, and returns them with their IDs.
func matchingTasks[T any](f listFilter, tasks []*T, key func(*T) listedTask) ([]*T, []string) {
	type keyed struct {
		listedTask
		task *T
	}
	matches := make([]keyed, 0, len(tasks))
	for _, t := range tasks {
		k := key(t)
		if (f.name == "" || k.name == f.name) && f.nameRegex.MatchString(k.name) && (f.status == "" || k.status == f.status) {
			matches = append(matches, keyed{k, t})
		}
	}
	slices.SortStableFunc(matches, func(a, b keyed) int {
		at, aok := a.created.Get()
		bt, bok := b.created.Get()
		switch {
		case aok != bok && aok:
			return -1
		case aok != bok:
			return 1
		case at != bt:
			return cmp.Compare(bt, at)
		}
		return cmp.Compare(a.id, b.id)
	})
	ids := make([]string, len(matches))
	sorted := make([]*T, len(matches))
	for i, m := range matches {
		ids[i], sorted[i] = m.id, m.task
	}
	return sorted, ids
}
