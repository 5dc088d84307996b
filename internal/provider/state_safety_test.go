package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

// panics reports what build panicked with, or "".
func panics(build func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
		}
	}()
	build()
	return ""
}

// A name declared twice is caught when the schema is built, not resolved by
// letting the later one win.
func TestAttributeNameCollisionsPanicAtBuild(t *testing.T) {
	t.Parallel()
	msg := panics(func() {
		attributes(releaseTaskArguments(), releasePlanObject.Attributes(), map[string]schema.Attribute{"project_id": schema.StringAttribute{Computed: true}})
	})
	if !strings.Contains(msg, `"project_id"`) {
		t.Errorf("merging two project_id attributes: panic %q, want one naming project_id", msg)
	}

	if msg := panics(func() { typedstate.ObjectOf[servicestage.ReleasePlan]() }); msg != "" {
		t.Errorf("the release task's own fields collide: %s", msg)
	}
}

// A null element of a listed answer is an error naming it.
func TestStateBuilderNullListElement(t *testing.T) {
	t.Parallel()
	plans := []*servicestage.ReleasePlanSummary{{ID: "a"}, nil}
	if _, err := typedstate.ListOf(releasePlanSummaryObject, "release_plans", plans); err == nil || !strings.Contains(err.Error(), "release_plans[1]") {
		t.Errorf("a null list element: %v", err)
	}
}

// name = "", status = "" or name_regex = "" would read as no filter: each is
// an error on its attribute.
func TestEmptyFiltersAreErrors(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"name", "status", "name_regex"} {
		a, ok := releasePlansDataSource.schema.Attributes[name].(schema.StringAttribute)
		if !ok {
			t.Fatalf("%s is not a string attribute", name)
		}
		var diags []string
		for _, v := range a.Validators {
			resp := &validator.StringResponse{}
			v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root(name), ConfigValue: types.StringValue("")}, resp)
			for _, d := range resp.Diagnostics {
				diags = append(diags, d.Detail())
			}
		}
		if len(diags) != 1 || !strings.Contains(diags[0], name+" must not be empty") || !strings.Contains(diags[0], "Omit it to list every task") {
			t.Errorf("%s = \"\": diagnostics %q, want one saying to omit it", name, diags)
		}
	}
}

// The list's order: newest first by create_time, a task without one last,
// ties by id; filters combine with AND.
func TestReleasePlanListOrder(t *testing.T) {
	t.Parallel()
	at := func(ms int64) servicestage.Time {
		return servicestage.Time{Int64: servicestage.Int64{Value: ms, Valid: true}}
	}
	plan := func(id, name, status string, created servicestage.Time) *servicestage.ReleasePlanSummary {
		return &servicestage.ReleasePlanSummary{ID: id, Name: name, Status: status, CreateTime: created}
	}
	all := regexp.MustCompile("")
	tests := []struct {
		name   string
		plans  []*servicestage.ReleasePlanSummary
		filter [3]string // name, name_regex, status
		want   []string
	}{
		{"newest first", []*servicestage.ReleasePlanSummary{plan("a", "", "", at(1)), plan("b", "", "", at(3)), plan("c", "", "", at(2))}, [3]string{}, []string{"b", "c", "a"}},
		{"null time last", []*servicestage.ReleasePlanSummary{plan("a", "", "", servicestage.Time{}), plan("b", "", "", at(1))}, [3]string{}, []string{"b", "a"}},
		{"ties by id", []*servicestage.ReleasePlanSummary{plan("z", "", "", at(5)), plan("m", "", "", at(5)), plan("a", "", "", at(5))}, [3]string{}, []string{"a", "m", "z"}},
		{"null-time ties by id", []*servicestage.ReleasePlanSummary{plan("y", "", "", servicestage.Time{}), plan("x", "", "", servicestage.Time{}), plan("w", "", "", at(1))}, [3]string{}, []string{"w", "x", "y"}},
		{"filters AND", []*servicestage.ReleasePlanSummary{plan("a", "orders-1", "SUCCESS", at(1)), plan("b", "orders-2", "FAILED", at(2)), plan("c", "pay-1", "SUCCESS", at(3))}, [3]string{"", "^orders-", "SUCCESS"}, []string{"a"}},
		{"exact name", []*servicestage.ReleasePlanSummary{plan("a", "orders", "", at(1)), plan("b", "orders-2", "", at(2))}, [3]string{"orders", "", ""}, []string{"a"}},
		{"no match", []*servicestage.ReleasePlanSummary{plan("a", "x", "", at(1))}, [3]string{"y", "", ""}, []string{}},
	}
	for _, tt := range tests {
		re := all
		if tt.filter[1] != "" {
			re = regexp.MustCompile(tt.filter[1])
		}
		got := []string{}
		sorted, _ := matchingTasks(listFilter{name: tt.filter[0], nameRegex: re, status: tt.filter[2]}, tt.plans, releasePlanKey)
		for _, p := range sorted {
			got = append(got, p.ID)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// Errors about the host say where it came from when endpoint is not set.
func TestEndpointFrom(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		s    settings
		want string
	}{
		{settings{endpoint: "https://x", region: "ap-southeast-3"}, ""},
		{settings{region: "ap-southeast-3"}, `region "ap-southeast-3"`},
		{settings{region: "eu-west-101", cloud: "example.eu"}, `region "eu-west-101" and cloud "example.eu"`},
	} {
		if got := tt.s.endpointFrom(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.s, got, tt.want)
		}
	}
}
