package provider

import (
	"bytes"
	"cmp"
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

// readShape is one read a fixture asks of a data source, through a provider
// configured as providerConfigs[provider] says ("" is "project").
type readShape struct {
	name     string
	provider string
	// config sets attributes of the data source; the rest are null. A string
	// or bool is that value, unknown an unknown one, timeoutsRead a
	// timeouts block.
	config map[string]any
	// deferralAllowed is the request's client capability.
	deferralAllowed bool
	// cancelled reads in a context cancelled before the read.
	cancelled bool
	// want is in the diagnostics; "" wants none.
	want string
}

type unknownValue struct{}

type timeoutsRead string

var unknown unknownValue

// Release tasks the fixtures read; the emulator answers them in
// fastReadEmulator.
const (
	fastTaskMixed     = "0d9c8b7a-6f5e-4d3c-2b1a-000000000001" // components of every kind: nulls included
	fastTaskEmpty     = "0d9c8b7a-6f5e-4d3c-2b1a-000000000002" // no components: empty lists
	fastTaskDone      = "0d9c8b7a-6f5e-4d3c-2b1a-000000000003" // completed, for wait_for_completion
	fastTaskMissing   = "0d9c8b7a-6f5e-4d3c-2b1a-000000000004" // 404
	fastTaskMalformed = "0d9c8b7a-6f5e-4d3c-2b1a-000000000005" // a body of the wrong shape
)

// fastReadFixtures are the reads TestFastReadIsTheFrameworkRead compares, by
// data source type name: every data source of the provider needs an entry,
// covering its nulls, empty lists, unknown configuration, errors, warnings
// and timeouts.
var fastReadFixtures = map[string][]readShape{
	"servicestage_release_plan_deploy_info": {
		{name: "nulls", config: map[string]any{"release_plan_id": fastTaskMixed}},
		{name: "empty lists", config: map[string]any{"release_plan_id": fastTaskEmpty}},
		{name: "project given", provider: "no project", config: map[string]any{"release_plan_id": fastTaskMixed, "project_id": testProject}},
		{name: "wait", config: map[string]any{"release_plan_id": fastTaskDone, "wait_for_completion": true, "timeouts": timeoutsRead("5m")}},
		{name: "unknown config", config: map[string]any{"release_plan_id": fastTaskMixed, "project_id": unknown, "wait_for_completion": unknown, "timeouts": unknown}},
		{name: "unknown timeouts.read", config: map[string]any{"release_plan_id": fastTaskMixed, "timeouts": timeoutsRead("")}},
		{name: "timeouts", config: map[string]any{"release_plan_id": fastTaskMixed, "timeouts": timeoutsRead("30s")}},
		{name: "invalid timeouts", config: map[string]any{"release_plan_id": fastTaskMixed, "timeouts": timeoutsRead("soon")}, want: `ERROR Invalid timeouts.read: Timeout Cannot Be Parsed: timeout for "read" cannot be parsed, time: invalid duration "soon" at AttributeName("timeouts").AttributeName("read")`},
		{name: "deferral allowed", deferralAllowed: true, config: map[string]any{"release_plan_id": fastTaskMixed}},
		{name: "not found", config: map[string]any{"release_plan_id": fastTaskMissing}, want: "was not found in project"},
		{name: "malformed answer", config: map[string]any{"release_plan_id": fastTaskMalformed}, want: "ERROR Unexpected"},
		{name: "missing project", provider: "no project", config: map[string]any{"release_plan_id": fastTaskMixed}, want: `on the provider. at AttributeName("project_id")`},
		{name: "credentials missing", provider: "no credentials", config: map[string]any{"release_plan_id": fastTaskMixed}, want: "ERROR No credentials for ServiceStage"},
		{name: "cancelled", cancelled: true, config: map[string]any{"release_plan_id": fastTaskMixed}, want: "context canceled"},
	},
	"servicestage_release_plan": {
		{name: "nulls", config: map[string]any{"release_plan_id": fastTaskMixed}},
		{name: "empty lists", config: map[string]any{"release_plan_id": fastTaskEmpty}},
		{name: "unknown config", config: map[string]any{"release_plan_id": fastTaskMixed, "project_id": unknown, "timeouts": unknown}},
		{name: "timeouts", deferralAllowed: true, config: map[string]any{"release_plan_id": fastTaskMixed, "timeouts": timeoutsRead("1m")}},
		{name: "expired timeouts", config: map[string]any{"release_plan_id": fastTaskMixed, "timeouts": timeoutsRead("-1s")}, want: "ERROR Timed out reading release task"},
		{name: "not found", config: map[string]any{"release_plan_id": fastTaskMissing}, want: "was not found in project"},
		{name: "missing project", provider: "no project", config: map[string]any{"release_plan_id": fastTaskMixed}, want: "ERROR Missing project_id"},
	},
	"servicestage_release_plans": {
		{name: "nulls", config: map[string]any{}},
		{name: "filters", config: map[string]any{"name_regex": "^orders-", "status": "SUCCESS"}},
		{name: "empty lists", config: map[string]any{"name": "no such task"}},
		{name: "unknown config", config: map[string]any{"name": unknown, "name_regex": unknown, "project_id": unknown}},
		{name: "warning", provider: "other project", config: map[string]any{}, want: "WARNING Release task list may be incomplete"},
		{name: "invalid name_regex", config: map[string]any{"name_regex": "("}, want: `ERROR Invalid regular expression: error parsing regexp: missing closing ): ` + "`(`" + ` at AttributeName("name_regex")`},
		{name: "timeouts", deferralAllowed: true, config: map[string]any{"timeouts": timeoutsRead("10s")}},
		{name: "permission denied", provider: "other project", config: map[string]any{"project_id": testProject}, want: "ERROR Permission denied"},
	},
	"servicestage_pipelines": {
		{name: "nulls", config: map[string]any{}},
		{name: "filters", config: map[string]any{"name_regex": "^checkout-", "status": "SUCCEEDED"}},
		{name: "empty lists", config: map[string]any{"name": "no such task"}},
		{name: "unknown config", config: map[string]any{"name": unknown, "status": unknown, "project_id": unknown}},
		{name: "timeouts", deferralAllowed: true, config: map[string]any{"timeouts": timeoutsRead("10s")}},
		{name: "missing project", provider: "no project", config: map[string]any{}, want: "ERROR Missing project_id"},
	},
	"servicestage_pipeline": {
		{name: "nulls", config: map[string]any{"pipeline_id": fastPipelineSparse}},
		{name: "status merged", config: map[string]any{"pipeline_id": fastPipelineDone}},
		{name: "not in the list", config: map[string]any{"pipeline_id": fastPipelineUnlisted}, want: "WARNING New-edition release task not in the list"},
		{name: "wait", config: map[string]any{"pipeline_id": fastPipelineDone, "wait_for_completion": true, "timeouts": timeoutsRead("5m")}},
		{name: "unknown config", config: map[string]any{"pipeline_id": fastPipelineDone, "project_id": unknown, "wait_for_completion": unknown}},
		{name: "not found", config: map[string]any{"pipeline_id": fastTaskMissing}, want: "old-edition release task ID is not valid here"},
		{name: "cancelled", cancelled: true, config: map[string]any{"pipeline_id": fastPipelineDone}, want: "context canceled"},
	},
}

// New-edition tasks the fixtures read.
const (
	fastPipelineDone     = "7a6b5c4d-3e2f-4a1b-9c8d-000000000001" // succeeded, every field set
	fastPipelineSparse   = "7a6b5c4d-3e2f-4a1b-9c8d-000000000002" // never run: null times and strings
	fastPipelineUnlisted = "7a6b5c4d-3e2f-4a1b-9c8d-000000000003" // details known, list does not show it
)

const otherToken = "MIItest-token-of-the-other-project"

// providerConfigs are the provider blocks the fixtures read through.
var providerConfigs = map[string]map[string]string{
	"project":        {"token": testToken, "project_id": testProject},
	"no project":     {"token": testToken},
	"no credentials": {"project_id": testProject},
	"other project":  {"token": otherToken, "project_id": otherProject},
}

// fastReadEmulator answers every fixture, each error with the same request
// ID so that the two paths' diagnostics can be equal.
func fastReadEmulator(t *testing.T) string {
	t.Helper()
	srv := emulator.New()
	srv.AddToken(testToken, testProject, time.Now().Add(time.Hour))
	srv.AddToken(otherToken, otherProject, time.Now().Add(time.Hour))
	srv.AddTask(testProject, fastTaskMixed, emulator.Step{Body: emulator.DeployInfoJSON(fastTaskMixed, benchComponents(10)...)})
	srv.AddTask(testProject, fastTaskEmpty, emulator.Step{Body: emulator.DeployInfoJSON(fastTaskEmpty)})
	srv.AddTask(testProject, fastTaskDone, emulator.Step{Body: emulator.DeployInfoJSON(fastTaskDone, benchComponents(3)...)})
	srv.AddTask(testProject, fastTaskMalformed, emulator.Step{Body: []byte(`{"id": "x", "components": {"not": "a list"}}`)})
	created := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	srv.AddReleasePlan(testProject, emulator.ReleasePlan{ID: fastTaskMixed, Name: "orders-2026-11", Status: "SUCCESS", Creator: "ci",
		CreateTime: created, ExecuteTime: created.Add(time.Minute), Components: []emulator.PlanComponent{{Seq: 1, ComponentID: "c1", Name: "api"}}})
	srv.AddReleasePlan(testProject, emulator.ReleasePlan{ID: fastTaskEmpty, Name: "orders-empty", Status: "RUNNING", StringTimes: true, CreateTime: created})
	srv.AddReleasePlan(testProject, emulator.ReleasePlan{ID: fastTaskDone, Name: "billing"})
	srv.AddPipeline(testProject, emulator.Pipeline{ID: fastPipelineDone, Name: "checkout-release-2", Description: "checkout",
		ConfigMode: "ui", FailMode: "stop", Creator: "ci", EnterpriseProjectID: "0", ModelVersion: 2, Status: 2,
		CreateTime: created, UpdateTime: created.Add(time.Minute), LastTriggerAt: created.Add(2 * time.Minute)})
	srv.AddPipeline(testProject, emulator.Pipeline{ID: fastPipelineSparse, Name: "checkout-draft", Status: 1})
	srv.ScriptPipeline(testProject, fastPipelineUnlisted, emulator.Step{Body: []byte(`{"id": "` + fastPipelineUnlisted + `", "name": "new"}`)})
	srv.AddProject(otherProject)
	srv.ScriptReleasePlanList(otherProject, emulator.Step{Body: emulator.ReleasePlanListJSON(3, emulator.ReleasePlan{ID: "only-one", Name: "sent"})})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.ServeHTTP(fixedRequestID{w}, r)
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// fixedRequestID replaces the emulator's random X-Request-Id.
type fixedRequestID struct{ http.ResponseWriter }

func (w fixedRequestID) WriteHeader(status int) {
	w.Header().Set("X-Request-Id", "fixed-request-id")
	w.ResponseWriter.WriteHeader(status)
}

// TestFastReadIsTheFrameworkRead holds the served provider's own reads
// (typedstate.Server.ReadFast) to what they replace: for every data source
// of the provider and every fixture, the served provider's answer is byte
// for byte the framework's own (providerserver.NewProtocol6), and ReadFast,
// not the framework, gave it. A framework upgrade that changes
// the framework's answer fails here, and so does a data source without
// fixtures.
func TestFastReadIsTheFrameworkRead(t *testing.T) {
	url := fastReadEmulator(t)
	ctx := context.Background()
	p := providerFactory("test")()
	for _, typeName := range dataSourceTypeNames(t, p) {
		shapes := fastReadFixtures[typeName]
		if len(shapes) == 0 {
			t.Errorf("data source %s has no fixture in fastReadFixtures: add its reads there", typeName)
		}
		for _, shape := range shapes {
			t.Run(typeName+"/"+shape.name, func(t *testing.T) {
				providerConfig := providerConfigs[cmp.Or(shape.provider, "project")]
				framework := providerserver.NewProtocol6(providerFactory("test")())()
				served := NewProtocol6Server("test")().(typedstate.Server)
				for _, s := range []tfprotov6.ProviderServer{framework, served} {
					configureProvider(t, s, url, providerConfig)
				}
				req := &tfprotov6.ReadDataSourceRequest{
					TypeName:           typeName,
					Config:             dataSourceConfig(t, served, typeName, shape.config),
					ClientCapabilities: &tfprotov6.ReadDataSourceClientCapabilities{DeferralAllowed: shape.deferralAllowed},
				}
				readCtx := ctx
				if shape.cancelled {
					var cancel context.CancelFunc
					readCtx, cancel = context.WithCancel(ctx)
					cancel()
				}
				want, err := framework.ReadDataSource(readCtx, req)
				if err != nil {
					t.Fatal(err)
				}
				got, ok := served.ReadFast(readCtx, req)
				if !ok {
					t.Fatal("the framework answered, not ReadFast")
				}
				if text := diagnosticsText(got.Diagnostics); !strings.Contains(text, shape.want) || (shape.want == "") != (text == "") {
					t.Errorf("diagnostics %q; the fixture wants %q", text, shape.want)
				}
				typ := dataSourceType(t, served, typeName)
				sameAnswer(t, typ, want, got)
				wrapped, err := served.ReadDataSource(readCtx, req)
				if err != nil {
					t.Fatal(err)
				}
				sameAnswer(t, typ, want, wrapped)
			})
		}
	}
}

// TestServedProviderForwardsActions checks that the served provider keeps
// the RPCs outside tfprotov6.ProviderServer, which tf6server finds by type
// assertion: without them Terraform reports "Provider ValidateActionConfig
// Not Implemented" for a provider with actions.
func TestServedProviderForwardsActions(t *testing.T) {
	// These are tfprotov6.ProviderServerWithActions and its siblings, which
	// tf6server asserts, spelled without their deprecated names.
	type withActions interface {
		tfprotov6.ProviderServer
		tfprotov6.ActionServer
	}
	server := NewProtocol6Server("test")()
	actions, ok := server.(withActions)
	if !ok {
		t.Fatal("the served provider does not implement tfprotov6.ActionServer")
	}
	if _, ok := server.(tfprotov6.ListResourceServer); !ok {
		t.Error("the served provider does not implement tfprotov6.ListResourceServer")
	}
	if _, ok := server.(tfprotov6.StateStoreServer); !ok {
		t.Error("the served provider does not implement tfprotov6.StateStoreServer")
	}
	framework := providerserver.NewProtocol6(providerFactory("test")())().(withActions)
	ctx := context.Background()
	// The framework's answer for an action the provider does not have: the
	// served provider must give the same one, not an unimplemented error.
	wantValidate, err := framework.ValidateActionConfig(ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: "servicestage_nothing"})
	if err != nil {
		t.Fatal(err)
	}
	gotValidate, err := actions.ValidateActionConfig(ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: "servicestage_nothing"})
	if err != nil || !reflect.DeepEqual(gotValidate, wantValidate) {
		t.Errorf("ValidateActionConfig: %v %s; want %s", err, diagnosticsText(gotValidate.Diagnostics), diagnosticsText(wantValidate.Diagnostics))
	}
	if !hasSummary(gotValidate.Diagnostics, "Action Type Not Found") {
		t.Errorf("ValidateActionConfig of an unknown action: %s; want the framework's Action Type Not Found", diagnosticsText(gotValidate.Diagnostics))
	}
	wantPlan, err := framework.PlanAction(ctx, &tfprotov6.PlanActionRequest{ActionType: "servicestage_nothing"})
	if err != nil {
		t.Fatal(err)
	}
	gotPlan, err := actions.PlanAction(ctx, &tfprotov6.PlanActionRequest{ActionType: "servicestage_nothing"})
	if err != nil || !reflect.DeepEqual(gotPlan, wantPlan) || !hasSummary(gotPlan.Diagnostics, "Action Type Not Found") {
		t.Errorf("PlanAction: %v %s; want %s", err, diagnosticsText(gotPlan.Diagnostics), diagnosticsText(wantPlan.Diagnostics))
	}
	stream, err := actions.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{ActionType: "servicestage_nothing"})
	if err != nil {
		t.Fatal(err)
	}
	var events []tfprotov6.InvokeActionEventType
	for event := range stream.Events {
		events = append(events, event.Type)
	}
	completed, ok := events[len(events)-1].(tfprotov6.CompletedInvokeActionEventType)
	if !ok || !hasSummary(completed.Diagnostics, "Action Type Not Found") {
		t.Errorf("InvokeAction: events %#v; want one completed event with the framework's Action Type Not Found", events)
	}
}

