package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// okStep answers with one succeeded component named "api".
var okStep = emulator.Step{Body: emulator.DeployInfoJSON(testReleasePlan,
	emulator.Component{ID: "c1", Name: "api", Version: "1.0.0", Seq: 1, JobStatus: "SUCCEEDED"})}

// apiErrorBody is an error body in ServiceStage's format.
func apiErrorBody(code, msg string) []byte {
	body, _ := json.Marshal(map[string]string{"error_code": code, "error_msg": msg, "request_id": "0123456789abcdef0123456789abcdef"})
	return body
}

// htmlPage is what a load balancer in front of the gateway answers: HTML,
// with line breaks, a terminal escape sequence and more than an excerpt holds.
const htmlPage = "<html>\r\n<head><title>502 Bad Gateway</title></head>\n<body>\n\t<center><h1>502 Bad Gateway</h1></center>\n" +
	"\x1b[31m<!-- upstream 10.0.0.1:8080 reset -->\x1b[0m\n<hr><center>nginx</center>\n" +
	"<p>" + "padding " + "padding padding padding padding padding padding padding padding padding padding padding padding padding</p>\n" +
	"</body>\n</html>\n"

var htmlHeader = http.Header{"Content-Type": {"text/html"}}

// tokenProviderWith is tokenProvider plus extra attribute/value pairs.
func tokenProviderWith(url string, extra ...string) string {
	return providerBlock(append([]string{"endpoint", url, "token", testToken, "project_id", testProject}, extra...)...)
}

// expectReads fails a step unless the release task was read exactly want times.
func expectReads(srv *emulator.Server, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := srv.Reads(testProject, testReleasePlan); got != want {
			return fmt.Errorf("the emulator saw %d reads of the release task, want %d", got, want)
		}
		return nil
	}
}

// assertNoRequests fails the test if anything reached the emulator: input
// the provider must refuse before sending a request.
func assertNoRequests(t *testing.T, srv *emulator.Server) {
	t.Helper()
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the emulator saw %d requests, want none", n)
	}
}

// assertReads is expectReads after a test whose step failed, when nothing
// reads again.
func assertReads(t *testing.T, srv *emulator.Server, want int) {
	t.Helper()
	if got := srv.Reads(testProject, testReleasePlan); got != want {
		t.Errorf("the emulator saw %d reads of the release task, want %d", got, want)
	}
}

var okComponents = statecheck.ExpectKnownValue(dataSourceAddr, tfjsonpath.New("components"), knownvalue.ListExact([]knownvalue.Check{
	knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"id":         knownvalue.StringExact("c1"),
		"name":       knownvalue.StringExact("api"),
		"seq":        knownvalue.Int64Exact(1),
		"job_status": knownvalue.StringExact("SUCCEEDED"),
	}),
}))

// Transient failures are retried and the read ends with the right state;
// the read count shows each was retried exactly as often as it failed.
func TestAccFaults_transientRecovered(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault emulator.Step
		reads int
	}{
		{"503 twice", emulator.Step{Times: 2, Status: 503, Body: apiErrorBody("SVCSTG.00100503", "Service unavailable")}, 3},
		{"502 HTML once", emulator.Step{Times: 1, Status: 502, Header: htmlHeader, Body: []byte(htmlPage)}, 2},
		{"500 once", emulator.Step{Times: 1, Status: 500, Body: apiErrorBody("SVCSTG.00100500", "Internal error")}, 2},
		{"504 once", emulator.Step{Times: 1, Status: 504, Header: htmlHeader, Body: []byte("<html><body>504 Gateway Time-out</body></html>")}, 2},
		{"connection reset once", emulator.Step{Times: 1, Fault: emulator.FaultReset}, 2},
		{"truncated body once", emulator.Step{Times: 1, Fault: emulator.FaultTruncate, Body: okStep.Body}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, url := newEmulator(t)
			srv.AddTask(testProject, testReleasePlan, tc.fault, okStep)

			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            tokenProvider(url) + deployInfoBlock(testReleasePlan),
					Check:             expectReads(srv, tc.reads),
					ConfigStateChecks: []statecheck.StateCheck{okComponents, expect("all_succeeded", knownvalue.Bool(true))},
				}},
			})
		})
	}
}

