package provider

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

const (
	releasePlansAddr = "data.servicestage_release_plans.test"
	releasePlanAddr  = "data.servicestage_release_plan.test"
)

// planTime is a create time of the test tasks: base plus n minutes.
func planTime(n int) time.Time {
	return time.UnixMilli(1764000000000).Add(time.Duration(n) * time.Minute)
}

// The test project's release tasks, added out of order. Newest first they
// are task-a and task-b (same time: ties go by id), task-c, then task-d and
// task-e, which have no create_time (null last, ties by id).
var testPlans = []emulator.ReleasePlan{
	{ID: "task-c", Name: "orders-release-2", Action: "upgrade", Status: "FAILED", Creator: "ci", CreateTime: planTime(2)},
	{ID: "task-e", Name: "发布-支付", Action: "create", Status: "CREATED"},
	{ID: "task-b", Name: "orders-release-3", Action: "upgrade", Status: "SUCCESS", Creator: "ci",
		CreateTime: planTime(3), ModifyTime: planTime(4), ExecuteTime: planTime(5),
		Description: "weekly orders release", FailStrategy: "stop", SwimlaneID: "lane-1",
		Components: []emulator.PlanComponent{{Seq: 1, ComponentID: "c1", Name: "orders-api"}, {Seq: 2, ComponentID: "c2", Name: "orders-worker"}}},
	{ID: "task-d", Name: "orders-draft", Action: "clone", Status: "CREATED", Creator: "ci"},
	{ID: "task-a", Name: "billing-release-1", Action: "upgrade", Status: "SUCCESS", Creator: "ops", CreateTime: planTime(3)},
}

func withPlans(t *testing.T) (*emulator.Server, string) {
	t.Helper()
	srv, url := newEmulator(t)
	for _, p := range testPlans {
		srv.AddReleasePlan(testProject, p)
	}
	return srv, url
}

func releasePlansBlock(args ...string) string {
	return hclBlock(`data "servicestage_release_plans" "test"`, args...)
}

func releasePlanBlock(id string) string {
	return hclBlock(`data "servicestage_release_plan" "test"`, "release_plan_id", id)
}

// expectIDs checks ids, and that release_plans lists the same tasks in the same order.
func expectIDs(ids ...string) []statecheck.StateCheck {
	return expectListIDs(releasePlansAddr, "release_plans", ids...)
}

// expectListIDs checks a list data source's ids, and that its list
// attribute holds the same tasks in the same order.
func expectListIDs(addr, list string, ids ...string) []statecheck.StateCheck {
	idChecks := make([]knownvalue.Check, len(ids))
	objChecks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		idChecks[i] = knownvalue.StringExact(id)
		objChecks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("ids"), knownvalue.ListExact(idChecks)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New(list), knownvalue.ListExact(objChecks)),
	}
}

func TestAccReleasePlans_allNewestFirst(t *testing.T) {
	_, url := withPlans(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + releasePlansBlock(),
			ConfigStateChecks: append(expectIDs("task-a", "task-b", "task-c", "task-d", "task-e"),
				statecheck.ExpectKnownValue(releasePlansAddr, tfjsonpath.New("id"), knownvalue.StringExact(testProject)),
				statecheck.ExpectKnownValue(releasePlansAddr, tfjsonpath.New("project_id"), knownvalue.StringExact(testProject)),
				statecheck.ExpectKnownValue(releasePlansAddr, tfjsonpath.New("release_plans").AtSliceIndex(1), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":           knownvalue.StringExact("task-b"),
					"name":         knownvalue.StringExact("orders-release-3"),
					"action":       knownvalue.StringExact("upgrade"),
					"status":       knownvalue.StringExact("SUCCESS"),
					"creator":      knownvalue.StringExact("ci"),
					"create_time":  knownvalue.Int64Exact(planTime(3).UnixMilli()),
					"modify_time":  knownvalue.Int64Exact(planTime(4).UnixMilli()),
					"execute_time": knownvalue.Int64Exact(planTime(5).UnixMilli()),
				})),
				// Zero times and empty strings come back null.
				statecheck.ExpectKnownValue(releasePlansAddr, tfjsonpath.New("release_plans").AtSliceIndex(4), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":           knownvalue.StringExact("task-e"),
					"name":         knownvalue.StringExact("发布-支付"),
					"action":       knownvalue.StringExact("create"),
					"status":       knownvalue.StringExact("CREATED"),
					"creator":      knownvalue.Null(),
					"create_time":  knownvalue.Null(),
					"modify_time":  knownvalue.Null(),
					"execute_time": knownvalue.Null(),
				})),
			),
		}},
	})
}

