package provider

import (
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// stateValues are a data source's attribute values by name. A read starts
// from the configuration, so arguments reach the state as given, then sets
// what it resolved and read. Every data source shares this one mechanism
// instead of a model struct that would repeat the API's fields.
type stateValues map[string]attr.Value

// configValues reads the configuration of a data source.
func configValues(ctx context.Context, config tfsdk.Config) (stateValues, diag.Diagnostics) {
	var obj types.Object
	diags := config.Get(ctx, &obj)
	return obj.Attributes(), diags
}

// string is a string argument's value; "" when null or unknown.
func (s stateValues) string(name string) string {
	v, _ := s[name].(types.String)
	return v.ValueString()
}

// bool is a bool argument's value; false when null or unknown.
func (s stateValues) bool(name string) bool {
	v, _ := s[name].(types.Bool)
	return v.ValueBool()
}

// timeouts is the timeouts argument.
func (s stateValues) timeouts() timeouts.Value {
	v, _ := s["timeouts"].(timeouts.Value)
	return v
}

// setAPI sets the attributes of an API object from its value.
func setAPI[T any](s stateValues, o *apiObject, v *T) {
	o.setValues(s, reflect.ValueOf(v).Elem())
}

// save writes the values as the state.
func (s stateValues) save(ctx context.Context, state *tfsdk.State) diag.Diagnostics {
	typ, _ := state.Schema.Type().(attr.TypeWithAttributeTypes)
	if typ == nil {
		var diags diag.Diagnostics
		diags.AddError("Internal error", "The data source's schema is not an object. This is a bug in the provider; please report it.")
		return diags
	}
	obj, diags := types.ObjectValue(typ.AttributeTypes(), s)
	if diags.HasError() {
		return diags
	}
	return state.Set(ctx, obj)
}
