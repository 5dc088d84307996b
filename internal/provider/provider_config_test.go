package provider

// Plain Go tests of how the provider block and the HW_* environment become
// settings, endpoints and an authentication method. The acceptance tests in
// auth_test.go show the same rules end to end; these cover every branch fast.

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
)

// nullModel is a provider block with nothing set.
func nullModel() providerModel {
	return providerModel{
		Region: types.StringNull(), ProjectID: types.StringNull(), Cloud: types.StringNull(),
		Endpoint: types.StringNull(), AuthURL: types.StringNull(), Token: types.StringNull(),
		AccessKey: types.StringNull(), SecretKey: types.StringNull(), SecurityToken: types.StringNull(),
		UserName: types.StringNull(), Password: types.StringNull(), DomainName: types.StringNull(),
		IdpID: types.StringNull(), IDToken: types.StringNull(), IDTokenFile: types.StringNull(), IDTokenAudience: types.StringNull(),
		SharedConfigFile: types.StringNull(), Profile: types.StringNull(),
		Insecure: types.BoolNull(), CACertFile: types.StringNull(),
		MaxRetries: types.Int64Null(), MaxRequestsPerSecond: types.Float64Null(), RequestTimeout: types.StringNull(),
	}
}

// errorPaths lists the attribute paths of the error diagnostics, in order.
func errorPaths(diags diag.Diagnostics) []string {
	var out []string
	for _, d := range diags.Errors() {
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			out = append(out, wp.Path().String())
		} else {
			out = append(out, "(no path): "+d.Summary())
		}
	}
	return out
}

func diagText(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Summary() + ": " + d.Detail() + "\n")
	}
	return b.String()
}

func TestProviderConfigEndpoints(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name                            string
		s                               settings
		wantCloud, wantService, wantIAM string
	}{
		{"region only", settings{region: "ap-southeast-3"}, "myhuaweicloud.com",
			"https://servicestage.ap-southeast-3.myhuaweicloud.com", "https://iam.ap-southeast-3.myhuaweicloud.com/v3"},
		{"eu-west-101 is under myhuaweicloud.eu", settings{region: "eu-west-101"}, "myhuaweicloud.eu",
			"https://servicestage.eu-west-101.myhuaweicloud.eu", "https://iam.eu-west-101.myhuaweicloud.eu/v3"},
		{"eu-west-199 is under myhuaweicloud.eu", settings{region: "eu-west-199"}, "myhuaweicloud.eu",
			"https://servicestage.eu-west-199.myhuaweicloud.eu", "https://iam.eu-west-199.myhuaweicloud.eu/v3"},
		{"eu-west-0 is not", settings{region: "eu-west-0"}, "myhuaweicloud.com",
			"https://servicestage.eu-west-0.myhuaweicloud.com", "https://iam.eu-west-0.myhuaweicloud.com/v3"},
		{"eu-west-1000 is not", settings{region: "eu-west-1000"}, "myhuaweicloud.com",
			"https://servicestage.eu-west-1000.myhuaweicloud.com", "https://iam.eu-west-1000.myhuaweicloud.com/v3"},
		{"eu-west-10 is not", settings{region: "eu-west-10"}, "myhuaweicloud.com",
			"https://servicestage.eu-west-10.myhuaweicloud.com", "https://iam.eu-west-10.myhuaweicloud.com/v3"},
		{"cloud overrides the EU rule", settings{region: "eu-west-101", cloud: "example.org"}, "example.org",
			"https://servicestage.eu-west-101.example.org", "https://iam.eu-west-101.example.org/v3"},
		{"endpoint and auth_url override the region", settings{region: "ap-southeast-3",
			endpoint: "http://127.0.0.1:8080", authURL: "http://127.0.0.1:8081/v3/"}, "myhuaweicloud.com",
			"http://127.0.0.1:8080", "http://127.0.0.1:8081/v3"},
		{"endpoint without region leaves IAM unknown", settings{endpoint: "https://stage.example"}, "myhuaweicloud.com",
			"https://stage.example", ""},
		{"nothing", settings{}, "myhuaweicloud.com", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.s.cloudDomain(); got != tt.wantCloud {
				t.Errorf("cloudDomain() = %q, want %q", got, tt.wantCloud)
			}
			if got := tt.s.serviceEndpoint(); got != tt.wantService {
				t.Errorf("serviceEndpoint() = %q, want %q", got, tt.wantService)
			}
			if got := tt.s.iamEndpoint(); got != tt.wantIAM {
				t.Errorf("iamEndpoint() = %q, want %q", got, tt.wantIAM)
			}
		})
	}
}