// Each filter alone, and combined (AND); one terraform run, a step each.
func TestAccReleasePlans_filters(t *testing.T) {
	_, url := withPlans(t)
	step := func(block string, ids ...string) resource.TestStep {
		return resource.TestStep{Config: tokenProvider(url) + block, ConfigStateChecks: expectIDs(ids...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(releasePlansBlock("name", "orders-release-2"), "task-c"),
			step(releasePlansBlock("name_regex", "^orders-"), "task-b", "task-c", "task-d"),
			step(releasePlansBlock("name_regex", "release"), "task-a", "task-b", "task-c"),
			step(releasePlansBlock("name_regex", "^发布"), "task-e"),
			step(releasePlansBlock("status", "SUCCESS"), "task-a", "task-b"),
			step(releasePlansBlock("name_regex", "^orders-", "status", "SUCCESS"), "task-b"),
			step(releasePlansBlock("name", "orders-draft", "name_regex", "draft$", "status", "CREATED"), "task-d"),
			step(releasePlansBlock("name", "orders-release-2", "status", "SUCCESS")),
		},
	})
}

func TestAccReleasePlans_noMatchIsEmpty(t *testing.T) {
	_, url := withPlans(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + releasePlansBlock("name", "no-such-task") + `
output "count" {
  value = length(data.servicestage_release_plans.test.ids)
}
`,
			ConfigStateChecks: append(expectIDs(),
				statecheck.ExpectKnownOutputValue("count", knownvalue.Int64Exact(0))),
		}},
	})
}

// A project without tasks lists as empty too.
func TestAccReleasePlans_emptyProject(t *testing.T) {
	_, url := newEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            tokenProvider(url) + releasePlansBlock(),
			ConfigStateChecks: expectIDs(),
		}},
	})
}

func TestAccReleasePlans_invalidRegexSendsNothing(t *testing.T) {
	srv, url := withPlans(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      tokenProvider(url) + releasePlansBlock("name_regex", "orders-(["),
			ExpectError: errorPattern(`Invalid regular expression`, `name_regex`, `not a valid RE2 regular expression`, `missing closing`),
		}},
	})
	assertNoRequests(t, srv)
}

// The list as the API may send it: numeric-string and "0" times, null and
// absent fields, fields the provider does not know, and a count above what
// was sent.
func TestAccReleasePlans_oddShapes(t *testing.T) {
	srv, url := newEmulator(t)
	srv.ScriptReleasePlanList(testProject, emulator.Step{Body: []byte(`{"count": 3, "release_plans": [
		{"id": "t1", "name": "orders-1", "status": "SUCCESS", "create_time": "1764000000000", "modify_time": "0",
		 "execute_time": 0, "creator": null, "labels": {"team": "orders"}},
		{"id": "t2", "name": "", "action": "create", "status": "ABORTED", "create_time": 1764000060000}]}`)})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + releasePlansBlock(),
			ConfigStateChecks: append(expectIDs("t2", "t1"),
				statecheck.ExpectKnownValue(releasePlansAddr, tfjsonpath.New("release_plans"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": knownvalue.StringExact("t2"), "name": knownvalue.Null(), "action": knownvalue.StringExact("create"),
						"status": knownvalue.StringExact("ABORTED"), "creator": knownvalue.Null(),
						"create_time": knownvalue.Int64Exact(1764000060000), "modify_time": knownvalue.Null(), "execute_time": knownvalue.Null(),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": knownvalue.StringExact("t1"), "name": knownvalue.StringExact("orders-1"), "action": knownvalue.Null(),
						"status": knownvalue.StringExact("SUCCESS"), "creator": knownvalue.Null(),
						"create_time": knownvalue.Int64Exact(1764000000000), "modify_time": knownvalue.Null(), "execute_time": knownvalue.Null(),
					}),
				}))),
		}},
	})
}

func TestAccReleasePlans_badTimeNamesTheField(t *testing.T) {
	srv, url := newEmulator(t)
	srv.ScriptReleasePlanList(testProject, emulator.Step{Body: []byte(`{"count": 2, "release_plans": [
		{"id": "t1", "name": "orders-1", "create_time": 1764000000000},
		{"id": "t2", "name": "orders-2", "create_time": "yesterday"}]}`)})
	failingRead(t, tokenProvider(url)+releasePlansBlock(),
		`Unexpected release task list response`, `request ID [0-9a-f]{32}`, `release task 1 \("orders-2"\), field "create_time"`, `"yesterday" is not an integer`)
}

