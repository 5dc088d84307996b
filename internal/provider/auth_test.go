package provider

// Acceptance tests of every way of authenticating, end to end: real
// Terraform, the provider in-process, and the emulator checking tokens,
// recomputing AK/SK signatures and issuing IAM tokens. Each test asserts the
// state Terraform stored and what the emulator saw.
//
// A test step runs several Terraform commands, and each configures the
// provider afresh; reads happen in the first plan and in the two plans after
// apply. Checks inside a step (emulatorCheck) run after the first plan and
// apply, so they see exactly one provider run.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// Temporary AK/SK credentials, known only to the emulators that add them.
const (
	testTempAccessKey = "TEMPACCESSKEY0000001"
	testTempSecretKey = "temp-secret-key-abcdefghijklmnopqrstuv"
)

// emulatorCheck asserts on the emulator from inside a test step.
type emulatorCheck func() error

func (f emulatorCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// deployInfoReads and iamLogins split what the emulator saw.
func deployInfoReads(srv *emulator.Server) []emulator.Request {
	var out []emulator.Request
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/deploy-info") {
			out = append(out, r)
		}
	}
	return out
}

func iamLogins(srv *emulator.Server) []emulator.Request {
	var out []emulator.Request
	for _, r := range srv.Requests() {
		if r.Path == "/v3/auth/tokens" {
			out = append(out, r)
		}
	}
	return out
}

// readsWith checks that there were reads and that every one was accepted
// with the given authentication ("token" or "aksk"), after tokensIssued
// IAM logins.
func readsWith(srv *emulator.Server, auth string, tokensIssued int64) emulatorCheck {
	return func() error {
		reads := deployInfoReads(srv)
		if len(reads) == 0 {
			return fmt.Errorf("the emulator saw no deploy-info read")
		}
		for _, r := range reads {
			if r.Auth != auth || r.Status != http.StatusOK {
				return fmt.Errorf("read %s: Auth %q, HTTP %d; want Auth %q and 200", r.Path, r.Auth, r.Status, auth)
			}
		}
		if n := srv.TokensIssued(); n != tokensIssued {
			return fmt.Errorf("IAM issued %d tokens, want %d", n, tokensIssued)
		}
		return nil
	}
}

// passwordProvider is password authentication against the emulator's IAM,
// with extra attribute/value pairs.
func passwordProvider(url string, extra ...string) string {
	return providerBlock(append([]string{"endpoint", url, "auth_url", url + "/v3",
		"user_name", testUser, "password", testPassword, "domain_name", testDomain}, extra...)...)
}

// emptyProvider leaves everything to the environment.
const emptyProvider = "provider \"servicestage\" {}\n"

// withTask adds the release task every successful test reads.
func withTask(t *testing.T) (*emulator.Server, string) {
	t.Helper()
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Body: emulator.DeployInfoJSON(testReleasePlan,
		emulator.Component{ID: "c1", Name: "api", Version: "1.0.0", Seq: 1, Status: "SUCCESS", JobID: "JOB-1", JobStatus: "SUCCEEDED"})})
	return srv, url
}

// readSucceeded are the state checks of a successful read of withTask's task.
func readSucceeded(extra ...statecheck.StateCheck) []statecheck.StateCheck {
	return append([]statecheck.StateCheck{
		expect("id", knownvalue.StringExact(testReleasePlan)),
		expect("project_id", knownvalue.StringExact(testProject)),
		expect("components", knownvalue.ListSizeExact(1)),
		expect("all_succeeded", knownvalue.Bool(true)),
	}, extra...)
}

// setenv sets environment variables from name/value pairs.
func setenv(t *testing.T, pairs ...string) {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		t.Setenv(pairs[i], pairs[i+1])
	}
}

// errorWithout is an ExpectError that also requires the error to show none
// of the given secrets; use it as TestCase.ErrorCheck, with no ExpectError
// on the step. The test fails if no error came.
func errorWithout(t *testing.T, want *regexp.Regexp, secrets ...string) func(error) error {
	t.Helper()
	var mu sync.Mutex
	seen := false
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		// A skipped test (no TF_ACC) ran no step, so it saw no error either.
		if !seen && !t.Skipped() {
			t.Error("expected an error, got none")
		}
	})
	return func(err error) error {
		mu.Lock()
		seen = true
		mu.Unlock()
		if !want.MatchString(err.Error()) {
			return fmt.Errorf("expected an error matching %s, got: %w", want, err)
		}
		for _, secret := range secrets {
			if strings.Contains(err.Error(), secret) {
				return fmt.Errorf("the error shows the secret %q: %w", secret, err)
			}
		}
		return nil
	}
}

