package provider

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

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

// listFilter is the filters of a list data source; "" passes all.
type listFilter struct {
	name, status string
	nameRegex    *regexp.Regexp
}

// listFilterOf reads the filters name, name_regex and status; ok is false
// when diags says why not.
func listFilterOf(r *readCall, diags *diag.Diagnostics) (listFilter, bool) {
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
func setTaskList[T any](r *readCall, f listFilter, tasks []*T, o *typedstate.Object, attr string, key func(*T) listedTask) error {
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

// listedPipeline reads task id from the project's list, the only source of
// its status; a task the list does not show comes back with no status.
func listedPipeline(c *servicestage.Client, projectID, id string) func(context.Context) (*servicestage.PipelineSummary, error) {
	return func(ctx context.Context) (*servicestage.PipelineSummary, error) {
		list, err := c.ListPipelines(ctx, projectID)
		if err != nil {
			return nil, err
		}
		if p := list.Find(id); p != nil {
			return p, nil
		}
		return &servicestage.PipelineSummary{ID: id}, nil
	}
}
