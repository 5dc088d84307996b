package typedstate

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// partType is testPart's object type.
var partType = types.ObjectType{AttrTypes: map[string]attr.Type{"name": types.StringType, "count": types.Int64Type}}

// TestObjectSchema checks the attributes derived from testItem: promoted
// fields, a rename, a derived field, nested lists and objects, docs.
func TestObjectSchema(t *testing.T) {
	attrs := testItemObject.Attributes()
	want := map[string]attr.Type{
		"id": types.StringType, "word": types.StringType, "description": types.StringType, "name": types.StringType,
		"size": types.Int64Type, "parts": types.ListType{ElemType: partType}, "owner": partType,
	}
	for name, a := range attrs {
		if typ, ok := want[name]; !ok || !a.GetType().Equal(typ) || !a.IsComputed() || a.GetMarkdownDescription() == "" {
			t.Errorf("%s: %s (computed %v); want a documented, computed %v", name, a.GetType(), a.IsComputed(), typ)
		}
	}
	if len(attrs) != len(want) {
		t.Errorf("attributes %v; want %v, desc as description only", attrs, want)
	}
	if _, ok := attrs["owner"].(schema.SingleNestedAttribute); !ok {
		t.Errorf("owner is %T, not a nested object", attrs["owner"])
	}
	parts := attrs["parts"].(schema.ListNestedAttribute).NestedObject.Attributes
	if doc := parts["count"].GetMarkdownDescription(); doc != "How many, such as `3`." {
		t.Errorf("count: a quoted value should become code: %q", doc)
	}
	if doc := parts["name"].GetMarkdownDescription(); doc != "The part's name." {
		t.Errorf("name: an apostrophe should stay: %q", doc)
	}
}

// The protocol values the builder makes read back through the framework as
// the framework's own values would.
func TestObjectValuesReadBackThroughTheFramework(t *testing.T) {
	ctx := context.Background()
	sch := schema.Schema{Attributes: testItemObject.Attributes()}
	read := func(item *testItem) map[string]attr.Value {
		t.Helper()
		values := Values{}
		if err := SetObject(values, testItemObject, item); err != nil {
			t.Fatal(err)
		}
		raw, err := values.Value(sch.Type().TerraformType(ctx))
		if err != nil {
			t.Fatal(err)
		}
		v, err := sch.Type().ValueFromTerraform(ctx, raw)
		if err != nil {
			t.Fatal(err)
		}
		return v.(types.Object).Attributes()
	}
	part := func(name string, count types.Int64) attr.Value {
		return types.ObjectValueMust(partType.AttrTypes, map[string]attr.Value{"name": types.StringValue(name), "count": count})
	}
	// A count of 0 is a value, an unset one null; "" is null; an empty list
	// is not null, so that HCL can take length() of it.
	for item, want := range map[string]map[string]attr.Value{
		"full": {
			"id": types.StringValue("i-1"), "word": types.StringValue("BIG"), "description": types.StringValue("a full item"),
			"name": types.StringValue("full"), "size": types.Int64Value(7), "owner": part("o", types.Int64Null()),
			"parts": types.ListValueMust(partType, []attr.Value{part("a", types.Int64Value(0)), part("b", types.Int64Null())}),
		},
		"sparse": {
			"id": types.StringNull(), "word": types.StringNull(), "description": types.StringNull(), "name": types.StringNull(),
			"size": types.Int64Null(), "owner": types.ObjectNull(partType.AttrTypes), "parts": types.ListValueMust(partType, []attr.Value{}),
		},
	} {
		got := read(testItems[item])
		for name, v := range want {
			if !got[name].Equal(v) {
				t.Errorf("%s: %s = %v; want %v", item, name, got[name], v)
			}
		}
	}
}

// mustPanic fails unless build panics with a message that holds want.
func mustPanic(t *testing.T, want string, build func()) {
	t.Helper()
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, want) {
			t.Errorf("panic %q; want one naming %s", msg, want)
		}
	}()
	build()
}

func TestObjectRejectsUndocumentedFields(t *testing.T) {
	mustPanic(t, "has no doc tag", func() {
		ObjectOf[struct {
			Name string `json:"name"`
		}]()
	})
}

// A name declared twice is caught when the schema is built, not resolved by
// letting the later one win.
func TestObjectRejectsAttributeNameCollisions(t *testing.T) {
	type collides struct {
		ID    string `json:"id" doc:"An ID."`
		Other string `json:"other_id" tfsdk:"id" doc:"Another field the schema would call id."`
	}
	mustPanic(t, `"id"`, func() { ObjectOf[collides]() })
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
	o := ObjectOf[nestedRoot]()
	tests := []struct {
		v    *nestedRoot
		want string
	}{
		{&nestedRoot{Groups: []*nestedGroup{nil}}, "groups[0]"},
		{&nestedRoot{Groups: []*nestedGroup{{Parts: []*nestedPart{{Name: "a"}, nil}}}}, "groups[0].parts[1]"},
		{nil, "null where an object is expected"},
	}
	for _, tt := range tests {
		err := SetObject(Values{}, o, tt.v)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("got %v, want an error naming %s", err, tt.want)
		}
	}
	values := Values{}
	if err := SetObject(values, o, &nestedRoot{Groups: []*nestedGroup{{}, {Parts: []*nestedPart{{}}, Owner: &nestedPart{Name: "o"}}}}); err != nil {
		t.Errorf("empty nested lists and objects: %v", err)
	}
	// A null nested object is a null value, which the mapping rules allow.
	groups := values["groups"]
	var elems []tftypes.Value
	var first map[string]tftypes.Value
	if err := groups.As(&elems); err != nil || elems[0].As(&first) != nil || !first["owner"].IsNull() {
		t.Errorf("groups[0].owner: %v, want null", first["owner"])
	}
	sch := schema.Schema{Attributes: o.Attributes()}
	if _, ok := sch.Attributes["groups"].(schema.ListNestedAttribute).NestedObject.Attributes["owner"].(schema.SingleNestedAttribute); !ok {
		t.Error("owner is not a nested object attribute")
	}
}
