package provider

import (
	"context"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// TestReleasingServerLetsGoOfRPCContexts checks what NewProtocol6Server is
// for: after many reads the provider no longer holds each RPC's context,
// while the framework's own server still does. When an upgrade fixes the
// framework, the second check fails: the wrapper can then go. Every read
// here runs in a context carrying a ballast, as a stand-in for the loggers
// and gRPC stream a real RPC's context carries; weak pointers count the
// ballasts still reachable after the reads, whatever else the heap holds.
func TestReleasingServerLetsGoOfRPCContexts(t *testing.T) {
	ctx := context.Background()
	srv := emulator.New()
	srv.AddToken(testToken, testProject, time.Now().Add(time.Hour))
	srv.AddTask(testProject, benchTask, emulator.Step{Body: emulator.DeployInfoJSON(benchTask, benchComponents(benchComponentCount)...)})
	ts := srv.Start()
	t.Cleanup(ts.Close)

	const reads = 40
	type ballastKey struct{}
	retained := func(server tfprotov6.ProviderServer) int {
		config := configuredServer(t, server, ts.URL)

		ballasts := make([]weak.Pointer[[64 << 10]byte], reads)
		for i := range reads {
			b := new([64 << 10]byte)
			ballasts[i] = weak.Make(b)
			// An RPC's context: cancelled when the RPC returns, as gRPC does.
			rpcCtx, cancel := context.WithCancel(context.WithValue(ctx, ballastKey{}, b))
			resp, err := server.ReadDataSource(rpcCtx, &tfprotov6.ReadDataSourceRequest{TypeName: deployInfoTypeName, Config: config})
			cancel()
			if err != nil || len(resp.Diagnostics) > 0 {
				t.Fatalf("ReadDataSource: %v %v", err, resp.Diagnostics)
			}
		}
		runtime.GC()
		live := 0
		for _, b := range ballasts {
			if b.Value() != nil {
				live++
			}
		}
		runtime.KeepAlive(server) // A served provider lives on after its reads.
		return live
	}

	framework := retained(providerserver.NewProtocol6(New("test")())())
	ours := retained(NewProtocol6Server("test")())
	// The reads fastRead leaves to the framework go through the same wrapper.
	fallback := NewProtocol6Server("test")().(releasingServer)
	fallback.fast = nil
	oursFallback := retained(fallback)
	t.Logf("after %d reads, RPC contexts still reachable: %d with the framework's server, %d with NewProtocol6Server, %d with it reading through the framework",
		reads, framework, ours, oursFallback)
	if ours > 0 || oursFallback > 0 {
		t.Errorf("NewProtocol6Server keeps %d (%d reading through the framework) of %d RPC contexts after their reads; want none", ours, oursFallback, reads)
	}
	if framework < reads {
		t.Errorf("the framework's server keeps only %d of %d RPC contexts after their reads: it no longer retains them, "+
			"so NewProtocol6Server's releasingServer wrapper is not needed any more; remove it", framework, reads)
	}
}

const deployInfoTypeName = "servicestage_release_plan_deploy_info"

// configuredServer configures server for token authentication against url,
// as Terraform would, and returns the protocol configuration of a deploy-info
// data source that reads benchTask.
func configuredServer(t testing.TB, server tfprotov6.ProviderServer, url string) *tfprotov6.DynamicValue {
	t.Helper()
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	dynamic := func(typ tftypes.Type, set map[string]string) *tfprotov6.DynamicValue {
		attrs := map[string]tftypes.Value{}
		for name, at := range typ.(tftypes.Object).AttributeTypes {
			attrs[name] = tftypes.NewValue(at, nil)
		}
		for name, v := range set {
			attrs[name] = tftypes.NewValue(tftypes.String, v)
		}
		dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
		if err != nil {
			t.Fatal(err)
		}
		return &dv
	}
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		Config: dynamic(schemas.Provider.ValueType(), map[string]string{"endpoint": url, "token": testToken, "project_id": testProject}),
	})
	if err != nil || len(configured.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %v", err, configured.Diagnostics)
	}
	return dynamic(schemas.DataSourceSchemas[deployInfoTypeName].ValueType(), map[string]string{"release_plan_id": benchTask})
}

// TestReleasableContext checks that a released context forwards
// cancellation while the RPC runs and holds nothing after.
func TestReleasableContext(t *testing.T) {
	type key struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	ctx, release := releasable(parent)
	child, cancelChild := context.WithCancel(ctx)
	defer cancelChild()
	if ctx.Value(key{}) != "v" || ctx.Err() != nil {
		t.Fatalf("before release: value %v, err %v", ctx.Value(key{}), ctx.Err())
	}
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the RPC's context did not cancel a context derived from the releasable one")
	}
	release()
	if ctx.Value(key{}) != nil || ctx.Err() != context.Canceled {
		t.Errorf("after release: value %v, err %v; want nil, context.Canceled", ctx.Value(key{}), ctx.Err())
	}
}
