package typedstate

import (
	"context"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// TestReleasingServerLetsGoOfRPCContexts checks what NewProtocol6 is
// for: after many reads the provider no longer holds each RPC's context,
// while the framework's own server still does. When an upgrade fixes the
// framework, the second check fails: the wrapper can then go. Every read
// here runs in a context carrying a ballast, as a stand-in for the loggers
// and gRPC stream a real RPC's context carries; weak pointers count the
// ballasts still reachable after the reads, whatever else the heap holds.
func TestReleasingServerLetsGoOfRPCContexts(t *testing.T) {
	ctx := context.Background()
	const reads = 40
	type ballastKey struct{}
	retained := func(server tfprotov6.ProviderServer) int {
		configure(t, server)
		req := readRequest(t, server, "test_item", map[string]any{"key": "full"})

		ballasts := make([]weak.Pointer[[64 << 10]byte], reads)
		for i := range reads {
			b := new([64 << 10]byte)
			ballasts[i] = weak.Make(b)
			// An RPC's context: cancelled when the RPC returns, as gRPC does.
			rpcCtx, cancel := context.WithCancel(context.WithValue(ctx, ballastKey{}, b))
			resp, err := server.ReadDataSource(rpcCtx, req)
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

	framework := retained(providerserver.NewProtocol6(newTestProvider())())
	ours := retained(NewProtocol6(newTestProvider)())
	// The reads ReadFast leaves to the framework go through the same wrapper.
	oursFallback := retained(NewProtocol6(newTestProvider)().(Server).FrameworkReads())
	t.Logf("after %d reads, RPC contexts still reachable: %d with the framework's server, %d with NewProtocol6, %d with it reading through the framework",
		reads, framework, ours, oursFallback)
	if ours > 0 || oursFallback > 0 {
		t.Errorf("NewProtocol6 keeps %d (%d reading through the framework) of %d RPC contexts after their reads; want none", ours, oursFallback, reads)
	}
	if framework < reads {
		t.Errorf("the framework's server keeps only %d of %d RPC contexts after their reads: it no longer retains them, "+
			"so NewProtocol6's Server wrapper is not needed any more; remove it", framework, reads)
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

// TestStopProviderCancelsFastReads checks that StopProvider ends a read
// ReadFast serves, as the framework's StopProvider ends its own, and that
// the server forgets the read once it returns.
func TestStopProviderCancelsFastReads(t *testing.T) {
	served, _ := servedAndFramework(t, newTestProvider)
	req := readRequest(t, served, "test_item", map[string]any{"key": "full", "wait": true})
	answered := make(chan *tfprotov6.ReadDataSourceResponse, 1)
	go func() {
		resp, _ := served.ReadDataSource(context.Background(), req)
		answered <- resp
	}()
	for reading := 0; reading == 0; {
		time.Sleep(time.Millisecond)
		served.fast.mu.Lock()
		reading = len(served.fast.inflight)
		served.fast.mu.Unlock()
	}
	if _, err := served.StopProvider(context.Background(), &tfprotov6.StopProviderRequest{}); err != nil {
		t.Fatal(err)
	}
	resp := <-answered
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != "Read cancelled" {
		t.Errorf("read during StopProvider: %s; want Read cancelled", answerText(resp))
	}
	served.fast.mu.Lock()
	defer served.fast.mu.Unlock()
	if len(served.fast.inflight) != 0 {
		t.Errorf("%d reads still tracked after they returned", len(served.fast.inflight))
	}
}
