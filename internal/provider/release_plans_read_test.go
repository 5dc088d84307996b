package provider

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// readWithoutTerraform runs a data source's Read as Terraform would, with
// the given string arguments (name/value pairs) and every other one null,
// against the provider configured for url.
func readWithoutTerraform(t *testing.T, newDataSource func() datasource.DataSource, url string, args ...string) diag.Diagnostics {
	t.Helper()
	// With a logger, as Terraform gives one: reads log, and masking applies.
	ctx := tflogtest.RootLogger(context.Background(), io.Discard)
	data, diags := newProviderData(settings{endpoint: url, credentials: given(auth.SettingToken, testToken), projectID: testProject}, testTiming, "test")
	if diags.HasError() {
		t.Fatal(diags)
	}
	ds := newDataSource()
	ds.(datasource.DataSourceWithConfigure).Configure(ctx, datasource.ConfigureRequest{ProviderData: data}, &datasource.ConfigureResponse{})
	var sresp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	for i := 0; i+1 < len(args); i += 2 {
		attrs[args[i]] = tftypes.NewValue(tftypes.String, args[i+1])
	}
	resp := datasource.ReadResponse{State: tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, nil)}}
	ds.Read(ctx, datasource.ReadRequest{Config: tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, attrs)}}, &resp)
	return resp.Diagnostics
}

// Warnings are not something terraform-plugin-testing can assert, so the
// incomplete-list warning is checked on Read itself.
func TestReleasePlansWarnsWhenCountExceedsTasks(t *testing.T) {
	srv, url := newEmulator(t)
	srv.ScriptReleasePlanList(testProject, emulator.Step{Body: emulator.ReleasePlanListJSON(7,
		emulator.ReleasePlan{ID: "t1", Name: "orders-1"}, emulator.ReleasePlan{ID: "t2", Name: "orders-2"})})

	diags := readWithoutTerraform(t, newReleasePlansDataSource, url)
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v; want exactly one warning", diags)
	}
	w := diags.Warnings()[0]
	for _, want := range []string{"may be incomplete", "counts 7", "sent 2", testProject} {
		if !strings.Contains(w.Summary()+" "+w.Detail(), want) {
			t.Errorf("warning %q: %q does not say %q", w.Summary(), w.Detail(), want)
		}
	}

	srv.ScriptReleasePlanList(testProject, emulator.Step{Body: emulator.ReleasePlanListJSON(1, emulator.ReleasePlan{ID: "t1", Name: "orders-1"})})
	if diags := readWithoutTerraform(t, newReleasePlansDataSource, url); len(diags) != 0 {
		t.Errorf("a complete list gave diagnostics %v", diags)
	}
}

// A status filter that differs from a known status only in case matches
// nothing, so it gets a warning on status naming the status meant; an exact
// one, or one unlike any known status, gets none.
func TestReleasePlansWarnsOfStatusInTheWrongCase(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddReleasePlan(testProject, emulator.ReleasePlan{ID: "t1", Name: "orders-1", Status: "SUCCESS"})
	srv.AddReleasePlan(testProject, emulator.ReleasePlan{ID: "t2", Name: "orders-2", Status: "RUNNING"})
	for status, want := range map[string]string{
		"success":          "SUCCESS",
		"Running":          "RUNNING",          // not documented, but in the list
		"rollback_succeed": "ROLLBACK_SUCCEED", // documented, in no task
		"SUCCESS":          "",
		"DONE":             "",
	} {
		diags := readWithoutTerraform(t, newReleasePlansDataSource, url, "status", status)
		if diags.HasError() {
			t.Fatalf("status %q: %v", status, diags)
		}
		if want == "" {
			if len(diags) != 0 {
				t.Errorf("status %q: diagnostics %v, want none", status, diags)
			}
			continue
		}
		if diags.WarningsCount() != 1 {
			t.Fatalf("status %q: diagnostics %v, want one warning", status, diags)
		}
		w := diags.Warnings()[0]
		wp, ok := w.(diag.DiagnosticWithPath)
		if !ok || wp.Path().String() != "status" {
			t.Errorf("status %q: warning not on the status attribute", status)
		}
		if !strings.Contains(w.Detail(), `status = "`+status+`" is compared exactly`) || !strings.Contains(w.Detail(), `did you mean "`+want+`"`) {
			t.Errorf("status %q: warning %q: %q", status, w.Summary(), w.Detail())
		}
	}
}
