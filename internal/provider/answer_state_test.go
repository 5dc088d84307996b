package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

// deployInfoState stores info as the deploy-info data source's Read does,
// every other attribute null.
func deployInfoState(t *testing.T, info *servicestage.DeployInfo) tfsdk.State {
	t.Helper()
	ds := newDeployInfoDataSource().(*dataSource)
	values := typedstate.Values{}
	for name, typ := range ds.schema.Type().TerraformType(context.Background()).(tftypes.Object).AttributeTypes {
		values[name] = tftypes.NewValue(typ, nil)
	}
	if err := setAPI(values, deployInfoObject, info, "deploy-info"); err != nil {
		t.Fatal(err)
	}
	raw, err := values.Value(ds.schema.Type().TerraformType(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return tfsdk.State{Schema: ds.schema, Raw: raw}
}

// The protocol values the builder makes read back through the framework as
// the framework's own values would: this holds the two equal.
func TestAPIObjectValues(t *testing.T) {
	set := func(v int64) servicestage.Int64 { return servicestage.Int64{Value: v, Valid: true} }
	state := deployInfoState(t, &servicestage.DeployInfo{
		ID: "task-1",
		Components: []*servicestage.Component{
			{
				ID: "c1", Name: "api", Version: "1.0", Seq: set(1),
				Status: "SUCCESS", JobID: "JOB-1", JobStatus: "SUCCEEDED",
				StartTime: servicestage.Time{Int64: set(1722933924962)},
				EndTime:   servicestage.Time{Int64: set(1722933950018)},
			},
			// A seq of 0 is a real batch number, unlike a time of 0 (decoded as unset).
			{Name: "worker", Seq: set(0), JobStatus: "FAILED", RollbackStartTime: servicestage.Time{Int64: set(1722933960000)}},
		},
	})
	ctx := context.Background()
	var id types.String
	var components types.List
	if diags := state.GetAttribute(ctx, path.Root("id"), &id); diags.HasError() || id != types.StringValue("task-1") {
		t.Errorf("id = %v %v", id, diags)
	}
	if diags := state.GetAttribute(ctx, path.Root("components"), &components); diags.HasError() {
		t.Fatal(diags)
	}
	componentType := deployInfoDataSource.schema.Attributes["components"].GetType().(types.ListType).ElemType.(types.ObjectType).AttrTypes
	want := types.ListValueMust(types.ObjectType{AttrTypes: componentType}, []attr.Value{
		types.ObjectValueMust(componentType, map[string]attr.Value{
			"id": types.StringValue("c1"), "name": types.StringValue("api"), "version": types.StringValue("1.0"),
			"seq": types.Int64Value(1), "status": types.StringValue("SUCCESS"), "job_id": types.StringValue("JOB-1"),
			"job_status": types.StringValue("SUCCEEDED"), "start_time": types.Int64Value(1722933924962),
			"end_time": types.Int64Value(1722933950018), "fail_message": types.StringNull(),
			"rollback_job_id": types.StringNull(), "rollback_job_status": types.StringNull(),
			"rollback_start_time": types.Int64Null(), "rollback_end_time": types.Int64Null(), "rollback_fail_message": types.StringNull(),
		}),
		types.ObjectValueMust(componentType, map[string]attr.Value{
			"id": types.StringNull(), "name": types.StringValue("worker"), "version": types.StringNull(),
			"seq": types.Int64Value(0), "status": types.StringNull(), "job_id": types.StringNull(),
			"job_status": types.StringValue("FAILED"), "start_time": types.Int64Null(),
			"end_time": types.Int64Null(), "fail_message": types.StringNull(),
			"rollback_job_id": types.StringNull(), "rollback_job_status": types.StringNull(),
			"rollback_start_time": types.Int64Value(1722933960000), "rollback_end_time": types.Int64Null(), "rollback_fail_message": types.StringNull(),
		}),
	})
	if !components.Equal(want) {
		t.Errorf("components = %v\nwant %v", components, want)
	}
}

func TestAPIObjectEmptyList(t *testing.T) {
	var components types.List
	state := deployInfoState(t, &servicestage.DeployInfo{})
	// An empty list, not a null one: HCL can take length() of it.
	if diags := state.GetAttribute(context.Background(), path.Root("components"), &components); diags.HasError() ||
		components.IsNull() || len(components.Elements()) != 0 {
		t.Errorf("components = %v %v; want an empty list", components, diags)
	}
}

func TestAPIObjectSchema(t *testing.T) {
	attrs := typedstate.ObjectOf[servicestage.ReleasePlan]().Attributes()
	// Fields of the embedded summary come first-class; desc is renamed.
	for name, want := range map[string]string{
		"id": "string", "name": "string", "status": "string", "create_time": "int64",
		"description": "string", "fail_strategy": "string", "components": "list",
	} {
		var got string
		switch a := attrs[name].(type) {
		case schema.StringAttribute:
			got = "string"
		case schema.Int64Attribute:
			got = "int64"
		case schema.ListNestedAttribute:
			got = "list"
			if _, ok := a.NestedObject.Attributes["component_id"].(schema.StringAttribute); !ok {
				t.Errorf("components has no component_id: %v", a.NestedObject.Attributes)
			}
		}
		if got != want || !attrs[name].IsComputed() || attrs[name].GetMarkdownDescription() == "" {
			t.Errorf("%s: %s (computed %v), want a documented, computed %s", name, got, attrs[name] != nil && attrs[name].IsComputed(), want)
		}
	}
	if _, ok := attrs["desc"]; ok {
		t.Error("desc should be exposed as description only")
	}
	components := deployInfoObject.Attributes()["components"].(schema.ListNestedAttribute).NestedObject.Attributes
	if doc := components["status"].GetMarkdownDescription(); !strings.Contains(doc, "such as `SUCCESS`, `RUNNING`") {
		t.Errorf("status: quoted values should become code: %q", doc)
	}
	if doc := components["start_time"].GetMarkdownDescription(); !strings.Contains(doc, "component's release") {
		t.Errorf("start_time: an apostrophe should stay: %q", doc)
	}
}

// Read must leave the configuration as Terraform sent it: the framework
// compares it with the state afterwards.
func TestReadLeavesTheConfigurationAlone(t *testing.T) {
	_, url := withTask(t)
	ctx := context.Background()
	data, diags := newProviderData(settings{endpoint: url, credentials: given(auth.SettingToken, testToken), projectID: testProject}, testTiming, "test")
	if diags.HasError() {
		t.Fatal(diags)
	}
	ds := newDeployInfoDataSource().(*dataSource)
	ds.data = data
	typ := ds.schema.Type().TerraformType(ctx).(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	attrs["release_plan_id"] = tftypes.NewValue(tftypes.String, testReleasePlan)
	config := tfsdk.Config{Schema: ds.schema, Raw: tftypes.NewValue(typ, attrs)}
	before := config.Raw.Copy()

	resp := datasource.ReadResponse{State: tfsdk.State{Schema: ds.schema, Raw: tftypes.NewValue(typ, nil)}}
	ds.Read(ctx, datasource.ReadRequest{Config: config}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if !config.Raw.Equal(before) {
		t.Errorf("Read changed the configuration:\n%s\nwas\n%s", config.Raw, before)
	}
}