// TestStopProviderCancelsFastReads checks that StopProvider ends a wait the
// served provider reads itself, as the framework's StopProvider ends its own.
func TestStopProviderCancelsFastReads(t *testing.T) {
	srv := emulator.New()
	srv.AddToken(testToken, testProject, time.Now().Add(time.Hour))
	srv.AddTask(testProject, benchTask, emulator.Step{Body: emulator.DeployInfoJSON(benchTask, benchComponents(5)...)}) // never completes
	ts := srv.Start()
	t.Cleanup(ts.Close)
	served := typedstate.NewProtocol6(func() provider.Provider {
		return &servicestageProvider{version: "test", timing: testTiming}
	})()
	configureProvider(t, served, ts.URL, providerConfigs["project"])
	req := &tfprotov6.ReadDataSourceRequest{TypeName: deployInfoTypeName,
		Config: dataSourceConfig(t, served, deployInfoTypeName, map[string]any{"release_plan_id": benchTask, "wait_for_completion": true})}

	answered := make(chan *tfprotov6.ReadDataSourceResponse, 1)
	go func() {
		resp, _ := served.ReadDataSource(context.Background(), req)
		answered <- resp
	}()
	for srv.Reads(testProject, benchTask) == 0 {
		time.Sleep(time.Millisecond)
	}
	if _, err := served.StopProvider(context.Background(), &tfprotov6.StopProviderRequest{}); err != nil {
		t.Fatal(err)
	}
	resp := <-answered
	if !hasSummary(resp.Diagnostics, "Wait for release task cancelled") {
		t.Errorf("read during StopProvider: %s; want Wait for release task cancelled", diagnosticsText(resp.Diagnostics))
	}
}

