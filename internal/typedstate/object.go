// Package typedstate turns Go types into Terraform schemas and states: the
// computed attributes of a struct, its values as protocol values, and a
// protocol server that answers data source reads from them directly.
package typedstate

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Object is a Go struct type as Terraform sees it: computed attributes
// derived once from its fields, each declared with its JSON name, its type
// and a doc tag. The attribute is named by the field's tfsdk tag, else its
// JSON name. A doc writes a value in single quotes ('SUCCESS') where
// Markdown wants code: a struct tag cannot hold a backtick.
type Object struct {
	fields    []apiField
	attrTypes map[string]attr.Type
	// tfType is the protocol type of one object.
	tfType tftypes.Object
}

type apiField struct {
	name, doc string
	index     []int
	kind      fieldKind
	elem      *Object // the element of a list, or the nested object
}

type fieldKind int

const (
	stringField fieldKind = iota
	int64Field
	listField
	objectField
)

// quotedValue is a value in single quotes in a doc tag: no space inside, so
// that an apostrophe (component's) is left alone.
var quotedValue = regexp.MustCompile(`'([^'\s]+)'`)

// optionalInt64 is a number that may be unset: a field of a type with this
// method is an int64 attribute, null when unset.
type optionalInt64 interface{ Get() (int64, bool) }

var optionalInt64Type = reflect.TypeFor[optionalInt64]()

// ObjectOf derives the attributes of T. It panics on a field it cannot
// map, which only a change to T can cause and every test of a schema that
// uses it reveals.
func ObjectOf[T any]() *Object { return objectOf(reflect.TypeFor[T]()) }

func objectOf(t reflect.Type) *Object {
	o := &Object{attrTypes: map[string]attr.Type{}}
	seen := map[string]bool{}
	for _, f := range reflect.VisibleFields(t) {
		jsonName, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		// A field the API does not send (json "-") is an attribute when it
		// names one: a value the client derives, such as a status word.
		if f.Anonymous || !f.IsExported() || ((jsonName == "" || jsonName == "-") && f.Tag.Get("tfsdk") == "") {
			continue
		}
		af := apiField{name: jsonName, doc: quotedValue.ReplaceAllString(f.Tag.Get("doc"), "`$1`"), index: f.Index}
		if name := f.Tag.Get("tfsdk"); name != "" {
			af.name = name
		}
		switch {
		case af.doc == "":
			panic(fmt.Sprintf("typedstate: %s.%s has no doc tag", t, f.Name))
		case f.Type.Kind() == reflect.String:
			af.kind, o.attrTypes[af.name] = stringField, types.StringType
		case f.Type.Implements(optionalInt64Type):
			af.kind, o.attrTypes[af.name] = int64Field, types.Int64Type
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Pointer:
			af.kind, af.elem = listField, objectOf(f.Type.Elem().Elem())
			o.attrTypes[af.name] = types.ListType{ElemType: af.elem.objectType()}
		case f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct:
			af.kind, af.elem = objectField, objectOf(f.Type.Elem())
			o.attrTypes[af.name] = af.elem.objectType()
		default:
			panic(fmt.Sprintf("typedstate: %s.%s has type %s, which has no attribute type", t, f.Name, f.Type))
		}
		if seen[af.name] {
			panic(fmt.Sprintf("typedstate: %s.%s is attribute %q, which another field already is", t, f.Name, af.name))
		}
		seen[af.name] = true
		o.fields = append(o.fields, af)
	}
	o.tfType, _ = o.objectType().TerraformType(context.Background()).(tftypes.Object)
	return o
}

func (o *Object) objectType() types.ObjectType { return types.ObjectType{AttrTypes: o.attrTypes} }

// Attributes is the schema of the object's fields, all computed.
func (o *Object) Attributes() map[string]schema.Attribute {
	attrs := make(map[string]schema.Attribute, len(o.fields))
	for _, f := range o.fields {
		switch f.kind {
		case stringField:
			attrs[f.name] = schema.StringAttribute{Computed: true, MarkdownDescription: f.doc}
		case int64Field:
			attrs[f.name] = schema.Int64Attribute{Computed: true, MarkdownDescription: f.doc}
		case listField:
			attrs[f.name] = f.elem.ListAttribute(f.doc)
		case objectField:
			attrs[f.name] = schema.SingleNestedAttribute{Computed: true, MarkdownDescription: f.doc, Attributes: f.elem.Attributes()}
		}
	}
	return attrs
}

// ListAttribute is a computed list of these objects, which ListOf fills.
func (o *Object) ListAttribute(doc string) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: doc,
		NestedObject:        schema.NestedAttributeObject{Attributes: o.Attributes()},
	}
}

// setValues puts the values of v's fields into values: "" and unset numbers
// become null, as the API uses them for "not set". where names v in errors.
func (o *Object) setValues(values map[string]tftypes.Value, v reflect.Value, where string) error {
	for _, f := range o.fields {
		fv := v.FieldByIndex(f.index)
		switch f.kind {
		case stringField:
			values[f.name] = optionalString(fv.String())
		case int64Field:
			values[f.name] = tftypes.NewValue(tftypes.Number, nil)
			if number, ok := fv.Interface().(optionalInt64); ok {
				if n, set := number.Get(); set {
					values[f.name] = tftypes.NewValue(tftypes.Number, n)
				}
			}
		case listField:
			list, err := f.elem.listValue(fv, joinPath(where, f.name))
			if err != nil {
				return err
			}
			values[f.name] = list
		case objectField:
			object, err := f.elem.objectValue(fv, joinPath(where, f.name))
			if err != nil {
				return err
			}
			values[f.name] = object
		}
	}
	return nil
}

// objectValue converts a pointer to one of these objects; a null object
// (absent or JSON null) is a null value.
func (o *Object) objectValue(ptr reflect.Value, where string) (tftypes.Value, error) {
	if ptr.IsNil() {
		return tftypes.NewValue(o.tfType, nil), nil
	}
	values := make(map[string]tftypes.Value, len(o.fields))
	if err := o.setValues(values, ptr.Elem(), where); err != nil {
		return tftypes.Value{}, err
	}
	return tftypes.NewValue(o.tfType, values), nil
}

// listValue converts a slice of pointers to these objects; never null. A
// null element is an error naming it: the answer has null where an object
// is expected.
func (o *Object) listValue(slice reflect.Value, where string) (tftypes.Value, error) {
	elems := make([]tftypes.Value, slice.Len())
	for i := range elems {
		elem := slice.Index(i)
		at := fmt.Sprintf("%s[%d]", where, i)
		if elem.IsNil() {
			return tftypes.Value{}, fmt.Errorf("the answer has null at %s, where an object is expected", at)
		}
		v, err := o.objectValue(elem, at)
		if err != nil {
			return tftypes.Value{}, err
		}
		elems[i] = v
	}
	return tftypes.NewValue(tftypes.List{ElementType: o.tfType}, elems), nil
}

// ListOf converts a slice of objects of o's type; name is the attribute it
// fills, for errors.
func ListOf[T any](o *Object, name string, items []*T) (tftypes.Value, error) {
	return o.listValue(reflect.ValueOf(items), name)
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// optionalString is null for "", which the API uses for "not set".
func optionalString(s string) tftypes.Value {
	if s == "" {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return tftypes.NewValue(tftypes.String, s)
}
