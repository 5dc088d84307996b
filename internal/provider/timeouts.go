package provider

import (
	"context"
	"fmt"
	"maps"
	"time"

	actiontimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/action/timeouts"
	datasourcetimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

// defaultReadTimeout bounds a read, its wait included, unless timeouts.read says otherwise.
const defaultReadTimeout = 20 * time.Minute

// defaultInvokeTimeout bounds an invoke, its wait included, unless timeouts.invoke says otherwise.
const defaultInvokeTimeout = 30 * time.Minute

// readTimeouts is the timeouts argument, with its read duration, that
// startRead applies to the whole read.
func readTimeouts(doc string) schema.Attribute {
	a, ok := datasourcetimeouts.AttributesWithOpts(context.Background(), datasourcetimeouts.Opts{ReadDescription: doc}).(schema.SingleNestedAttribute)
	if !ok {
		panic("provider: timeouts.AttributesWithOpts is no longer a SingleNestedAttribute")
	}
	a.MarkdownDescription = "Timeouts: `read` bounds the whole read."
	// The package's own validator accepts "0s" and "-5m", which would fail
	// every read at once: reject them at validation, naming timeouts.read.
	read, ok := a.Attributes["read"].(schema.StringAttribute)
	if !ok {
		panic("provider: timeouts.read is no longer a StringAttribute")
	}
	read.Validators = []validator.String{positiveDuration()}
	a.Attributes = maps.Clone(a.Attributes)
	a.Attributes["read"] = read
	return a
}

// readOnceTimeouts is readTimeouts for a data source that reads once.
var readOnceTimeouts = readTimeouts("Bounds the read, every retry included, as a duration such as `\"30s\"` or `\"5m\"`. Default `20m`.")

// invokeTimeouts is the timeouts argument, with its invoke duration, that
// start applies to the whole invoke.
func invokeTimeouts() actionschema.Attribute {
	doc := "Bounds the whole invoke, the wait included, as a duration such as `\"30m\"` or `\"2h\"`. Default `30m`. " +
		"When it runs out, the release goes on in ServiceStage."
	a, ok := actiontimeouts.AttributesWithOpts(context.Background(), actiontimeouts.Opts{InvokeDescription: doc}).(actionschema.SingleNestedAttribute)
	if !ok {
		panic("provider: action timeouts.AttributesWithOpts is no longer a SingleNestedAttribute")
	}
	a.MarkdownDescription = "Timeouts: `invoke` bounds the whole invoke."
	return a
}

// readTimeout is timeouts.read, or fallback when the schema has no timeouts
// or the configuration none.
func readTimeout(ctx context.Context, sch schema.Schema, s typedstate.Values, fallback time.Duration) (time.Duration, error) {
	attr, ok := sch.Attributes["timeouts"]
	if !ok {
		return fallback, nil
	}
	return configuredTimeout(ctx, attr.GetType(), s["timeouts"], func(t datasourcetimeouts.Value) (time.Duration, diag.Diagnostics) {
		return t.Read(ctx, fallback)
	})
}

// configuredTimeout reads a timeouts attribute of type typ from its value
// raw, and returns what get (the timeouts package's Read or Invoke) makes of it.
func configuredTimeout[V any](ctx context.Context, typ attr.Type, raw tftypes.Value, get func(V) (time.Duration, diag.Diagnostics)) (time.Duration, error) {
	v, err := typ.ValueFromTerraform(ctx, raw)
	if err != nil {
		return 0, fmt.Errorf("reading timeouts: %w", err)
	}
	t, ok := v.(V)
	if !ok {
		return 0, fmt.Errorf("reading timeouts: got %T", v)
	}
	d, diags := get(t)
	if diags.HasError() {
		return 0, fmt.Errorf("%s: %s", diags[0].Summary(), diags[0].Detail())
	}
	return d, nil
}

// invokeTimeout is timeouts.invoke, or defaultInvokeTimeout when unset.
func invokeTimeout(ctx context.Context, sch actionschema.Schema, config typedstate.Values) (time.Duration, error) {
	attr, ok := sch.Attributes["timeouts"]
	if !ok {
		return defaultInvokeTimeout, nil
	}
	return configuredTimeout(ctx, attr.GetType(), config["timeouts"], func(t actiontimeouts.Value) (time.Duration, diag.Diagnostics) {
		return t.Invoke(ctx, defaultInvokeTimeout)
	})
}