// A 429 with Retry-After waits as long as the gateway asks, even beyond the
// provider's longest backoff (200ms in tests).
func TestAccFaults_retryAfterHonoured(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan,
		emulator.Step{Times: 1, Status: 429, Header: http.Header{"Retry-After": {"1"}},
			Body: apiErrorBody("APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit, limit:5, time:1 second")},
		okStep)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(testReleasePlan),
			Check: resource.ComposeTestCheckFunc(expectReads(srv, 2), func(*terraform.State) error {
				reqs := srv.Requests()
				gap := reqs[1].Time.Sub(reqs[0].Time)
				t.Logf("Retry-After: 1 → the retry came %s after the 429", gap)
				if gap < 950*time.Millisecond {
					return fmt.Errorf("the retry came %s after a 429 with Retry-After: 1, want at least 1s", gap)
				}
				return nil
			}),
			ConfigStateChecks: []statecheck.StateCheck{okComponents},
		}},
	})
}

// failingRead runs one read that must fail with a diagnostic matching
// fragments (see errorPattern).
func failingRead(t *testing.T, config string, fragments ...string) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ExpectError: errorPattern(fragments...)}},
	})
}

// An HTML error page every time: after the retries, the diagnostic shows the
// status, a short single-line excerpt and the request ID.
func TestAccFaults_html502Persistent(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Status: 502, Header: htmlHeader, Body: []byte(htmlPage)})

	check := &diagnosticCheck{
		pattern: errorPattern(`ServiceStage error`, `HTTP 502 Bad Gateway`,
			`body "<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center>`,
			`padding …"`, `request ID [0-9a-f]{32}`, `service failed after retries`),
		// No terminal escape character, and the end of the page is cut off.
		forbidden: []string{"\x1b", "</html>"},
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ErrorCheck:               check.errorCheck,
		Steps: []resource.TestStep{{
			Config: tokenProviderWith(url, "max_retries", "1") + deployInfoBlock(testReleasePlan),
		}},
	})
	check.verify(t)
	assertReads(t, srv, 2)
}

func TestAccFaults_malformedJSON(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Body: []byte(`{"id": "x", "components": [}, "more": 1}`)})

	failingRead(t, tokenProvider(url)+deployInfoBlock(testReleasePlan),
		`Unexpected deploy-info response`, `request ID [0-9a-f]{32}`, `at byte offset 28: malformed JSON`)
	assertReads(t, srv, 1) // A body that is not JSON will not become JSON by asking again.
}

// A body cut short is a broken connection, not a bad answer: it is retried
// like a reset, and reported as such when it keeps happening.
func TestAccFaults_truncatedPersistent(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Fault: emulator.FaultTruncate, Body: okStep.Body})

	failingRead(t, tokenProviderWith(url, "max_retries", "1")+deployInfoBlock(testReleasePlan),
		`Error reading release task`, `HTTP 200`, `request ID [0-9a-f]{32}`, `after 2 attempt\(s\)`,
		`reading response body: unexpected EOF`)
	assertReads(t, srv, 2)
}

func TestAccFaults_oversizedBody(t *testing.T) {
	// Many ordinary components, as a huge release would have, not one odd field.
	components := make([]emulator.Component, 4500)
	for i := range components {
		components[i] = emulator.Component{
			ID: fmt.Sprintf("c%d", i), Name: fmt.Sprintf("component-%04d", i), Version: "1.0.0", Seq: int64(i),
			JobStatus: "FAILED", FailMessage: strings.Repeat("image pull failed; ", 50),
		}
	}
	body := emulator.DeployInfoJSON(testReleasePlan, components...)
	if len(body) <= servicestage.DefaultMaxBodyBytes {
		t.Fatalf("the body is %d bytes, want more than %d", len(body), servicestage.DefaultMaxBodyBytes)
	}
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Body: body})

	failingRead(t, tokenProvider(url)+deployInfoBlock(testReleasePlan),
		`Error reading release task`, `HTTP 200`, `request ID [0-9a-f]{32}`,
		fmt.Sprintf(`response body too large: more than %d bytes`, servicestage.DefaultMaxBodyBytes))
	assertReads(t, srv, 1)
}

