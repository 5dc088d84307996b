package emulator

import (
	"time"
)

// The demo's fixed identities, so example configurations can name them.
const (
	DemoProject       = "0b8a4f6e2c7d4e1f9a3b5c6d7e8f9012"
	DemoRegion        = "ap-southeast-3"
	DemoToken         = "demo-token"
	DemoAccessKey     = "DEMOACCESSKEY0000001"
	DemoSecretKey     = "demo-secret-key-0000000000000000000000001"
	DemoUser          = "demo-user"
	DemoPassword      = "demo-password"
	DemoDomain        = "demo-domain"
	DemoFinishedTask  = "3f1c9a52-7b4e-4d2a-9c61-0e8d5b7a2f14"
	DemoFailedTask    = "8a6d2e41-5c3b-4f7a-b1e9-2d4c6f8a0b35"
	DemoReleasingTask = "c2e7b0d9-1a4f-4e86-8b3c-5f9d2a7e6c10"
)

// The demo tasks' names. The orders-* tasks share a prefix so a demo can
// pick "the newest task named orders-*" (DemoFinishedTaskName); the draft
// task's name is not ASCII, as the console allows.
const (
	DemoFinishedTaskName  = "orders-release-2026-11-27"
	DemoFailedTaskName    = "orders-release-2026-11-26"
	DemoReleasingTaskName = "search-release-2026-11-27"
	DemoDraftTaskName     = "发布-支付"
	ExampleTaskName       = "release-1zws2j"
)

// The demo's agency and OpenID Connect identity provider, for the ways
// without a stored secret: any demo credential may assume the agency, and
// the provider accepts ID tokens MintIDToken makes for DemoIdpIssuer with
// audience DemoIdpClientID.
const (
	DemoAgencyName     = "servicestage-deployer"
	DemoAgencyDomain   = "demo-release-account"
	DemoAgencyDomainID = "5e6f7a8b9c0d4e1f8a2b3c4d5e6f7a81"
	DemoIdpID          = "demo-ci"
	DemoIdpIssuer      = "https://token.actions.githubusercontent.com"
	DemoIdpClientID    = "servicestage-demo"
)

// DemoDraftTask is a release task created but never executed.
const DemoDraftTask = "e5f6a7b8-2c3d-4e9f-a0b1-6c7d8e9f0a23"

// DemoReleaseDuration is how long the releasing task runs after its first read.
const DemoReleaseDuration = 6 * time.Second

