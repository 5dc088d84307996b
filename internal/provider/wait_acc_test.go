package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// Acceptance tests of wait_for_completion and timeouts.read. The provider
// under test polls every 100–300 ms (testTiming), so a scripted release of a
// few reads takes well under a second.

const waitAttr = "  wait_for_completion = true"

// waitReleaseStart is when the scripted releases began; fixed, so times in state are exact.
var waitReleaseStart = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

// expectWaitReads fails the step unless the emulator has answered exactly n
// reads of the test release task. As a step's Check it runs right after the
// apply, before the harness plans again (and reads again).
func expectWaitReads(srv *emulator.Server, n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := srv.Reads(testProject, testReleasePlan); got != n {
			return fmt.Errorf("the emulator answered %d reads of the release task, want %d", got, n)
		}
		return nil
	}
}

func expectWaitComponent(i int, checks map[string]knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(dataSourceAddr, tfjsonpath.New("components").AtSliceIndex(i), knownvalue.ObjectPartial(checks))
}

// A release running for two reads, then done: the read waits for it.
func TestAccWait_untilSucceeded(t *testing.T) {
	srv, url := newEmulator(t)
	deployed := emulator.Component{ID: "c1", Name: "orders-api", Version: "2026.1127.0930", Seq: 1,
		Status: "SUCCESS", JobID: "JOB-1", JobStatus: "SUCCEEDED",
		StartTime: waitReleaseStart, EndTime: waitReleaseStart.Add(40 * time.Second)}
	worker := emulator.Component{ID: "c2", Name: "orders-worker", Version: "2026.1127.0930", Seq: 2,
		Status: "RUNNING", JobID: "JOB-2", JobStatus: "RUNNING", StartTime: waitReleaseStart.Add(41 * time.Second)}
	done := worker
	done.Status, done.JobStatus, done.EndTime = "SUCCESS", "SUCCEEDED", waitReleaseStart.Add(95*time.Second)
	srv.AddTask(testProject, testReleasePlan,
		emulator.Step{Times: 2, Body: emulator.DeployInfoJSON(testReleasePlan, deployed, worker)},
		emulator.Step{Body: emulator.DeployInfoJSON(testReleasePlan, deployed, done)},
	)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(testReleasePlan, waitAttr),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("wait_for_completion", knownvalue.Bool(true)),
				expect("completed", knownvalue.Bool(true)),
				expect("all_succeeded", knownvalue.Bool(true)),
				expect("failed_components", knownvalue.ListExact([]knownvalue.Check{})),
				expect("components", knownvalue.ListSizeExact(2)),
				expectWaitComponent(0, map[string]knownvalue.Check{
					"name":       knownvalue.StringExact("orders-api"),
					"job_status": knownvalue.StringExact("SUCCEEDED"),
				}),
				expectWaitComponent(1, map[string]knownvalue.Check{
					"name":       knownvalue.StringExact("orders-worker"),
					"status":     knownvalue.StringExact("SUCCESS"),
					"job_status": knownvalue.StringExact("SUCCEEDED"),
					"end_time":   knownvalue.Int64Exact(waitReleaseStart.Add(95 * time.Second).UnixMilli()),
				}),
			},
			Check: expectWaitReads(srv, 3),
		}},
	})
}

// A release that never finishes: timeouts.read ends the wait, and the error
// names what was still pending.
func TestAccWait_timeout(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Body: emulator.DeployInfoJSON(testReleasePlan,
		emulator.Component{Name: "orders-api", Status: "RUNNING", JobStatus: "RUNNING", StartTime: waitReleaseStart},
		emulator.Component{Name: "billing", Status: "ROLLBACKING", JobStatus: "FAILED", StartTime: waitReleaseStart,
			EndTime: waitReleaseStart.Add(time.Minute), RollbackJobStatus: "RUNNING", RollbackStartTime: waitReleaseStart.Add(time.Minute)},
		emulator.Component{Name: "gateway", Status: "SUCCESS", JobStatus: "SUCCEEDED", StartTime: waitReleaseStart,
			EndTime: waitReleaseStart.Add(30 * time.Second)},
	)})

	var start time.Time
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() { start = time.Now() },
			Config:    tokenProvider(url) + deployInfoBlock(testReleasePlan, waitAttr, `  timeouts = { read = "5s" }`),
			ExpectError: errorPattern(
				`Timed out waiting for release task`,
				`Release task "`+testReleasePlan+`" in project "`+testProject+`" did not complete within 5(\.\d)?s \(\d+ reads\);`,
				`2 of 3 component\(s\) still pending at the last read:`,
				`- orders-api: job_status RUNNING\s`,
				`- billing: job_status FAILED, rollback_job_status RUNNING`,
				`Raise timeouts\.read`,
			),
		}},
	})

	// From the start of the step: Terraform starts, plans and waits 5 s.
	elapsed := time.Since(start)
	t.Logf("the step failed after %s and %d reads", elapsed.Round(time.Millisecond), srv.Reads(testProject, testReleasePlan))
	if elapsed < 5*time.Second {
		t.Errorf("the step failed after %s, before timeouts.read (5s)", elapsed)
	}
	// How many polls fit in 5 s depends on the machine: that the wait keeps
	// polling is TestWaitTimeoutListsPending's, with a fixed count of reads.
}

