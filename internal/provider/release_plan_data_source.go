package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

var (
	_ datasource.DataSource              = (*releasePlanDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*releasePlanDataSource)(nil)
)

type releasePlanDataSource struct {
	dataSource
}

func newReleasePlanDataSource() datasource.DataSource { return &releasePlanDataSource{} }

// releasePlanObject is the API's answer as attributes: id, name, status, components and the rest.
var releasePlanObject = newAPIObject[servicestage.ReleasePlan]()

func (d *releasePlanDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_release_plan"
}

func (d *releasePlanDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one ServiceStage release task " +
			"(`GET /v3/{project_id}/cas/release-plans/{release_plan_id}`): its name, status, times and the " +
			"components it releases. Gate a pipeline on `status`; for each component's job, read " +
			"`servicestage_release_plan_deploy_info`.",
		Attributes: withAPIAttributes(releasePlanObject, map[string]schema.Attribute{
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
		}),
	}
}

func (d *releasePlanDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	r, cancel, ok := d.startRead(ctx, req.Config, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	releasePlanID := r.state.string("release_plan_id")
	plan, err := d.data.client.GetReleasePlan(r.ctx, r.projectID, releasePlanID)
	if err != nil {
		resp.Diagnostics.Append(readErrorDiagnostic(err, releasePlanID, r.projectID, d.data.authMethod))
		return
	}
	setAPI(r.state, releasePlanObject, plan)
	resp.Diagnostics.Append(r.state.save(r.ctx, &resp.State)...)
}