func TestAccReleasePlan_details(t *testing.T) {
	_, url := withPlans(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + releasePlanBlock("task-b"),
			ConfigStateChecks: []statecheck.StateCheck{
				expectPlan("release_plan_id", knownvalue.StringExact("task-b")),
				expectPlan("project_id", knownvalue.StringExact(testProject)),
				expectPlan("id", knownvalue.StringExact("task-b")),
				expectPlan("name", knownvalue.StringExact("orders-release-3")),
				expectPlan("description", knownvalue.StringExact("weekly orders release")),
				expectPlan("action", knownvalue.StringExact("upgrade")),
				expectPlan("status", knownvalue.StringExact("SUCCESS")),
				expectPlan("fail_strategy", knownvalue.StringExact("stop")),
				expectPlan("swimlane_id", knownvalue.StringExact("lane-1")),
				expectPlan("creator", knownvalue.StringExact("ci")),
				expectPlan("create_time", knownvalue.Int64Exact(planTime(3).UnixMilli())),
				expectPlan("modify_time", knownvalue.Int64Exact(planTime(4).UnixMilli())),
				expectPlan("execute_time", knownvalue.Int64Exact(planTime(5).UnixMilli())),
				expectPlan("components", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"seq": knownvalue.Int64Exact(1), "component_id": knownvalue.StringExact("c1"), "name": knownvalue.StringExact("orders-api"),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"seq": knownvalue.Int64Exact(2), "component_id": knownvalue.StringExact("c2"), "name": knownvalue.StringExact("orders-worker"),
					}),
				})),
			},
		}},
	})
}

func expectPlan(path string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(releasePlanAddr, tfjsonpath.New(path), check)
}

// Details as the API may send them: a numeric-string seq, "0" and string
// times, null fields, and component fields the provider does not know.
func TestAccReleasePlan_oddShapes(t *testing.T) {
	srv, url := newEmulator(t)
	srv.ScriptReleasePlan(testProject, "t1", emulator.Step{Body: []byte(`{"id": "t1", "name": "orders-1", "desc": "",
		"action": "create", "swimlane_id": null, "status": "PARTIALLY_FAILED", "create_time": "1764000000000",
		"modify_time": "0", "execute_time": 0, "creator": "ci",
		"components": [{"seq": "2", "component_id": "c1", "name": "orders-api", "runtime_stack": {"name": "Docker"},
		  "workload_name": "orders-api", "labels": [], "create_mode": "default"}]}`)})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + releasePlanBlock("t1"),
			ConfigStateChecks: []statecheck.StateCheck{
				expectPlan("description", knownvalue.Null()),
				expectPlan("swimlane_id", knownvalue.Null()),
				expectPlan("fail_strategy", knownvalue.Null()),
				expectPlan("status", knownvalue.StringExact("PARTIALLY_FAILED")),
				expectPlan("create_time", knownvalue.Int64Exact(1764000000000)),
				expectPlan("modify_time", knownvalue.Null()),
				expectPlan("execute_time", knownvalue.Null()),
				expectPlan("components", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
					"seq": knownvalue.Int64Exact(2), "component_id": knownvalue.StringExact("c1"), "name": knownvalue.StringExact("orders-api"),
				})})),
			},
		}},
	})
}

func TestAccReleasePlan_notFound(t *testing.T) {
	_, url := withPlans(t)
	failingRead(t, tokenProvider(url)+releasePlanBlock("no-such-task"),
		`Not found in ServiceStage`, `Release task "no-such-task" was not found in project "`+testProject+`"`,
		`HTTP 404`, `SVCSTG\.00100433`, `request ID [0-9a-f]{32}`)
}

func TestAccReleasePlan_hostileIDSendsNothing(t *testing.T) {
	for name, block := range map[string]string{
		"release_plan_id": releasePlanBlock("../task-b"),
		"project_id":      releasePlansBlock("project_id", "a/b"),
	} {
		t.Run(name, func(t *testing.T) {
			srv, url := withPlans(t)
			failingRead(t, tokenProvider(url)+block, `Invalid ID`, name+` must not contain`)
			assertNoRequests(t, srv)
		})
	}
}

