package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

var _ action.ActionWithConfigure = (*providerAction)(nil)

// providerAction is one of the provider's actions: its type name, its
// schema and what its invoke does, plus the client the provider built,
// handed over in Configure. What every invoke shares (configuration,
// project, timeout, progress, errors) is done once, in Invoke.
type providerAction struct {
	typeNameSuffix string
	schema         schema.Schema
	// starts names what the action starts and the argument that holds its
	// ID, worded as the data sources word what they read.
	starts subjectKind
	// readPermission is the IAM action the invoke's reads need; the start
	// request names its own with needsPermission.
	readPermission string
	// invoke does the work. An error it returns becomes the diagnostic.
	invoke func(inv *invocation) error
	data   *providerData
}

// instance is a copy of a for one use: the framework makes an action for
// every RPC, so the schema is built once, not per copy.
func (a providerAction) instance() action.Action { return &a }

func (a *providerAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = a.schema
}

func (a *providerAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + a.typeNameSuffix
}

func (a *providerAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// invocation is an invoke under way: its configuration, the project and ID
// it works on, a context bounded by timeouts.invoke, the provider's client,
// and where progress goes.
type invocation struct {
	ctx       context.Context
	config    typedstate.Values
	projectID string
	id        string
	client    *servicestage.Client
	timing    timing
	// send reports one progress message to Terraform.
	send func(string)
}

// progress tells the user, and the log, how the invoke is going.
func (inv *invocation) progress(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	tflog.Info(inv.ctx, "progress: "+msg)
	if inv.send != nil {
		inv.send(msg)
	}
}

// wait is the wait argument: true unless set to false.
func (inv *invocation) wait() bool {
	v, ok := inv.config["wait"]
	return !ok || v.IsNull() || !v.IsKnown() || inv.config.Bool("wait")
}

func (a *providerAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	inv, cancel, ok := a.start(ctx, req, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	inv.send = func(msg string) {
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: msg})
		}
	}
	if err := a.invoke(inv); err != nil {
		resp.Diagnostics.Append(a.errorDiagnostic(err, inv.id, inv.projectID))
	}
}

// start does what every invoke does first; ok is false when diags says why
// the invoke cannot go on. The caller must call cancel.
func (a *providerAction) start(ctx context.Context, req action.InvokeRequest, diags *diag.Diagnostics) (inv *invocation, cancel context.CancelFunc, ok bool) {
	cancel = func() {}
	ctx, config, ok := begin(ctx, req.Config.Raw, a.data, "action", diags)
	if !ok {
		return nil, cancel, false
	}
	timeout, err := invokeTimeout(ctx, a.schema, config)
	if err != nil {
		diags.AddAttributeError(path.Root("timeouts").AtName("invoke"), "Invalid timeouts.invoke", err.Error())
		return nil, cancel, false
	}
	ctx, cancel = context.WithTimeout(ctx, timeout)

	id := config.String(a.starts.idAttr)
	projectID, err := a.data.project(ctx, config.String("project_id"))
	if err != nil {
		diags.Append(a.errorDiagnostic(err, id, ""))
		return nil, cancel, false
	}
	if projectID == "" {
		diags.AddAttributeError(path.Root("project_id"), "Missing project_id",
			fmt.Sprintf("No project to start the %s in: set project_id on this action, or project_id (HW_PROJECT_ID) on the provider.", a.starts.noun))
		return nil, cancel, false
	}
	ctx = tflog.SetField(tflog.SetField(ctx, "project_id", projectID), a.starts.idAttr, id)
	return &invocation{ctx: ctx, config: config, projectID: projectID, id: id, client: a.data.client, timing: a.data.timing}, cancel, true
}

// actionError is a failure the action words itself.
type actionError struct{ summary, detail string }

func (e *actionError) Error() string { return e.summary + ": " + e.detail }

// permissionError marks an error of a request that needs another IAM
// permission than the action's reads.
type permissionError struct {
	permission string
	err        error
}

func (e *permissionError) Error() string { return e.err.Error() }
func (e *permissionError) Unwrap() error { return e.err }

// needsPermission marks err as the error of a request that needs permission.
func needsPermission(permission string, err error) error {
	if err == nil {
		return nil
	}
	return &permissionError{permission: permission, err: err}
}

// startedError is an error met after a run started: the diagnostic adds
// that the run goes on.
type startedError struct {
	err  error
	note string
}

func (e *startedError) Error() string { return e.err.Error() }
func (e *startedError) Unwrap() error { return e.err }

// errorDiagnostic words a failed invoke: the action's own errors as they
// are, API errors as the data sources word them.
func (a *providerAction) errorDiagnostic(err error, id, projectID string) diag.Diagnostic {
	var own *actionError
	if errors.As(err, &own) {
		return diag.NewErrorDiagnostic(own.summary, own.detail)
	}
	var started *startedError
	if errors.As(err, &started) {
		d := a.errorDiagnostic(started.err, id, projectID)
		return diag.NewErrorDiagnostic(d.Summary(), d.Detail()+"\n\n"+started.note)
	}
	s := readSubject{subjectKind: a.starts, id: id, projectID: projectID, permission: a.readPermission}
	if a.data != nil {
		s.endpoint, s.method = a.data.endpoint, a.data.authMethod
	}
	var perm *permissionError
	if errors.As(err, &perm) {
		s.permission = perm.permission
	}
	if isTimeout(err) {
		return diag.NewErrorDiagnostic("Timed out before the "+a.starts.noun+" started",
			fmt.Sprintf("%s.\n\ntimeouts.invoke ran out before a run of %s started. Raise timeouts.invoke, or check network access to the endpoint.",
				err, s.description()))
	}
	return readErrorDiagnostic(err, s)
}

// idArgument is the required ID of what an action starts.
func idArgument(doc string) schema.StringAttribute {
	return schema.StringAttribute{Required: true, Validators: []validator.String{pathSegment()}, MarkdownDescription: doc}
}

// actionProjectID is an action's optional project_id.
func actionProjectID(doc string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Validators:          []validator.String{pathSegment()},
		MarkdownDescription: doc + " Defaults to the provider's `project_id`.",
	}
}

// waitArgument is an action's wait argument; invocation.wait reads it.
func waitArgument(doc string) schema.BoolAttribute {
	return schema.BoolAttribute{Optional: true, MarkdownDescription: doc + " Default `true`; `false` succeeds as soon as the run is started."}
}
