package provider

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// defaultReadTimeout bounds a read, its wait included, unless timeouts.read says otherwise.
const defaultReadTimeout = 20 * time.Minute

var _ datasource.DataSourceWithConfigure = (*dataSource)(nil)

// dataSource is one of the provider's data sources: its type name, its
// schema and what its read does, plus the client the provider built, handed
// over in Configure. What every read shares (configuration, project,
// timeout, errors, state) is done once, in Read.
type dataSource struct {
	typeNameSuffix string
	schema         schema.Schema
	// permission is the IAM action the read needs, for errors.
	permission string
	// edition is set for the new edition's data sources, whose errors say
	// which edition they read (see newEdition).
	edition *edition
	// readInto reads from the API into r.state. It adds to diags what is
	// not an API error (warnings, say) and returns the API error, if any.
	readInto func(r *reading, diags *diag.Diagnostics) error
	data     *providerData
}

// instance is a copy of d for one use: the framework makes a data source
// for every RPC, so the schema is built once, not per copy.
func (d dataSource) instance() datasource.DataSource { return &d }

func (d *dataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = d.schema
}

func (d *dataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + d.typeNameSuffix
}

func (d *dataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
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

func (d *dataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	r, cancel, ok := d.startRead(ctx, req.Config, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	if err := d.readInto(r, &resp.Diagnostics); err != nil {
		resp.Diagnostics.Append(readErrorDiagnostic(err, d.subject(r.state, r.projectID)))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// The configuration has the schema's type, which is the state's.
	if err := r.state.save(&resp.State, req.Config.Raw.Type()); err != nil {
		resp.Diagnostics.AddError("Internal error", err.Error()+". This is a bug in the provider; please report it.")
	}
}

// reading is a read under way: its configuration, the project it reads from
// (stored back as project_id), a context bounded by timeouts.read, and the
// provider's client.
type reading struct {
	ctx       context.Context
	state     stateValues
	projectID string
	client    *servicestage.Client
	timing    timing
}

// startRead does what every read does first; ok is false when diags says
// why the read cannot go on. The caller must call cancel.
func (d *dataSource) startRead(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) (r *reading, cancel context.CancelFunc, ok bool) {
	cancel = func() {}
	state, err := configValues(config)
	if err != nil {
		diags.AddError("Internal error", err.Error()+". This is a bug in the provider; please report it.")
		return r, cancel, false
	}
	if d.data == nil {
		diags.AddError("Provider not configured",
			"The servicestage provider was not configured before this read. This is a bug in the provider; please report it.")
		return r, cancel, false
	}
	ctx = maskSecrets(ctx, d.data.secrets)
	if d.data.incomplete != nil {
		diags.Append(*d.data.incomplete)
		return r, cancel, false
	}
	timeout, err := state.readTimeout(ctx, d.schema, defaultReadTimeout)
	if err != nil {
		diags.AddAttributeError(path.Root("timeouts").AtName("read"), "Invalid timeouts.read", err.Error())
		return r, cancel, false
	}
	ctx, cancel = context.WithTimeout(ctx, timeout)

	projectID := state.string("project_id")
	if projectID == "" {
		projectID = d.data.projectID
	}
	if projectID == "" && d.data.scopedProject != nil {
		// A password token scoped by region works in that region's project.
		if projectID, err = d.data.scopedProject(ctx); err != nil {
			diags.Append(readErrorDiagnostic(err, d.subject(state, "")))
			return r, cancel, false
		}
	}
	if projectID == "" {
		diags.AddAttributeError(path.Root("project_id"), "Missing project_id",
			"No project to read the release task from: set project_id on this data source, or project_id (HW_PROJECT_ID) on the provider.")
		return r, cancel, false
	}
	state.setString("project_id", projectID)
	return &reading{ctx: tflog.SetField(ctx, "project_id", projectID), state: state, projectID: projectID,
		client: d.data.client, timing: d.data.timing}, cancel, true
}

// subject says what a read reads, for its errors: one release task, or the
// list of a project's.
func (d *dataSource) subject(state stateValues, projectID string) readSubject {
	s := readSubject{kind: "release task", projectID: projectID, permission: d.permission, endpoint: d.data.endpoint, method: d.data.authMethod}
	idAttr := "release_plan_id"
	if d.edition != nil {
		s.kind, s.notFoundNote, idAttr = d.edition.kind, d.edition.notFoundNote, d.edition.idAttr
	}
	if _, ok := state[idAttr]; ok {
		s.id, s.idAttr = state.string(idAttr), idAttr
	}
	return s
}

// releaseTaskArguments are the arguments of a data source that reads one
// release task: release_plan_id, and its project.
func releaseTaskArguments() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"release_plan_id": schema.StringAttribute{
			Required:            true,
			Validators:          []validator.String{pathSegment()},
			MarkdownDescription: "ID of the release task (release plan).",
		},
		"project_id": projectIDAttribute("Project of the release task."),
	}
}

// projectIDAttribute is the optional project_id argument, which startRead
// resolves and stores.
func projectIDAttribute(doc string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		Validators:          []validator.String{pathSegment()},
		MarkdownDescription: doc + " Defaults to the provider's `project_id`; the one used is stored.",
	}
}

// readTimeouts is the timeouts argument, with its read duration, that
// startRead applies to the whole read.
func readTimeouts(doc string) schema.Attribute {
	a, ok := timeouts.AttributesWithOpts(context.Background(), timeouts.Opts{ReadDescription: doc}).(schema.SingleNestedAttribute)
	if !ok {
		panic("provider: timeouts.AttributesWithOpts is no longer a SingleNestedAttribute")
	}
	a.MarkdownDescription = "Timeouts: `read` bounds the whole read."
	return a
}

// readOnceTimeouts is readTimeouts for a data source that reads once.
var readOnceTimeouts = readTimeouts("Bounds the read, every retry included, as a duration such as `\"30s\"` or `\"5m\"`. Default `20m`.")

// attributes merges sets of attributes into a schema's.
func attributes(sets ...map[string]schema.Attribute) map[string]schema.Attribute {
	all := map[string]schema.Attribute{}
	for _, set := range sets {
		maps.Copy(all, set)
	}
	return all
}

// computedStrings is a computed list of strings, which stateValues.setStrings fills.
func computedStrings(doc string) schema.ListAttribute {
	return schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: doc}
}
