package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// fastReader answers ReadDataSource for the provider's dataSource types as
// terraform-plugin-framework would, without its passes over every value of
// the state: ReifyNullCollectionBlocks (toproto6.State), semantic equality
// and the Copy and Equal around it (fwserver.ReadDataSource). They change
// nothing for a schema without blocks or semantic-equality types, and cost a
// read of a large release task many times its own work (DESIGN.md).
// Anything else, and any request out of the ordinary, goes to the framework.
type fastReader struct {
	provider provider.Provider
	// configured is the provider's record of its last Configure.
	configured func() *configureOutcome
	// dataSources are the ones it serves, by type name, built on first use.
	dataSources func() map[string]fastDataSource

	mu sync.Mutex
	// inflight cancels the reads under way, for StopProvider, as the
	// framework's registerContext does; a read removes its own on return.
	inflight map[*int]context.CancelFunc
}

// fastDataSource is one data source fastRead serves: the provider's factory
// for it, called for each read as the framework does, and its protocol type.
type fastDataSource struct {
	newDataSource func() datasource.DataSource
	tfType        tftypes.Type
}

// configureOutcome is what Configure handed the data sources.
type configureOutcome struct {
	data     any
	deferred bool
}

func (p *servicestageProvider) recordConfigured(resp *provider.ConfigureResponse) {
	p.configured.Store(&configureOutcome{data: resp.DataSourceData, deferred: resp.Deferred != nil})
}

// newFastReader serves p's data sources, or none (nil) if p is not this
// provider or has a provider meta schema, which the framework would decode.
func newFastReader(p provider.Provider) *fastReader {
	sp, ok := p.(*servicestageProvider)
	if _, meta := p.(provider.ProviderWithMetaSchema); !ok || meta {
		return nil
	}
	f := &fastReader{provider: p, configured: sp.configured.Load, inflight: map[*int]context.CancelFunc{}}
	f.dataSources = sync.OnceValue(f.servedDataSources)
	return f
}

// servedDataSources finds the data sources as the framework does
// (fwserver.DataSourceFuncs): none when the framework would refuse them all
// for an empty or repeated type name.
func (f *fastReader) servedDataSources() map[string]fastDataSource {
	ctx := context.Background()
	var meta provider.MetadataResponse
	f.provider.Metadata(ctx, provider.MetadataRequest{}, &meta)
	served := map[string]fastDataSource{}
	seen := map[string]bool{}
	for _, newDataSource := range f.provider.DataSources(ctx) {
		ds := newDataSource()
		var md datasource.MetadataResponse
		ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: meta.TypeName}, &md)
		if md.TypeName == "" || seen[md.TypeName] {
			return nil
		}
		seen[md.TypeName] = true
		d, ok := ds.(*dataSource)
		if !ok {
			continue
		}
		var sr datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &sr)
		if sr.Diagnostics.HasError() || !passesDoNothing(ctx, sr.Schema) {
			continue
		}
		served[md.TypeName] = fastDataSource{newDataSource: newDataSource, tfType: sr.Schema.Type().TerraformType(ctx)}
	}
	return served
}

// passesDoNothing says whether the framework's passes leave every state of
// this schema as it is: it has no blocks (ReifyNullCollectionBlocks) and no
// type whose values define semantic equality.
func passesDoNothing(ctx context.Context, s schema.Schema) bool {
	return len(s.Blocks) == 0 && !hasSemanticEquality(ctx, s.Type())
}

func hasSemanticEquality(ctx context.Context, t attr.Type) bool {
	switch t.ValueType(ctx).(type) {
	case basetypes.BoolValuableWithSemanticEquals, basetypes.Float32ValuableWithSemanticEquals,
		basetypes.Float64ValuableWithSemanticEquals, basetypes.Int32ValuableWithSemanticEquals,
		basetypes.Int64ValuableWithSemanticEquals, basetypes.NumberValuableWithSemanticEquals,
		basetypes.StringValuableWithSemanticEquals, basetypes.ListValuableWithSemanticEquals,
		basetypes.SetValuableWithSemanticEquals, basetypes.MapValuableWithSemanticEquals,
		basetypes.ObjectValuableWithSemanticEquals, basetypes.DynamicValuableWithSemanticEquals:
		return true
	}
	switch t := t.(type) {
	case attr.TypeWithAttributeTypes:
		for _, at := range t.AttributeTypes() {
			if hasSemanticEquality(ctx, at) {
				return true
			}
		}
	case attr.TypeWithElementType:
		return hasSemanticEquality(ctx, t.ElementType())
	case attr.TypeWithElementTypes:
		for _, et := range t.ElementTypes() {
			if hasSemanticEquality(ctx, et) {
				return true
			}
		}
	}
	return false
}

// read answers req as proto6server.ReadDataSource would; ok is false when
// the framework must: a type it does not serve, a provider not configured
// or deferring every read, provider_meta, or a configuration that does not
// decode (the framework words that error).
func (f *fastReader) read(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (resp *tfprotov6.ReadDataSourceResponse, ok bool) {
	if f == nil || req.Config == nil || req.ProviderMeta != nil {
		return nil, false
	}
	ds, ok := f.dataSources()[req.TypeName]
	configured := f.configured()
	if !ok || configured == nil || configured.deferred {
		return nil, false
	}
	d, ok := ds.newDataSource().(*dataSource)
	if !ok {
		return nil, false
	}
	config, err := req.Config.Unmarshal(ds.tfType)
	if err != nil {
		return nil, false
	}
	ctx, done := f.track(ctx)
	defer done()

	// fwserver.ReadDataSource: a fresh data source, configured, then read.
	// Its Configure's warnings are dropped there, as here.
	var configuredResp datasource.ConfigureResponse
	d.Configure(ctx, datasource.ConfigureRequest{ProviderData: configured.data}, &configuredResp)
	if configuredResp.Diagnostics.HasError() {
		return &tfprotov6.ReadDataSourceResponse{Diagnostics: protoDiagnostics(ctx, configuredResp.Diagnostics)}, true
	}
	state, diags := d.read(ctx, config)
	if diags.HasError() {
		state = config // The framework's state starts as the configuration, and keeps it.
	}
	resp = &tfprotov6.ReadDataSourceResponse{Diagnostics: protoDiagnostics(ctx, diags)}
	dv, err := dynamicValue(ds.tfType, state)
	if err != nil {
		// toproto6.DynamicValue's words.
		resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityError,
			Summary:  "Unable to Convert State",
			Detail: "An unexpected error was encountered when converting the state to the protocol type. " +
				"This is always an issue in terraform-plugin-framework used to implement the provider and should be reported to the provider developers.\n\n" +
				"Please report this to the provider developer:\n\n" +
				"Unable to create DynamicValue: " + err.Error(),
		})
		return resp, true
	}
	resp.State = &dv
	return resp, true
}

// track makes ctx one that stop cancels; done forgets it.
func (f *fastReader) track(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	key := new(int)
	f.mu.Lock()
	f.inflight[key] = cancel
	f.mu.Unlock()
	return ctx, func() {
		f.mu.Lock()
		delete(f.inflight, key)
		f.mu.Unlock()
		cancel()
	}
}

// stop cancels the reads under way, as StopProvider does the framework's.
func (f *fastReader) stop() {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, cancel := range f.inflight {
		cancel()
	}
	clear(f.inflight)
}

// protoDiagnostics is toproto6.Diagnostics: diagnostics as the protocol
// carries them, each attribute path converted.
func protoDiagnostics(ctx context.Context, diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail(), Severity: tfprotov6.DiagnosticSeverityInvalid}
		switch d.Severity() {
		case diag.SeverityError:
			pd.Severity = tfprotov6.DiagnosticSeverityError
		case diag.SeverityWarning:
			pd.Severity = tfprotov6.DiagnosticSeverityWarning
		}
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			attribute, err := attributePath(ctx, withPath.Path())
			if err != nil {
				// totftypes.AttributePath's words.
				out = append(out, &tfprotov6.Diagnostic{
					Severity: tfprotov6.DiagnosticSeverityError,
					Summary:  "Unable to Convert Attribute Path",
					Detail: "An unexpected error occurred while trying to convert an attribute path. " +
						"This is either an error in terraform-plugin-framework or a custom attribute type used by the provider. " +
						"Please report the following to the provider developers.\n\n" +
						fmt.Sprintf("Attribute Path: %s\n", withPath.Path().String()) +
						fmt.Sprintf("Original Error: %s", err),
				})
			}
			pd.Attribute = attribute
		}
		out = append(out, pd)
	}
	return out
}

// attributePath is totftypes.AttributePath.
func attributePath(ctx context.Context, p path.Path) (*tftypes.AttributePath, error) {
	var steps []tftypes.AttributePathStep
	for _, step := range p.Steps() {
		switch step := step.(type) {
		case path.PathStepAttributeName:
			steps = append(steps, tftypes.AttributeName(string(step)))
		case path.PathStepElementKeyInt:
			steps = append(steps, tftypes.ElementKeyInt(int64(step)))
		case path.PathStepElementKeyString:
			steps = append(steps, tftypes.ElementKeyString(string(step)))
		case path.PathStepElementKeyValue:
			v, err := step.ToTerraformValue(ctx)
			if err != nil {
				return nil, fmt.Errorf("unable to convert attr.Value (%s) to tftypes.Value: %w", step.Value.String(), err)
			}
			steps = append(steps, tftypes.ElementKeyValue(v))
		default:
			return nil, fmt.Errorf("unknown path.PathStep: %#v", step)
		}
	}
	return tftypes.NewAttributePathWithSteps(steps), nil
}
