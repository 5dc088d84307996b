package provider

import (
	"context"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// deployInfoModel is the data source's configuration and state.
type deployInfoModel struct {
	ReleasePlanID     types.String     `tfsdk:"release_plan_id"`
	ProjectID         types.String     `tfsdk:"project_id"`
	WaitForCompletion types.Bool       `tfsdk:"wait_for_completion"`
	Timeouts          timeouts.Value   `tfsdk:"timeouts"`
	ID                types.String     `tfsdk:"id"`
	Components        []componentModel `tfsdk:"components"`
	Completed         types.Bool       `tfsdk:"completed"`
	AllSucceeded      types.Bool       `tfsdk:"all_succeeded"`
	FailedComponents  []types.String   `tfsdk:"failed_components"`
}

// componentModel is one element of components.
type componentModel struct {
	ID                  types.String `tfsdk:"id"`
	Name                types.String `tfsdk:"name"`
	Version             types.String `tfsdk:"version"`
	Seq                 types.Int64  `tfsdk:"seq"`
	Status              types.String `tfsdk:"status"`
	JobID               types.String `tfsdk:"job_id"`
	JobStatus           types.String `tfsdk:"job_status"`
	StartTime           types.Int64  `tfsdk:"start_time"`
	EndTime             types.Int64  `tfsdk:"end_time"`
	FailMessage         types.String `tfsdk:"fail_message"`
	RollbackJobID       types.String `tfsdk:"rollback_job_id"`
	RollbackJobStatus   types.String `tfsdk:"rollback_job_status"`
	RollbackStartTime   types.Int64  `tfsdk:"rollback_start_time"`
	RollbackEndTime     types.Int64  `tfsdk:"rollback_end_time"`
	RollbackFailMessage types.String `tfsdk:"rollback_fail_message"`
}

// flattenDeployInfo sets the computed attributes of m from the API's answer.
// Empty strings and unset numbers become null, as the contract says.
func flattenDeployInfo(info *servicestage.DeployInfo, m *deployInfoModel) {
	m.ID = optionalString(info.ID)
	m.Components = make([]componentModel, len(info.Components))
	for i := range info.Components {
		c := &info.Components[i]
		m.Components[i] = componentModel{
			ID:                  optionalString(c.ID),
			Name:                optionalString(c.Name),
			Version:             optionalString(c.Version),
			Seq:                 optionalInt64(c.Seq),
			Status:              optionalString(c.Status),
			JobID:               optionalString(c.JobID),
			JobStatus:           optionalString(c.JobStatus),
			StartTime:           optionalInt64(c.StartTime),
			EndTime:             optionalInt64(c.EndTime),
			FailMessage:         optionalString(c.FailMessage),
			RollbackJobID:       optionalString(c.RollbackJobID),
			RollbackJobStatus:   optionalString(c.RollbackJobStatus),
			RollbackStartTime:   optionalInt64(c.RollbackStartTime),
			RollbackEndTime:     optionalInt64(c.RollbackEndTime),
			RollbackFailMessage: optionalString(c.RollbackFailMessage),
		}
	}
	m.Completed = types.BoolValue(info.Completed())
	m.AllSucceeded = types.BoolValue(info.AllSucceeded())
	failed := info.FailedComponents()
	m.FailedComponents = make([]types.String, len(failed))
	for i, name := range failed {
		m.FailedComponents[i] = optionalString(name)
	}
}

// readArguments reads the data source's arguments from its configuration's
// raw value: Config.Get(ctx, &m) would reflect over the whole model and
// compile a regexp per field on every read (see stateValue), and even
// Config.GetAttribute walks the schema and reflects once per argument.
// TestReadArgumentsMatchesConfigGet keeps it in step with Config.Get; a
// configuration it does not expect is read attribute by attribute.
func readArguments(ctx context.Context, config tfsdk.Config) (deployInfoModel, diag.Diagnostics) {
	var m deployInfoModel
	var attrs map[string]tftypes.Value
	if !config.Raw.IsKnown() || config.Raw.IsNull() || config.Raw.As(&attrs) != nil {
		return readArgumentsByAttribute(ctx, config)
	}
	var ok [4]bool
	m.ReleasePlanID, ok[0] = stringArgument(attrs["release_plan_id"])
	m.ProjectID, ok[1] = stringArgument(attrs["project_id"])
	m.WaitForCompletion, ok[2] = boolArgument(attrs["wait_for_completion"])
	m.Timeouts, ok[3] = timeoutsArgument(ctx, attrs["timeouts"])
	if ok != [4]bool{true, true, true, true} {
		return readArgumentsByAttribute(ctx, config)
	}
	return m, nil
}

// readArgumentsByAttribute reads the arguments one by one through the schema.
func readArgumentsByAttribute(ctx context.Context, config tfsdk.Config) (deployInfoModel, diag.Diagnostics) {
	var m deployInfoModel
	var diags diag.Diagnostics
	diags.Append(config.GetAttribute(ctx, path.Root("release_plan_id"), &m.ReleasePlanID)...)
	diags.Append(config.GetAttribute(ctx, path.Root("project_id"), &m.ProjectID)...)
	diags.Append(config.GetAttribute(ctx, path.Root("wait_for_completion"), &m.WaitForCompletion)...)
	diags.Append(config.GetAttribute(ctx, path.Root("timeouts"), &m.Timeouts)...)
	return m, diags
}

func stringArgument(v tftypes.Value) (types.String, bool) {
	switch {
	case v.Type() == nil || !v.Type().Is(tftypes.String):
		return types.String{}, false
	case !v.IsKnown():
		return types.StringUnknown(), true
	case v.IsNull():
		return types.StringNull(), true
	}
	var s string
	if v.As(&s) != nil {
		return types.String{}, false
	}
	return types.StringValue(s), true
}

func boolArgument(v tftypes.Value) (types.Bool, bool) {
	switch {
	case v.Type() == nil || !v.Type().Is(tftypes.Bool):
		return types.Bool{}, false
	case !v.IsKnown():
		return types.BoolUnknown(), true
	case v.IsNull():
		return types.BoolNull(), true
	}
	var b bool
	if v.As(&b) != nil {
		return types.Bool{}, false
	}
	return types.BoolValue(b), true
}

// timeoutsType is the type of the timeouts attribute, with its one argument:
// timeouts.AttributesWithOpts with ReadDescription.
var (
	timeoutsType   = timeouts.Type{ObjectType: types.ObjectType{AttrTypes: map[string]attr.Type{"read": types.StringType}}}
	timeoutsTFType = timeoutsType.TerraformType(context.Background())
)

func timeoutsArgument(ctx context.Context, v tftypes.Value) (timeouts.Value, bool) {
	if v.Type() == nil || !v.Type().Equal(timeoutsTFType) {
		return timeouts.Value{}, false
	}
	value, err := timeoutsType.ValueFromTerraform(ctx, v)
	if err != nil {
		return timeouts.Value{}, false
	}
	t, ok := value.(timeouts.Value)
	return t, ok
}

// stateValue converts m to a raw state value of typ, the data source's schema
// type. Read stores it instead of calling State.Set(ctx, &m), whose
// reflection compiles a regexp for every field of every struct it converts
// (terraform-plugin-framework internal/reflect.isValidFieldName): that was
// two thirds of a read's CPU time, and a quarter of a millisecond per
// component (BENCHMARKS.md).
// TestStateValueMatchesStateSet keeps the two in step.
func (m *deployInfoModel) stateValue(ctx context.Context, typ tftypes.Type) (value tftypes.Value, err error) {
	// tftypes.NewValue panics on a value that does not fit its type, which
	// only a schema out of step with this function can cause: report it.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("building the state of deploy info: %v", r)
		}
	}()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("building the state of deploy info: schema type is %s, not an object", typ)
	}
	componentsType, _ := obj.AttributeTypes["components"].(tftypes.List)
	failedType, _ := obj.AttributeTypes["failed_components"].(tftypes.List)
	componentType := componentsType.ElementType

	components := make([]tftypes.Value, len(m.Components))
	// Backing stores, one allocation each rather than one per value.
	b := &valueBuilder{
		strs:   make([]string, 0, componentStrings*len(m.Components)),
		floats: make([]big.Float, 0, componentNumbers*len(m.Components)),
	}
	for i := range m.Components {
		c := &m.Components[i]
		components[i] = tftypes.NewValue(componentType, map[string]tftypes.Value{
			"id":                    b.string(c.ID),
			"name":                  b.string(c.Name),
			"version":               b.string(c.Version),
			"seq":                   b.int64(c.Seq),
			"status":                b.string(c.Status),
			"job_id":                b.string(c.JobID),
			"job_status":            b.string(c.JobStatus),
			"start_time":            b.int64(c.StartTime),
			"end_time":              b.int64(c.EndTime),
			"fail_message":          b.string(c.FailMessage),
			"rollback_job_id":       b.string(c.RollbackJobID),
			"rollback_job_status":   b.string(c.RollbackJobStatus),
			"rollback_start_time":   b.int64(c.RollbackStartTime),
			"rollback_end_time":     b.int64(c.RollbackEndTime),
			"rollback_fail_message": b.string(c.RollbackFailMessage),
		})
	}
	failed := make([]tftypes.Value, len(m.FailedComponents))
	for i, name := range m.FailedComponents {
		failed[i] = stringValue(name)
	}
	timeouts, err := m.Timeouts.ToTerraformValue(ctx)
	if err != nil {
		return tftypes.Value{}, fmt.Errorf("building the state of deploy info: timeouts: %w", err)
	}
	return tftypes.NewValue(obj, map[string]tftypes.Value{
		"release_plan_id":     stringValue(m.ReleasePlanID),
		"project_id":          stringValue(m.ProjectID),
		"wait_for_completion": boolValue(m.WaitForCompletion),
		"timeouts":            timeouts,
		"id":                  stringValue(m.ID),
		"components":          listValue(componentsType, components, m.Components == nil),
		"completed":           boolValue(m.Completed),
		"all_succeeded":       boolValue(m.AllSucceeded),
		"failed_components":   listValue(failedType, failed, m.FailedComponents == nil),
	}), nil
}