// Every way of authenticating, on both endpoints: each request reached the
// emulator signed or with a token, and was accepted.
func TestAccReleasePlans_everyAuthMethod(t *testing.T) {
	testEveryAuthMethod(t, withPlans, releasePlansBlock()+releasePlanBlock("task-b"),
		func(srv *emulator.Server, auth string, tokens int64) []statecheck.StateCheck {
			return []statecheck.StateCheck{
				statecheck.ExpectKnownValue(releasePlansAddr, tfjsonpath.New("ids"), knownvalue.ListSizeExact(len(testPlans))),
				expectPlan("name", knownvalue.StringExact("orders-release-3")),
				emulatorCheck(func() error {
					return pathReadsWith(srv, auth, tokens, "/v3/"+testProject+"/cas/release-plans", "/v3/"+testProject+"/cas/release-plans/task-b")
				}),
			}
		})
}

// testEveryAuthMethod applies blocks with each way of authenticating, on an
// emulator from start that also knows the temporary credentials; checks
// gets the authentication the emulator must have seen and the IAM logins.
func testEveryAuthMethod(t *testing.T, start func(*testing.T) (*emulator.Server, string), blocks string,
	checks func(srv *emulator.Server, auth string, tokens int64) []statecheck.StateCheck,
) {
	for _, tc := range []struct {
		name, provider, auth string
		tokens               int64
	}{
		{name: "token", auth: "token", provider: "token"},
		{name: "aksk", auth: "aksk", provider: "aksk"},
		{name: "temporary aksk", auth: "aksk", provider: "temporary"},
		{name: "password", auth: "token", provider: "password", tokens: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, url := start(t)
			srv.AddAccessKey(emulator.AccessKey{AccessKey: testTempAccessKey, SecretKey: testTempSecretKey, SecurityToken: testSecurityTok})
			provider := map[string]string{
				"token":     tokenProvider(url),
				"aksk":      providerBlock("endpoint", url, "project_id", testProject, "access_key", testAccessKey, "secret_key", testSecretKey),
				"temporary": providerBlock("endpoint", url, "project_id", testProject, "access_key", testTempAccessKey, "secret_key", testTempSecretKey, "security_token", testSecurityTok),
				"password":  passwordProvider(url, "project_id", testProject),
			}[tc.provider]
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: provider + blocks, ConfigStateChecks: checks(srv, tc.auth, tc.tokens)}},
			})
		})
	}
}

// pathReadsWith checks that each path was read, each time accepted with the
// given authentication, after tokens IAM logins.
func pathReadsWith(srv *emulator.Server, auth string, tokens int64, paths ...string) error {
	seen := map[string]int{}
	for _, r := range srv.Requests() {
		if !slices.Contains(paths, r.Path) {
			continue
		}
		if r.Auth != auth || r.Status != http.StatusOK {
			return fmt.Errorf("read %s: Auth %q, HTTP %d; want Auth %q and 200", r.Path, r.Auth, r.Status, auth)
		}
		seen[r.Path]++
	}
	for _, p := range paths {
		if seen[p] == 0 {
			return fmt.Errorf("reads %v; want each of %v", seen, paths)
		}
	}
	if n := srv.TokensIssued(); n != tokens {
		return fmt.Errorf("IAM issued %d tokens, want %d", n, tokens)
	}
	return nil
}

