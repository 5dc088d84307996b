package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// stateValues are a data source's attribute values by name, as Terraform's
// protocol carries them. A read starts from the configuration, so arguments
// reach the state as given, then sets what it resolved and read. Every data
// source shares this one mechanism instead of a model struct that would
// repeat the API's fields; it builds protocol values directly, because the
// framework's attr.Value detour costs more than the rest of a read.
type stateValues map[string]tftypes.Value

// configValues reads the configuration of a data source into a map of its
// own: As hands back the configuration's map itself, which the framework
// still reads after Read.
func configValues(config tftypes.Value) (stateValues, error) {
	var values map[string]tftypes.Value
	if err := config.As(&values); err != nil {
		return nil, fmt.Errorf("reading the configuration: %w", err)
	}
	return maps.Clone(values), nil
}

// string is a string argument's value; "" when null, unknown or absent.
func (s stateValues) string(name string) string {
	var v string
	if val, ok := s[name]; ok && val.IsFullyKnown() && !val.IsNull() {
		_ = val.As(&v)
	}
	return v
}

// bool is a bool argument's value; false when null, unknown or absent.
func (s stateValues) bool(name string) bool {
	var v bool
	if val, ok := s[name]; ok && val.IsFullyKnown() && !val.IsNull() {
		_ = val.As(&v)
	}
	return v
}

func (s stateValues) setString(name, v string) { s[name] = tftypes.NewValue(tftypes.String, v) }

func (s stateValues) setBool(name string, v bool) { s[name] = tftypes.NewValue(tftypes.Bool, v) }

// setStrings sets a list of strings; never null.
func (s stateValues) setStrings(name string, items []string) {
	elems := make([]tftypes.Value, len(items))
	for i, item := range items {
		elems[i] = tftypes.NewValue(tftypes.String, item)
	}
	s[name] = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, elems)
}

// setAPI sets the attributes of an API object from its value; a null where
// an object is expected, at any depth, is an error naming the element.
// response names the answer, as servicestage.DecodeError does.
func setAPI[T any](s stateValues, o *apiObject, v *T, response string) error {
	if v == nil {
		return unexpectedNull(response, errors.New("the answer is null where an object is expected"))
	}
	return unexpectedNull(response, o.setValues(s, reflect.ValueOf(v).Elem(), ""))
}

// unexpectedNull reports an answer the state cannot hold as a malformed
// answer, which the diagnostics and the waits already know.
func unexpectedNull(response string, err error) error {
	if err == nil {
		return nil
	}
	return &servicestage.DecodeError{Response: response, Index: -1, Offset: -1, Err: err}
}

// readTimeout is timeouts.read, or fallback when the schema has no timeouts
// or the configuration none.
func (s stateValues) readTimeout(ctx context.Context, sch schema.Schema, fallback time.Duration) (time.Duration, error) {
	attr, ok := sch.Attributes["timeouts"]
	if !ok {
		return fallback, nil
	}
	return configuredTimeout(ctx, attr.GetType(), s["timeouts"], func(t timeouts.Value) (time.Duration, diag.Diagnostics) {
		return t.Read(ctx, fallback)
	})
}

// configuredTimeout reads a timeouts attribute of type typ from its value
// raw, and returns what get (the timeouts package's Read or Invoke) makes of it.
func configuredTimeout[V any](ctx context.Context, typ attr.Type, raw tftypes.Value, get func(V) (time.Duration, diag.Diagnostics)) (time.Duration, error) {
	v, err := typ.ValueFromTerraform(ctx, raw)
	if err != nil {
		return 0, fmt.Errorf("reading timeouts: %w", err)
	}
	t, ok := v.(V)
	if !ok {
		return 0, fmt.Errorf("reading timeouts: got %T", v)
	}
	d, diags := get(t)
	if diags.HasError() {
		return 0, fmt.Errorf("%s: %s", diags[0].Summary(), diags[0].Detail())
	}
	return d, nil
}

// value is the values as the state of a data source of schema type typ.
func (s stateValues) value(typ tftypes.Type) (v tftypes.Value, err error) {
	// tftypes.NewValue panics on a value that does not fit its type, which
	// only a schema out of step with the values set can cause.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("building the state: %v", r)
		}
	}()
	return tftypes.NewValue(typ, map[string]tftypes.Value(s)), nil
}
