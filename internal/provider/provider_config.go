package provider

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// settings is the provider configuration after environment fallbacks.
type settings struct {
	region, projectID, cloud, endpoint, authURL string
	// credentials are the authentication settings, for internal/auth.
	credentials       auth.Given
	insecure          bool
	caCertFile        string
	maxRetries        int
	requestsPerSecond float64
	requestTimeout    time.Duration // zero: servicestage.DefaultRequestTimeout
}

// resolveSettings applies the HW_* environment fallbacks to what HCL left
// null, and reports values that cannot be used.
func resolveSettings(m providerModel) (settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	str := func(attr string, v types.String, env string) string {
		value, _ := settingValue(auth.Setting{Attr: attr, Env: env}, v, &diags)
		return strings.TrimSpace(value)
	}
	s := settings{
		region:      str("region", m.Region, "HW_REGION_NAME"),
		projectID:   str("project_id", m.ProjectID, "HW_PROJECT_ID"),
		cloud:       str("cloud", m.Cloud, "HW_CLOUD"),
		endpoint:    str("endpoint", m.Endpoint, "HW_SERVICESTAGE_ENDPOINT"),
		authURL:     str("auth_url", m.AuthURL, "HW_AUTH_URL"),
		credentials: credentialSettings(m, &diags),
		caCertFile:  str("cacert_file", m.CACertFile, "OS_CACERT"),
		maxRetries:  servicestage.DefaultMaxRetries,
	}

	switch {
	case m.Insecure.IsUnknown():
		diags.AddAttributeError(path.Root("insecure"), "Unknown provider setting", "insecure must be known during plan.")
	case !m.Insecure.IsNull():
		s.insecure = m.Insecure.ValueBool()
	case os.Getenv("HW_INSECURE") != "":
		b, err := strconv.ParseBool(os.Getenv("HW_INSECURE"))
		if err != nil {
			diags.AddAttributeError(path.Root("insecure"), "Invalid HW_INSECURE",
				fmt.Sprintf("The HW_INSECURE environment variable must be true or false, got %q.", os.Getenv("HW_INSECURE")))
		}
		s.insecure = b
	}

	switch {
	case m.MaxRetries.IsUnknown():
		diags.AddAttributeError(path.Root("max_retries"), "Unknown provider setting", "max_retries must be known during plan.")
	case !m.MaxRetries.IsNull():
		s.maxRetries = int(m.MaxRetries.ValueInt64())
	case os.Getenv("HW_MAX_RETRIES") != "":
		n, err := strconv.Atoi(os.Getenv("HW_MAX_RETRIES"))
		if err != nil || n < 0 || n > 100 {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid HW_MAX_RETRIES",
				fmt.Sprintf("The HW_MAX_RETRIES environment variable must be a whole number from 0 to 100, got %q.", os.Getenv("HW_MAX_RETRIES")))
		}
		s.maxRetries = n
	}

	if m.MaxRequestsPerSecond.IsUnknown() {
		diags.AddAttributeError(path.Root("max_requests_per_second"), "Unknown provider setting", "max_requests_per_second must be known during plan.")
	}
	s.requestsPerSecond = m.MaxRequestsPerSecond.ValueFloat64()

	// Unset stays zero: the transport applies servicestage.DefaultRequestTimeout.
	if v := str("request_timeout", m.RequestTimeout, "HW_REQUEST_TIMEOUT"); v != "" {
		d, err := parsePositiveDuration(v)
		if err != nil {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout",
				fmt.Sprintf("request_timeout (or HW_REQUEST_TIMEOUT) %s.", err))
		}
		s.requestTimeout = d
	}

	// Environment values bypass the schema validators: check them here.
	for _, u := range []struct{ attr, env, value string }{
		{"endpoint", "HW_SERVICESTAGE_ENDPOINT", s.endpoint},
		{"auth_url", "HW_AUTH_URL", s.authURL},
	} {
		if u.value == "" {
			continue
		}
		if _, err := servicestage.ParseEndpoint(u.value); err != nil {
			diags.AddAttributeError(path.Root(u.attr), "Invalid "+u.attr,
				fmt.Sprintf("%s (or %s) %s.", u.attr, u.env, err))
		}
	}
	if v := os.Getenv(auth.SettingMetadataEndpoint.Env); v != "" {
		if _, err := servicestage.ParseEndpoint(v); err != nil {
			diags.AddError("Invalid HW_METADATA_ENDPOINT", fmt.Sprintf("The HW_METADATA_ENDPOINT environment variable %s.", err))
		}
	}
	diags.Append(checkProjectID(s.projectID, "project_id (or HW_PROJECT_ID)")...)
	return s, diags
}

// checkProjectID reports a project ID that cannot be one path segment.
func checkProjectID(projectID, what string) diag.Diagnostics {
	var diags diag.Diagnostics
	if projectID == "" {
		return diags
	}
	if err := servicestage.ValidateID(projectID); err != nil {
		diags.AddAttributeError(path.Root("project_id"), "Invalid project_id", fmt.Sprintf("%s %s.", what, err))
	}
	return diags
}

// euRegion matches the regions served under myhuaweicloud.eu.
var euRegion = regexp.MustCompile(`^eu-west-1\d\d$`)

// cloudDomain returns the configured cloud, or the default for the region.
func (s settings) cloudDomain() string {
	switch {
	case s.cloud != "":
		return s.cloud
	case euRegion.MatchString(s.region):
		return "myhuaweicloud.eu"
	default:
		return "myhuaweicloud.com"
	}
}

// serviceEndpoint returns the ServiceStage base URL, or "" when neither
// endpoint nor region says where it is.
func (s settings) serviceEndpoint() string {
	switch {
	case s.endpoint != "":
		return s.endpoint
	case s.region != "":
		return fmt.Sprintf("https://servicestage.%s.%s", s.region, s.cloudDomain())
	default:
		return ""
	}
}

// endpointFrom says where serviceEndpoint's host came from when endpoint is
// not set, for errors about that host; "" when the user set endpoint.
func (s settings) endpointFrom() string {
	if s.endpoint != "" {
		return ""
	}
	if s.cloud != "" {
		return fmt.Sprintf("region %q and cloud %q", s.region, s.cloud)
	}
	return fmt.Sprintf("region %q", s.region)
}

// iamEndpoint returns the IAM v3 base URL, or "" when unknown.
func (s settings) iamEndpoint() string {
	switch {
	case s.authURL != "":
		return strings.TrimRight(s.authURL, "/")
	case s.region != "":
		return fmt.Sprintf("https://iam.%s.%s/v3", s.region, s.cloudDomain())
	default:
		return ""
	}
}

// userAgent names the provider, its version and Terraform's.
func userAgent(providerVersion, terraformVersion string) string {
	ua := "terraform-provider-servicestage/" + providerVersion
	if terraformVersion != "" {
		ua += " Terraform/" + terraformVersion
	}
	return ua
}
