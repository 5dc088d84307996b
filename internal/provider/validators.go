package provider

import (
	"context"
	"fmt"
	"regexp"

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

// regexpValidator accepts RE2 regular expressions, so that a bad one fails
// validation, before any request is made.
type regexpValidator struct{}

func validRegexp() validator.String { return regexpValidator{} }

func (regexpValidator) Description(context.Context) string {
	return "must be a valid RE2 regular expression"
}

func (v regexpValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (regexpValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("%s is not a valid RE2 regular expression: %s. See https://github.com/google/re2/wiki/Syntax.", req.Path, err))
	}
}
