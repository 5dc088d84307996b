package typedstate

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewProtocol6 is providerserver.NewProtocol6 for the providers that
// newProvider makes, with two fixes for a plan of hundreds of data sources:
//
//   - it hands the framework a context that lets go of the RPC's own context
//     once the RPC returns. terraform-plugin-framework keeps the cancel func
//     of every RPC's context until StopProvider, which Terraform sends only
//     on Ctrl-C, and so each RPC's whole context chain (loggers, gRPC
//     stream) for the life of the provider. Drop this once
//     TestReleasingServerLetsGoOfRPCContexts says the framework lets go itself.
//   - for a Provider, it answers ReadDataSource itself (ReadFast) for the
//     DataSources whose schema leaves the framework's per-value passes
//     nothing to do. TestFastReadIsTheFrameworkRead holds the answers byte
//     for byte equal.
//
// Every other RPC, actions, list resources and state stores included, is the
// framework's. The server it makes is a Server.
func NewProtocol6(newProvider func() provider.Provider) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		p := newProvider()
		fw, ok := providerserver.NewProtocol6(p)().(frameworkServer)
		if !ok {
			panic("typedstate: the framework's server no longer implements every RPC of terraform-plugin-go")
		}
		return Server{frameworkServer: fw, fast: newFastReader(p)}
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

// Server wraps the two RPCs Terraform sends once per data source, and
// StopProvider, which must also cancel the reads it answers itself.
type Server struct {
	frameworkServer
	fast *fastReader // nil: every read is the framework's
}

// ReadFast answers req as ReadDataSource does without the framework; ok is
// false when the framework must, for a request out of the ordinary.
func (s Server) ReadFast(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, bool) {
	return s.fast.read(ctx, req)
}

// FrameworkReads is s with every read left to the framework, as the server
// was before it answered any itself: a benchmark's baseline.
func (s Server) FrameworkReads() Server {
	s.fast = nil
	return s
}

func (s Server) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	rpcCtx, release := releasable(ctx)
	defer release()
	return s.frameworkServer.ValidateDataResourceConfig(rpcCtx, req)
}

func (s Server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	rpcCtx, release := releasable(ctx)
	defer release()
	if resp, ok := s.fast.read(rpcCtx, req); ok {
		return resp, nil
	}
	return s.frameworkServer.ReadDataSource(rpcCtx, req)
}

func (s Server) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	s.fast.stop()
	return s.frameworkServer.StopProvider(ctx, req)
}