// withLine adds a raw line (a non-string attribute) to a rendered block.
func withLine(block, line string) string {
	return strings.TrimSuffix(block, "}\n") + "  " + line + "\n}\n"
}

// 1. Token.

func TestAccAuth_tokenHCL(t *testing.T) {
	srv, url := withTask(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            tokenProvider(url) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(readsWith(srv, "token", 0)),
		}},
	})
}

func TestAccAuth_tokenEnv(t *testing.T) {
	srv, url := withTask(t)
	setenv(t, "HW_AUTH_TOKEN", testToken, "HW_SERVICESTAGE_ENDPOINT", url, "HW_PROJECT_ID", testProject)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            emptyProvider + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(readsWith(srv, "token", 0)),
		}},
	})
}

func TestAccAuth_expiredTokenEnv(t *testing.T) {
	srv, url := withTask(t)
	srv.AddToken("expired-token", testProject, time.Now().Add(-time.Minute))
	setenv(t, "HW_AUTH_TOKEN", "expired-token", "HW_SERVICESTAGE_ENDPOINT", url, "HW_PROJECT_ID", testProject)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: emptyProvider + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`Authentication rejected`, `HTTP 401`, `APIGW\.0301`, `token expires`,
				`request ID [0-9a-f]{32}`, `Check token \(HW_AUTH_TOKEN\)`, `expire after 24 hours`),
		}},
	})
}

// 2. AK/SK: the emulator recomputes every signature on its own.

func TestAccAuth_akskHCL(t *testing.T) {
	srv, url := withTask(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock("endpoint", url, "project_id", testProject,
				"access_key", testAccessKey, "secret_key", testSecretKey) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(readsWith(srv, "aksk", 0)),
		}},
	})
}

func TestAccAuth_akskEnv(t *testing.T) {
	srv, url := withTask(t)
	setenv(t, "HW_ACCESS_KEY", testAccessKey, "HW_SECRET_KEY", testSecretKey,
		"HW_SERVICESTAGE_ENDPOINT", url, "HW_PROJECT_ID", testProject)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            emptyProvider + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(readsWith(srv, "aksk", 0)),
		}},
	})
}

func TestAccAuth_wrongSecretKey(t *testing.T) {
	srv, url := withTask(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ErrorCheck: onlyOnce(errorWithout(t, errorPattern(`Authentication rejected`,
			`The secret key does not match the access key, or the clock is off`, `rejected the request's AK/SK signature`,
			`HTTP 401`, `APIGW\.0301`,
			`error_msg "Incorrect IAM authentication information: verify aksk signature fail, SignedHeaders: content-type;host;x-sdk-date"`,
			`request ID [0-9a-f]{32}`,
			`Check access_key and secret_key \(HW_ACCESS_KEY, HW_SECRET_KEY\)`,
			`canonical request the gateway computed`, `TF_LOG=TRACE:\s+GET\s+/v3/`+testProject+`/cas/release-plans/`+testReleasePlan+`/deploy-info/\s`,
			`x-sdk-date:\d{8}T\d{6}Z`), "not-the-secret-key"), "/deploy-info/"),
		Steps: []resource.TestStep{{
			Config: providerBlock("endpoint", url, "project_id", testProject,
				"access_key", testAccessKey, "secret_key", "not-the-secret-key") + deployInfoBlock(testReleasePlan),
		}},
	})
	// A refused signature is not retried: it cannot get better.
	if reads := deployInfoReads(srv); len(reads) != 1 || reads[0].Status != http.StatusUnauthorized {
		t.Errorf("emulator saw %+v, want one refused read", reads)
	}
}

// onlyOnce wraps an ErrorCheck: the error must also show text exactly once.
func onlyOnce(check func(error) error, text string) func(error) error {
	return func(err error) error {
		if n := strings.Count(err.Error(), text); n != 1 {
			return fmt.Errorf("the error shows %q %d times, want once: %w", text, n, err)
		}
		return check(err)
	}
}

// 3. AK/SK with a security token (temporary credentials).

func withTempKey(t *testing.T) (*emulator.Server, string) {
	t.Helper()
	srv, url := withTask(t)
	srv.AddAccessKey(emulator.AccessKey{AccessKey: testTempAccessKey, SecretKey: testTempSecretKey, SecurityToken: testSecurityTok})
	return srv, url
}

