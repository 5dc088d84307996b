package provider

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewProtocol6Server is providerserver.NewProtocol6 for this provider, with
// one fix for a plan of hundreds of data sources: it hands the framework a
// context that lets go of the RPC's own context once the RPC returns.
//
// terraform-plugin-framework keeps the cancel func of every RPC's context
// until StopProvider, which Terraform sends only on Ctrl-C, and so each RPC's
// whole context chain (loggers, gRPC stream) for the life of the provider
// (DESIGN.md). Cancellation and StopProvider work as before. Drop this once
// TestReleasingServerLetsGoOfRPCContexts says the framework lets go itself.
func NewProtocol6Server(version string) func() tfprotov6.ProviderServer {
	return protocol6Server(New(version))
}

// protocol6Server serves the providers that newProvider makes, so tests can
// serve a provider with their own timing through the same wrapper.
func protocol6Server(newProvider func() provider.Provider) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		framework := providerserver.NewProtocol6(newProvider())()
		actions, _ := framework.(tfprotov6.ActionServer) // The framework's server serves actions.
		return actionServingServer{releasingServer{framework}, actions}
	}
}

// actionServingServer adds the action RPCs, which tfprotov6.ProviderServer does
// not include yet: without them a wrapper hides the framework's, and
// Terraform reports "ValidateActionConfig Not Implemented". An action runs
// once per invoke, so its context is passed as it is.
type actionServingServer struct {
	releasingServer
	tfprotov6.ActionServer
}

// releasingServer wraps the two RPCs Terraform sends once per data source.
type releasingServer struct {
	tfprotov6.ProviderServer
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	rpcCtx, release := releasable(ctx)
	defer release()
	return s.ProviderServer.ValidateDataResourceConfig(rpcCtx, req)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	rpcCtx, release := releasable(ctx)
	defer release()
	return s.ProviderServer.ReadDataSource(rpcCtx, req)
}

// releasableContext is its parent until released, and then an empty,
// cancelled context that holds nothing but the parent's Done channel.
type releasableContext struct {
	parent atomic.Pointer[context.Context]
	done   <-chan struct{}
}

func releasable(parent context.Context) (context.Context, func()) {
	c := &releasableContext{done: parent.Done()}
	c.parent.Store(&parent)
	return c, func() { c.parent.Store(nil) }
}

func (c *releasableContext) Deadline() (time.Time, bool) {
	if p := c.parent.Load(); p != nil {
		return (*p).Deadline()
	}
	return time.Time{}, false
}

// Done is the parent's channel, so that contexts derived from this one are
// cancelled with the RPC as before.
func (c *releasableContext) Done() <-chan struct{} { return c.done }

func (c *releasableContext) Err() error {
	if p := c.parent.Load(); p != nil {
		return (*p).Err()
	}
	return context.Canceled
}

func (c *releasableContext) Value(key any) any {
	if p := c.parent.Load(); p != nil {
		return (*p).Value(key)
	}
	return nil
}
