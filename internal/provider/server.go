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
// two fixes for a plan of hundreds of data sources (DESIGN.md):
//
//   - it hands the framework a context that lets go of the RPC's own context
//     once the RPC returns. terraform-plugin-framework keeps the cancel func
//     of every RPC's context until StopProvider, which Terraform sends only
//     on Ctrl-C, and so each RPC's whole context chain (loggers, gRPC
//     stream) for the life of the provider. Drop this once
//     TestReleasingServerLetsGoOfRPCContexts says the framework lets go itself.
//   - it answers ReadDataSource itself (fastRead) for the data sources whose
//     schema leaves the framework's per-value passes nothing to do.
//     TestFastReadIsTheFrameworkRead holds the answers byte for byte equal.
//
// Every other RPC, actions, list resources and state stores included, is the
// framework's.
func NewProtocol6Server(version string) func() tfprotov6.ProviderServer {
	return protocol6Server(New(version))
}

// protocol6Server serves the providers that newProvider makes, so tests can
// serve a provider with their own timing through the same wrapper.
func protocol6Server(newProvider func() provider.Provider) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		p := newProvider()
		fw, ok := providerserver.NewProtocol6(p)().(frameworkServer)
		if !ok {
			panic("provider: the framework's server no longer implements every RPC of terraform-plugin-go")
		}
		return releasingServer{frameworkServer: fw, fast: newFastReader(p)}
	}
}

// frameworkServer is every RPC terraform-plugin-go defines, the ones outside
// tfprotov6.ProviderServer included: tf6server finds those by type
// assertion, so a wrapper that dropped them would answer "not implemented".
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ActionServer
	tfprotov6.ListResourceServer
	tfprotov6.StateStoreServer
}

// releasingServer wraps the two RPCs Terraform sends once per data source,
// and StopProvider, which must also cancel the reads fastRead serves.
type releasingServer struct {
	frameworkServer
	fast *fastReader // nil: every read is the framework's
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	rpcCtx, release := releasable(ctx)
	defer release()
	return s.frameworkServer.ValidateDataResourceConfig(rpcCtx, req)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	rpcCtx, release := releasable(ctx)
	defer release()
	if resp, ok := s.fast.read(rpcCtx, req); ok {
		return resp, nil
	}
	return s.frameworkServer.ReadDataSource(rpcCtx, req)
}

func (s releasingServer) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	s.fast.stop()
	return s.frameworkServer.StopProvider(ctx, req)
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
