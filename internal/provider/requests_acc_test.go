package provider

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// countingServer answers every request with handler and counts them.
func countingServer(t *testing.T, handler http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestAccRequests_redirectFromEndpointRefused(t *testing.T) {
	other, reached := countingServer(t, func(w http.ResponseWriter, _ *http.Request) {})
	redirecting, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(redirecting.URL) + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`Redirect refused`, `HTTP 302 Found redirects to "`+other.URL+`/elsewhere"`,
				`redirects are not followed, so that no credential reaches another location`, `check endpoint`),
		}},
	})
	if n := reached.Load(); n != 0 {
		t.Errorf("%d requests reached the redirect's target", n)
	}
}

func TestAccRequests_redirectFromAuthURLRefused(t *testing.T) {
	other, reached := countingServer(t, func(w http.ResponseWriter, _ *http.Request) {})
	iam, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/v3/auth/tokens", http.StatusTemporaryRedirect)
	})
	service, _ := countingServer(t, func(w http.ResponseWriter, _ *http.Request) {})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock("endpoint", service.URL, "auth_url", iam.URL+"/v3", "user_name", testUser,
				"password", testPassword, "domain_name", testDomain, "project_id", testProject) + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`Redirect refused`, `requesting an IAM token: HTTP 307 Temporary Redirect redirects to "`+other.URL,
				`check auth_url`),
		}},
	})
	if n := reached.Load(); n != 0 {
		t.Errorf("%d requests (with the password) reached the redirect's target", n)
	}
}

// IAM failing is IAM's trouble: the diagnostic says so and does not send
// the user to check the password or the endpoint.
func TestAccRequests_iamUnavailable(t *testing.T) {
	iam, logins := countingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "iam-req-1")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	service, reads := countingServer(t, func(w http.ResponseWriter, _ *http.Request) {})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock("endpoint", service.URL, "auth_url", iam.URL+"/v3", "user_name", testUser,
				"password", testPassword, "domain_name", testDomain, "project_id", testProject, "max_retries", "2") +
				deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`IAM unavailable`, `IAM could not issue a token: HTTP 503 Service Unavailable`,
				`this is trouble at IAM, not a refusal of user_name or password`, `Nothing is wrong with the credentials`),
		}},
	})
	if n := logins.Load(); n != 3 {
		t.Errorf("%d IAM requests, want 3 (max_retries = 2)", n)
	}
	if n := reads.Load(); n != 0 {
		t.Errorf("%d ServiceStage requests without a token", n)
	}
}
