package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

func expect(path string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(dataSourceAddr, tfjsonpath.New(path), check)
}

func TestAccDeployInfo_exampleResponse(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, emulator.ExampleTaskID, emulator.Step{Body: []byte(emulator.ExampleResponse)})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(emulator.ExampleTaskID),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("id", knownvalue.StringExact(emulator.ExampleTaskID)),
				expect("project_id", knownvalue.StringExact(testProject)),
				expect("wait_for_completion", knownvalue.Bool(false)),
				expect("components", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":                    knownvalue.StringExact("df49e875-000c-4d69-8f45-c4f384549e1b"),
						"name":                  knownvalue.StringExact("sch"),
						"version":               knownvalue.StringExact("2024.0802.18390"),
						"seq":                   knownvalue.Int64Exact(1),
						"status":                knownvalue.StringExact("RUNNING"),
						"job_id":                knownvalue.StringExact("JOB6999c66d-cb39-4c46-9f98-893b704300e0"),
						"job_status":            knownvalue.StringExact("SUCCEEDED"),
						"start_time":            knownvalue.Int64Exact(1722933924962),
						"end_time":              knownvalue.Int64Exact(1722933950018),
						"fail_message":          knownvalue.Null(),
						"rollback_job_id":       knownvalue.Null(),
						"rollback_job_status":   knownvalue.Null(),
						"rollback_start_time":   knownvalue.Null(),
						"rollback_end_time":     knownvalue.Null(),
						"rollback_fail_message": knownvalue.Null(),
					}),
				})),
				expect("completed", knownvalue.Bool(true)),
				expect("all_succeeded", knownvalue.Bool(true)),
				expect("failed_components", knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

// multiComponentBody mixes the reference's type contradictions: a numeric
// string seq, string times, "" for null, and a rollback in progress.
const multiComponentBody = `{
  "id": "` + testReleasePlan + `",
  "components": [
    {"id": "c1", "name": "api", "version": "1.2.0", "seq": "1", "status": "SUCCESS",
     "job_id": "JOB-1", "job_status": "SUCCEEDED", "start_time": 1764230400000, "end_time": "1764230460000",
     "rollback_job_id": "", "rollback_job_status": null, "rollback_start_time": "0", "rollback_end_time": 0,
     "fail_message": "", "rollback_fail_message": null, "extra_field": {"ignored": true}},
    {"id": "c2", "name": "worker", "version": "1.2.0", "seq": 2, "status": "ROLLBACK_FAILED",
     "job_id": "JOB-2", "job_status": "FAILED", "start_time": 1764230461000, "end_time": 1764230500000,
     "fail_message": "image pull failed", "rollback_job_id": "JOB-3", "rollback_job_status": "FAILED",
     "rollback_start_time": "1764230501000", "rollback_end_time": "1764230530000",
     "rollback_fail_message": "previous version missing"},
    {"id": "c3", "name": "cron", "version": "1.2.0", "seq": 2, "status": "CREATED",
     "job_id": "JOB-4", "job_status": "CREATED", "start_time": 0, "end_time": null}
  ]
}`

func TestAccDeployInfo_multiComponent(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Body: []byte(multiComponentBody)})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("components", knownvalue.ListSizeExact(3)),
				statecheck.ExpectKnownValue(dataSourceAddr, tfjsonpath.New("components").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"name":                knownvalue.StringExact("api"),
					"seq":                 knownvalue.Int64Exact(1),
					"end_time":            knownvalue.Int64Exact(1764230460000),
					"rollback_job_id":     knownvalue.Null(),
					"rollback_start_time": knownvalue.Null(),
					"fail_message":        knownvalue.Null(),
				})),
				statecheck.ExpectKnownValue(dataSourceAddr, tfjsonpath.New("components").AtSliceIndex(1), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"name":                  knownvalue.StringExact("worker"),
					"status":                knownvalue.StringExact("ROLLBACK_FAILED"),
					"rollback_job_status":   knownvalue.StringExact("FAILED"),
					"rollback_start_time":   knownvalue.Int64Exact(1764230501000),
					"rollback_end_time":     knownvalue.Int64Exact(1764230530000),
					"rollback_fail_message": knownvalue.StringExact("previous version missing"),
				})),
				statecheck.ExpectKnownValue(dataSourceAddr, tfjsonpath.New("components").AtSliceIndex(2), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"name":       knownvalue.StringExact("cron"),
					"job_status": knownvalue.StringExact("CREATED"),
					"start_time": knownvalue.Null(),
					"end_time":   knownvalue.Null(),
				})),
				expect("completed", knownvalue.Bool(false)),
				expect("all_succeeded", knownvalue.Bool(false)),
				expect("failed_components", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("worker")})),
			},
		}},
	})
}