// The primitive types as interface values, boxed once: NewValue(tftypes.String, …)
// would allocate a copy of the type on every call.
var (
	stringType tftypes.Type = tftypes.String
	numberType tftypes.Type = tftypes.Number
	boolType   tftypes.Type = tftypes.Bool
)

// stringValue, int64Value and boolValue are ToTerraformValue without its
// second validation and copies: a read makes 15 of them per component.
func stringValue(v types.String) tftypes.Value {
	switch {
	case v.IsUnknown():
		return tftypes.NewValue(stringType, tftypes.UnknownValue)
	case v.IsNull():
		return tftypes.NewValue(stringType, nil)
	}
	return tftypes.NewValue(stringType, v.ValueString())
}

func int64Value(v types.Int64) tftypes.Value {
	switch {
	case v.IsUnknown():
		return tftypes.NewValue(numberType, tftypes.UnknownValue)
	case v.IsNull():
		return tftypes.NewValue(numberType, nil)
	}
	return tftypes.NewValue(numberType, new(big.Float).SetInt64(v.ValueInt64()))
}

func boolValue(v types.Bool) tftypes.Value {
	switch {
	case v.IsUnknown():
		return tftypes.NewValue(boolType, tftypes.UnknownValue)
	case v.IsNull():
		return tftypes.NewValue(boolType, nil)
	}
	return tftypes.NewValue(boolType, v.ValueBool())
}

