package provider

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// TestReleasingServerLetsGoOfRPCContexts checks what NewProtocol6Server is
// for: after many reads the provider no longer holds each RPC's context,
// while the framework's own server still does. When an upgrade fixes the
// framework, the second check fails: the wrapper can then go. Every read here runs in a context carrying 256 KiB, as a stand-in
// for the loggers and gRPC stream a real RPC's context carries.
func TestReleasingServerLetsGoOfRPCContexts(t *testing.T) {
	ctx := context.Background()
	srv := emulator.New()
	srv.AddToken(testToken, testProject, time.Now().Add(time.Hour))
	srv.AddTask(testProject, benchTask, emulator.Step{Body: emulator.DeployInfoJSON(benchTask, benchComponents(benchComponentCount)...)})
	ts := srv.Start()
	t.Cleanup(ts.Close)

	const reads, ballast = 40, 256 << 10
	type ballastKey struct{}
	retained := func(server tfprotov6.ProviderServer) uint64 {
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
			Config: dynamic(schemas.Provider.ValueType(), map[string]string{"endpoint": ts.URL, "token": testToken, "project_id": testProject}),
		})
		if err != nil || len(configured.Diagnostics) > 0 {
			t.Fatalf("ConfigureProvider: %v %v", err, configured.Diagnostics)
		}
		typeName := "servicestage_release_plan_deploy_info"
		config := dynamic(schemas.DataSourceSchemas[typeName].ValueType(), map[string]string{"release_plan_id": benchTask})

		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for range reads {
			// An RPC's context: cancelled when the RPC returns, as gRPC does.
			rpcCtx, cancel := context.WithCancel(context.WithValue(ctx, ballastKey{}, make([]byte, ballast)))
			resp, err := server.ReadDataSource(rpcCtx, &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: config})
			cancel()
			if err != nil || len(resp.Diagnostics) > 0 {
				t.Fatalf("ReadDataSource: %v %v", err, resp.Diagnostics)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(server) // A served provider lives on after its reads.
		return after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
	}

	framework := retained(providerserver.NewProtocol6(New("test")())())
	ours := retained(NewProtocol6Server("test")())
	t.Logf("after %d reads with %d KiB contexts: framework server retains %d KiB, NewProtocol6Server %d KiB",
		reads, ballast>>10, framework>>10, ours>>10)
	if ours > reads*ballast/4 {
		t.Errorf("NewProtocol6Server retains %d KiB after %d reads; want well under %d KiB", ours>>10, reads, reads*ballast>>10)
	}
	if framework < reads*ballast/2 {
		t.Errorf("the framework's server retains only %d KiB after %d reads of %d KiB contexts: it no longer keeps "+
			"RPC contexts, so NewProtocol6Server's releasingServer wrapper is not needed any more; remove it", framework>>10, reads, ballast>>10)
	}
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