// The pipeline the data sources are for, in one apply: find the newest
// task named orders-*, read its details, then its deploy info, and gate on
// both.
func TestAccReleasePlans_chainToDeployInfo(t *testing.T) {
	srv, url := withPlans(t)
	srv.AddTask(testProject, "task-b", emulator.Step{Body: emulator.DeployInfoJSON("task-b",
		emulator.Component{ID: "c1", Name: "orders-api", Seq: 1, Status: "SUCCESS", JobStatus: "SUCCEEDED"},
		emulator.Component{ID: "c2", Name: "orders-worker", Seq: 2, Status: "SUCCESS", JobStatus: "SUCCEEDED"})})
	config := tokenProvider(url) + `
data "servicestage_release_plans" "orders" {
  name_regex = "^orders-release-"
}

data "servicestage_release_plan" "newest" {
  release_plan_id = data.servicestage_release_plans.orders.ids[0]
}

data "servicestage_release_plan_deploy_info" "newest" {
  release_plan_id = data.servicestage_release_plan.newest.id
}

resource "terraform_data" "gate" {
  lifecycle {
    precondition {
      condition     = data.servicestage_release_plan.newest.status == "SUCCESS" && data.servicestage_release_plan_deploy_info.newest.all_succeeded
      error_message = "release ${data.servicestage_release_plan.newest.name} is ${data.servicestage_release_plan.newest.status}"
    }
  }
}

output "released" {
  value = [for c in data.servicestage_release_plan_deploy_info.newest.components : c.name]
}

output "created_at" {
  value = timeadd("1970-01-01T00:00:00Z", "${data.servicestage_release_plan.newest.create_time}ms")
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("released", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("orders-api"), knownvalue.StringExact("orders-worker"),
				})),
				statecheck.ExpectKnownOutputValue("created_at", knownvalue.StringExact(planTime(3).UTC().Format(time.RFC3339))),
			},
		}},
	})
}

// A project ServiceStage does not know gives the same headline from every
// data source, and each names the project and says what its read can
// mean. AK/SK, unlike a token, is not scoped to a project.
func TestAccReleasePlans_projectNotFound(t *testing.T) {
	const unknownProject = "0123456789abcdef0123456789abcdef"
	for name, tc := range map[string]struct {
		block  string
		detail []string
	}{
		"list": {releasePlansBlock("project_id", unknownProject), []string{
			`Project "` + unknownProject + `" was not found, or ServiceStage is not enabled in it, so it has no release tasks to list`,
			`Check project_id`}},
		"details": {hclBlock(`data "servicestage_release_plan" "test"`, "release_plan_id", testReleasePlan, "project_id", unknownProject), []string{
			`Release task "` + testReleasePlan + `" was not found in project "` + unknownProject + `"`,
			`project that does not exist or has no ServiceStage`, `Check release_plan_id`}},
		"deploy info": {deployInfoBlock(testReleasePlan, `  project_id = "`+unknownProject+`"`), []string{
			`Release task "` + testReleasePlan + `" was not found in project "` + unknownProject + `"`,
			`project that does not exist or has no ServiceStage`, `Check release_plan_id`}},
	} {
		t.Run(name, func(t *testing.T) {
			_, url := newEmulator(t)
			failingRead(t, providerBlock("endpoint", url, "access_key", testAccessKey, "secret_key", testSecretKey)+tc.block,
				append([]string{`Not found in ServiceStage`, tc.detail[0], `HTTP 404`, `SVCSTG\.00100404`, `request ID [0-9a-f]{32}`},
					tc.detail[1:]...)...)
		})
	}
}

// A list without a project says so as a list: nothing to list from.
func TestAccReleasePlans_missingProject(t *testing.T) {
	srv, url := newEmulator(t)
	failingRead(t, providerBlock("endpoint", url, "token", testToken)+releasePlansBlock(),
		`Missing project_id`, `No project to list release tasks from: set project_id on this data source`)
	assertNoRequests(t, srv)
}

// A list read through a wrong endpoint blames the endpoint, not the project.
func TestAccReleasePlans_wrongEndpointPath(t *testing.T) {
	_, url := withPlans(t)
	failingRead(t, providerBlock("endpoint", url+"/v3", "token", testToken, "project_id", testProject)+releasePlansBlock(),
		`No ServiceStage API at the endpoint`, url+`/v3`, `APIGW\.0101`, `the release tasks of project "`+testProject+`"`, `without a path such as /v3`)
}

// timeouts.read bounds a read of the list and of the details as it does
// deploy info: a read that hangs fails once it has passed.
func TestAccReleasePlans_timeoutsRead(t *testing.T) {
	for name, tc := range map[string]struct {
		block, summary string
		script         func(*emulator.Server)
	}{
		"list": {`data "servicestage_release_plans" "test" {`, `Timed out listing release tasks`, func(srv *emulator.Server) {
			srv.ScriptReleasePlanList(testProject, emulator.Step{Fault: emulator.FaultHang})
		}},
		"details": {`data "servicestage_release_plan" "test" {` + "\n  release_plan_id = \"task-b\"", `Timed out reading release task`, func(srv *emulator.Server) {
			srv.ScriptReleasePlan(testProject, "task-b", emulator.Step{Fault: emulator.FaultHang})
		}},
	} {
		t.Run(name, func(t *testing.T) {
			srv, url := withPlans(t)
			tc.script(srv)
			failingRead(t, tokenProvider(url)+tc.block+"\n  timeouts = { read = \"2s\" }\n}\n",
				tc.summary, `raise timeouts.read`, `context deadline exceeded`)
		})
	}
}