// A server that never answers fails the read at timeouts.read, not at the
// 20-minute default or never: the error is the read's deadline, not
// request_timeout (60s by default) ending an attempt.
func TestAccFaults_hangTimesOut(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Fault: emulator.FaultHang})

	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(testReleasePlan, `  timeouts = { read = "2s" }`),
			ExpectError: errorPattern(`Timed out reading release task`, `timed out after 1 attempt\(s\)`,
				`raise timeouts.read`, `context deadline exceeded`),
		}},
	})
	elapsed := time.Since(start)
	t.Logf("the hung read failed after %s (terraform included)", elapsed)
	if elapsed < 2*time.Second {
		t.Errorf("the read failed after %s, before timeouts.read (2s)", elapsed)
	}
	assertReads(t, srv, 1)
}

func TestAccFaults_badRequestNotRetried(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Status: 400,
		Body: apiErrorBody("SVCSTG.00100400", "Invalid parameter: release_plan_id")})

	failingRead(t, tokenProvider(url)+deployInfoBlock(testReleasePlan),
		`ServiceStage rejected the request`, `HTTP 400 Bad Request`, `error_code SVCSTG\.00100400`,
		`error_msg "Invalid parameter: release_plan_id"`, `request ID [0-9a-f]{32}`, `Check release_plan_id and project_id`)
	assertReads(t, srv, 1)
}

func TestAccFaults_forbidden(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Status: 403,
		Body: apiErrorBody("APIGW.0302", "The IAM user is not authorized to access the API.")})

	failingRead(t, tokenProvider(url)+deployInfoBlock(testReleasePlan),
		`Permission denied`, `HTTP 403 Forbidden`, `error_code APIGW\.0302`, `not authorized to access the API`,
		`request ID [0-9a-f]{32}`, `servicestage::getReleasePlan permission in project "`+testProject+`"`)
	assertReads(t, srv, 1)
}

func TestAccFaults_throttledPersistent(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Status: 429,
		Body: apiErrorBody("APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit, limit:5, time:1 second")})

	failingRead(t, tokenProviderWith(url, "max_retries", "2")+deployInfoBlock(testReleasePlan),
		`Throttled by the API gateway`, `HTTP 429 Too Many Requests`, `error_code APIGW\.0308`, `limit:5`,
		`request ID [0-9a-f]{32}`, `Set max_requests_per_second`)
	assertReads(t, srv, 3)
}

func TestAccFaults_seqNotANumber(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Body: []byte(`{"id": "` + testReleasePlan + `", "components": [
		{"id": "c1", "name": "api", "seq": 1, "job_status": "SUCCEEDED"},
		{"id": "c2", "name": "worker", "seq": "first", "job_status": "SUCCEEDED"}]}`)})

	failingRead(t, tokenProvider(url)+deployInfoBlock(testReleasePlan),
		`Unexpected deploy-info response`, `request ID [0-9a-f]{32}`, `component 1 \("worker"\), field "seq"`, `"first" is not an integer`)
	assertReads(t, srv, 1)
}

// hostileIDs cannot be one path segment; each is an HCL string literal.
var hostileIDs = []struct{ name, hcl string }{
	{"dot-dot-slash", `"../x"`},
	{"slash", `"a/b"`},
	{"space", `"a b"`},
	{"encoded dots", `"%2e%2e"`},
	{"backslash", `"x\\y"`},
	{"empty", `""`},
	{"dot-dot", `".."`},
	{"newline", `"a\nb"`},
	{"control character", `"a\u0001b"`},
	{"query", `"a?b=1"`},
	{"overlong", `"` + strings.Repeat("a", servicestage.MaxIDLength+1) + `"`},
}

