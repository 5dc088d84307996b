package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// manyReads is 20 reads of the same release task, which Terraform makes
// concurrently (10 at a time by default).
const manyReads = `data "servicestage_release_plan_deploy_info" "test" {
  count           = 20
  release_plan_id = "` + testReleasePlan + `"
}
`

// readSpan runs manyReads under provider and returns the time from the
// first to the last request the emulator saw during the apply.
func readSpan(t *testing.T, provider func(url string) string) time.Duration {
	t.Helper()
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, okStep)

	var span time.Duration
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: provider(url) + manyReads,
			// Later plans read again: measure the first one only.
			Check: func(*terraform.State) error {
				reqs := srv.Requests()
				if len(reqs) != 20 {
					return fmt.Errorf("the emulator saw %d requests, want 20", len(reqs))
				}
				first, last := reqs[0].Time, reqs[0].Time
				for _, r := range reqs {
					if r.Status != 200 {
						return fmt.Errorf("a read got HTTP %d", r.Status)
					}
					if r.Time.Before(first) {
						first = r.Time
					}
					if r.Time.After(last) {
						last = r.Time
					}
				}
				span = last.Sub(first)
				return nil
			},
		}},
	})
	return span
}

// max_requests_per_second = 5 with a burst of one spaces 20 reads over
// 19 intervals of 200ms: 3.8s from the first request to the last.
func TestAccThrottle_maxRequestsPerSecond(t *testing.T) {
	span := readSpan(t, func(url string) string { return tokenProviderWith(url, "max_requests_per_second", "5") })
	t.Logf("20 reads at max_requests_per_second = 5 spanned %s (ideal 3.8s)", span)
	if span < 3*time.Second {
		t.Errorf("20 reads at 5 per second spanned %s, want at least 3s", span)
	}
}

// Without the setting nothing waits; the span is logged for comparison.
func TestAccThrottle_unthrottled(t *testing.T) {
	span := readSpan(t, tokenProvider)
	t.Logf("20 reads without max_requests_per_second spanned %s", span)
}