// sameAnswer fails unless got is want, byte for byte.
func sameAnswer(t *testing.T, typ tftypes.Type, want, got *tfprotov6.ReadDataSourceResponse) {
	t.Helper()
	if (want.State == nil) != (got.State == nil) ||
		want.State != nil && (!bytes.Equal(want.State.MsgPack, got.State.MsgPack) || !bytes.Equal(want.State.JSON, got.State.JSON)) {
		t.Errorf("state differs:\nframework: %s\nReadFast:  %s", stateText(typ, want.State), stateText(typ, got.State))
	}
	if !reflect.DeepEqual(want.Diagnostics, got.Diagnostics) {
		t.Errorf("diagnostics differ:\nframework: %s\nReadFast:  %s", diagnosticsText(want.Diagnostics), diagnosticsText(got.Diagnostics))
	}
	if !reflect.DeepEqual(want.Deferred, got.Deferred) {
		t.Errorf("deferred differs: framework %#v, ReadFast %#v", want.Deferred, got.Deferred)
	}
	if !t.Failed() && !reflect.DeepEqual(want, got) { // A field added to the response.
		t.Errorf("answers differ:\nframework: %#v\nReadFast:  %#v", want, got)
	}
}

func stateText(typ tftypes.Type, dv *tfprotov6.DynamicValue) string {
	if dv == nil {
		return "<nil>"
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		return err.Error()
	}
	return v.String()
}

