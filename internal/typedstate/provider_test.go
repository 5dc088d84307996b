package typedstate

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// testCount is a number that may be unset: JSON null or absent leaves it nil.
type testCount struct{ n *int64 }

func (c testCount) Get() (int64, bool) {
	if c.n == nil {
		return 0, false
	}
	return *c.n, true
}

func (c *testCount) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, &c.n) }

func count(n int64) testCount { return testCount{&n} }

type testPart struct {
	Name  string    `json:"name" doc:"The part's name."`
	Count testCount `json:"count" doc:"How many, such as '3'."`
}

// ItemSummary is embedded in testItem: its fields are testItem's, a renamed
// one and one the answer does not carry (json "-") included.
type ItemSummary struct {
	ID   string `json:"id" doc:"The ID."`
	Desc string `json:"desc" tfsdk:"description" doc:"What the item is."`
	Word string `json:"-" tfsdk:"word" doc:"A word derived from the rest, such as 'BIG'."`
}

type testItem struct {
	Name  string      `json:"name" doc:"The name."`
	Size  testCount   `json:"size" doc:"A size."`
	Parts []*testPart `json:"parts" doc:"Its parts."`
	Owner *testPart   `json:"owner" doc:"The part that owns it."`
	ItemSummary
}

var testItemObject = ObjectOf[testItem]()

// testItems are what the test data source reads, by key.
var testItems = map[string]*testItem{
	"full": {ItemSummary: ItemSummary{ID: "i-1", Desc: "a full item", Word: "BIG"}, Name: "full", Size: count(7),
		Parts: []*testPart{{Name: "a", Count: count(0)}, {Name: "b"}}, Owner: &testPart{Name: "o"}},
	"sparse":    {Parts: []*testPart{}},
	"null":      nil,
	"null part": {Name: "n", Parts: []*testPart{{Name: "a"}, nil}},
}

// testProvider has two data sources over testItem: test_item, which the
// server reads itself, and test_item_with_block, which it leaves to the
// framework.
type testProvider struct {
	configured Configured
	// deferred makes Configure defer every read.
	deferred bool
}

func newTestProvider() provider.Provider { return &testProvider{} }

func (p *testProvider) Configured() *Configured { return &p.configured }

func (p *testProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "test"
}

func (p *testProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerschema.Schema{}
}

func (p *testProvider) Configure(_ context.Context, _ provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	defer p.configured.Record(resp)
	resp.DataSourceData = "configured"
	if p.deferred {
		resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
	}
}

func (p *testProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		func() datasource.DataSource { return &testDataSource{} },
		func() datasource.DataSource { return &testDataSource{block: true} },
	}
}

func (p *testProvider) Resources(context.Context) []func() resource.Resource { return nil }

// testDataSource reads testItems[key]; wait = true reads until the context
// ends. tags holds what Configure handed it.
type testDataSource struct {
	block bool
	data  string
}

func (d *testDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_item"
	if d.block {
		resp.TypeName += "_with_block"
	}
}

func (d *testDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := testItemObject.Attributes()
	attrs["key"] = schema.StringAttribute{Required: true}
	attrs["wait"] = schema.BoolAttribute{Optional: true}
	attrs["tags"] = schema.ListAttribute{Computed: true, ElementType: types.StringType}
	resp.Schema = schema.Schema{Attributes: attrs}
	if d.block {
		resp.Schema.Blocks = map[string]schema.Block{"filter": schema.ListNestedBlock{
			NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{"name": schema.StringAttribute{Optional: true}}},
		}}
	}
}

func (d *testDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(string)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("got %T", req.ProviderData))
	}
	d.data = data
}

func (d *testDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	state, diags := d.ReadState(ctx, req.Config.Raw)
	resp.Diagnostics.Append(diags...)
	if !diags.HasError() {
		resp.State.Raw = state
	}
}

func (d *testDataSource) ReadState(ctx context.Context, config tftypes.Value) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	values, err := ConfigValues(config)
	if err != nil {
		diags.AddError("Internal error", err.Error())
		return tftypes.Value{}, diags
	}
	if values.Bool("wait") {
		<-ctx.Done()
		diags.AddError("Read cancelled", ctx.Err().Error())
		return tftypes.Value{}, diags
	}
	item, ok := testItems[values.String("key")]
	if !ok {
		diags.AddAttributeError(path.Root("key"), "No such item", fmt.Sprintf("There is no item %q.", values.String("key")))
		return tftypes.Value{}, diags
	}
	if item != nil && item.Name == "" {
		diags.AddAttributeWarning(path.Root("name"), "Item without a name", "Its name is null.")
	}
	if err := SetObject(values, testItemObject, item); err != nil {
		diags.AddError("Unexpected answer", err.Error())
		return tftypes.Value{}, diags
	}
	values.SetStrings("tags", []string{d.data})
	state, err := values.Value(config.Type())
	if err != nil {
		diags.AddError("Internal error", err.Error())
	}
	return state, diags
}

// configure configures server as Terraform would; the test provider has no
// arguments.
func configure(t testing.TB, server tfprotov6.ProviderServer) {
	t.Helper()
	empty := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
	config, err := tfprotov6.NewDynamicValue(empty, tftypes.NewValue(empty, map[string]tftypes.Value{}))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{
		Config: &config, ClientCapabilities: &tfprotov6.ConfigureProviderClientCapabilities{DeferralAllowed: true},
	})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %v", err, resp.Diagnostics)
	}
}

// readRequest reads typeName with the given attributes set, the rest null;
// a value of nil is unknown.
func readRequest(t testing.TB, server tfprotov6.ProviderServer, typeName string, set map[string]any) *tfprotov6.ReadDataSourceRequest {
	t.Helper()
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatal(err, schemas.Diagnostics)
	}
	typ, ok := schemas.DataSourceSchemas[typeName].ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("no data source %s", typeName)
	}
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range set {
		if v == nil {
			v = tftypes.UnknownValue
		}
		attrs[name] = tftypes.NewValue(typ.AttributeTypes[name], v)
	}
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: &config}
}