func TestAccAuth_securityTokenHCL(t *testing.T) {
	srv, url := withTempKey(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock("endpoint", url, "project_id", testProject, "access_key", testTempAccessKey,
				"secret_key", testTempSecretKey, "security_token", testSecurityTok) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(readsWith(srv, "aksk", 0)),
		}},
	})
}

func TestAccAuth_securityTokenEnv(t *testing.T) {
	srv, url := withTempKey(t)
	setenv(t, "HW_ACCESS_KEY", testTempAccessKey, "HW_SECRET_KEY", testTempSecretKey, "HW_SECURITY_TOKEN", testSecurityTok,
		"HW_SERVICESTAGE_ENDPOINT", url, "HW_PROJECT_ID", testProject)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            emptyProvider + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(readsWith(srv, "aksk", 0)),
		}},
	})
}

func TestAccAuth_securityTokenMissing(t *testing.T) {
	_, url := withTempKey(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock("endpoint", url, "project_id", testProject,
				"access_key", testTempAccessKey, "secret_key", testTempSecretKey) + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`Authentication rejected`, `HTTP 401`, `APIGW\.0301`,
				`security token is missing or invalid`, `request ID [0-9a-f]{32}`, `security_token \(HW_SECURITY_TOKEN\)`),
		}},
	})
}

// The gateway echoes the signed X-Security-Token in its canonical request;
// the diagnostic must show the canonical request without it.
func TestAccAuth_securityTokenNotEchoed(t *testing.T) {
	_, url := withTempKey(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ErrorCheck: errorWithout(t, errorPattern(`Authentication rejected`, `verify aksk signature fail`,
			`canonical request the gateway computed`, `x-security-token:`), testSecurityTok, "not-the-secret-key"),
		Steps: []resource.TestStep{{
			Config: providerBlock("endpoint", url, "project_id", testProject, "access_key", testTempAccessKey,
				"secret_key", "not-the-secret-key", "security_token", testSecurityTok) + deployInfoBlock(testReleasePlan),
		}},
	})
}

// 4. Password: IAM issues a token scoped by project_id or by region.

func TestAccAuth_passwordHCL(t *testing.T) {
	srv, url := withTask(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            passwordProvider(url, "project_id", testProject) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(readsWith(srv, "token", 1)),
		}},
	})
}

func TestAccAuth_passwordEnv(t *testing.T) {
	srv, url := withTask(t)
	setenv(t, "HW_USER_NAME", testUser, "HW_PASSWORD", testPassword, "HW_DOMAIN_NAME", testDomain,
		"HW_AUTH_URL", url+"/v3", "HW_SERVICESTAGE_ENDPOINT", url, "HW_PROJECT_ID", testProject)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            emptyProvider + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(readsWith(srv, "token", 1)),
		}},
	})
}

// regionalEmulator maps regionalRegion to otherProject, so a read that ends
// up in otherProject proves the project came from IAM's region scope.
const regionalRegion = "eu-west-101"

func regionalEmulator(t *testing.T) (*emulator.Server, string) {
	t.Helper()
	srv, url := newEmulator(t)
	srv.AddRegionProject(regionalRegion, otherProject)
	srv.AddTask(otherProject, testReleasePlan, emulator.Step{Body: emulator.DeployInfoJSON(testReleasePlan,
		emulator.Component{Name: "regional", JobStatus: "SUCCEEDED"})})
	return srv, url
}

// Without project_id, the token is scoped to the region, and a data source
// without project_id reads from the project IAM scoped it to: the only
// project that token can read.
func TestAccAuth_passwordScopedByRegionHCL(t *testing.T) {
	srv, url := regionalEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: passwordProvider(url, "region", regionalRegion) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("project_id", knownvalue.StringExact(otherProject)),
				expect("components", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("regional")}),
				})),
				readsWith(srv, "token", 1),
			},
		}},
	})
}

