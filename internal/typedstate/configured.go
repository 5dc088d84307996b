package typedstate

import (
	"context"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Provider is a provider whose data source reads the server may answer
// itself: it records each Configure, so that the server hands its data
// sources what the framework would.
type Provider interface {
	provider.Provider
	Configured() *Configured
}

// DataSource is a data source whose read the server may call without the
// framework: ReadState is its Read from the configuration to the state, and
// the state is meaningful only when the diagnostics have no error.
type DataSource interface {
	datasource.DataSourceWithConfigure
	ReadState(ctx context.Context, config tftypes.Value) (tftypes.Value, diag.Diagnostics)
}

// Configured is a provider's record of its last Configure; the zero value
// is a provider not yet configured.
type Configured struct {
	last atomic.Pointer[configureOutcome]
}

// configureOutcome is what Configure handed the data sources.
type configureOutcome struct {
	data     any
	deferred bool
}

// Record keeps what resp hands the data sources; a provider calls it when
// its Configure returns.
func (c *Configured) Record(resp *provider.ConfigureResponse) {
	c.last.Store(&configureOutcome{data: resp.DataSourceData, deferred: resp.Deferred != nil})
}
