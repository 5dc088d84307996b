package typedstate

import (
	"errors"
	"fmt"
	"maps"
	"reflect"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Values are a data source's attribute values by name, as Terraform's
// protocol carries them. A read starts from the configuration, so arguments
// reach the state as given, then sets what it resolved and read. Every data
// source shares this one mechanism instead of a model struct that would
// repeat the API's fields; it builds protocol values directly, because the
// framework's attr.Value detour costs more than the rest of a read.
type Values map[string]tftypes.Value

// ConfigValues reads the configuration of a data source into a map of its
// own: As hands back the configuration's map itself, which the framework
// still reads after Read.
func ConfigValues(config tftypes.Value) (Values, error) {
	var values map[string]tftypes.Value
	if err := config.As(&values); err != nil {
		return nil, fmt.Errorf("reading the configuration: %w", err)
	}
	return maps.Clone(values), nil
}

// String is a string argument's value; "" when null, unknown or absent.
func (s Values) String(name string) string {
	var v string
	if val, ok := s[name]; ok && val.IsFullyKnown() && !val.IsNull() {
		_ = val.As(&v)
	}
	return v
}

// Bool is a bool argument's value; false when null, unknown or absent.
func (s Values) Bool(name string) bool {
	var v bool
	if val, ok := s[name]; ok && val.IsFullyKnown() && !val.IsNull() {
		_ = val.As(&v)
	}
	return v
}

// SetString sets a string attribute.
func (s Values) SetString(name, v string) { s[name] = tftypes.NewValue(tftypes.String, v) }

// SetBool sets a bool attribute.
func (s Values) SetBool(name string, v bool) { s[name] = tftypes.NewValue(tftypes.Bool, v) }

// SetStrings sets a list of strings; never null.
func (s Values) SetStrings(name string, items []string) {
	elems := make([]tftypes.Value, len(items))
	for i, item := range items {
		elems[i] = tftypes.NewValue(tftypes.String, item)
	}
	s[name] = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, elems)
}

// SetObject sets the attributes of o from v, a value of o's type; a null
// where an object is expected, at any depth, is an error naming the element.
func SetObject[T any](s Values, o *Object, v *T) error {
	if v == nil {
		return errors.New("the answer is null where an object is expected")
	}
	return o.setValues(s, reflect.ValueOf(v).Elem(), "")
}

// Value is the values as the state of a data source of schema type typ.
func (s Values) Value(typ tftypes.Type) (v tftypes.Value, err error) {
	// tftypes.NewValue panics on a value that does not fit its type, which
	// only a schema out of step with the values set can cause.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("building the state: %v", r)
		}
	}()
	return tftypes.NewValue(typ, map[string]tftypes.Value(s)), nil
}
