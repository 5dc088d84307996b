package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

var _ typedstate.DataSource = (*dataSource)(nil)

// dataSource is one of the provider's data sources: its type name, its
// schema and what its read does, plus the client the provider built, handed
// over in Configure. What every read shares (configuration, project,
// timeout, errors, state) is done once, in Read.
type dataSource struct {
	typeNameSuffix string
	// reads is what the data source reads, which its messages are worded from.
	reads  subjectKind
	schema schema.Schema
	// permission is the IAM action the read needs, for errors.
	permission string
	// readInto reads from the API into r.state. It adds to diags what is
	// not an API error (warnings, say) and returns the API error, if any.
	readInto func(r *readCall, diags *diag.Diagnostics) error
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
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *dataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	state, diags := d.ReadState(ctx, req.Config.Raw)
	resp.Diagnostics.Append(diags...)
	if !diags.HasError() {
		resp.State.Raw = state
	}
}

// ReadState is what Read does, from the configuration to the state, so that
// the served provider can also call it without the framework
// (typedstate.DataSource): state is meaningful only when diags has no
// error, and Read then stores it.
func (d *dataSource) ReadState(ctx context.Context, config tftypes.Value) (state tftypes.Value, diags diag.Diagnostics) {
	r, cancel, ok := d.startRead(ctx, config, &diags)
	defer cancel()
	if !ok {
		return state, diags
	}
	if err := d.readInto(r, &diags); err != nil {
		diags.Append(readErrorDiagnostic(err, d.subject(r.state, r.projectID)))
	}
	if diags.HasError() {
		return state, diags
	}
	// The configuration has the schema's type, which is the state's.
	state, err := r.state.Value(config.Type())
	if err != nil {
		diags.AddError("Internal error", err.Error()+". This is a bug in the provider; please report it.")
	}
	return state, diags
}

// readCall is a read under way: its configuration, the project it reads from
// (stored back as project_id), a context bounded by timeouts.read, and the
// provider's client.
type readCall struct {
	ctx       context.Context
	state     typedstate.Values
	projectID string
	client    *servicestage.Client
	timing    timing
}

// startRead does what every read does first; ok is false when diags says
// why the read cannot go on. The caller must call cancel.
func (d *dataSource) startRead(ctx context.Context, config tftypes.Value, diags *diag.Diagnostics) (r *readCall, cancel context.CancelFunc, ok bool) {
	cancel = func() {}
	ctx, state, ok := begin(ctx, config, d.data, "read", diags)
	if !ok {
		return r, cancel, false
	}
	timeout, err := readTimeout(ctx, d.schema, state, defaultReadTimeout)
	if err != nil {
		diags.AddAttributeError(path.Root("timeouts").AtName("read"), "Invalid timeouts.read", err.Error())
		return r, cancel, false
	}
	ctx, cancel = context.WithTimeout(ctx, timeout)

	projectID, err := d.data.project(ctx, state.String("project_id"))
	if err != nil {
		diags.Append(readErrorDiagnostic(err, d.subject(state, "")))
		return r, cancel, false
	}
	if projectID == "" {
		diags.AddAttributeError(path.Root("project_id"), "Missing project_id",
			d.reads.noProject()+": set project_id on this data source, or project_id (HW_PROJECT_ID) on the provider.")
		return r, cancel, false
	}
	state.SetString("project_id", projectID)
	return &readCall{ctx: tflog.SetField(ctx, "project_id", projectID), state: state, projectID: projectID,
		client: d.data.client, timing: d.data.timing}, cancel, true
}

// subject says what a read reads, for its errors.
func (d *dataSource) subject(state typedstate.Values, projectID string) readSubject {
	s := readSubject{subjectKind: d.reads, projectID: projectID, permission: d.permission, endpoint: d.data.endpoint, method: d.data.authMethod}
	if !d.reads.lists() {
		s.id = state.String(d.reads.idAttr)
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

// attributes merges sets of attributes into a schema's. A name in two sets
// (an API field called project_id, say) panics when the schema is built,
// which every test does, instead of one silently replacing the other.
func attributes(sets ...map[string]schema.Attribute) map[string]schema.Attribute {
	all := map[string]schema.Attribute{}
	for _, set := range sets {
		for name, a := range set {
			if _, taken := all[name]; taken {
				panic(fmt.Sprintf("provider: attribute %q is declared twice", name))
			}
			all[name] = a
		}
	}
	return all
}

// computedStrings is a computed list of strings, which typedstate.Values.SetStrings fills.
func computedStrings(doc string) schema.ListAttribute {
	return schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: doc}
}
