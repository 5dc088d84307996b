package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// Warnings are not something terraform-plugin-testing can assert, so the
// not-in-the-list warning is checked on Read itself.
func TestPipelineWarnsWhenTheListLacksIt(t *testing.T) {
	srv, url := withPipelines(t)
	srv.ScriptPipelineList(testProject, emulator.Step{Body: emulator.PipelineListJSON(false, testPipelines[0])})

	diags := readWithoutTerraform(t, newPipelineDataSource, url, "pipeline_id", "pipe-a")
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v; want exactly one warning", diags)
	}
	w := diags.Warnings()[0]
	for _, want := range []string{"not in the list", `"pipe-a"`, testProject, "completed is false"} {
		if !strings.Contains(w.Summary()+" "+w.Detail(), want) {
			t.Errorf("warning %q: %q does not say %q", w.Summary(), w.Detail(), want)
		}
	}
	if diags := readWithoutTerraform(t, newPipelineDataSource, url, "pipeline_id", testPipelines[0].ID); len(diags) != 0 {
		t.Errorf("a task in the list gave diagnostics %v", diags)
	}
}

// A read asks for the details and the list at once, both logging with the
// secrets masked. Run with -race: a context whose log fields two goroutines
// share is a data race (tflog masks them in place).
func TestPipelineReadLogsFromTwoGoroutines(t *testing.T) {
	_, url := withPipelines(t)
	for range 20 {
		if diags := readWithoutTerraform(t, newPipelineDataSource, url, "pipeline_id", "pipe-a"); len(diags) != 0 {
			t.Fatalf("diagnostics %v", diags)
		}
	}
}

var pipelineSummaryTypes = map[string]attr.Type{
	"id": types.StringType, "name": types.StringType, "description": types.StringType, "config_mode": types.StringType,
	"creator": types.StringType, "enterprise_project_id": types.StringType, "model_version": types.Int64Type,
	"status_code": types.Int64Type, "status": types.StringType, "create_time": types.Int64Type,
	"update_time": types.Int64Type, "last_trigger_at": types.Int64Type,
}

func TestPipelinesSchemaMatchesContract(t *testing.T) {
	str := types.StringType
	assertAttributes(t, "servicestage_pipelines", dataSourceSchema(t, newPipelinesDataSource), map[string]attrRole{
		"project_id": {str, "optional"},
		"name":       {str, "optional"},
		"name_regex": {str, "optional"},
		"status":     {str, "optional"},
		"timeouts":   {readOnceTimeouts.GetType(), "optional"},
		"id":         {str, "computed"},
		"pipelines":  {objectList(pipelineSummaryTypes), "computed"},
		"ids":        {types.ListType{ElemType: str}, "computed"},
	})
}

func TestPipelineSchemaMatchesContract(t *testing.T) {
	str, num, boolean := types.StringType, types.Int64Type, types.BoolType
	want := map[string]attrRole{
		"pipeline_id":         {str, "required"},
		"project_id":          {str, "optional"},
		"wait_for_completion": {boolean, "optional"},
		"timeouts":            {readOnceTimeouts.GetType(), "optional"},
		"fail_mode":           {str, "computed"},
		"completed":           {boolean, "computed"},
		"succeeded":           {boolean, "computed"},
	}
	for name, typ := range pipelineSummaryTypes {
		want[name] = attrRole{typ, "computed"}
	}
	want["model_version"], want["status_code"] = attrRole{num, "computed"}, attrRole{num, "computed"}
	assertAttributes(t, "servicestage_pipeline", dataSourceSchema(t, newPipelineDataSource), want)
}