func TestAccAuth_passwordScopedByRegionEnv(t *testing.T) {
	srv, url := regionalEmulator(t)
	setenv(t, "HW_USER_NAME", testUser, "HW_PASSWORD", testPassword, "HW_DOMAIN_NAME", testDomain,
		"HW_AUTH_URL", url+"/v3", "HW_SERVICESTAGE_ENDPOINT", url, "HW_REGION_NAME", regionalRegion)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: emptyProvider + deployInfoBlock(testReleasePlan),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("project_id", knownvalue.StringExact(otherProject)),
					readsWith(srv, "token", 1),
				},
			},
			{
				// A project_id on the data source still wins.
				Config: emptyProvider + deployInfoBlock(testReleasePlan, `  project_id = "`+otherProject+`"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("project_id", knownvalue.StringExact(otherProject)),
				},
			},
		},
	})
}

// A region IAM does not know: the error is IAM's, at the read.
func TestAccAuth_passwordUnknownRegion(t *testing.T) {
	srv, url := newEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: passwordProvider(url, "region", "xx-nowhere-1") + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`IAM did not issue a token`, `HTTP 400`, `error_code "IAM\.1000"`,
				`The project in the scope does not exist`, `request ID "[0-9a-f]{32}"`, `scoped to project_id or region`),
		}},
	})
	if n := len(deployInfoReads(srv)); n != 0 {
		t.Errorf("%d deploy-info reads without a token, want 0", n)
	}
}

// 5. Many reads share one IAM login per provider run.

func TestAccAuth_passwordOneLoginForManyReads(t *testing.T) {
	const reads = 30
	srv, url := withTask(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: passwordProvider(url, "project_id", testProject) +
				deployInfoBlock(testReleasePlan, fmt.Sprintf("  count = %d", reads)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dataSourceAddr+"[0]", tfjsonpath.New("id"), knownvalue.StringExact(testReleasePlan)),
				statecheck.ExpectKnownValue(fmt.Sprintf("%s[%d]", dataSourceAddr, reads-1), tfjsonpath.New("id"), knownvalue.StringExact(testReleasePlan)),
				emulatorCheck(func() error {
					if n := srv.TokensIssued(); n != 1 {
						return fmt.Errorf("IAM issued %d tokens for %d reads, want 1", n, reads)
					}
					if n := len(iamLogins(srv)); n != 1 {
						return fmt.Errorf("%d IAM logins, want 1", n)
					}
					if n := srv.Reads(testProject, testReleasePlan); n != reads {
						return fmt.Errorf("%d deploy-info reads, want %d", n, reads)
					}
					return readsWith(srv, "token", 1)()
				}),
			},
		}},
	})
	// Every later provider run (the plans after apply) logs in once too.
	if logins, n := srv.TokensIssued(), srv.Reads(testProject, testReleasePlan); int64(n) != logins*reads {
		t.Errorf("%d reads over %d logins, want %d reads per login", n, logins, reads)
	}
}

// 6. Refused credentials.

func TestAccAuth_wrongPassword(t *testing.T) {
	srv, url := withTask(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ErrorCheck: errorWithout(t, errorPattern(`IAM did not issue a token`, `HTTP 401`, `error_code "IAM\.1101"`,
			`error_msg "The username or password is wrong\."`, `request ID "[0-9a-f]{32}"`,
			`user_name, password and domain_name`, `HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME`), "not-the-password"),
		Steps: []resource.TestStep{{
			Config: providerBlock("endpoint", url, "auth_url", url+"/v3", "project_id", testProject,
				"user_name", testUser, "password", "not-the-password", "domain_name", testDomain) +
				deployInfoBlock(testReleasePlan, "  count = 3"),
		}},
	})
	// One refused login for three reads: retrying a wrong password only
	// risks locking the IAM user.
	if logins := iamLogins(srv); len(logins) != 1 || logins[0].Status != http.StatusUnauthorized {
		t.Errorf("IAM saw %+v, want one refused login", logins)
	}
	if n := len(deployInfoReads(srv)); n != 0 {
		t.Errorf("%d deploy-info reads without a token, want 0", n)
	}
}

// 7. A token revoked mid-run is replaced once.

// revokeOnFirstRead serves srv, revoking every token just before the first
// deploy-info request is handled: the token the provider fetched moments
// earlier is dead when it arrives.
func revokeOnFirstRead(t *testing.T, srv *emulator.Server) string {
	t.Helper()
	var once sync.Once
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/deploy-info") {
			once.Do(srv.RevokeTokens)
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

func TestAccAuth_passwordTokenRevoked(t *testing.T) {
	srv, _ := withTask(t)
	url := revokeOnFirstRead(t, srv)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: passwordProvider(url, "project_id", testProject) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(emulatorCheck(func() error {
				if n := srv.TokensIssued(); n != 2 {
					return fmt.Errorf("IAM issued %d tokens, want 2 (the first, revoked, and its replacement)", n)
				}
				var got []string
				for _, r := range srv.Requests() {
					got = append(got, fmt.Sprintf("%s %d %s", r.Method, r.Status, r.Auth))
				}
				want := []string{"POST 201 ", "GET 401 ", "POST 201 ", "GET 200 token"}
				if strings.Join(got, ", ") != strings.Join(want, ", ") {
					return fmt.Errorf("requests %q, want %q", got, want)
				}
				return nil
			})),
		}},
	})
}

// 8. Several complete methods: the first in contract order is used.

func TestAccAuth_severalMethodsPreferToken(t *testing.T) {
	srv, url := withTask(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: passwordProvider(url, "project_id", testProject, "token", testToken,
				"access_key", testAccessKey, "secret_key", testSecretKey) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(readsWith(srv, "token", 0)),
		}},
	})
	if n := len(iamLogins(srv)); n != 0 {
		t.Errorf("%d IAM logins with a token configured, want 0", n)
	}
}

func TestAccAuth_severalMethodsPreferAKSKOverPassword(t *testing.T) {
	srv, url := withTask(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: passwordProvider(url, "project_id", testProject,
				"access_key", testAccessKey, "secret_key", testSecretKey) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(readsWith(srv, "aksk", 0)),
		}},
	})
}

// The environment fills what HCL leaves out, so HCL AK/SK plus an
// HW_AUTH_TOKEN in the environment is "several methods" too: the token
// wins, as the contract orders, and a warning says so and where each came
// from, so that a stale token does not win silently.
func TestAccAuth_severalMethodsAcrossHCLAndEnv(t *testing.T) {
	srv, url := withTask(t)
	setenv(t, "HW_AUTH_TOKEN", testToken)
	rec := &warningRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{{
			Config: providerBlock("endpoint", url, "project_id", testProject,
				"access_key", testAccessKey, "secret_key", testSecretKey) + deployInfoBlock(testReleasePlan),
			Check: rec.expectWarning("token", "Using token, ignoring access_key/secret_key",
				[]string{"It uses an IAM token (the HW_AUTH_TOKEN environment variable)",
					"ignores an access key (access_key and secret_key in the provider block)", "unset HW_AUTH_TOKEN"},
				[]string{testToken, testAccessKey, testSecretKey}),
			ConfigStateChecks: readSucceeded(readsWith(srv, "token", 0)),
		}},
	})
}

// 9. Half pairs are configuration errors naming what is missing.

func TestAccAuth_halfPairs(t *testing.T) {
	srv, url := withTask(t)
	step := func(config string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{Config: config + deployInfoBlock(testReleasePlan), ExpectError: want}
	}
	base := []string{"endpoint", url, "auth_url", url + "/v3", "project_id", testProject}
	with := func(pairs ...string) string {
		return providerBlock(append(append([]string(nil), base...), pairs...)...)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(with("access_key", testAccessKey), errorPattern(`Missing secret_key`,
				`access_key is set, so secret_key is needed too`, `HW_SECRET_KEY`)),
			step(with("secret_key", testSecretKey), errorPattern(`Missing access_key`,
				`secret_key is set, so access_key is needed too`, `HW_ACCESS_KEY`)),
			step(with("security_token", testSecurityTok), errorPattern(`security_token without AK/SK`,
				`set access_key and secret_key \(HW_ACCESS_KEY, HW_SECRET_KEY\)`)),
			step(with("user_name", testUser, "domain_name", testDomain), errorPattern(`Missing password`,
				`user_name is set, so password is needed too`, `HW_PASSWORD`)),
			step(with("user_name", testUser, "password", testPassword), errorPattern(`Missing domain_name`,
				`domain_name is needed too`, `HW_DOMAIN_NAME`)),
			// Half a pair fails even beside a complete token: a typo must
			// not silently switch methods.
			step(with("token", testToken, "access_key", testAccessKey), errorPattern(`Missing secret_key`)),
		},
	})
	assertNoRequests(t, srv)
}

func TestAccAuth_halfPairFromEnv(t *testing.T) {
	_, url := withTask(t)
	setenv(t, "HW_ACCESS_KEY", testAccessKey)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerBlock("endpoint", url, "project_id", testProject) + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`Missing secret_key`, `HW_SECRET_KEY`),
		}},
	})
}

// 10. No credentials: an error at the read, not before, once the ECS
// metadata service, tried last, has not answered.

func TestAccAuth_noCredentials(t *testing.T) {
	srv, url := withTask(t)
	provider := providerBlock("endpoint", url, "project_id", testProject)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Nothing reads: the provider block alone does not fail.
				Config: provider + deployInfoBlock(testReleasePlan, "  count = 0"),
			},
			{
				Config: provider + deployInfoBlock(testReleasePlan),
				ExpectError: errorPattern(`No credentials for ServiceStage`,
					`an IAM token: token, or HW_AUTH_TOKEN`,
					`access_key and secret_key \(and security_token for temporary credentials\), or HW_ACCESS_KEY, HW_SECRET_KEY \(and HW_SECURITY_TOKEN\)`,
					`user_name, password and domain_name, or HW_USER_NAME, HW_PASSWORD and HW_DOMAIN_NAME`,
					`in CI, an OpenID Connect ID token: idp_id with id_token or id_token_file`,
					`a KooCLI profile: shared_config_file and profile`,
					`on an ECS with an agency, nothing: the ECS metadata service. It was tried last, at `+regexp.QuoteMeta(noMetadataService),
					`connection refused`, `act through an agency with assume_role`),
			},
		},
	})
	assertNoRequests(t, srv)
}

// 11. Where to connect, and how.

func TestAccAuth_noEndpoint(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock("token", testToken, "project_id", testProject) + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`No ServiceStage endpoint`, `Set region \(HW_REGION_NAME\)`,
				`https://servicestage\.\{region\}\.\{cloud\}`, `endpoint \(HW_SERVICESTAGE_ENDPOINT\)`),
		}},
	})
}

