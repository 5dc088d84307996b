package provider

import (
	"context"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The contract fixes names, types and sensitivity; these tests hold the
// schema to it so that a rename or a type change cannot slip through.

type attrSpec struct {
	typ       attr.Type
	sensitive bool
}

func TestProviderSchemaMatchesContract(t *testing.T) {
	want := map[string]attrSpec{
		"region":                  {types.StringType, false},
		"project_id":              {types.StringType, false},
		"cloud":                   {types.StringType, false},
		"endpoint":                {types.StringType, false},
		"auth_url":                {types.StringType, false},
		"token":                   {types.StringType, true},
		"access_key":              {types.StringType, false},
		"secret_key":              {types.StringType, true},
		"security_token":          {types.StringType, true},
		"user_name":               {types.StringType, false},
		"password":                {types.StringType, true},
		"domain_name":             {types.StringType, false},
		"insecure":                {types.BoolType, false},
		"cacert_file":             {types.StringType, false},
		"max_retries":             {types.Int64Type, false},
		"max_requests_per_second": {types.Float64Type, false},
		"request_timeout":         {types.StringType, false},
		"idp_id":                  {types.StringType, false},
		"id_token":                {types.StringType, true},
		"id_token_file":           {types.StringType, false},
		"id_token_audience":       {types.StringType, false},
		"shared_config_file":      {types.StringType, false},
		"profile":                 {types.StringType, false},
	}
	var resp fwprovider.SchemaResponse
	(&servicestageProvider{}).Schema(context.Background(), fwprovider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	got := resp.Schema.Attributes
	assertSameNames(t, keys(want), keys(got))
	// assume_role is a block of at most one, as the contract says.
	role, ok := resp.Schema.Blocks["assume_role"].(providerschema.SingleNestedBlock)
	if len(resp.Schema.Blocks) != 1 || !ok {
		t.Fatalf("blocks %v, want one single nested block assume_role", resp.Schema.Blocks)
	}
	assertSameNames(t, []string{"agency_name", "domain_name", "duration"}, keys(role.Attributes))
	for name, a := range role.Attributes {
		if !a.GetType().Equal(types.StringType) || a.IsSensitive() || !a.IsOptional() {
			t.Errorf("assume_role.%s: want an optional, non-sensitive string", name)
		}
	}
	for name, spec := range want {
		a, ok := got[name]
		if !ok {
			continue
		}
		if !a.GetType().Equal(spec.typ) {
			t.Errorf("provider %s: type %s, want %s", name, a.GetType(), spec.typ)
		}
		if a.IsSensitive() != spec.sensitive {
			t.Errorf("provider %s: sensitive %v, want %v", name, a.IsSensitive(), spec.sensitive)
		}
		if !a.IsOptional() || a.IsRequired() {
			t.Errorf("provider %s: must be optional", name)
		}
		if a.GetMarkdownDescription() == "" {
			t.Errorf("provider %s: no description", name)
		}
	}
}

func TestDeployInfoSchemaMatchesContract(t *testing.T) {
	var resp datasource.SchemaResponse
	newDeployInfoDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	got := resp.Schema.Attributes
	assertSameNames(t, []string{
		"release_plan_id", "project_id", "wait_for_completion", "timeouts",
		"id", "components", "completed", "all_succeeded", "failed_components",
	}, keys(got))

	if a := got["release_plan_id"]; !a.IsRequired() || !a.GetType().Equal(types.StringType) {
		t.Errorf("release_plan_id must be a required string")
	}
	for name, typ := range map[string]attr.Type{"project_id": types.StringType, "wait_for_completion": types.BoolType} {
		if a := got[name]; !a.IsOptional() || !a.GetType().Equal(typ) {
			t.Errorf("%s must be an optional %s", name, typ)
		}
	}
	for name, typ := range map[string]attr.Type{
		"id":                types.StringType,
		"completed":         types.BoolType,
		"all_succeeded":     types.BoolType,
		"failed_components": types.ListType{ElemType: types.StringType},
	} {
		if a := got[name]; !a.IsComputed() || a.IsOptional() || !a.GetType().Equal(typ) {
			t.Errorf("%s must be a computed-only %s, got %s", name, typ, got[name].GetType())
		}
	}
	if to, ok := got["timeouts"].GetType().(attr.TypeWithAttributeTypes); !ok {
		t.Errorf("timeouts must be a nested attribute object")
	} else if rt, ok := to.AttributeTypes()["read"]; !ok || !rt.Equal(types.StringType) {
		t.Errorf("timeouts must have a string read attribute")
	}

	component := map[string]attr.Type{
		"id": types.StringType, "name": types.StringType, "version": types.StringType,
		"seq": types.Int64Type, "status": types.StringType, "job_id": types.StringType,
		"job_status": types.StringType, "start_time": types.Int64Type, "end_time": types.Int64Type,
		"fail_message": types.StringType, "rollback_job_id": types.StringType,
		"rollback_job_status": types.StringType, "rollback_start_time": types.Int64Type,
		"rollback_end_time": types.Int64Type, "rollback_fail_message": types.StringType,
	}
	list, ok := got["components"].GetType().(types.ListType)
	if !ok || !got["components"].IsComputed() {
		t.Fatalf("components must be a computed list, got %s", got["components"].GetType())
	}
	obj, ok := list.ElemType.(types.ObjectType)
	if !ok {
		t.Fatalf("components must hold objects, got %s", list.ElemType)
	}
	assertSameNames(t, keys(component), keys(obj.AttrTypes))
	for name, typ := range component {
		if got := obj.AttrTypes[name]; got != nil && !got.Equal(typ) {
			t.Errorf("components.%s: type %s, want %s", name, got, typ)
		}
	}
}

// dataSourceSchema returns the schema attributes of a data source.
func dataSourceSchema(t *testing.T, newDataSource func() datasource.DataSource) map[string]schema.Attribute {
	t.Helper()
	var resp datasource.SchemaResponse
	newDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema.Attributes
}

// assertAttributes checks names, types and roles: "required", "optional"
// (optional and computed, as project_id) or "computed" (computed only).
func assertAttributes(t *testing.T, what string, got map[string]schema.Attribute, want map[string]attrRole) {
	t.Helper()
	assertSameNames(t, keys(want), keys(got))
	for name, w := range want {
		a, ok := got[name]
		if !ok {
			continue
		}
		if !a.GetType().Equal(w.typ) {
			t.Errorf("%s.%s: type %s, want %s", what, name, a.GetType(), w.typ)
		}
		role := "computed"
		switch {
		case a.IsRequired():
			role = "required"
		case a.IsOptional():
			role = "optional"
		}
		if role != w.role || (role == "computed" && !a.IsComputed()) {
			t.Errorf("%s.%s: %s, want %s", what, name, role, w.role)
		}
		if a.GetMarkdownDescription() == "" {
			t.Errorf("%s.%s: no description", what, name)
		}
	}
}

type attrRole struct {
	typ  attr.Type
	role string
}

func objectList(attrTypes map[string]attr.Type) attr.Type {
	return types.ListType{ElemType: types.ObjectType{AttrTypes: attrTypes}}
}

var releasePlanSummaryTypes = map[string]attr.Type{
	"id": types.StringType, "name": types.StringType, "action": types.StringType, "status": types.StringType,
	"creator": types.StringType, "create_time": types.Int64Type, "modify_time": types.Int64Type, "execute_time": types.Int64Type,
}

func TestReleasePlansSchemaMatchesContract(t *testing.T) {
	str := types.StringType
	assertAttributes(t, "servicestage_release_plans", dataSourceSchema(t, newReleasePlansDataSource), map[string]attrRole{
		"project_id":    {str, "optional"},
		"name":          {str, "optional"},
		"name_regex":    {str, "optional"},
		"status":        {str, "optional"},
		"timeouts":      {readOnceTimeouts.GetType(), "optional"},
		"id":            {str, "computed"},
		"release_plans": {objectList(releasePlanSummaryTypes), "computed"},
		"ids":           {types.ListType{ElemType: str}, "computed"},
	})
}

func TestReleasePlanSchemaMatchesContract(t *testing.T) {
	str, num := types.StringType, types.Int64Type
	assertAttributes(t, "servicestage_release_plan", dataSourceSchema(t, newReleasePlanDataSource), map[string]attrRole{
		"release_plan_id": {str, "required"},
		"project_id":      {str, "optional"},
		"timeouts":        {readOnceTimeouts.GetType(), "optional"},
		"id":              {str, "computed"},
		"name":            {str, "computed"},
		"description":     {str, "computed"},
		"action":          {str, "computed"},
		"status":          {str, "computed"},
		"fail_strategy":   {str, "computed"},
		"swimlane_id":     {str, "computed"},
		"creator":         {str, "computed"},
		"create_time":     {num, "computed"},
		"modify_time":     {num, "computed"},
		"execute_time":    {num, "computed"},
		"components":      {objectList(map[string]attr.Type{"seq": num, "component_id": str, "name": str}), "computed"},
	})
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func assertSameNames(t *testing.T, want, got []string) {
	t.Helper()
	sort.Strings(want)
	sort.Strings(got)
	if len(want) != len(got) {
		t.Errorf("attributes:\n got  %v\n want %v", got, want)
		return
	}
	for i := range want {
		if want[i] != got[i] {
			t.Errorf("attributes:\n got  %v\n want %v", got, want)
			return
		}
	}
}

// Every data source states what it reads, which its messages are worded
// from: a noun, and for a read of one item an ID argument of its schema.
func TestEveryDataSourceStatesWhatItReads(t *testing.T) {
	ctx := context.Background()
	for _, newDataSource := range (&servicestageProvider{}).DataSources(ctx) {
		ds, ok := newDataSource().(*dataSource)
		if !ok {
			continue // Not built on dataSource: it words its own messages.
		}
		if ds.reads.noun == "" {
			t.Errorf("%s: reads is not set", ds.typeNameSuffix)
			continue
		}
		if a, ok := ds.schema.Attributes[ds.reads.idAttr]; !ds.reads.lists() && (!ok || !a.IsRequired()) {
			t.Errorf("%s: reads names %q, which is not a required argument", ds.typeNameSuffix, ds.reads.idAttr)
		}
	}
}
