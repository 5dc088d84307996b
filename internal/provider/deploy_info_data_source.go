package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// defaultReadTimeout bounds a read, its wait included, unless timeouts.read says otherwise.
const defaultReadTimeout = 20 * time.Minute

var (
	_ datasource.DataSource              = (*deployInfoDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*deployInfoDataSource)(nil)
)

type deployInfoDataSource struct {
	data *providerData
}

func newDeployInfoDataSource() datasource.DataSource { return &deployInfoDataSource{} }

func (d *deployInfoDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_release_plan_deploy_info"
}

func (d *deployInfoDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the deployment information of a ServiceStage release task " +
			"(`GET /v3/{project_id}/cas/release-plans/{release_plan_id}/deploy-info`): one entry per component, " +
			"and whether the release has completed and succeeded. With `wait_for_completion`, the read waits " +
			"until no deployment or rollback job is pending.",
		Attributes: map[string]schema.Attribute{
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
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The release task ID the API returned.",
			},
			"components": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The components of the release task, in API order.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: componentAttributes(),
				},
			},
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
		},
	}
}

func componentAttributes() map[string]schema.Attribute {
	str := func(desc string) schema.Attribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	num := func(desc string) schema.Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	}
	return map[string]schema.Attribute{
		"id":                    str("Component ID."),
		"name":                  str("Component name."),
		"version":               str("Component version being released."),
		"seq":                   num("Release batch; components of one batch are released together."),
		"status":                str("Component status, such as `SUCCESS`, `RUNNING`, `FAILED` or `ROLLBACK_SUCCEED`; passed through unchanged."),
		"job_id":                str("Deployment job ID."),
		"job_status":            str("Deployment job status, such as `CREATED`, `RUNNING`, `SUCCEEDED` or `FAILED`; passed through unchanged."),
		"start_time":            num("Start of the component's release, in milliseconds since the Unix epoch; null if it has not started."),
		"end_time":              num("End of the component's release, in milliseconds since the Unix epoch; null if it has not ended."),
		"fail_message":          str("Why the deployment failed, if it did."),
		"rollback_job_id":       str("Rollback job ID; null without a rollback."),
		"rollback_job_status":   str("Rollback job status; null without a rollback."),
		"rollback_start_time":   num("Start of the rollback, in milliseconds since the Unix epoch; null without one."),
		"rollback_end_time":     num("End of the rollback, in milliseconds since the Unix epoch; null if it has not ended."),
		"rollback_fail_message": str("Why the rollback failed, if it did."),
	}
}

func (d *deployInfoDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return // Not configured yet: Terraform validates before it configures.
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return
	}
	d.data = data
}

func (d *deployInfoDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, diags := readArguments(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.AddError("Provider not configured",
			"The servicestage provider was not configured before this read. This is a bug in the provider; please report it.")
		return
	}
	ctx = maskSecrets(ctx, d.data.secrets)
	if d.data.incomplete != nil {
		resp.Diagnostics.Append(*d.data.incomplete)
		return
	}

	readTimeout, diags := m.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()

	var err error
	releasePlanID := m.ReleasePlanID.ValueString()
	projectID := m.ProjectID.ValueString()
	if projectID == "" {
		projectID = d.data.projectID
	}
	if projectID == "" && d.data.scopedProject != nil {
		// A password token scoped by region works in that region's project.
		if projectID, err = d.data.scopedProject(ctx); err != nil {
			resp.Diagnostics.Append(readErrorDiagnostic(err, d.data.releaseTask(releasePlanID, "")))
			return
		}
	}
	if projectID == "" {
		resp.Diagnostics.AddAttributeError(path.Root("project_id"), "Missing project_id",
			"No project to read the release task from: set project_id on this data source, or project_id (HW_PROJECT_ID) on the provider.")
		return
	}

	fetch := func(ctx context.Context) (*servicestage.DeployInfo, error) {
		return d.data.client.GetDeployInfo(ctx, projectID, releasePlanID)
	}
	ctx = tflog.SetField(ctx, "release_plan_id", releasePlanID)
	ctx = tflog.SetField(ctx, "project_id", projectID)

	var info *servicestage.DeployInfo
	if m.WaitForCompletion.ValueBool() {
		info, err = waitForCompletion(ctx, fetch, d.data.timing.pollInitial, d.data.timing.pollMax)
	} else {
		info, err = fetch(ctx)
	}
	if err != nil {
		resp.Diagnostics.Append(readErrorDiagnostic(err, d.data.releaseTask(releasePlanID, projectID)))
		return
	}

	m.ProjectID = types.StringValue(projectID)
	m.WaitForCompletion = types.BoolValue(m.WaitForCompletion.ValueBool())
	flattenDeployInfo(info, &m)
	// Set directly: the value has the configuration's type, which is the
	// schema's, and State.Set would rebuild that type to check it.
	resp.State.Raw, err = m.stateValue(ctx, req.Config.Raw.Type())
	if err != nil {
		resp.Diagnostics.AddError("Internal error", err.Error()+". This is a bug in the provider; please report it.")
	}
}
