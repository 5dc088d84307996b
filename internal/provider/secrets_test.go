package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// diagnosticCheck is a TestCase.ErrorCheck that, unlike ExpectError, can
// also assert what a failed step's diagnostics must NOT contain. Call verify
// after the test: a step that unexpectedly succeeds never reaches it.
type diagnosticCheck struct {
	pattern   *regexp.Regexp
	forbidden []string
	text      string
	seen      bool
}

func (c *diagnosticCheck) errorCheck(err error) error {
	c.seen, c.text = true, err.Error()
	if !c.pattern.MatchString(c.text) {
		return fmt.Errorf("expected an error matching %s, got: %w", c.pattern, err)
	}
	for _, f := range c.forbidden {
		if strings.Contains(c.text, f) {
			return fmt.Errorf("the diagnostic contains %q: %w", f, err)
		}
	}
	return nil
}

func (c *diagnosticCheck) verify(t *testing.T) {
	t.Helper()
	if !c.seen {
		t.Errorf("expected the step to fail with an error matching %s, but it succeeded", c.pattern)
	}
}

// captureLogs sends Terraform's and the in-process provider's logs, at
// TRACE, to files of a temporary directory, and returns a function that
// reads them all. terraform-plugin-testing gives the CLI the path from
// TF_LOG_PATH_MASK; terraform-plugin-log's test sink writes the provider's
// tflog lines to the same path at the TF_LOG level. It sets the environment,
// so the test must not be parallel.
func captureLogs(t *testing.T) func() string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(dir, "%s.log"))
	// terraform-plugin-testing's own lines quote each step's HCL, secrets
	// and all: they are the test harness, neither Terraform nor the provider.
	t.Setenv("TF_LOG_SDK_HELPER_RESOURCE", "OFF")
	for _, name := range []string{"TF_ACC_LOG", "TF_ACC_LOG_PATH", "TF_LOG_CORE", "TF_LOG_PROVIDER", "TF_LOG_PATH"} {
		t.Setenv(name, "")
	}
	return func() string {
		files, err := filepath.Glob(filepath.Join(dir, "*.log"))
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(data)
		}
		return b.String()
	}
}

// jsonCapture keeps the state and the plan as `terraform show -json` gives them.
type jsonCapture struct{ state, plan []byte }

func (c *jsonCapture) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	c.state, resp.Error = json.Marshal(req.State)
}

// CheckPlan keeps all of the plan but its "configuration" section, where
// Terraform itself echoes the HCL's literal values (a provider block's
// sensitive ones included): that is the user's own file, not provider output.
func (c *jsonCapture) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	plan := *req.Plan
	plan.Config = nil
	c.plan, resp.Error = json.Marshal(plan)
}

// secretLeaks are the patterns that must appear nowhere: every configured
// secret, an Authorization header value, and tokens the emulator's IAM issues.
func secretLeaks(secrets ...string) []*regexp.Regexp {
	leaks := []*regexp.Regexp{
		regexp.MustCompile(`SDK-HMAC-SHA256 Access=`),
		regexp.MustCompile(`Signature=[0-9a-f]{64}`),
		regexp.MustCompile(`MII[0-9a-f]{64}`),
	}
	for _, s := range secrets {
		leaks = append(leaks, regexp.MustCompile(regexp.QuoteMeta(s)))
	}
	return leaks
}

func assertNoLeak(t *testing.T, where, text string, leaks []*regexp.Regexp) {
	t.Helper()
	for _, leak := range leaks {
		if loc := leak.FindStringIndex(text); loc != nil {
			from, to := max(loc[0]-120, 0), min(loc[1]+40, len(text))
			t.Errorf("%s contains %s: …%s…", where, leak, text[from:to])
		}
	}
}

// assertLogged makes sure the log is not empty of what matters, so that
// finding no secret in it means something.
func assertLogged(t *testing.T, log string, fragments ...string) {
	t.Helper()
	for _, f := range fragments {
		if !strings.Contains(log, f) {
			t.Errorf("the log has no %q line (%d bytes of log)", f, len(log))
		}
	}
}

// Wrong credentials, each itself a secret.
const (
	wrongSecretKey = "wrong-secret-key-9f8e7d6c5b4a3210zyxw"
	wrongPassword  = "wrong-password-Qx7!v"
)

// secretsEmulator accepts testAccessKey only with testSecurityTok, so a
// read with AK/SK really sends (and signs) the security token.
func secretsEmulator(t *testing.T) (*emulator.Server, string) {
	t.Helper()
	srv, url := newEmulator(t)
	srv.AddAccessKey(emulator.AccessKey{AccessKey: testAccessKey, SecretKey: testSecretKey, SecurityToken: testSecurityTok})
	srv.AddTask(testProject, testReleasePlan, okStep)
	return srv, url
}