func TestAccDeployInfo_noComponents(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Body: emulator.DeployInfoJSON(testReleasePlan)})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("id", knownvalue.StringExact(testReleasePlan)),
				expect("components", knownvalue.ListExact([]knownvalue.Check{})),
				expect("completed", knownvalue.Bool(true)),
				expect("all_succeeded", knownvalue.Bool(false)),
				expect("failed_components", knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

func TestAccDeployInfo_notFound(t *testing.T) {
	_, url := newEmulator(t)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`Release task "`+testReleasePlan+`" was not found in project "`+testProject+`"`,
				`HTTP 404`, `SVCSTG\.00100404`, `request ID [0-9a-f]{32}`, `Check release_plan_id`),
		}},
	})
}

// ServiceStage answers some "not found" cases with 401 SVCSTG.00100401: that
// must read as not found, not as a credentials problem.
func TestAccDeployInfo_notFoundAs401(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{
		Status: 401,
		Body:   []byte(`{"error_code":"SVCSTG.00100401","error_msg":"The release plan does not exist.","request_id":"0123456789abcdef0123456789abcdef"}`),
	})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`Not found in ServiceStage`, `was not found in project`, `HTTP 401`, `SVCSTG\.00100401`,
				`The release plan does not exist`, `request ID [0-9a-f]{32}`),
		}},
	})
}

func TestAccDeployInfo_badToken(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Body: emulator.DeployInfoJSON(testReleasePlan)})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock("endpoint", url, "token", "not-a-valid-token", "project_id", testProject) +
				deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`Authentication rejected`, `HTTP 401`, `APIGW\.0301`, `decrypt token fail`,
				`request ID [0-9a-f]{32}`, `Check token \(HW_AUTH_TOKEN\)`),
		}},
	})
}

func TestAccDeployInfo_expiredToken(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddToken("expired-token", testProject, time.Now().Add(-time.Minute))
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Body: emulator.DeployInfoJSON(testReleasePlan)})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock("endpoint", url, "token", "expired-token", "project_id", testProject) + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`Authentication rejected`, `HTTP 401`, `APIGW\.0301`, `token expires`,
				`request ID [0-9a-f]{32}`, `Check token \(HW_AUTH_TOKEN\)`),
		}},
	})
}

func TestAccDeployInfo_projectFallback(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(testProject, testReleasePlan, emulator.Step{Body: emulator.DeployInfoJSON(testReleasePlan, emulator.Component{Name: "in-default"})})
	srv.AddTask(otherProject, testReleasePlan, emulator.Step{Body: emulator.DeployInfoJSON(testReleasePlan, emulator.Component{Name: "in-other"})})

	// AK/SK signatures are not tied to a project, unlike IAM tokens, so one
	// provider can read from several projects.
	provider := providerBlock("endpoint", url, "access_key", testAccessKey, "secret_key", testSecretKey, "project_id", testProject)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: provider + deployInfoBlock(testReleasePlan),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("project_id", knownvalue.StringExact(testProject)),
					statecheck.ExpectKnownValue(dataSourceAddr, tfjsonpath.New("components").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("in-default")),
				},
			},
			{
				Config: provider + deployInfoBlock(testReleasePlan, `  project_id = "`+otherProject+`"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("project_id", knownvalue.StringExact(otherProject)),
					statecheck.ExpectKnownValue(dataSourceAddr, tfjsonpath.New("components").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("in-other")),
				},
			},
		},
	})
}

// An IAM token is scoped to one project: reading another is refused, and
// the diagnostic says why.
func TestAccDeployInfo_tokenOfAnotherProject(t *testing.T) {
	srv, url := newEmulator(t)
	srv.AddTask(otherProject, testReleasePlan, emulator.Step{Body: emulator.DeployInfoJSON(testReleasePlan)})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      tokenProvider(url) + deployInfoBlock(testReleasePlan, `  project_id = "`+otherProject+`"`),
			ExpectError: errorPattern(`Permission denied`, `HTTP 403`, `APIGW\.0302`, `request ID [0-9a-f]{32}`, `scoped to one project`),
		}},
	})
}

func TestAccDeployInfo_missingProject(t *testing.T) {
	_, url := newEmulator(t)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerBlock("endpoint", url, "token", testToken) + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`Missing project_id`, `set project_id on this data source, or project_id \(HW_PROJECT_ID\) on the provider`),
		}},
	})
}