func diagnosticsText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString("[" + d.Severity.String() + " " + d.Summary + ": " + d.Detail)
		if d.Attribute != nil {
			b.WriteString(" at " + d.Attribute.String())
		}
		b.WriteString("]")
	}
	return b.String()
}

func hasSummary(diags []*tfprotov6.Diagnostic, summary string) bool {
	return slices.ContainsFunc(diags, func(d *tfprotov6.Diagnostic) bool { return d.Summary == summary })
}

// dataSourceTypeNames are the type names of p's data sources.
func dataSourceTypeNames(t *testing.T, p provider.Provider) []string {
	t.Helper()
	ctx := context.Background()
	var meta provider.MetadataResponse
	p.Metadata(ctx, provider.MetadataRequest{}, &meta)
	var names []string
	for _, newDataSource := range p.DataSources(ctx) {
		var md datasource.MetadataResponse
		newDataSource().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: meta.TypeName}, &md)
		names = append(names, md.TypeName)
	}
	return names
}

// configureProvider configures server against url with the given
// provider attributes, as Terraform would.
func configureProvider(t *testing.T, server tfprotov6.ProviderServer, url string, attrs map[string]string) {
	t.Helper()
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]any{"endpoint": url}
	for name, v := range attrs {
		set[name] = v
	}
	config := protoConfig(t, schemas.Provider.ValueType(), set)
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: config})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %s", err, diagnosticsText(resp.Diagnostics))
	}
}