// Hostile IDs are refused by validation, before the provider is even
// configured: the emulator must see no request at all.
func TestAccHostile_releasePlanID(t *testing.T) {
	for _, id := range hostileIDs {
		t.Run(id.name, func(t *testing.T) {
			srv, url := newEmulator(t)
			failingRead(t, tokenProvider(url)+"data \"servicestage_release_plan_deploy_info\" \"test\" {\n  release_plan_id = "+id.hcl+"\n}\n",
				`Invalid ID`, `with data\.servicestage_release_plan_deploy_info\.test`, `release_plan_id = `,
				`release_plan_id must (not|be at most)`)
			assertNoRequests(t, srv)
		})
	}
}

func TestAccHostile_projectIDOnDataSource(t *testing.T) {
	srv, url := newEmulator(t)
	failingRead(t, tokenProvider(url)+deployInfoBlock(testReleasePlan, `  project_id = "../../admin"`),
		`Invalid ID`, `with data\.servicestage_release_plan_deploy_info\.test`, `project_id = "\.\./\.\./admin"`,
		`project_id must not contain "\.\."`)
	assertNoRequests(t, srv)
}

func TestAccHostile_projectIDOnProvider(t *testing.T) {
	srv, url := newEmulator(t)
	failingRead(t, providerBlock("endpoint", url, "token", testToken, "project_id", "../../admin")+deployInfoBlock(testReleasePlan),
		`Invalid ID`, `with provider\["registry\.(terraform|opentofu)\.(io|org)/hashicorp/servicestage"\]`, `project_id = "\.\./\.\./admin"`,
		`project_id must not contain "\.\."`)
	assertNoRequests(t, srv)
}

// HW_PROJECT_ID bypasses the schema validators, so Configure checks it.
// Not parallel: it sets the environment.
func TestAccHostile_projectIDFromEnvironment(t *testing.T) {
	srv, url := newEmulator(t)
	t.Setenv("HW_PROJECT_ID", "../../admin")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock("endpoint", url, "token", testToken) + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`Invalid project_id`, `with provider\["registry\.(terraform|opentofu)\.(io|org)/hashicorp/servicestage"\]`,
				`project_id \(or HW_PROJECT_ID\) must not contain "\.\."`),
		}},
	})
	assertNoRequests(t, srv)
}

// A connection that accepts the request and never answers is given up after
// request_timeout and retried, well inside timeouts.read: the second attempt
// answers.
func TestAccFaults_hungAttemptRetried(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Times: 1, Fault: emulator.FaultHang}, okStep)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            tokenProviderWith(url, "request_timeout", "1s") + deployInfoBlock(testReleasePlan),
			Check:             expectReads(srv, 2),
			ConfigStateChecks: []statecheck.StateCheck{okComponents},
		}},
	})
}

// HW_REQUEST_TIMEOUT sets it too. Not parallel: it sets the environment.
func TestAccFaults_hungAttemptRetriedWithEnvironment(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Times: 1, Fault: emulator.FaultHang}, okStep)
	t.Setenv("HW_REQUEST_TIMEOUT", "1s")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            tokenProvider(url) + deployInfoBlock(testReleasePlan),
			Check:             expectReads(srv, 2),
			ConfigStateChecks: []statecheck.StateCheck{okComponents},
		}},
	})
}

// Every attempt hangs: the error says request_timeout ended each of them.
func TestAccFaults_hungAttemptsExhausted(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Fault: emulator.FaultHang})

	failingRead(t, tokenProviderWith(url, "request_timeout", "1s", "max_retries", "1")+deployInfoBlock(testReleasePlan),
		`Error reading release task`, `no answer from 127\.0\.0\.1:\d+ after 2 attempt\(s\)`,
		`no complete answer within request_timeout \(1s\)`)
	assertReads(t, srv, 2)
}

func TestAccFaults_requestTimeoutInvalid(t *testing.T) {
	for value, want := range map[string]string{
		"60":   `request_timeout must be a Go duration such as "30s" or "2m", got "60"`,
		"0s":   `request_timeout must be greater than zero, got "0s"`,
		"soon": `got "soon"`,
	} {
		t.Run(value, func(t *testing.T) {
			srv, url := newEmulator(t)
			failingRead(t, tokenProviderWith(url, "request_timeout", value)+deployInfoBlock(testReleasePlan),
				`Invalid duration`, `request_timeout = "`+value+`"`, want)
			assertNoRequests(t, srv)
		})
	}
}