func TestAccAuth_endpointNotURL(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerBlock("endpoint", "servicestage.example.org", "token", testToken, "project_id", testProject) +
					deployInfoBlock(testReleasePlan),
				ExpectError: errorPattern(`Invalid URL`, `endpoint "servicestage\.example\.org" must be an absolute http:// or https:// URL`),
			},
			{
				Config: providerBlock("endpoint", "https://127.0.0.1:1", "auth_url", "iam.example.org/v3",
					"user_name", testUser, "password", testPassword, "domain_name", testDomain, "project_id", testProject) +
					deployInfoBlock(testReleasePlan),
				ExpectError: errorPattern(`Invalid URL`, `auth_url "iam\.example\.org/v3" must be an absolute`),
			},
		},
	})
}

func TestAccAuth_endpointNotURLFromEnv(t *testing.T) {
	setenv(t, "HW_SERVICESTAGE_ENDPOINT", "servicestage.example.org")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerBlock("token", testToken, "project_id", testProject) + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`Invalid endpoint`, `endpoint \(or HW_SERVICESTAGE_ENDPOINT\) "servicestage\.example\.org" must be an absolute`),
		}},
	})
}

func TestAccAuth_cacertFileInvalid(t *testing.T) {
	_, url := withTask(t)
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("-----BEGIN NOTHING-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing.pem")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerBlock("endpoint", url, "token", testToken, "project_id", testProject, "cacert_file", missing) +
					deployInfoBlock(testReleasePlan),
				ExpectError: errorPattern(`Invalid cacert_file`, `reading cacert_file`, `no such file`, `cacert_file \(or OS_CACERT\)`),
			},
			{
				Config: providerBlock("endpoint", url, "token", testToken, "project_id", testProject, "cacert_file", notPEM) +
					deployInfoBlock(testReleasePlan),
				ExpectError: errorPattern(`Invalid cacert_file`, `holds no PEM certificate`, `cacert_file \(or OS_CACERT\)`),
			},
		},
	})
}

// 12. TLS: see tls_test.go.

// 13. User-Agent on every request, IAM's included.

func TestAccAuth_userAgent(t *testing.T) {
	srv, url := withTask(t)
	ua := regexp.MustCompile(`^terraform-provider-servicestage/test Terraform/\d+\.\d+\.\d+`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: passwordProvider(url, "project_id", testProject) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(emulatorCheck(func() error {
				reqs := srv.Requests()
				if len(reqs) != 2 {
					return fmt.Errorf("%d requests, want an IAM login and a read", len(reqs))
				}
				for _, r := range reqs {
					if !ua.MatchString(r.UserAgent) {
						return fmt.Errorf("%s %s sent User-Agent %q, want it to match %s", r.Method, r.Path, r.UserAgent, ua)
					}
				}
				return nil
			})),
		}},
	})
}
