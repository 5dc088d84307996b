package provider

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

const testEndpoint = "https://servicestage.ap-southeast-3.myhuaweicloud.com/v3"

// testSubject is the deploy-info read the diagnostics tests describe.
var testSubject = (&dataSource{reads: oneReleaseTask, permission: "servicestage::getReleasePlan", data: &providerData{endpoint: testEndpoint, authMethod: auth.WayToken}}).
	subject(typedstate.Values{"release_plan_id": tftypes.NewValue(tftypes.String, testReleasePlan)}, testProject)

// testListSubject is the list read the diagnostics tests describe.
var testListSubject = (&dataSource{reads: releaseTaskList, permission: "servicestage::listReleasePlan", data: &providerData{endpoint: testEndpoint, authMethod: auth.WayToken}}).
	subject(typedstate.Values{}, testProject)

// One API answer gets one headline from every data source: ServiceStage's
// not found, which it also gives for a project that does not exist, reads
// the same from the list, the details and deploy info; each says the
// causes its read can have.
func TestNotFoundIsOneHeadlineInEveryDataSource(t *testing.T) {
	for _, notFound := range []error{apiError(http.StatusNotFound, "SVCSTG.00100404"), apiError(http.StatusUnauthorized, "SVCSTG.00100401")} {
		for _, ds := range []dataSource{deployInfoDataSource, releasePlanDataSource, releasePlansDataSource} {
			ds.data = &providerData{endpoint: testEndpoint, authMethod: auth.WayAccessKey}
			d := readErrorDiagnostic(notFound, ds.subject(typedstate.Values{"release_plan_id": tftypes.NewValue(tftypes.String, testReleasePlan)}, testProject))
			if d.Summary() != "Not found in ServiceStage" {
				t.Errorf("%s: summary %q, want %q", ds.typeNameSuffix, d.Summary(), "Not found in ServiceStage")
			}
			want := "project that does not exist or has no ServiceStage"
			if ds.reads.lists() {
				want = `Project "` + testProject + `" was not found, or ServiceStage is not enabled in it`
			}
			if !strings.Contains(d.Detail(), want) || !strings.Contains(d.Detail(), "Check ") {
				t.Errorf("%s: detail lacks %q:\n%s", ds.typeNameSuffix, want, d.Detail())
			}
		}
	}
}

// A list's messages say listing; one task's say reading.
func TestSubjectKindWording(t *testing.T) {
	for _, tc := range []struct {
		ds                 dataSource
		reading, noProject string
	}{
		{deployInfoDataSource, "reading release task", "No project to read the release task from"},
		{releasePlanDataSource, "reading release task", "No project to read the release task from"},
		{releasePlansDataSource, "listing release tasks", "No project to list release tasks from"},
	} {
		if got := tc.ds.reads.reading(); got != tc.reading {
			t.Errorf("%s: reading() = %q, want %q", tc.ds.typeNameSuffix, got, tc.reading)
		}
		if got := tc.ds.reads.noProject(); got != tc.noProject {
			t.Errorf("%s: noProject() = %q, want %q", tc.ds.typeNameSuffix, got, tc.noProject)
		}
	}
}