// timeouts.read of zero or less would fail every read at once: each data
// source rejects it at validation, naming the attribute, before any request.
func TestAccFaults_readTimeoutInvalid(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{"0s", `timeouts.read must be greater than zero, got "0s"`},
		{"-5m", `timeouts.read must be greater than zero, got "-5m"`},
		{"soon", `timeouts.read must be a Go duration such as "30s" or "2m", got "soon"`},
	} {
		for _, block := range []string{
			deployInfoBlock(testReleasePlan),
			releasePlanBlock(testReleasePlan),
			releasePlansBlock(),
		} {
			name := tc.value + "/" + strings.Fields(block)[1]
			t.Run(name, func(t *testing.T) {
				srv, url := newEmulator(t)
				failingRead(t, tokenProvider(url)+withLine(block, `timeouts = { read = "`+tc.value+`" }`),
					`Invalid duration`, tc.want)
				assertNoRequests(t, srv)
			})
		}
	}
}

// Not parallel: it sets the environment.
func TestAccFaults_requestTimeoutInvalidEnvironment(t *testing.T) {
	_, url := newEmulator(t)
	t.Setenv("HW_REQUEST_TIMEOUT", "5 minutes")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`Invalid request_timeout`,
				`request_timeout \(or HW_REQUEST_TIMEOUT\) must be a Go duration such as "30s" or "2m", got "5 minutes"`),
		}},
	})
}

// An endpoint pasted with the API version (.../v3) reaches the gateway at
// a path no API is published at. The error names the endpoint and says to
// check endpoint and region; it never claims the task is missing.
func TestAccFaults_wrongEndpointPath(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, okStep)

	check := &diagnosticCheck{
		pattern: errorPattern(`No ServiceStage API at the endpoint`, `The API gateway at `+url+`/v3 answered`,
			`HTTP 404`, `error_code APIGW\.0101`, `Check endpoint \(HW_SERVICESTAGE_ENDPOINT\) and region \(HW_REGION_NAME\)`,
			`without a path such as /v3`),
		forbidden: []string{"not found", "does not exist in"},
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ErrorCheck:               check.errorCheck,
		Steps:                    []resource.TestStep{{Config: tokenProvider(url+"/v3") + deployInfoBlock(testReleasePlan)}},
	})
	check.verify(t)
	assertReads(t, srv, 0)
}

// With a client-side limit that cannot give the second of two reads its
// turn before timeouts.read, that read fails at once and says why.
func TestAccFaults_throttleDeadline(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, okStep)

	check := &diagnosticCheck{
		pattern: errorPattern(`Client-side rate limit reached before timeouts\.read`,
			`the client-side limit max_requests_per_second would give the next request its turn only after timeouts\.read ends`,
			`Raise max_requests_per_second`),
		forbidden: []string{"no answer from", "check endpoint, network and proxy settings"},
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ErrorCheck:               check.errorCheck,
		Steps: []resource.TestStep{{
			Config: tokenProviderWith(url, "max_requests_per_second", "0.01") +
				deployInfoBlock(testReleasePlan, `  count = 2`, `  timeouts = { read = "5s" }`),
		}},
	})
	check.verify(t)
	assertReads(t, srv, 1)
}

// A failed component without a name is listed by its ID, so that
// join(", ", failed_components) always works.
func TestAccFaults_failedComponentWithoutName(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Body: emulator.DeployInfoJSON(testReleasePlan,
		emulator.Component{ID: "c1", Name: "api", JobStatus: "FAILED"},
		emulator.Component{ID: "c2", JobStatus: "FAILED"})})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(testReleasePlan) +
				"output \"failed\" {\n  value = join(\", \", " + dataSourceAddr + ".failed_components)\n}\n",
			ConfigStateChecks: []statecheck.StateCheck{
				expect("failed_components", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("api"), knownvalue.StringExact("c2")})),
				statecheck.ExpectKnownOutputValue("failed", knownvalue.StringExact("api, c2")),
			},
		}},
	})
}
