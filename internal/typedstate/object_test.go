package typedstate

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestObjectSchema checks the attributes derived from testItem: promoted
// fields, a rename, a derived field, nested lists and objects, docs.
func TestObjectSchema(t *testing.T) {
	attrs := testItemObject.Attributes()
	for name, want := range map[string]string{
		"id": "string", "description": "string", "name": "string", "size": "int64",
		"parts": "list", "owner": "object", "word": "string",
	} {
		var got string
		switch attrs[name].(type) {
		case schema.StringAttribute:
			got = "string"
		case schema.Int64Attribute:
			got = "int64"
		case schema.ListNestedAttribute:
			got = "list"
		case schema.SingleNestedAttribute:
			got = "object"
		}
		if got != want || !attrs[name].IsComputed() || attrs[name].GetMarkdownDescription() == "" {
			t.Errorf("%s: %q, want a documented, computed %s", name, got, want)
		}
	}
	if len(attrs) != 7 {
		t.Errorf("attributes %v; want the seven above, desc as description only", attrs)
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
	values := Values{}
	if err := SetObject(values, testItemObject, testItems["full"]); err != nil {
		t.Fatal(err)
	}
	raw, err := values.Value(sch.Type().TerraformType(ctx))
	if err != nil {
		t.Fatal(err)
	}
	state := tfsdk.State{Schema: sch, Raw: raw}
	var item struct {
		ID          types.String `tfsdk:"id"`
		Description types.String `tfsdk:"description"`
		Name        types.String `tfsdk:"name"`
		Size        types.Int64  `tfsdk:"size"`
		Parts       types.List   `tfsdk:"parts"`
		Owner       types.Object `tfsdk:"owner"`
		Word        types.String `tfsdk:"word"`
	}
	if diags := state.Get(ctx, &item); diags.HasError() {
		t.Fatal(diags)
	}
	partType := map[string]attr.Type{"name": types.StringType, "count": types.Int64Type}
	part := func(name string, count types.Int64) attr.Value {
		return types.ObjectValueMust(partType, map[string]attr.Value{"name": types.StringValue(name), "count": count})
	}
	switch {
	case item.ID != types.StringValue("i-1"), item.Description != types.StringValue("a full item"),
		item.Size != types.Int64Value(7), item.Word != types.StringValue("BIG"):
		t.Errorf("item = %+v", item)
	// A count of 0 is a value; an unset one is null.
	case !item.Parts.Equal(types.ListValueMust(types.ObjectType{AttrTypes: partType},
		[]attr.Value{part("a", types.Int64Value(0)), part("b", types.Int64Null())})):
		t.Errorf("parts = %v", item.Parts)
	case !item.Owner.Equal(part("o", types.Int64Null())):
		t.Errorf("owner = %v", item.Owner)
	}
	var parts types.List
	values = Values{}
	if err := SetObject(values, testItemObject, &testItem{}); err != nil {
		t.Fatal(err)
	}
	raw, _ = values.Value(sch.Type().TerraformType(ctx))
	// An empty list, not a null one: HCL can take length() of it; "" is null.
	state = tfsdk.State{Schema: sch, Raw: raw}
	if diags := state.GetAttribute(ctx, path.Root("parts"), &parts); diags.HasError() || parts.IsNull() || len(parts.Elements()) != 0 {
		t.Errorf("parts = %v %v; want an empty list", parts, diags)
	}
	if !values["name"].IsNull() {
		t.Errorf("name = %v; want null", values["name"])
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
