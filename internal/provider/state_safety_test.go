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
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
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
		attributes(releaseTaskArguments(), releasePlanObject.attributes(), map[string]schema.Attribute{"project_id": schema.StringAttribute{Computed: true}})
	})
	if !strings.Contains(msg, `"project_id"`) {
		t.Errorf("merging two project_id attributes: panic %q, want one naming project_id", msg)
	}

	type collides struct {
		ID    string `json:"id" doc:"An ID."`
		Other string `json:"other_id" tfsdk:"id" doc:"Another field the schema would call id."`
	}
	msg = panics(func() { newAPIObject[collides]() })
	if !strings.Contains(msg, `"id"`) {
		t.Errorf("two fields named id: panic %q, want one naming id", msg)
	}
	if msg := panics(func() { newAPIObject[servicestage.ReleasePlan]() }); msg != "" {
		t.Errorf("the release task's own fields collide: %s", msg)
	}
}

type nestedPart struct {
	Name string `json:"name" doc:"Name."`
}

type nestedGroup struct {
	Parts []*nestedPart `json:"parts" doc:"Parts."`
	Owner *nestedPart   `json:"owner" doc:"Owner."`
}

type nestedRoot struct {
	ID     string         `json:"id" doc:"ID."`
	Groups []*nestedGroup `json:"groups" doc:"Groups."`
}

// A null inside a nested list is an error naming the element, at any depth,
// not a panic of the plugin.
func TestStateBuilderNullsAtAnyDepth(t *testing.T) {
	t.Parallel()
	o := newAPIObject[nestedRoot]()
	tests := []struct {
		v    *nestedRoot
		want string
	}{
		{&nestedRoot{Groups: []*nestedGroup{nil}}, "groups[0]"},
		{&nestedRoot{Groups: []*nestedGroup{{Parts: []*nestedPart{{Name: "a"}, nil}}}}, "groups[0].parts[1]"},
		{nil, "null where an object is expected"},
	}
	for _, tt := range tests {
		err := setAPI(stateValues{}, o, tt.v, "test")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("got %v, want an error naming %s", err, tt.want)
		}
	}
	values := stateValues{}
	if err := setAPI(values, o, &nestedRoot{Groups: []*nestedGroup{{}, {Parts: []*nestedPart{{}}, Owner: &nestedPart{Name: "o"}}}}, "test"); err != nil {
		t.Errorf("empty nested lists and objects: %v", err)
	}
	// A null nested object is a null value, which the mapping rules allow.
	groups := values["groups"]
	var elems []tftypes.Value
	var first map[string]tftypes.Value
	if err := groups.As(&elems); err != nil || elems[0].As(&first) != nil || !first["owner"].IsNull() {
		t.Errorf("groups[0].owner: %v, want null", first["owner"])
	}
	sch := schema.Schema{Attributes: o.attributes()}
	if _, ok := sch.Attributes["groups"].(schema.ListNestedAttribute).NestedObject.Attributes["owner"].(schema.SingleNestedAttribute); !ok {
		t.Error("owner is not a nested object attribute")
	}
	plans := []*servicestage.ReleasePlanSummary{{ID: "a"}, nil}
	if _, err := listOf(releasePlanSummaryObject, "release_plans", plans); err == nil || !strings.Contains(err.Error(), "release_plans[1]") {
		t.Errorf("a null list element: %v", err)
	}
}

// name = "", status = "" or name_regex = "" would read as no filter: each is
// an error on its attribute.
func TestEmptyFiltersAreErrors(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"name", "status", "name_regex"} {
		a, ok := releasePlans.schema.Attributes[name].(schema.StringAttribute)
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
