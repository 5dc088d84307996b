package provider

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// defaultReadTimeout bounds a read, its wait included, unless timeouts.read says otherwise.
const defaultReadTimeout = 20 * time.Minute

// dataSource is what every data source of this provider shares: the client
// the provider built, handed over in Configure.
type dataSource struct {
	data *providerData
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

// read is a read under way: its configuration, the project it reads from
// (stored back as project_id), and a context bounded by timeouts.read.
type read struct {
	ctx       context.Context
	state     stateValues
	projectID string
}

// startRead does what every read does first; ok is false when diags says
// why the read cannot go on. The caller must call cancel.
func (d *dataSource) startRead(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) (r read, cancel context.CancelFunc, ok bool) {
	cancel = func() {}
	state, ds := configValues(ctx, config)
	diags.Append(ds...)
	if diags.HasError() {
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
	timeout := defaultReadTimeout
	if t, ok := state["timeouts"]; ok && t != nil {
		timeout, ds = state.timeouts().Read(ctx, defaultReadTimeout)
		diags.Append(ds...)
		if diags.HasError() {
			return r, cancel, false
		}
	}
	ctx, cancel = context.WithTimeout(ctx, timeout)

	projectID := state.string("project_id")
	if projectID == "" {
		projectID = d.data.projectID
	}
	if projectID == "" && d.data.scopedProject != nil {
		// A password token scoped by region works in that region's project.
		var err error
		if projectID, err = d.data.scopedProject(ctx); err != nil {
			diags.Append(readErrorDiagnostic(err, state.string("release_plan_id"), "", d.data.authMethod))
			return r, cancel, false
		}
	}
	if projectID == "" {
		diags.AddAttributeError(path.Root("project_id"), "Missing project_id",
			"No project to read the release task from: set project_id on this data source, or project_id (HW_PROJECT_ID) on the provider.")
		return r, cancel, false
	}
	state["project_id"] = types.StringValue(projectID)
	return read{ctx: tflog.SetField(ctx, "project_id", projectID), state: state, projectID: projectID}, cancel, true
}

// withAPIAttributes adds the attributes of an API object to a data source's own.
func withAPIAttributes(o *apiObject, own map[string]schema.Attribute) map[string]schema.Attribute {
	attrs := o.attributes()
	maps.Copy(attrs, own)
	return attrs
}

// stringList is a list of strings; never null.
func stringList(items []string) types.List {
	elems := make([]attr.Value, len(items))
	for i, s := range items {
		elems[i] = types.StringValue(s)
	}
	return types.ListValueMust(types.StringType, elems)
}
