package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// pathSegmentValidator rejects IDs that cannot stand alone as one URL path
// segment, before any request is made.
type pathSegmentValidator struct{}

func pathSegment() validator.String { return pathSegmentValidator{} }

func (pathSegmentValidator) Description(context.Context) string {
	return "must be a single path segment: no /, \\, .., %, whitespace or control characters"
}

func (v pathSegmentValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (pathSegmentValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := servicestage.ValidateID(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid ID",
			fmt.Sprintf("%s %s. Use the ID exactly as ServiceStage shows it.", req.Path, err))
	}
}

// httpURLValidator accepts absolute http(s) URLs.
type httpURLValidator struct{}

func httpURL() validator.String { return httpURLValidator{} }

func (httpURLValidator) Description(context.Context) string {
	return "must be an absolute http:// or https:// URL"
}

func (v httpURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (httpURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := servicestage.ParseEndpoint(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL", fmt.Sprintf("%s %s.", req.Path, err))
	}
}

// positiveDurationValidator accepts Go durations greater than zero, such as "30s".
type positiveDurationValidator struct{}

func positiveDuration() validator.String { return positiveDurationValidator{} }

func (positiveDurationValidator) Description(context.Context) string {
	return `must be a positive Go duration, such as "30s" or "2m"`
}

func (v positiveDurationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (positiveDurationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parsePositiveDuration(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", fmt.Sprintf("%s %s.", req.Path, err))
	}
}

// parsePositiveDuration parses a Go duration and rejects zero and negative ones.
func parsePositiveDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return 0, fmt.Errorf("must be a Go duration such as \"30s\" or \"2m\", got %q", s)
	case d <= 0:
		return 0, fmt.Errorf("must be greater than zero, got %q", s)
	}
	return d, nil
}