// A release whose deployment fails and is rolled back: the wait goes on
// while the rollback runs, and the result says which component failed.
func TestAccWait_failedWithRollback(t *testing.T) {
	srv, url := newEmulator(t)
	gateway := emulator.Component{ID: "c1", Name: "gateway", Seq: 1, Status: "SUCCESS", JobID: "JOB-1", JobStatus: "SUCCEEDED",
		StartTime: waitReleaseStart, EndTime: waitReleaseStart.Add(30 * time.Second)}
	billing := emulator.Component{ID: "c2", Name: "billing", Seq: 2, Status: "RUNNING", JobID: "JOB-2", JobStatus: "RUNNING",
		StartTime: waitReleaseStart}
	failed := billing
	failed.Status, failed.JobStatus, failed.EndTime = "ROLLBACKING", "FAILED", waitReleaseStart.Add(61*time.Second)
	failed.FailMessage = "health check of instance billing-7f9c-2 failed"
	failed.RollbackJobID, failed.RollbackJobStatus, failed.RollbackStartTime = "JOB-3", "RUNNING", waitReleaseStart.Add(62*time.Second)
	rolledBack := failed
	rolledBack.Status, rolledBack.RollbackJobStatus, rolledBack.RollbackEndTime = "ROLLBACK_SUCCEED", "SUCCEEDED", waitReleaseStart.Add(80*time.Second)

	srv.AddTask(testProject, testReleasePlan,
		emulator.Step{Times: 2, Body: emulator.DeployInfoJSON(testReleasePlan, gateway, billing)},
		emulator.Step{Times: 1, Body: emulator.DeployInfoJSON(testReleasePlan, gateway, failed)},
		emulator.Step{Body: emulator.DeployInfoJSON(testReleasePlan, gateway, rolledBack)},
	)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(testReleasePlan, waitAttr),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("completed", knownvalue.Bool(true)),
				expect("all_succeeded", knownvalue.Bool(false)),
				expect("failed_components", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("billing")})),
				expectWaitComponent(1, map[string]knownvalue.Check{
					"name":                knownvalue.StringExact("billing"),
					"status":              knownvalue.StringExact("ROLLBACK_SUCCEED"),
					"job_status":          knownvalue.StringExact("FAILED"),
					"fail_message":        knownvalue.StringExact("health check of instance billing-7f9c-2 failed"),
					"rollback_job_status": knownvalue.StringExact("SUCCEEDED"),
					"rollback_end_time":   knownvalue.Int64Exact(waitReleaseStart.Add(80 * time.Second).UnixMilli()),
				}),
			},
			// Reads 1–2: running; 3: failed, rollback running; 4: rolled back.
			// A wait that stopped at the failed job would have made 3.
			Check: expectWaitReads(srv, 4),
		}},
	})
}

// Without wait_for_completion a running release is read once, as it is.
func TestAccWait_notRequested(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Body: emulator.DeployInfoJSON(testReleasePlan,
		emulator.Component{Name: "orders-api", Status: "RUNNING", JobStatus: "RUNNING", StartTime: waitReleaseStart})})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("wait_for_completion", knownvalue.Bool(false)),
				expect("completed", knownvalue.Bool(false)),
				expect("all_succeeded", knownvalue.Bool(false)),
				expect("failed_components", knownvalue.ListExact([]knownvalue.Check{})),
				expectWaitComponent(0, map[string]knownvalue.Check{"job_status": knownvalue.StringExact("RUNNING")}),
			},
			Check: expectWaitReads(srv, 1),
		}},
	})
}

// A release task that does not exist will not appear by waiting: the first
// not-found ends the read, long before timeouts.read.
func TestAccWait_notFoundAborts(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{
		Status: 404,
		Body:   []byte(`{"error_code":"SVCSTG.00100404","error_msg":"Release plan does not exist","request_id":"0123456789abcdef0123456789abcdef"}`),
	})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(testReleasePlan, waitAttr, `  timeouts = { read = "1m" }`),
			ExpectError: errorPattern(`Not found in ServiceStage`,
				`Release task "`+testReleasePlan+`" was not found in project "`+testProject+`"`,
				`HTTP 404`, `SVCSTG\.00100404`, `request ID [0-9a-f]{32}`),
		}},
	})

	// A wait that went on would have polled many times in the minute.
	if n := srv.Reads(testProject, testReleasePlan); n != 1 {
		t.Errorf("%d reads, want 1: it waited instead of failing at once", n)
	}
}

