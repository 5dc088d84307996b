package provider

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

// testTiming keeps retries and polls short so the suite runs in seconds.
var testTiming = timing{
	pollInitial:  100 * time.Millisecond,
	pollMax:      300 * time.Millisecond,
	retryWaitMin: 50 * time.Millisecond,
	retryWaitMax: 200 * time.Millisecond,
}

// testAccProtoV6ProviderFactories serves the provider in-process to the
// terraform binary that terraform-plugin-testing drives.
// It goes through the same server wrapper as main.go.
var testAccProtoV6ProviderFactories = providerFactories(testTiming)

// providerFactories serve a provider with the given timing.
func providerFactories(t timing) map[string]func() (tfprotov6.ProviderServer, error) {
	serve := typedstate.NewProtocol6(func() provider.Provider { return &servicestageProvider{version: "test", timing: t} })
	return map[string]func() (tfprotov6.ProviderServer, error){
		"servicestage": func() (tfprotov6.ProviderServer, error) { return serve(), nil },
	}
}

// Test fixtures shared by the acceptance tests.
const (
	testProject     = "9f2d4c1a7b3e4f6a8c0d2e4f6a8b0c1d"
	otherProject    = "1a2b3c4d5e6f70819283a4b5c6d7e8f9"
	testToken       = "MIItest-token-value-0123456789"
	testAccessKey   = "TESTACCESSKEY0000001"
	testSecretKey   = "test-secret-key-abcdefghijklmnopqrstuvw"
	testSecurityTok = "test-security-token-0123456789abcdef"
	testUser        = "release-bot"
	testPassword    = "test-password-Zq9!x"
	testDomain      = "example-domain"
	testRegion      = "ap-southeast-3"
	testReleasePlan = "5d0c3f6e-2a1b-4c8d-9e7f-0a1b2c3d4e5f"
	dataSourceAddr  = "data.servicestage_release_plan_deploy_info.test"
)

// newEmulator starts an emulator that accepts every test credential.
func newEmulator(t *testing.T) (*emulator.Server, string) {
	t.Helper()
	srv := emulator.New()
	srv.AddProject(testProject)
	srv.AddProject(otherProject)
	srv.AddRegionProject(testRegion, testProject)
	srv.AddToken(testToken, testProject, time.Now().Add(time.Hour))
	srv.AddAccessKey(emulator.AccessKey{AccessKey: testAccessKey, SecretKey: testSecretKey})
	srv.AddUser(emulator.User{Name: testUser, Password: testPassword, Domain: testDomain})
	ts := srv.Start()
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// providerBlock renders a provider block from attribute/value pairs.
func providerBlock(attrs ...string) string {
	return hclBlock(`provider "servicestage"`, attrs...)
}

// hclBlock renders a block, such as `data "x" "y"`, whose attributes are
// the given attribute/value pairs, all strings.
func hclBlock(header string, attrs ...string) string {
	var b strings.Builder
	b.WriteString(header + " {\n")
	for i := 0; i+1 < len(attrs); i += 2 {
		fmt.Fprintf(&b, "  %s = %q\n", attrs[i], attrs[i+1])
	}
	b.WriteString("}\n")
	return b.String()
}

// tokenProvider is the common provider block: token auth against url.
func tokenProvider(url string) string {
	return providerBlock("endpoint", url, "token", testToken, "project_id", testProject)
}

// deployInfoBlock renders the data source under test.
func deployInfoBlock(releasePlanID string, extra ...string) string {
	return fmt.Sprintf("data \"servicestage_release_plan_deploy_info\" \"test\" {\n  release_plan_id = %q\n%s}\n",
		releasePlanID, strings.Join(extra, "\n")+"\n")
}

// errorPattern matches a diagnostic that contains each fragment in order.
// Terraform wraps diagnostics at word boundaries, so a space in a fragment
// matches any run of whitespace. Fragments are regular expressions.
func errorPattern(fragments ...string) *regexp.Regexp {
	parts := make([]string, len(fragments))
	for i, f := range fragments {
		parts[i] = strings.ReplaceAll(f, " ", `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*?"))
}

// machineEnv holds the HW_* variables TestMain cleared, for the live test.
var machineEnv = map[string]string{}

// noMetadataService is where the tests' ECS metadata service is when a
// test starts none: a port nothing listens on, so that a provider without
// credentials is told so at once and never asks the machine's real one.
const noMetadataService = "http://127.0.0.1:1"

// TestMain clears the HW_* variables of the machine running the tests (and
// a GitHub Actions runner's ID-token variables), so that only what a test
// sets (t.Setenv in non-parallel tests) reaches the provider.
func TestMain(m *testing.M) {
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "HW_") || name == "OS_CACERT" || strings.HasPrefix(name, "ACTIONS_ID_TOKEN_REQUEST_") {
			machineEnv[name] = value
			_ = os.Unsetenv(name)
		}
	}
	_ = os.Setenv("HW_METADATA_ENDPOINT", noMetadataService)
	os.Exit(m.Run())
}