func TestProviderConfigFromHCL(t *testing.T) {
	t.Setenv("HW_REGION_NAME", "from-env")
	t.Setenv("HW_AUTH_TOKEN", "env-token")
	t.Setenv("HW_INSECURE", "not-a-bool") // ignored: HCL sets insecure
	t.Setenv("HW_MAX_RETRIES", "many")    // ignored: HCL sets max_retries

	m := nullModel()
	m.Region = types.StringValue("  eu-west-101 ")
	m.ProjectID = types.StringValue(testProject)
	m.Token = types.StringValue(testToken)
	m.AccessKey = types.StringValue(testAccessKey)
	m.SecretKey = types.StringValue(testSecretKey)
	m.SecurityToken = types.StringValue(testSecurityTok)
	m.UserName = types.StringValue(testUser)
	m.Password = types.StringValue(testPassword)
	m.DomainName = types.StringValue(testDomain)
	m.Insecure = types.BoolValue(true)
	m.CACertFile = types.StringValue("/etc/ca.pem")
	m.MaxRetries = types.Int64Value(2)
	m.MaxRequestsPerSecond = types.Float64Value(4.5)

	s, diags := resolveSettings(m)
	if diags.HasError() {
		t.Fatalf("resolveSettings: %s", diagText(diags))
	}
	wantCredentials(t, s.credentials, map[auth.Setting]string{
		auth.SettingToken: testToken, auth.SettingAccessKey: testAccessKey, auth.SettingSecretKey: testSecretKey,
		auth.SettingSecurityToken: testSecurityTok, auth.SettingUserName: testUser, auth.SettingPassword: testPassword,
		auth.SettingDomainName: testDomain,
	}, nil)
	s.credentials = auth.Given{}
	want := settings{
		region: "eu-west-101", projectID: testProject,
		insecure: true, caCertFile: "/etc/ca.pem", maxRetries: 2, requestsPerSecond: 4.5,
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("settings\n got %+v\nwant %+v", s, want)
	}
}

// wantCredentials checks the credential settings resolved: each setting's
// value, and which came from the environment; the others are empty.
func wantCredentials(t *testing.T, g auth.Given, want map[auth.Setting]string, fromEnv map[auth.Setting]bool) {
	t.Helper()
	for _, s := range credentialSettingList {
		value, env := g.Value(s)
		if value != want[s] || env != fromEnv[s] {
			t.Errorf("%s = %q (from the environment: %v), want %q (%v)", s.Attr, value, env, want[s], fromEnv[s])
		}
	}
}

// credentialSettingList is every setting the provider block maps onto auth.
var credentialSettingList = []auth.Setting{
	auth.SettingToken, auth.SettingAccessKey, auth.SettingSecretKey, auth.SettingSecurityToken, auth.SettingUserName,
	auth.SettingPassword, auth.SettingDomainName, auth.SettingIdpID, auth.SettingIDToken, auth.SettingIDTokenFile,
	auth.SettingIDTokenAudience, auth.SettingSharedConfigFile, auth.SettingProfile, auth.SettingAgencyName,
	auth.SettingAgencyDomainName, auth.SettingAgencyDuration,
}

func TestProviderConfigEnvFallbacks(t *testing.T) {
	env := map[string]string{
		"HW_REGION_NAME":             "ap-southeast-3",
		"HW_PROJECT_ID":              testProject,
		"HW_CLOUD":                   "example.org",
		"HW_SERVICESTAGE_ENDPOINT":   "https://stage.example.org",
		"HW_AUTH_URL":                "https://iam.example.org/v3",
		"HW_AUTH_TOKEN":              testToken,
		"HW_ACCESS_KEY":              testAccessKey,
		"HW_SECRET_KEY":              testSecretKey,
		"HW_SECURITY_TOKEN":          testSecurityTok,
		"HW_USER_NAME":               testUser,
		"HW_PASSWORD":                testPassword,
		"HW_DOMAIN_NAME":             testDomain,
		"HW_IDP_ID":                  "idp-1",
		"HW_ID_TOKEN":                "jwt",
		"HW_ID_TOKEN_FILE":           "/run/token",
		"HW_ID_TOKEN_AUDIENCE":       "aud",
		"HW_SHARED_CONFIG_FILE":      "~/.hcloud/config.json",
		"HW_PROFILE":                 "ci",
		"HW_ASSUME_ROLE_AGENCY_NAME": "agency",
		"HW_ASSUME_ROLE_DOMAIN_NAME": "owner",
		"HW_ASSUME_ROLE_DURATION":    "2h",
		"HW_INSECURE":                "true",
		"OS_CACERT":                  "/etc/ca.pem",
		"HW_MAX_RETRIES":             "7",
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	s, diags := resolveSettings(nullModel())
	if diags.HasError() {
		t.Fatalf("resolveSettings: %s", diagText(diags))
	}
	wantValues := map[auth.Setting]string{
		auth.SettingToken: testToken, auth.SettingAccessKey: testAccessKey, auth.SettingSecretKey: testSecretKey,
		auth.SettingSecurityToken: testSecurityTok, auth.SettingUserName: testUser, auth.SettingPassword: testPassword,
		auth.SettingDomainName: testDomain, auth.SettingIdpID: "idp-1", auth.SettingIDToken: "jwt",
		auth.SettingIDTokenFile: "/run/token", auth.SettingIDTokenAudience: "aud",
		auth.SettingSharedConfigFile: "~/.hcloud/config.json", auth.SettingProfile: "ci",
		auth.SettingAgencyName: "agency", auth.SettingAgencyDomainName: "owner", auth.SettingAgencyDuration: "2h",
	}
	allFromEnv := map[auth.Setting]bool{}
	for setting := range wantValues {
		allFromEnv[setting] = true
	}
	wantCredentials(t, s.credentials, wantValues, allFromEnv)
	s.credentials = auth.Given{}
	want := settings{
		region: "ap-southeast-3", projectID: testProject, cloud: "example.org",
		endpoint: "https://stage.example.org", authURL: "https://iam.example.org/v3",
		insecure: true, caCertFile: "/etc/ca.pem", maxRetries: 7,
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("settings\n got %+v\nwant %+v", s, want)
	}

	// HCL wins over the environment, attribute by attribute; an explicit
	// false or 0 is a value, not "unset".
	m := nullModel()
	m.Region = types.StringValue("eu-west-101")
	m.Insecure = types.BoolValue(false)
	m.MaxRetries = types.Int64Value(0)
	s, diags = resolveSettings(m)
	if diags.HasError() {
		t.Fatalf("resolveSettings: %s", diagText(diags))
	}
	if s.region != "eu-west-101" || s.insecure || s.maxRetries != 0 || s.projectID != testProject {
		t.Errorf("HCL over env: region %q insecure %v max_retries %d project %q; want eu-west-101, false, 0 and the env project",
			s.region, s.insecure, s.maxRetries, s.projectID)
	}
}

func TestProviderConfigDefaults(t *testing.T) {
	s, diags := resolveSettings(nullModel())
	if diags.HasError() {
		t.Fatalf("resolveSettings: %s", diagText(diags))
	}
	wantCredentials(t, s.credentials, nil, nil)
	s.credentials = auth.Given{}
	if !reflect.DeepEqual(s, settings{maxRetries: 5}) {
		t.Errorf("settings of an empty block and environment = %+v, want only max_retries 5", s)
	}
}

func TestProviderConfigInvalidEnvironment(t *testing.T) {
	for _, tt := range []struct {
		env, value, wantPath, wantText string
	}{
		{"HW_INSECURE", "yes please", "insecure", `HW_INSECURE environment variable must be true or false, got "yes please"`},
		{"HW_MAX_RETRIES", "many", "max_retries", `whole number from 0 to 100, got "many"`},
		{"HW_MAX_RETRIES", "-1", "max_retries", `got "-1"`},
		{"HW_MAX_RETRIES", "101", "max_retries", `got "101"`},
		{"HW_MAX_RETRIES", "2.5", "max_retries", `got "2.5"`},
		{"HW_SERVICESTAGE_ENDPOINT", "servicestage.example.org", "endpoint", "endpoint (or HW_SERVICESTAGE_ENDPOINT)"},
		{"HW_AUTH_URL", "ftp://iam.example.org/v3", "auth_url", "auth_url (or HW_AUTH_URL)"},
		{"HW_PROJECT_ID", "a/b", "project_id", "project_id (or HW_PROJECT_ID)"},
		{"HW_METADATA_ENDPOINT", "169.254.169.254", "(no path): Invalid HW_METADATA_ENDPOINT", "HW_METADATA_ENDPOINT environment variable"},
		{"HW_REQUEST_TIMEOUT", "60", "request_timeout", `request_timeout (or HW_REQUEST_TIMEOUT) must be a Go duration such as "30s" or "2m", got "60"`},
		{"HW_REQUEST_TIMEOUT", "-1s", "request_timeout", `request_timeout (or HW_REQUEST_TIMEOUT) must be greater than zero, got "-1s"`},
	} {
		t.Run(tt.env+"="+tt.value, func(t *testing.T) {
			t.Setenv(tt.env, tt.value)
			_, diags := resolveSettings(nullModel())
			if got := errorPaths(diags); len(got) != 1 || got[0] != tt.wantPath {
				t.Fatalf("error paths %q, want [%s]; diagnostics:\n%s", got, tt.wantPath, diagText(diags))
			}
			if text := diagText(diags); !strings.Contains(text, tt.wantText) {
				t.Errorf("diagnostic %q does not contain %q", text, tt.wantText)
			}
		})
	}
	// Valid spellings are accepted.
	for _, v := range []string{"1", "TRUE", "false", "0"} {
		t.Setenv("HW_INSECURE", v)
		if _, diags := resolveSettings(nullModel()); diags.HasError() {
			t.Errorf("HW_INSECURE=%s: %s", v, diagText(diags))
		}
	}
}

func TestProviderConfigUnknownValues(t *testing.T) {
	t.Parallel()
	m := nullModel()
	m.Token = types.StringUnknown()
	m.Insecure = types.BoolUnknown()
	m.MaxRetries = types.Int64Unknown()
	m.MaxRequestsPerSecond = types.Float64Unknown()
	m.AssumeRole = &assumeRoleModel{AgencyName: types.StringUnknown(), DomainName: types.StringNull(), Duration: types.StringNull()}
	_, diags := resolveSettings(m)
	want := []string{"token", "assume_role.agency_name", "insecure", "max_retries", "max_requests_per_second"}
	if got := errorPaths(diags); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("error paths %q, want %q", got, want)
	}
	if text := diagText(diags); !strings.Contains(text, "HW_AUTH_TOKEN") {
		t.Errorf("the unknown token error does not point at HW_AUTH_TOKEN: %s", text)
	}
}

// What auth finds wrong with the settings, or ignores, becomes diagnostics
// on the attributes concerned (internal/auth's tests cover every rule).
func TestProviderConfigAuthProblems(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name            string
		attrs           map[string]tftypes.Value
		wantErrorPaths  []string
		wantWarningPath string
	}{
		{"half an AK/SK pair", map[string]tftypes.Value{"access_key": str(testAccessKey)}, []string{"secret_key"}, ""},
		{"assume_role without its account", map[string]tftypes.Value{"token": str(testToken),
			"assume_role": assumeRoleValue("agency", "", "")}, []string{"assume_role.domain_name"}, ""},
		{"assume_role duration out of range", map[string]tftypes.Value{"token": str(testToken),
			"assume_role": assumeRoleValue("agency", "owner", "5m")}, []string{"assume_role.duration"}, ""},
		{"id_token without idp_id", map[string]tftypes.Value{"id_token": str("a.b.c")}, []string{"idp_id"}, ""},
		{"a token and an access key", map[string]tftypes.Value{"token": str(testToken), "access_key": str(testAccessKey),
			"secret_key": str(testSecretKey)}, nil, "token"},
		{"a missing KooCLI file", map[string]tftypes.Value{"shared_config_file": str(filepath.Join(t.TempDir(), "none.json"))},
			[]string{"shared_config_file"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			attrs := map[string]tftypes.Value{"endpoint": str("https://127.0.0.1:1"), "project_id": str(testProject)}
			maps.Copy(attrs, tt.attrs)
			diags := configure(t, attrs).Diagnostics
			if got := errorPaths(diags); strings.Join(got, ",") != strings.Join(tt.wantErrorPaths, ",") {
				t.Fatalf("error paths %q, want %q:\n%s", got, tt.wantErrorPaths, diagText(diags))
			}
			var warned []string
			for _, w := range diags.Warnings() {
				if wp, ok := w.(diag.DiagnosticWithPath); ok {
					warned = append(warned, wp.Path().String())
				}
			}
			if tt.wantWarningPath != "" && strings.Join(warned, ",") != tt.wantWarningPath {
				t.Errorf("warnings on %q, want one on %s:\n%s", warned, tt.wantWarningPath, diagText(diags))
			}
		})
	}
}

