package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// validate runs v on one value of attribute attr and returns the error
// details, or "" when the value passes.
func validate(v validator.String, attr string, value types.String) string {
	req := validator.StringRequest{Path: path.Root(attr), ConfigValue: value}
	var resp validator.StringResponse
	v.ValidateString(context.Background(), req, &resp)
	var details []string
	for _, d := range resp.Diagnostics.Errors() {
		details = append(details, d.Summary()+": "+d.Detail())
	}
	return strings.Join(details, "\n")
}

func TestValidators(t *testing.T) {
	for _, tc := range []struct {
		name      string
		validator validator.String
		attr      string
		value     types.String
		// wantError is a fragment of the error; "" means the value passes.
		wantError string
	}{
		{"ID", pathSegment(), "release_plan_id", types.StringValue(testReleasePlan), ""},
		{"ID with a slash", pathSegment(), "release_plan_id", types.StringValue("a/b"), "Invalid ID: release_plan_id must not"},
		{"ID dot-dot", pathSegment(), "project_id", types.StringValue(".."), "Invalid ID: project_id must not"},
		{"empty ID", pathSegment(), "release_plan_id", types.StringValue(""), "Invalid ID"},
		{"null ID", pathSegment(), "release_plan_id", types.StringNull(), ""},
		{"unknown ID", pathSegment(), "release_plan_id", types.StringUnknown(), ""},

		{"https URL", httpURL(), "endpoint", types.StringValue("https://servicestage.example.com"), ""},
		{"http URL with a path", httpURL(), "auth_url", types.StringValue("http://127.0.0.1:8080/v3"), ""},
		{"no scheme", httpURL(), "endpoint", types.StringValue("servicestage.example.com"), "Invalid URL: endpoint"},
		{"ftp", httpURL(), "endpoint", types.StringValue("ftp://example.com"), "must be an absolute http:// or https:// URL"},
		{"query", httpURL(), "endpoint", types.StringValue("https://example.com?a=1"), "must not carry a query"},
		{"null URL", httpURL(), "endpoint", types.StringNull(), ""},

		{"seconds", positiveDuration(), "request_timeout", types.StringValue("30s"), ""},
		{"minutes and seconds", positiveDuration(), "request_timeout", types.StringValue("1m30s"), ""},
		{"no unit", positiveDuration(), "request_timeout", types.StringValue("30"), `Invalid duration: request_timeout must be a Go duration such as "30s" or "2m", got "30"`},
		{"words", positiveDuration(), "request_timeout", types.StringValue("one minute"), "request_timeout must be a Go duration"},
		{"zero", positiveDuration(), "request_timeout", types.StringValue("0s"), `request_timeout must be greater than zero, got "0s"`},
		{"negative", positiveDuration(), "request_timeout", types.StringValue("-5s"), "must be greater than zero"},
		{"null duration", positiveDuration(), "request_timeout", types.StringNull(), ""},
		{"unknown duration", positiveDuration(), "request_timeout", types.StringUnknown(), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := validate(tc.validator, tc.attr, tc.value)
			switch {
			case tc.wantError == "" && got != "":
				t.Errorf("%v: unexpected error %q", tc.value, got)
			case tc.wantError != "" && !strings.Contains(got, tc.wantError):
				t.Errorf("%v: error %q, want it to contain %q", tc.value, got, tc.wantError)
			}
		})
	}
	for _, v := range []validator.String{pathSegment(), httpURL(), positiveDuration()} {
		if v.Description(context.Background()) == "" || v.MarkdownDescription(context.Background()) == "" {
			t.Errorf("%T has no description", v)
		}
	}
}
