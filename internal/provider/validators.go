package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// stringCheck is a validator.String made of a check: null and unknown values
// pass, and a failed check is an error on the attribute, "<attribute> <err>.",
// followed by advice. Each check runs before any request is made.
type stringCheck struct {
	description, summary, advice string
	check                        func(string) error
}

func (c stringCheck) Description(context.Context) string { return c.description }

func (c stringCheck) MarkdownDescription(ctx context.Context) string { return c.Description(ctx) }

func (c stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := c.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, c.summary, fmt.Sprintf("%s %s.%s", req.Path, err, c.advice))
	}
}

// pathSegment rejects IDs that cannot stand alone as one URL path segment.
func pathSegment() validator.String {
	return stringCheck{
		description: "must be a single path segment: no /, \\, .., %, whitespace or control characters",
		summary:     "Invalid ID",
		advice:      " Use the ID exactly as ServiceStage shows it.",
		check:       servicestage.ValidateID,
	}
}

// httpURL accepts absolute http(s) URLs.
func httpURL() validator.String {
	return stringCheck{
		description: "must be an absolute http:// or https:// URL",
		summary:     "Invalid URL",
		check: func(s string) error {
			_, err := servicestage.ParseEndpoint(s)
			return err
		},
	}
}

// positiveDuration accepts Go durations greater than zero, such as "30s".
func positiveDuration() validator.String {
	return stringCheck{
		description: `must be a positive Go duration, such as "30s" or "2m"`,
		summary:     "Invalid duration",
		check: func(s string) error {
			_, err := parsePositiveDuration(s)
			return err
		},
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

// validRegexp accepts RE2 regular expressions.
func validRegexp() validator.String {
	return stringCheck{
		description: "must be a valid RE2 regular expression",
		summary:     "Invalid regular expression",
		advice:      " See https://github.com/google/re2/wiki/Syntax.",
		check: func(s string) error {
			if _, err := regexp.Compile(s); err != nil {
				return fmt.Errorf("is not a valid RE2 regular expression: %w", err)
			}
			return nil
		},
	}
}

// nonEmptyFilter rejects "" for a list filter, which would otherwise read as
// no filter at all and silently list everything.
func nonEmptyFilter() validator.String {
	return stringCheck{
		description: "must not be empty; omit it to list every task",
		summary:     "Empty filter",
		advice:      " Omit it to list every task.",
		check: func(s string) error {
			if s == "" {
				return fmt.Errorf("must not be empty")
			}
			return nil
		},
	}
}