// assumeRoleValue is an assume_role block; "" leaves an attribute null.
func assumeRoleValue(agency, domain, duration string) tftypes.Value {
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"agency_name": tftypes.String, "domain_name": tftypes.String, "duration": tftypes.String}}
	value := func(v string) tftypes.Value {
		if v == "" {
			return tftypes.NewValue(tftypes.String, nil)
		}
		return str(v)
	}
	return tftypes.NewValue(typ, map[string]tftypes.Value{"agency_name": value(agency), "domain_name": value(domain), "duration": value(duration)})
}

// A KooCLI profile's region and project apply where the provider block and
// the environment give none, and its agency acts as assume_role.
func TestProviderConfigKooCLIProfile(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(file, []byte(`{"current":"ci","profiles":[{"name":"ci","mode":"AKSK","accessKeyId":"`+testAccessKey+
		`","secretAccessKey":"`+testSecretKey+`","region":"`+testRegion+`","projectId":"`+testProject+
		`","agencyName":"release","agencyDomainName":"owner"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	resp := configure(t, map[string]tftypes.Value{"shared_config_file": str(file)})
	if resp.Diagnostics.HasError() {
		t.Fatal(diagText(resp.Diagnostics))
	}
	data, _ := resp.DataSourceData.(*providerData)
	if data == nil || data.endpoint != "https://servicestage."+testRegion+".myhuaweicloud.com" || data.projectID != testProject ||
		data.authMethod != auth.WaySharedConfig || data.authDescription != "shared_config_file, assume_role" {
		t.Errorf("provider data %+v, want the profile's region, project and agency", data)
	}
	// HCL wins over the profile.
	resp = configure(t, map[string]tftypes.Value{"shared_config_file": str(file), "region": str("eu-west-101"), "project_id": str(otherProject)})
	if data, _ := resp.DataSourceData.(*providerData); data == nil || data.projectID != otherProject ||
		data.endpoint != "https://servicestage.eu-west-101.myhuaweicloud.eu" {
		t.Errorf("provider data %+v, want the provider block's region and project", data)
	}
}

func TestProviderConfigUserAgent(t *testing.T) {
	t.Parallel()
	if got := userAgent("1.2.3", "1.11.4"); got != "terraform-provider-servicestage/1.2.3 Terraform/1.11.4" {
		t.Errorf("userAgent = %q", got)
	}
	if got := userAgent("dev", ""); got != "terraform-provider-servicestage/dev" {
		t.Errorf("userAgent without a Terraform version = %q", got)
	}
}

// configure runs the provider's Configure through the framework with the
// given provider-block attributes, the rest null.
func configure(t *testing.T, attrs map[string]tftypes.Value) *provider.ConfigureResponse {
	t.Helper()
	ctx := t.Context()
	p := &servicestageProvider{version: "test", timing: testTiming}
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	objType, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the provider schema is not an object")
	}
	values := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		values[name] = tftypes.NewValue(typ, nil)
	}
	for name, v := range attrs {
		if _, ok := objType.AttributeTypes[name]; !ok {
			t.Fatalf("no provider attribute %q", name)
		}
		values[name] = v
	}
	resp := &provider.ConfigureResponse{}
	p.Configure(ctx, provider.ConfigureRequest{
		TerraformVersion: "1.11.4",
		Config:           tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objType, values)},
	}, resp)
	return resp
}

func str(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }

func TestProviderConfigConfigure(t *testing.T) {
	t.Parallel()
	resp := configure(t, map[string]tftypes.Value{
		"region": str(testRegion), "project_id": str(testProject), "token": str(testToken),
	})
	if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() > 0 {
		t.Fatalf("Configure: %s", diagText(resp.Diagnostics))
	}
	data, ok := resp.DataSourceData.(*providerData)
	if !ok {
		t.Fatalf("DataSourceData is %T, want *providerData", resp.DataSourceData)
	}
	if data.endpoint != "https://servicestage.ap-southeast-3.myhuaweicloud.com" || data.authMethod != auth.WayToken ||
		data.projectID != testProject || data.incomplete != nil || data.client == nil {
		t.Errorf("provider data %+v, want the region's endpoint, token auth, the project and a client", data)
	}
}

func TestProviderConfigInsecureWarns(t *testing.T) {
	resp := configure(t, map[string]tftypes.Value{
		"endpoint": str("https://127.0.0.1:1"), "token": str(testToken), "insecure": tftypes.NewValue(tftypes.Bool, true),
	})
	wantInsecureWarning(t, resp.Diagnostics)

	// The environment variable warns the same way.
	t.Setenv("HW_INSECURE", "true")
	resp = configure(t, map[string]tftypes.Value{"endpoint": str("https://127.0.0.1:1"), "token": str(testToken)})
	wantInsecureWarning(t, resp.Diagnostics)
}

func wantInsecureWarning(t *testing.T, diags diag.Diagnostics) {
	t.Helper()
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("want exactly one warning, got:\n%s", diagText(diags))
	}
	w := diags.Warnings()[0]
	wp, ok := w.(diag.DiagnosticWithPath)
	if !ok || !wp.Path().Equal(path.Root("insecure")) || w.Summary() != "TLS verification is off" ||
		!strings.Contains(w.Detail(), "cacert_file") {
		t.Errorf("warning %q: %q, want one on insecure that suggests cacert_file", w.Summary(), w.Detail())
	}
}

func TestProviderConfigCACertFile(t *testing.T) {
	t.Parallel()
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("this is not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, file, wantText string }{
		{"missing", filepath.Join(t.TempDir(), "missing.pem"), "no such file"},
		{"not PEM", notPEM, "holds no PEM certificate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := configure(t, map[string]tftypes.Value{
				"endpoint": str("https://127.0.0.1:1"), "token": str(testToken), "cacert_file": str(tt.file),
			})
			if got := errorPaths(resp.Diagnostics); len(got) != 1 || got[0] != "cacert_file" {
				t.Fatalf("error paths %q, want [cacert_file]:\n%s", got, diagText(resp.Diagnostics))
			}
			if text := diagText(resp.Diagnostics); !strings.Contains(text, tt.wantText) || !strings.Contains(text, "OS_CACERT") {
				t.Errorf("diagnostic %q does not contain %q and OS_CACERT", text, tt.wantText)
			}
		})
	}
}

// Settings that leave no way to read are reported at the first read, not
// at Configure, so a provider block nothing reads from never fails a plan.
func TestProviderConfigIncompleteIsDeferred(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name        string
		attrs       map[string]tftypes.Value
		wantSummary string
	}{
		{"no endpoint", map[string]tftypes.Value{"token": str(testToken)}, "No ServiceStage endpoint"},
		{"password without IAM endpoint", map[string]tftypes.Value{"endpoint": str("https://127.0.0.1:1"),
			"user_name": str(testUser), "password": str(testPassword), "domain_name": str(testDomain), "project_id": str(testProject)},
			"No IAM endpoint"},
		{"assume_role without IAM endpoint", map[string]tftypes.Value{"endpoint": str("https://127.0.0.1:1"),
			"token": str(testToken), "assume_role": assumeRoleValue("agency", "owner", "")}, "No IAM endpoint"},
		{"OpenID Connect without scope", map[string]tftypes.Value{"endpoint": str("https://127.0.0.1:1"), "auth_url": str("https://127.0.0.1:2/v3"),
			"idp_id": str("idp"), "id_token": str("a.b.c")}, "No scope for the IAM token"},
		{"password without scope", map[string]tftypes.Value{"endpoint": str("https://127.0.0.1:1"), "auth_url": str("https://127.0.0.1:2/v3"),
			"user_name": str(testUser), "password": str(testPassword), "domain_name": str(testDomain)},
			"No scope for the IAM token"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := configure(t, tt.attrs)
			if resp.Diagnostics.HasError() {
				t.Fatalf("Configure failed: %s", diagText(resp.Diagnostics))
			}
			data, _ := resp.DataSourceData.(*providerData)
			if data == nil || data.incomplete == nil || data.incomplete.Summary() != tt.wantSummary {
				t.Errorf("provider data %+v, want incomplete %q", data, tt.wantSummary)
			}
		})
	}
}

// request_timeout comes from HCL, else HW_REQUEST_TIMEOUT; unset leaves the
// transport's default.
func TestProviderConfigRequestTimeout(t *testing.T) {
	s, _ := resolveSettings(nullModel())
	if s.requestTimeout != 0 {
		t.Errorf("unset: %s, want 0 (the transport's default)", s.requestTimeout)
	}
	t.Setenv("HW_REQUEST_TIMEOUT", " 90s ")
	if s, diags := resolveSettings(nullModel()); diags.HasError() || s.requestTimeout != 90*time.Second {
		t.Errorf("HW_REQUEST_TIMEOUT=90s: %s, %s", s.requestTimeout, diagText(diags))
	}
	m := nullModel()
	m.RequestTimeout = types.StringValue("2m")
	if s, diags := resolveSettings(m); diags.HasError() || s.requestTimeout != 2*time.Minute {
		t.Errorf("request_timeout = 2m over the environment: %s, %s", s.requestTimeout, diagText(diags))
	}
}

// Credentials are used exactly as given; whitespace around one gets a
// warning on its attribute that never shows the value.
func TestProviderConfigCredentialsAsGiven(t *testing.T) {
	const password, secretKey = "pass word ", " sk-with-space\t"
	m := nullModel()
	m.Region = types.StringValue(" " + testRegion + " ")
	m.Password = types.StringValue(password)
	m.UserName = types.StringValue(testUser)
	m.DomainName = types.StringValue(testDomain)
	m.AccessKey = types.StringValue(testAccessKey)
	m.SecretKey = types.StringValue(secretKey)
	s, diags := resolveSettings(m)
	if diags.HasError() {
		t.Fatal(diagText(diags))
	}
	gotPassword, _ := s.credentials.Value(auth.SettingPassword)
	gotSecretKey, _ := s.credentials.Value(auth.SettingSecretKey)
	if gotPassword != password || gotSecretKey != secretKey || s.region != testRegion {
		t.Errorf("password %q, secret key %q, region %q: want the credentials as given and the region trimmed", gotPassword, gotSecretKey, s.region)
	}
	var warned []string
	for _, w := range diags.Warnings() {
		wp, ok := w.(diag.DiagnosticWithPath)
		if !ok {
			t.Fatalf("warning without a path: %s", w.Summary())
		}
		warned = append(warned, wp.Path().String())
		text := w.Summary() + w.Detail()
		if strings.Contains(text, strings.TrimSpace(password)) || strings.Contains(text, strings.TrimSpace(secretKey)) {
			t.Errorf("warning shows a credential: %s", text)
		}
		if !strings.Contains(text, wp.Path().String()) {
			t.Errorf("warning %q does not name %s", text, wp.Path())
		}
	}
	if strings.Join(warned, ",") != "secret_key,password" {
		t.Errorf("warnings on %q, want secret_key and password", warned)
	}
}

// given is credential settings from setting/value pairs, as if from HCL.
func given(pairs ...any) auth.Given {
	var g auth.Given
	for i := 0; i+1 < len(pairs); i += 2 {
		g.Set(pairs[i].(auth.Setting), pairs[i+1].(string), false)
	}
	return g
}