// Every branch of readErrorDiagnostic: the summary, what the detail must
// say, and what it must not.
func TestReadErrorDiagnostic(t *testing.T) {
	pending := fakeDeployInfo(fakeComponent("api", "RUNNING", ""), fakeComponent("done", "SUCCEEDED", ""))
	for _, tc := range []struct {
		name    string
		err     error
		subject readSubject
		summary string
		detail  []string
		never   []string
	}{
		{
			name: "wait timeout", summary: "Timed out waiting for release task",
			err: &waitError{elapsed: 20 * time.Minute, reads: 60, last: pending, cause: context.DeadlineExceeded,
				lastErr: apiError(http.StatusServiceUnavailable, "APIGW.0202"), lastErrRead: 58},
			detail: []string{`Release task "` + testReleasePlan + `" in project "` + testProject + `" did not complete within 20m0s (60 reads)`,
				"1 of 2 component(s) still pending", "- api: job_status RUNNING",
				"The last error seen, at read 58: reading deploy info: HTTP 503 Service Unavailable, error_code APIGW.0202", "Raise timeouts.read"},
		},
		{
			name: "wait cancelled", summary: "Wait for release task cancelled",
			err:    &waitError{elapsed: time.Second, reads: 2, last: pending, cause: context.Canceled},
			detail: []string{"was cancelled after 1s (2 reads)", "goes on in ServiceStage"},
		},
		{
			name: "certificate", summary: "TLS certificate not trusted",
			err:    fmt.Errorf("reading: %w", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}),
			detail: []string{"certificate signed by unknown authority", "cacert_file (or the OS_CACERT environment variable)", "insecure = true"},
		},
		{
			name: "throttle deadline", summary: "Client-side rate limit reached before timeouts.read",
			err:    fmt.Errorf("reading: %w", servicestage.ErrThrottleDeadline),
			detail: []string{"max_requests_per_second", "timeouts.read", "The service was not asked"},
			never:  []string{"check endpoint, network and proxy"},
		},
		{
			name: "IAM", summary: "IAM did not issue a token",
			err:    &auth.IAMError{StatusCode: 401, Code: "IAM.0001"},
			detail: []string{"HTTP 401", "user_name, password and domain_name"},
		},
		{
			name: "gateway 404", summary: "No ServiceStage API at the endpoint",
			err: apiError(http.StatusNotFound, "APIGW.0101"),
			detail: []string{"The API gateway at " + testEndpoint + " answered", "HTTP 404, error_code APIGW.0101",
				"Check endpoint (HW_SERVICESTAGE_ENDPOINT) and region (HW_REGION_NAME)", "without a path such as /v3"},
			never: []string{"not found", "Not found"},
		},
		{
			name: "404 without a code", summary: "No ServiceStage API at the endpoint",
			err:    servicestage.NewAPIError("reading", http.StatusNotFound, nil, []byte("<html>404</html>")),
			detail: []string{testEndpoint},
			never:  []string{"not found"},
		},
		{
			name: "not found", summary: "Not found in ServiceStage",
			err: apiError(http.StatusNotFound, "SVCSTG.00100404"),
			detail: []string{`Release task "` + testReleasePlan + `" was not found in project "` + testProject + `"`, "SVCSTG.00100404",
				"for an unknown release task, and for a project that does not exist or has no ServiceStage", "Check release_plan_id"},
		},
		{
			name: "not found, 401 quirk", summary: "Not found in ServiceStage",
			err:    apiError(http.StatusUnauthorized, "SVCSTG.00100401"),
			detail: []string{"was not found", "HTTP 401"},
		},
		{
			name: "project not found in a list", summary: "Not found in ServiceStage",
			err:     apiError(http.StatusNotFound, "SVCSTG.00100404"),
			subject: testListSubject,
			detail:  []string{`Project "` + testProject + `" was not found, or ServiceStage is not enabled in it, so it has no release tasks to list`, "Check project_id"},
			never:   []string{"release_plan_id"},
		},
		{
			name: "authentication", summary: "Authentication rejected",
			err:    apiError(http.StatusUnauthorized, "APIGW.0301"),
			detail: []string{"ServiceStage refused the credentials", "Check token (HW_AUTH_TOKEN)"},
		},
		{
			name: "signature", summary: "Authentication rejected",
			err: servicestage.NewAPIError("reading", 401, nil,
				[]byte(`{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail, SignedHeaders: host;x-sdk-date, CanonicalRequest: GET|/v3/|"}`)),
			subject: readSubject{subjectKind: oneReleaseTask, method: auth.WayAccessKey},
			detail: []string{"The secret key does not match the access key, or the clock is off: the API gateway rejected the request's AK/SK signature",
				`error_msg "Incorrect IAM authentication information: verify aksk signature fail, SignedHeaders: host;x-sdk-date"`,
				"Check access_key and secret_key", "this machine's clock",
				"The canonical request the gateway computed, to compare with the one the provider logs at TF_LOG=TRACE:\nGET\n/v3/"},
			never: []string{"CanonicalRequest", "|"},
		},
		{
			name: "forbidden", summary: "Permission denied",
			err:    apiError(http.StatusForbidden, "APIGW.0302"),
			detail: []string{`servicestage::getReleasePlan permission in project "` + testProject + `"`, "scoped to one project"},
		},
		{
			name: "not found or forbidden", summary: "Not found in ServiceStage, or permission denied",
			err: apiError(http.StatusForbidden, "SVCSTG.00100403"),
			detail: []string{"SVCSTG.00100403", "which it gives both for a release task that does not exist and for credentials without the permission",
				`Either: Release task "` + testReleasePlan + `" in project "` + testProject + `" was not found`,
				`or the credentials lack the IAM action servicestage::getReleasePlan in project "` + testProject + `"`},
			never: []string{"Permission denied"},
		},
		{
			name: "throttled", summary: "Throttled by the API gateway",
			err:    apiError(http.StatusTooManyRequests, "APIGW.0308"),
			detail: []string{"Set max_requests_per_second"},
		},
		{
			name: "server error", summary: "ServiceStage error",
			err:    apiError(http.StatusBadGateway, ""),
			detail: []string{"HTTP 502", "failed after retries"},
		},
		{
			name: "bad request", summary: "ServiceStage rejected the request",
			err:    apiError(http.StatusBadRequest, "SVCSTG.00100400"),
			detail: []string{"HTTP 400", "Check release_plan_id and project_id."},
		},
		{
			name: "decode", summary: "Unexpected deploy-info response",
			err:    &servicestage.DecodeError{Response: "deploy-info", Index: -1, Offset: 3, Err: errors.New("malformed JSON")},
			detail: []string{"decoding deploy-info response at byte offset 3: malformed JSON", "documented shape"},
		},
		{
			name: "read timeout", summary: "Timed out reading release task",
			err:    fmt.Errorf("reading: timed out after 1 attempt(s): %w", context.DeadlineExceeded),
			detail: []string{"Raise timeouts.read"},
		},
		{
			name: "list timeout", summary: "Timed out listing release tasks",
			err:     fmt.Errorf("reading: timed out after 1 attempt(s): %w", context.DeadlineExceeded),
			subject: testListSubject,
		},
		{
			name: "no answer", summary: "Error reading release task",
			err:    errors.New("reading: no answer from h after 6 attempt(s); check endpoint, network and proxy settings"),
			detail: []string{"no answer from h"},
		},
		{
			name: "no answer to a list", summary: "Error listing release tasks",
			err:     errors.New("reading: no answer from h after 6 attempt(s); check endpoint, network and proxy settings"),
			subject: testListSubject,
			detail:  []string{"no answer from h"},
		},
		{
			name: "bad request to a list", summary: "ServiceStage rejected the request",
			err:     apiError(http.StatusBadRequest, "SVCSTG.00100400"),
			subject: testListSubject,
			detail:  []string{"Check project_id."},
			never:   []string{"release_plan_id"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			subject := tc.subject
			if subject.noun == "" {
				subject = testSubject
			}
			d := readErrorDiagnostic(tc.err, subject)
			if d.Summary() != tc.summary {
				t.Errorf("summary %q, want %q", d.Summary(), tc.summary)
			}
			for _, want := range tc.detail {
				if !strings.Contains(d.Detail(), want) {
					t.Errorf("detail lacks %q:\n%s", want, d.Detail())
				}
			}
			for _, never := range tc.never {
				if strings.Contains(d.Summary()+d.Detail(), never) {
					t.Errorf("diagnostic says %q:\n%s\n%s", never, d.Summary(), d.Detail())
				}
			}
		})
	}
}
