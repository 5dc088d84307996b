package emulator

import (
	"fmt"
	"time"
)

// The demo's new-edition release tasks: they live apart from the old
// edition's, as in the console.
const (
	DemoPipelineFinished      = "4105b37a-947e-4aca-90d8-cec7c04c6f38"
	DemoPipelineFinishedName  = "checkout-release-2026-11-27"
	DemoPipelineReleasing     = "6c2f8e14-3a9b-4d57-b0e2-7f1a4c9d3e85"
	DemoPipelineReleasingName = "checkout-release-2026-11-28"
	DemoPipelineDraft         = "9a7d3b52-1e6c-4f08-8d4a-2b5e7c1f0a96"
	DemoPipelineDraftName     = "inventory-release-template"
)

// seedPipelines adds the demo's new-edition tasks: one that succeeded, one
// running whose list status goes RUNNING, AWAITING_APPROVAL (a person
// approves at once), SUCCEEDED over its next list reads, and one never run.
func (s *Server) seedPipelines(now time.Time) {
	started := now.Add(-time.Hour).Truncate(time.Second)
	s.AddPipeline(DemoProject, Pipeline{ID: DemoPipelineFinished, Name: DemoPipelineFinishedName,
		Description: "checkout 2026.1127.0815", ConfigMode: "ui", FailMode: "stop", Creator: DemoUser,
		EnterpriseProjectID: "0", ModelVersion: 2, Status: PipelineSucceeded,
		CreateTime: started.Add(-2 * time.Hour), UpdateTime: started.Add(-90 * time.Minute), LastTriggerAt: started})
	s.AddPipeline(DemoProject, Pipeline{ID: DemoPipelineReleasing, Name: DemoPipelineReleasingName,
		Description: "checkout 2026.1128.0930", ConfigMode: "ui", FailMode: "stop", Creator: DemoUser,
		EnterpriseProjectID: "0", ModelVersion: 2, Status: PipelineRunning,
		CreateTime: now.Add(-20 * time.Minute), LastTriggerAt: now.Truncate(time.Second),
		Run: []int{PipelineRunning, PipelineAwaitingApproval, PipelineSucceeded}})
	s.AddPipeline(DemoProject, Pipeline{ID: DemoPipelineDraft, Name: DemoPipelineDraftName,
		ConfigMode: "template", FailMode: "continue", Creator: DemoUser, EnterpriseProjectID: "0", ModelVersion: 2,
		Status: PipelineInitialized, CreateTime: started.Add(-5 * time.Hour)})
}

// AddPipelines adds n finished new-edition tasks to project, for benchmarks:
// pipeline-0000 and on, with IDs BenchPipelineID(i).
func (s *Server) AddPipelines(project string, n int) {
	created := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		at := created.Add(time.Duration(i) * time.Minute)
		s.AddPipeline(project, Pipeline{ID: BenchPipelineID(i), Name: fmt.Sprintf("pipeline-%04d", i),
			Description: "release " + at.Format("2006.0102.1504"), ConfigMode: "ui", FailMode: "stop", Creator: "ci",
			EnterpriseProjectID: "0", ModelVersion: 2, Status: PipelineSucceeded,
			CreateTime: at, UpdateTime: at, LastTriggerAt: at.Add(time.Minute)})
	}
}

// BenchPipelineID is the ID of the i-th task AddPipelines adds.
func BenchPipelineID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }
