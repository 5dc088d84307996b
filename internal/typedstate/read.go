package typedstate

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// fastReader answers ReadDataSource for a provider's DataSource types as
// terraform-plugin-framework would, without its passes over every value of
// the state: ReifyNullCollectionBlocks (toproto6.State), semantic equality
// and the Copy and Equal around it (fwserver.ReadDataSource). They change
// nothing for a schema without blocks or semantic-equality types, and cost a
// read of a large state many times its own work.
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

// fastDataSource is one data source the fastReader serves: the provider's factory
// for it, called for each read as the framework does, and its protocol type.
type fastDataSource struct {
	newDataSource func() datasource.DataSource
	tfType        tftypes.Type
}

// newFastReader serves p's data sources, or none (nil) if p does not record
// its Configure (Provider) or has a provider meta schema, which the
// framework would decode.
func newFastReader(p provider.Provider) *fastReader {
	rp, ok := p.(Provider)
	if _, meta := p.(provider.ProviderWithMetaSchema); !ok || meta {
		return nil
	}
	f := &fastReader{provider: p, configured: rp.Configured().last.Load, inflight: map[*int]context.CancelFunc{}}
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
		d, ok := ds.(DataSource)
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
	d, ok := ds.newDataSource().(DataSource)
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
	escaping := new(readEscapes)
	configuredResp := &escaping.configured
	d.Configure(ctx, datasource.ConfigureRequest{ProviderData: configured.data}, configuredResp)
	if configuredResp.Diagnostics.HasError() {
		return &tfprotov6.ReadDataSourceResponse{Diagnostics: protoDiagnostics(ctx, configuredResp.Diagnostics)}, true
	}
	state, diags := d.ReadState(ctx, config)
	if diags.HasError() {
		state = config // The framework's state starts as the configuration, and keeps it.
	}
	resp = &tfprotov6.ReadDataSourceResponse{Diagnostics: protoDiagnostics(ctx, diags)}
	dv := &escaping.state
	*dv, err = dynamicValue(ds.tfType, state)
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
	resp.State = dv
	return resp, true
}

// readEscapes are the values of a read that outlive its stack frame: the
// Configure response, handed to a method of an interface, and the state the
// answer points to. One allocation holds both.
type readEscapes struct {
	configured datasource.ConfigureResponse
	state      tfprotov6.DynamicValue
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
