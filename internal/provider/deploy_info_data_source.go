package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

var (
	_ datasource.DataSource              = (*deployInfoDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*deployInfoDataSource)(nil)
)

type deployInfoDataSource struct {
	dataSource
}

func newDeployInfoDataSource() datasource.DataSource { return &deployInfoDataSource{} }

// deployInfoObject is the API's answer as attributes: id and components.
var deployInfoObject = newAPIObject[servicestage.DeployInfo]()

func (d *deployInfoDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_release_plan_deploy_info"
}

func (d *deployInfoDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the deployment information of a ServiceStage release task " +
			"(`GET /v3/{project_id}/cas/release-plans/{release_plan_id}/deploy-info`): one entry per component, " +
			"and whether the release has completed and succeeded. With `wait_for_completion`, the read waits " +
			"until no deployment or rollback job is pending.",
		Attributes: withAPIAttributes(deployInfoObject, map[string]schema.Attribute{
			"release_plan_id": schema.StringAttribute{
				Required:            true,
				Validators:          []validator.String{pathSegment()},
				MarkdownDescription: "ID of the release task (release plan).",
			},
			"project_id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{pathSegment()},
				MarkdownDescription: "Project of the release task. Defaults to the provider's `project_id`; the one used is stored.",
			},
			"wait_for_completion": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Poll until `completed` is true (every 2 seconds at first, backing off to 30 seconds), " +
					"within `timeouts.read`. Default `false`: read once.",
			},
			"timeouts": timeouts.AttributesWithOpts(ctx, timeouts.Opts{
				ReadDescription: "Bounds the whole read, the wait and every retry included, as a duration such as `\"30s\"` or `\"1h\"`. Default `20m`.",
			}),
			"completed": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "No component's deployment or rollback job is still pending: every `job_status` is " +
					"`SUCCEEDED` or `FAILED`, and so is every `rollback_job_status` that is set. True for a task with no components.",
			},
			"all_succeeded": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "There is at least one component and every `job_status` is `SUCCEEDED`.",
			},
			"failed_components": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Names of the components whose `job_status` or `rollback_job_status` is `FAILED`, in API order.",
			},
		}),
	}
}

func (d *deployInfoDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	r, cancel, ok := d.startRead(ctx, req.Config, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	releasePlanID := r.state.string("release_plan_id")
	ctx = tflog.SetField(r.ctx, "release_plan_id", releasePlanID)
	fetch := func(ctx context.Context) (*servicestage.DeployInfo, error) {
		return d.data.client.GetDeployInfo(ctx, r.projectID, releasePlanID)
	}
	var info *servicestage.DeployInfo
	var err error
	wait := r.state.bool("wait_for_completion")
	if wait {
		info, err = waitForCompletion(ctx, fetch, d.data.timing.pollInitial, d.data.timing.pollMax)
	} else {
		info, err = fetch(ctx)
	}
	if err != nil {
		resp.Diagnostics.Append(readErrorDiagnostic(err, releasePlanID, r.projectID, d.data.authMethod))
		return
	}

	r.state["wait_for_completion"] = types.BoolValue(wait)
	setAPI(r.state, deployInfoObject, info)
	r.state["completed"] = types.BoolValue(info.Completed())
	r.state["all_succeeded"] = types.BoolValue(info.AllSucceeded())
	r.state["failed_components"] = stringList(info.FailedComponents())
	resp.Diagnostics.Append(r.state.save(ctx, &resp.State)...)
}
