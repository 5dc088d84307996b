package provider

// A wait that outlives its first credential goes on with the next one, for
// every way whose credentials expire. The emulator and the provider share a
// clock that moves on at each deploy-info read, so lifetimes are counted in
// reads, not in seconds of the machine running the test.

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

const (
	// readStep is how far the clock moves at each deploy-info read.
	readStep = 2 * time.Minute
	// releaseTakes is how long, on that clock, the release waited for runs:
	// longer than every first credential below lives.
	releaseTakes = 50 * time.Minute
	// shortLife is the lifetime of the credentials the emulator issues.
	shortLife = 20 * time.Minute
)

func TestAccRenewal_waitOutlivesItsFirstCredential(t *testing.T) {
	for _, tc := range []struct {
		name string
		// setUp readies the way and returns its provider block and the
		// count of credentials the emulator issued.
		setUp func(t *testing.T, srv *emulator.Server, url string) (string, func() int64)
	}{
		{"ECS metadata", func(t *testing.T, srv *emulator.Server, url string) (string, func() int64) {
			startMetadata(t, srv, emulator.Metadata{Agency: true, Lifetime: shortLife})
			return providerBlock("endpoint", url, "project_id", testProject), srv.MetadataCredentialsIssued
		}},
		{"agency", func(_ *testing.T, srv *emulator.Server, url string) (string, func() int64) {
			return assumeRole(providerBlock("endpoint", url, "auth_url", url+"/v3", "project_id", testProject,
				"access_key", testAccessKey, "secret_key", testSecretKey), `duration = "15m"`), srv.AgencyCredentialsIssued
		}},
		{"OpenID Connect", func(_ *testing.T, srv *emulator.Server, url string) (string, func() int64) {
			srv.TokenLifetime = shortLife
			return oidcProvider(url, srv.MintIDToken(testIssuer, testAudience, testIDTokenSubject, 24*time.Hour)), srv.IDTokenExchanges
		}},
		{"password", func(_ *testing.T, srv *emulator.Server, url string) (string, func() int64) {
			srv.TokenLifetime = shortLife
			return passwordProvider(url, "project_id", testProject), srv.TokensIssued
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &stepClock{now: time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)}
			srv, url := clockedEmulator(t, clock, readStep)
			srv.AddTask(testProject, testReleasePlan, emulator.Step{For: releaseTakes, Body: emulator.DeployInfoJSON(testReleasePlan,
				emulator.Component{ID: "c1", Name: "api", Version: "1.0.0", Seq: 1, Status: "RUNNING", JobID: "JOB-1", JobStatus: "RUNNING"})}, okStep)
			provider, issued := tc.setUp(t, srv, url)
			timing := testTiming
			timing.now = clock.Now
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories(timing),
				Steps: []resource.TestStep{{
					Config: provider + deployInfoBlock(testReleasePlan, "  wait_for_completion = true"),
					ConfigStateChecks: readSucceeded(expect("completed", knownvalue.Bool(true)), emulatorCheck(func() error {
						reads := deployInfoReads(srv)
						for _, r := range reads {
							if r.Status != http.StatusOK {
								return fmt.Errorf("read %s answered HTTP %d: a credential was used past its expiry", r.Path, r.Status)
							}
						}
						// The wait spans releaseTakes; each credential lives
						// shortLife, renewed five minutes before its end.
						t.Logf("%s: %d credentials over a wait of %d reads", tc.name, issued(), len(reads))
						if n := issued(); n < 3 {
							return fmt.Errorf("%d credentials issued over a wait of %d reads (%s), want a renewal at least every %s",
								n, len(reads), releaseTakes, shortLife-5*time.Minute)
						}
						return nil
					})),
				}},
			})
		})
	}
}