// dataSourceType is the protocol type of data source typeName.
func dataSourceType(t *testing.T, server tfprotov6.ProviderServer, typeName string) tftypes.Type {
	t.Helper()
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return schemas.DataSourceSchemas[typeName].ValueType()
}

// dataSourceConfig is the protocol configuration of data source typeName.
func dataSourceConfig(t *testing.T, server tfprotov6.ProviderServer, typeName string, set map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	s, ok := schemas.DataSourceSchemas[typeName]
	if !ok {
		t.Fatalf("no data source %s", typeName)
	}
	return protoConfig(t, s.ValueType(), set)
}

// protoConfig is an object of type typ with the attributes in set, see
// readShape.config; every other attribute null.
func protoConfig(t *testing.T, typ tftypes.Type, set map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	objType := typ.(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, at := range objType.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range set {
		at, ok := objType.AttributeTypes[name]
		if !ok {
			t.Fatalf("no attribute %s", name)
		}
		switch v := v.(type) {
		case unknownValue:
			attrs[name] = tftypes.NewValue(at, tftypes.UnknownValue)
		case timeoutsRead:
			read := tftypes.NewValue(tftypes.String, string(v))
			if v == "" {
				read = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
			}
			attrs[name] = tftypes.NewValue(at, map[string]tftypes.Value{"read": read})
		default:
			attrs[name] = tftypes.NewValue(at, v)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}
