package provider

import (
	"context"
	"errors"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

// nullState is every attribute of ds null, as a read starts.
func nullState(ds *dataSource) (typedstate.Values, tftypes.Type) {
	typ := ds.schema.Type().TerraformType(context.Background())
	values := typedstate.Values{}
	for name, at := range typ.(tftypes.Object).AttributeTypes {
		values[name] = tftypes.NewValue(at, nil)
	}
	return values, typ
}

// FuzzStateBuilder feeds any body to each decoder and every answer that
// decodes to the state builder of its data source: no body may panic the
// plugin, a failure is a *DecodeError, and a decoded answer always fits
// its schema.
func FuzzStateBuilder(f *testing.F) {
	// The documented examples of the three answers, from the API reference.
	for _, file := range []string{"example.json", "list-example.json", "details-example.json"} {
		body, err := os.ReadFile("../servicestage/testdata/" + file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	for _, seed := range []string{`{"components":[null]}`, `{"release_plans":[null]}`, `{"components":[{"seq":"1e3"}]}`, `null`,
		`[{"id":"a","name":"n","status":5,"create_time":"0","last_trigger_at":1730795000000}]`, `{"pipelines":[null]}`,
		`{"id":"a","name":"n","model_version":"2","fail_mode":"stop"}`} {
		f.Add([]byte(seed))
	}
	every := regexp.MustCompile("")
	f.Fuzz(func(t *testing.T, body []byte) {
		build := func(ds *dataSource, set func(typedstate.Values) error) {
			values, typ := nullState(ds)
			err := set(values)
			var de *servicestage.DecodeError
			if err != nil && !errors.As(err, &de) {
				t.Fatalf("%s: %v (%T), want a *DecodeError", ds.typeNameSuffix, err, err)
			}
			if err != nil {
				return
			}
			if _, err := values.Value(typ); err != nil {
				t.Fatalf("%s: a decoded answer does not fit the schema: %v", ds.typeNameSuffix, err)
			}
		}
		if info, err := servicestage.DecodeDeployInfo(body); err == nil {
			build(&deployInfoDataSource, func(s typedstate.Values) error {
				if err := setAPI(s, deployInfoObject, info, "deploy-info"); err != nil {
					return err
				}
				s.SetStrings("failed_components", info.FailedComponents())
				return nil
			})
		}
		if plan, err := servicestage.DecodeReleasePlan(body); err == nil {
			build(&releasePlanDataSource, func(s typedstate.Values) error { return setAPI(s, releasePlanObject, plan, "release task") })
		}
		if list, err := servicestage.DecodeReleasePlanList(body); err == nil {
			build(&releasePlansDataSource, func(s typedstate.Values) error {
				return setTaskList(&readCall{state: s}, listFilter{nameRegex: every}, list.ReleasePlans,
					releasePlanSummaryObject, "release_plans", releasePlanKey)
			})
		}
		if list, err := servicestage.DecodePipelineList(body); err == nil {
			build(&pipelinesDataSource, func(s typedstate.Values) error {
				return setTaskList(&readCall{state: s}, listFilter{nameRegex: every}, list.Pipelines,
					pipelineSummaryObject, "pipelines", pipelineKey)
			})
		}
		if details, err := servicestage.DecodePipeline(body); err == nil {
			build(&pipelineDataSource, func(s typedstate.Values) error {
				return setAPI(s, pipelineObject, details, "new-edition release task")
			})
		}
	})
}