// A release task that disappears mid-wait (ServiceStage's 401
// SVCSTG.00100401 "not found") ends the wait at that read.
func TestAccWait_notFoundMidWait(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan,
		emulator.Step{Times: 2, Body: emulator.DeployInfoJSON(testReleasePlan,
			emulator.Component{Name: "orders-api", Status: "RUNNING", JobStatus: "RUNNING", StartTime: waitReleaseStart})},
		emulator.Step{Status: 401,
			Body: []byte(`{"error_code":"SVCSTG.00100401","error_msg":"The release plan does not exist.","request_id":"0123456789abcdef0123456789abcdef"}`)},
	)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(testReleasePlan, waitAttr, `  timeouts = { read = "1m" }`),
			ExpectError: errorPattern(`Not found in ServiceStage`, `was not found in project "`+testProject+`"`,
				`HTTP 401`, `SVCSTG\.00100401`),
		}},
	})

	if n := srv.Reads(testProject, testReleasePlan); n != 3 {
		t.Errorf("%d reads, want 3: two running, then the not-found that ends the wait", n)
	}
}

// runningOrdersAPI is a release task whose one component is still deploying.
var runningOrdersAPI = emulator.DeployInfoJSON(testReleasePlan,
	emulator.Component{ID: "c1", Name: "orders-api", Status: "RUNNING", JobStatus: "RUNNING", StartTime: waitReleaseStart})

// gatewayOutage is the gateway's answer while ServiceStage behind it is down.
var gatewayOutage = emulator.Step{Status: 503, Body: apiErrorBody("APIGW.0202", "The backend service is unavailable")}

// The gateway is down for a while during the release. With no retries
// left to hide it, each read of the outage fails, and the wait goes on
// until the release completes.
func TestAccWait_ridesOutOutage(t *testing.T) {
	srv, url := newEmulator(t)
	outage := gatewayOutage
	outage.For = 1500 * time.Millisecond
	srv.AddTask(testProject, testReleasePlan,
		emulator.Step{Times: 2, Body: runningOrdersAPI},
		outage,
		emulator.Step{Body: emulator.DeployInfoJSON(testReleasePlan,
			emulator.Component{ID: "c1", Name: "orders-api", Status: "SUCCESS", JobStatus: "SUCCEEDED", StartTime: waitReleaseStart})},
	)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProviderWith(url, "max_retries", "0") + deployInfoBlock(testReleasePlan, waitAttr),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("completed", knownvalue.Bool(true)),
				expect("all_succeeded", knownvalue.Bool(true)),
			},
			// Two running reads, at least one 503, then the completed answer
			// as the last read of the wait.
			Check: func(*terraform.State) error {
				var statuses []int
				for _, r := range srv.Requests() {
					statuses = append(statuses, r.Status)
				}
				outages := 0
				for _, s := range statuses {
					if s == 503 {
						outages++
					}
				}
				if len(statuses) < 4 || statuses[0] != 200 || statuses[1] != 200 || statuses[2] != 503 ||
					statuses[len(statuses)-1] != 200 || outages != len(statuses)-3 {
					return fmt.Errorf("statuses %v, want 200, 200, one or more 503s, then 200", statuses)
				}
				return nil
			},
		}},
	})
}

// Refused credentials during a wait will not heal by waiting: the wait
// ends at that read.
func TestAccWait_authenticationRejectedMidWait(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan,
		emulator.Step{Times: 2, Body: runningOrdersAPI},
		emulator.Step{Status: 401, Body: apiErrorBody("APIGW.0301", "Incorrect IAM authentication information: token expires")},
	)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(testReleasePlan, waitAttr, `  timeouts = { read = "1m" }`),
			ExpectError: errorPattern(`Authentication rejected`, `HTTP 401`, `APIGW\.0301`, `token expires`,
				`Check token \(HW_AUTH_TOKEN\)`),
		}},
	})
	if n := srv.Reads(testProject, testReleasePlan); n != 3 {
		t.Errorf("%d reads, want 3: two running, then the refusal that ends the wait", n)
	}
}

// A release still running when the gateway goes down for good: at
// timeouts.read the error names the pending components of the last answer
// and the last error seen.
func TestAccWait_timeoutDuringOutage(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Times: 2, Body: runningOrdersAPI}, gatewayOutage)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProviderWith(url, "max_retries", "0") + deployInfoBlock(testReleasePlan, waitAttr, `  timeouts = { read = "3s" }`),
			ExpectError: errorPattern(
				`Timed out waiting for release task`,
				`did not complete within 3(\.\d)?s \(\d+ reads\); 1 of 1 component\(s\) still pending at the last read:`,
				`- orders-api: job_status RUNNING`,
				`The last error seen, at read \d+:`, `HTTP 503 Service Unavailable, error_code APIGW\.0202`,
				`Raise timeouts\.read`,
			),
		}},
	})
	if n := srv.Reads(testProject, testReleasePlan); n < 4 {
		t.Errorf("%d reads; the wait stopped polling during the outage", n)
	}
}