// SeedDemo adds credentials for every authentication method (the agency
// and identity provider above included) and five
// realistic release tasks: one finished, one failed and rolled back, one
// still releasing (its deploy-info finishes DemoReleaseDuration after its
// first read; list and details say RUNNING until then, SUCCESS after), one draft never
// executed, and the API reference's example. Each is in the list and has
// details whose components are its deploy-info components.
//
// By create_time, newest first: releasing (now-10m), finished (now-2h),
// failed (now-3h), draft (now-4h, sent as numeric strings, creator null,
// never executed so execute_time "0"), example (2024, modify_time 0). The
// list is in the order finished, failed, releasing, example, draft.
func (s *Server) SeedDemo(now time.Time) {
	s.AddRegionProject(DemoRegion, DemoProject)
	s.AddToken(DemoToken, DemoProject, now.Add(10*365*24*time.Hour))
	s.AddAccessKey(AccessKey{AccessKey: DemoAccessKey, SecretKey: DemoSecretKey})
	s.AddUser(User{Name: DemoUser, Password: DemoPassword, Domain: DemoDomain})
	s.AddAgency(Agency{DomainName: DemoAgencyDomain, DomainID: DemoAgencyDomainID, Name: DemoAgencyName})
	s.AddIdentityProvider(IdentityProvider{ID: DemoIdpID, Issuer: DemoIdpIssuer, ClientID: DemoIdpClientID})

	started := now.Add(-time.Hour).Truncate(time.Second)
	s.seedTask(ReleasePlan{ID: DemoFinishedTask, Name: DemoFinishedTaskName, Action: "upgrade", Status: "SUCCESS",
		Creator: DemoUser, Description: "orders 2026.1127.0930", FailStrategy: "stop",
		CreateTime: started.Add(-time.Hour), ExecuteTime: started},
		Component{ID: "5b0f6a1e-3c2d-4e8f-9a7b-1c2d3e4f5a6b", Name: "orders-api", Version: "2026.1127.0930", Seq: 1,
			Status: "SUCCESS", JobID: "JOB5b0f6a1e-0001", JobStatus: "SUCCEEDED",
			StartTime: started, EndTime: started.Add(42 * time.Second)},
		Component{ID: "7d2e8b3f-4a5c-4b6d-8e9f-2a3b4c5d6e7f", Name: "orders-worker", Version: "2026.1127.0930", Seq: 2,
			Status: "SUCCESS", JobID: "JOB7d2e8b3f-0002", JobStatus: "SUCCEEDED",
			StartTime: started.Add(43 * time.Second), EndTime: started.Add(95 * time.Second)},
	)
	s.seedTask(ReleasePlan{ID: DemoFailedTask, Name: DemoFailedTaskName, Action: "upgrade", Status: "ROLLBACK_SUCCEED",
		Creator: DemoUser, FailStrategy: "stop", SwimlaneID: "lane-blue",
		CreateTime: started.Add(-2 * time.Hour), ModifyTime: started.Add(-90 * time.Minute), ExecuteTime: started},
		Component{ID: "9e3f0c4a-5b6d-4c7e-8f9a-3b4c5d6e7f80", Name: "billing", Version: "2026.1126.1712", Seq: 1,
			Status: "ROLLBACK_SUCCEED", JobID: "JOB9e3f0c4a-0003", JobStatus: "FAILED",
			StartTime: started, EndTime: started.Add(61 * time.Second),
			FailMessage:   "health check of instance billing-7f9c-2 failed: readiness probe timed out",
			RollbackJobID: "JOB9e3f0c4a-0004", RollbackJobStatus: "SUCCEEDED",
			RollbackStartTime: started.Add(62 * time.Second), RollbackEndTime: started.Add(80 * time.Second)},
		Component{ID: "a1b2c3d4-6e7f-4a8b-9c0d-4e5f6a7b8c91", Name: "gateway", Version: "2026.1126.1712", Seq: 2,
			Status: "SUCCESS", JobID: "JOBa1b2c3d4-0005", JobStatus: "SUCCEEDED",
			StartTime: started, EndTime: started.Add(30 * time.Second)},
	)
	releasing := Component{ID: "b4c5d6e7-7f80-4b9c-8d0e-5f6a7b8c9d02", Name: "search", Version: "2026.1127.1045", Seq: 1,
		Status: "RUNNING", JobID: "JOBb4c5d6e7-0006", JobStatus: "RUNNING", StartTime: now}
	done := releasing
	done.Status, done.JobStatus, done.EndTime = "SUCCESS", "SUCCEEDED", now.Add(DemoReleaseDuration)
	s.AddTask(DemoProject, DemoReleasingTask,
		Step{For: DemoReleaseDuration, Body: DeployInfoJSON(DemoReleasingTask, releasing)},
		Step{Body: DeployInfoJSON(DemoReleasingTask, done)},
	)
	s.AddReleasePlan(DemoProject, ReleasePlan{ID: DemoReleasingTask, Name: DemoReleasingTaskName, Action: "upgrade", Status: "RUNNING",
		Creator: DemoUser, FailStrategy: "continue",
		CreateTime: now.Add(-10 * time.Minute), ExecuteTime: now, Components: planComponents(releasing)})
	s.AddTask(DemoProject, ExampleTaskID, Step{Body: []byte(ExampleResponse)})
	s.AddReleasePlan(DemoProject, ReleasePlan{ID: ExampleTaskID, Name: ExampleTaskName, Action: "create", Status: "SUCCESS",
		Creator: "wzh", CreateTime: time.UnixMilli(1711952860132), ExecuteTime: time.UnixMilli(1711952860379),
		Components: []PlanComponent{{Seq: 1, ComponentID: "df49e875-000c-4d69-8f45-c4f384549e1b", Name: "sch"}}})
	s.seedTask(ReleasePlan{ID: DemoDraftTask, Name: DemoDraftTaskName, Action: "create", Status: "CREATED",
		FailStrategy: "stop", CreateTime: started.Add(-3 * time.Hour), StringTimes: true},
		Component{ID: "c6d7e8f9-8091-4cad-9e1f-6a7b8c9d0e13", Name: "payments", Version: "2026.1127.1100", Seq: 1,
			Status: "CREATED"},
	)
	s.seedPipelines(now)
}

// seedTask serves a task whose deploy-info and details show components.
func (s *Server) seedTask(p ReleasePlan, components ...Component) {
	s.AddTask(DemoProject, p.ID, Step{Body: DeployInfoJSON(p.ID, components...)})
	p.Components = planComponents(components...)
	s.AddReleasePlan(DemoProject, p)
}

// planComponents is the details' view of deploy-info components.
func planComponents(components ...Component) []PlanComponent {
	out := make([]PlanComponent, 0, len(components))
	for _, c := range components {
		out = append(out, PlanComponent{Seq: c.Seq, ComponentID: c.ID, Name: c.Name})
	}
	return out
}