// Successful reads with each authentication method, at TF_LOG=TRACE: no
// secret in the log, the state or the plan.
func TestAccSecrets_successfulReads(t *testing.T) {
	for _, tc := range []struct {
		name      string
		provider  func(url string) string
		secrets   []string
		logsToo   []string
		wantToken bool
	}{
		{
			name:     "token",
			provider: tokenProvider,
			secrets:  []string{testToken},
		},
		{
			name: "AK/SK with security token",
			provider: func(url string) string {
				return providerBlock("endpoint", url, "project_id", testProject, "access_key", testAccessKey,
					"secret_key", testSecretKey, "security_token", testSecurityTok)
			},
			secrets: []string{testSecretKey, testSecurityTok},
			logsToo: []string{"Signed request with AK/SK", "x-security-token:"},
		},
		{
			name: "password",
			provider: func(url string) string {
				return providerBlock("endpoint", url, "auth_url", url+"/v3", "project_id", testProject,
					"user_name", testUser, "password", testPassword, "domain_name", testDomain)
			},
			secrets:   []string{testPassword},
			logsToo:   []string{"Requesting an IAM token", "Obtained an IAM token"},
			wantToken: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, url := secretsEmulator(t)
			logs := captureLogs(t)
			captured := &jsonCapture{}

			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            tc.provider(url) + deployInfoBlock(testReleasePlan),
					ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{captured}},
					ConfigStateChecks: []statecheck.StateCheck{captured, okComponents},
				}},
			})
			if tc.wantToken && srv.TokensIssued() == 0 {
				t.Error("IAM issued no token: the password path was not exercised")
			}

			log := logs()
			leaks := secretLeaks(tc.secrets...)
			assertLogged(t, log, append([]string{"[TRACE]", "[DEBUG]", "HTTP request", "HTTP response", "configured ServiceStage provider"}, tc.logsToo...)...)
			assertNoLeak(t, "the log", log, leaks)
			assertNoLeak(t, "the state", string(captured.state), leaks)
			assertNoLeak(t, "the plan", string(captured.plan), leaks)
			if !strings.Contains(string(captured.state), `"name":"api"`) {
				t.Errorf("the captured state does not hold the read: %s", captured.state)
			}
		})
	}
}

// Refused credentials, at TF_LOG=TRACE: the diagnostic explains and the
// log records the exchange, but neither holds a secret.
func TestAccSecrets_refusedCredentials(t *testing.T) {
	for _, tc := range []struct {
		name     string
		provider func(url string) string
		secrets  []string
		pattern  *regexp.Regexp
	}{
		{
			// The gateway echoes its canonical request, signed
			// x-security-token included: the provider masks it.
			name: "AK/SK signature rejected",
			provider: func(url string) string {
				return providerBlock("endpoint", url, "project_id", testProject, "access_key", testAccessKey,
					"secret_key", wrongSecretKey, "security_token", testSecurityTok)
			},
			secrets: []string{wrongSecretKey, testSecretKey, testSecurityTok},
			pattern: errorPattern(`Authentication rejected`, `HTTP 401`, `APIGW\.0301`, `verify aksk signature fail`,
				`request ID [0-9a-f]{32}`, `Check access_key and secret_key`,
				`canonical request the gateway computed`, `/deploy-info/`, `x-security-token:\*\*\*`),
		},
		{
			name: "IAM refuses the password",
			provider: func(url string) string {
				return providerBlock("endpoint", url, "auth_url", url+"/v3", "project_id", testProject,
					"user_name", testUser, "password", wrongPassword, "domain_name", testDomain)
			},
			secrets: []string{wrongPassword, testPassword},
			pattern: errorPattern(`IAM did not issue a token`, `HTTP 401`, `The username or password is wrong`,
				`request ID "?[0-9a-f]{32}`, `check user_name, password, domain_name`),
		},
		{
			name: "token rejected",
			provider: func(url string) string {
				return providerBlock("endpoint", url, "token", "MIIbad-token-value-42", "project_id", testProject)
			},
			secrets: []string{"MIIbad-token-value-42"},
			pattern: errorPattern(`Authentication rejected`, `HTTP 401`, `APIGW\.0301`, `decrypt token fail`, `Check token`),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, url := secretsEmulator(t)
			logs := captureLogs(t)
			check := &diagnosticCheck{pattern: tc.pattern, forbidden: tc.secrets}

			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				ErrorCheck:               check.errorCheck,
				Steps:                    []resource.TestStep{{Config: tc.provider(url) + deployInfoBlock(testReleasePlan)}},
			})
			check.verify(t)

			log := logs()
			leaks := secretLeaks(tc.secrets...)
			assertLogged(t, log, "[TRACE]", "[DEBUG]", "HTTP response", "http_status=401")
			assertNoLeak(t, "the log", log, leaks)
			assertNoLeak(t, "the diagnostic", check.text, leaks)
		})
	}
}
