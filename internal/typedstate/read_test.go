package typedstate

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// servedAndFramework are the server NewProtocol6 makes and the framework's
// own, over providers that newProvider makes, both configured.
func servedAndFramework(t *testing.T, newProvider func() provider.Provider) (Server, tfprotov6.ProviderServer) {
	t.Helper()
	served, ok := NewProtocol6(newProvider)().(Server)
	if !ok {
		t.Fatal("NewProtocol6 serves no Server")
	}
	framework := providerserver.NewProtocol6(newProvider())()
	configure(t, served)
	configure(t, framework)
	return served, framework
}

// answerText shows an answer for a failure message.
func answerText(resp *tfprotov6.ReadDataSourceResponse) string {
	if resp == nil {
		return "<nil>"
	}
	text := fmt.Sprintf("deferred %v", resp.Deferred)
	for _, d := range resp.Diagnostics {
		text += fmt.Sprintf(" [%s %s: %s at %v]", d.Severity, d.Summary, d.Detail, d.Attribute)
	}
	if resp.State != nil {
		text += fmt.Sprintf(" state %x", resp.State.MsgPack)
	}
	return text
}

// TestReadFastIsTheFrameworkRead holds ReadFast to what it replaces, for a
// data source of every kind of attribute: its answer, state, diagnostics
// and their paths, is byte for byte the framework's, and through
// ReadDataSource too.
func TestReadFastIsTheFrameworkRead(t *testing.T) {
	ctx := context.Background()
	reads := map[string]map[string]any{
		"every value":     {"key": "full"},
		"nulls":           {"key": "sparse"},
		"a null answer":   {"key": "null"},
		"a null element":  {"key": "null part"},
		"not found":       {"key": "none"},
		"unknown key":     {"key": nil},
		"unknown wait":    {"key": "full", "wait": nil},
		"configured wait": {"key": "full", "wait": false},
	}
	for name, set := range reads {
		for _, deferral := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/deferral allowed %v", name, deferral), func(t *testing.T) {
				served, framework := servedAndFramework(t, newTestProvider)
				req := readRequest(t, served, "test_item", set)
				req.ClientCapabilities = &tfprotov6.ReadDataSourceClientCapabilities{DeferralAllowed: deferral}
				want, err := framework.ReadDataSource(ctx, req)
				got, fast := served.ReadFast(ctx, req)
				if err != nil || !fast {
					t.Fatalf("the framework's read: %v; ReadFast answered: %v", err, fast)
				}
				if !reflect.DeepEqual(want, got) {
					t.Errorf("ReadFast:  %s\nframework: %s", answerText(got), answerText(want))
				}
				if wrapped, err := served.ReadDataSource(ctx, req); err != nil || !reflect.DeepEqual(want, wrapped) {
					t.Errorf("ReadDataSource: %v %s\nframework: %s", err, answerText(wrapped), answerText(want))
				}
			})
		}
	}
}

// TestReadFastLeavesTheUnusualToTheFramework checks the requests ReadFast
// hands on, and that the served answer is still the framework's.
func TestReadFastLeavesTheUnusualToTheFramework(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		unconfigure bool
		provider    func() provider.Provider
		typeName    string
		edit        func(req *tfprotov6.ReadDataSourceRequest)
	}{
		{name: "provider not configured", unconfigure: true},
		{name: "unknown data source", edit: func(req *tfprotov6.ReadDataSourceRequest) { req.TypeName = "test_nothing" }},
		{name: "no configuration", edit: func(req *tfprotov6.ReadDataSourceRequest) { req.Config = nil }},
		{name: "configuration of another type", edit: func(req *tfprotov6.ReadDataSourceRequest) {
			dv, _ := tfprotov6.NewDynamicValue(tftypes.String, tftypes.NewValue(tftypes.String, "x"))
			req.Config = &dv
		}},
		{name: "provider_meta", edit: func(req *tfprotov6.ReadDataSourceRequest) { req.ProviderMeta = req.Config }},
		{name: "provider deferred every read", provider: func() provider.Provider { return &testProvider{deferred: true} }},
		{name: "a schema with blocks", typeName: "test_item_with_block"},
		{name: "a provider that records no Configure", provider: func() provider.Provider { return unrecorded{newTestProvider()} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newProvider := newTestProvider
			if tt.provider != nil {
				newProvider = tt.provider
			}
			served, framework := servedAndFramework(t, newProvider)
			if tt.unconfigure {
				served, framework = NewProtocol6(newProvider)().(Server), providerserver.NewProtocol6(newProvider())()
			}
			typeName := "test_item"
			if tt.typeName != "" {
				typeName = tt.typeName
			}
			req := readRequest(t, served, typeName, map[string]any{"key": "full"})
			if tt.edit != nil {
				tt.edit(req)
			}
			if _, ok := served.ReadFast(ctx, req); ok {
				t.Fatal("ReadFast answered; want the framework to")
			}
			want, err := framework.ReadDataSource(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := served.ReadDataSource(ctx, req); err != nil || !reflect.DeepEqual(want, got) {
				t.Errorf("served: %v %s\nframework: %s", err, answerText(got), answerText(want))
			}
		})
	}
}

// unrecorded is a provider that is no Provider: it keeps no record of its
// Configure.
type unrecorded struct{ provider.Provider }

// TestReadFastServesOnlyWhatThePassesLeaveAlone checks the schema test that
// decides which data sources ReadFast serves.
func TestReadFastServesOnlyWhatThePassesLeaveAlone(t *testing.T) {
	served := newFastReader(newTestProvider()).dataSources()
	if _, ok := served["test_item"]; !ok || len(served) != 1 {
		t.Errorf("ReadFast serves %v; want test_item alone", served)
	}
	ctx := context.Background()
	if hasSemanticEquality(ctx, testItemObject.objectType()) {
		t.Error("the test item's type reports semantic equality; it has none")
	}
	if !hasSemanticEquality(ctx, semanticType{}) {
		t.Error("a type with semantic equality is not recognised")
	}
	if !hasSemanticEquality(ctx, types.ListType{ElemType: semanticType{}}) {
		t.Error("a list of a type with semantic equality is not recognised")
	}
	if !hasSemanticEquality(ctx, types.ObjectType{AttrTypes: map[string]attr.Type{"s": semanticType{}}}) {
		t.Error("an object with an attribute with semantic equality is not recognised")
	}
}

// semanticType is a string type whose values define semantic equality.
type semanticType struct{ basetypes.StringType }

func (semanticType) ValueType(context.Context) attr.Value { return semanticValue{} }

type semanticValue struct{ basetypes.StringValue }

func (semanticValue) StringSemanticEquals(context.Context, basetypes.StringValuable) (bool, diag.Diagnostics) {
	return true, nil
}
