package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

// releasePlanObject is the API's answer as attributes: id, name, status, components and the rest.
var releasePlanObject = typedstate.ObjectOf[servicestage.ReleasePlan]()

// releasePlanDataSource is the data source's definition, built once: each RPC gets a copy.
var releasePlanDataSource = dataSource{
	typeNameSuffix: "_release_plan",
	reads:          oneReleaseTask,
	permission:     "servicestage::getReleasePlan",
	readInto:       readReleasePlan,
	schema: schema.Schema{
		MarkdownDescription: "Reads one ServiceStage release task " +
			"(`GET /v3/{project_id}/cas/release-plans/{release_plan_id}`): its name, status, times and the " +
			"components it releases. Gate a pipeline on `status`; for each component's job, read " +
			"`servicestage_release_plan_deploy_info`.",
		Attributes: attributes(releaseTaskArguments(), releasePlanObject.Attributes(),
			map[string]schema.Attribute{"timeouts": readOnceTimeouts}),
	},
}

func newReleasePlanDataSource() datasource.DataSource { return releasePlanDataSource.instance() }

// readReleasePlan reads one release task.
func readReleasePlan(r *readCall, _ *diag.Diagnostics) error {
	plan, err := r.client.GetReleasePlan(r.ctx, r.projectID, r.state.String("release_plan_id"))
	if err != nil {
		return err
	}
	return setAPI(r.state, releasePlanObject, plan, "release task")
}