// The string and number attributes of a component.
const componentStrings, componentNumbers = 10, 5

// valueBuilder makes string and number values like stringValue and
// int64Value, with fewer allocations: NewValue keeps a copy of a string it
// is given by pointer, and the *big.Float it is given.
type valueBuilder struct {
	strs   []string
	floats []big.Float
}

func (b *valueBuilder) string(v types.String) tftypes.Value {
	if v.IsUnknown() || v.IsNull() || len(b.strs) == cap(b.strs) {
		return stringValue(v)
	}
	b.strs = append(b.strs, v.ValueString())
	return tftypes.NewValue(stringType, &b.strs[len(b.strs)-1])
}

func (b *valueBuilder) int64(v types.Int64) tftypes.Value {
	if v.IsUnknown() || v.IsNull() || len(b.floats) == cap(b.floats) {
		return int64Value(v)
	}
	b.floats = append(b.floats, big.Float{})
	f := &b.floats[len(b.floats)-1]
	return tftypes.NewValue(numberType, f.SetInt64(v.ValueInt64()))
}

// listValue is a list of elems, or null for a nil slice as State.Set has it.
func listValue(typ tftypes.List, elems []tftypes.Value, null bool) tftypes.Value {
	if null {
		return tftypes.NewValue(typ, nil)
	}
	return tftypes.NewValue(typ, elems)
}

func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func optionalInt64(v servicestage.Int64) types.Int64 {
	if !v.Valid {
		return types.Int64Null()
	}
	return types.Int64Value(v.Value)
}
