package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

// deployInfoDataSource is the data source's definition, built once: each RPC gets a copy.
var deployInfoDataSource = dataSource{
	typeNameSuffix: "_release_plan_deploy_info",
	reads:          oneReleaseTask,
	permission:     "servicestage::getReleasePlan",
	readInto:       readDeployInfo,
	schema: schema.Schema{
		MarkdownDescription: "Reads the deployment information of a ServiceStage release task " +
			"(`GET /v3/{project_id}/cas/release-plans/{release_plan_id}/deploy-info`): one entry per component, " +
			"and whether the release has completed and succeeded. With `wait_for_completion`, the read waits " +
			"until no deployment or rollback job is pending.",
		Attributes: attributes(releaseTaskArguments(), deployInfoObject.Attributes(), map[string]schema.Attribute{
			"wait_for_completion": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Poll until `completed` is true (every 2 seconds at first, backing off to 30 seconds), " +
					"within `timeouts.read`. Default `false`: read once.",
			},
			"timeouts": readTimeouts("Bounds the whole read, the wait and every retry included, as a duration such as `\"30s\"` or `\"1h\"`. Default `20m`."),
			"completed": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "No component's deployment or rollback job is still pending: every `job_status` is " +
					"`SUCCEEDED` or `FAILED`, and so is every `rollback_job_status` that is set. True for a task with no components.",
			},
			"all_succeeded": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "There is at least one component and every `job_status` is `SUCCEEDED`.",
			},
			"failed_components": computedStrings(
				"The components whose `job_status` or `rollback_job_status` is `FAILED`, in API order, each by its `name`, " +
					"or by its `id` where the name is empty; never a null element."),
		}),
	},
}

func newDeployInfoDataSource() datasource.DataSource { return deployInfoDataSource.instance() }

// deployInfoObject is the API's answer as attributes: id and components.
var deployInfoObject = typedstate.ObjectOf[servicestage.DeployInfo]()

// readDeployInfo reads the deploy info once, or until it completes.
func readDeployInfo(r *readCall, _ *diag.Diagnostics) error {
	releasePlanID := r.state.String("release_plan_id")
	ctx := tflog.SetField(r.ctx, "release_plan_id", releasePlanID)
	fetch := func(ctx context.Context) (*servicestage.DeployInfo, error) {
		return r.client.GetDeployInfo(ctx, r.projectID, releasePlanID)
	}
	var info *servicestage.DeployInfo
	var err error
	wait := r.state.Bool("wait_for_completion")
	if wait {
		info, err = waitForCompletion(ctx, fetch, r.timing.pollInitial, r.timing.pollMax)
	} else {
		info, err = fetch(ctx)
	}
	if err != nil {
		return err
	}
	r.state.SetBool("wait_for_completion", wait)
	if err := setAPI(r.state, deployInfoObject, info, "deploy-info"); err != nil {
		return err
	}
	r.state.SetBool("completed", info.Completed())
	r.state.SetBool("all_succeeded", info.AllSucceeded())
	r.state.SetStrings("failed_components", info.FailedComponents())
	return nil
}
