package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

func TestFlattenDeployInfo(t *testing.T) {
	info := &servicestage.DeployInfo{
		ID: "task-1",
		Components: []servicestage.Component{
			{
				ID: "c1", Name: "api", Version: "1.0", Seq: servicestage.Int64{Value: 1, Valid: true},
				Status: "SUCCESS", JobID: "JOB-1", JobStatus: "SUCCEEDED",
				StartTime: servicestage.Int64{Value: 1722933924962, Valid: true},
				EndTime:   servicestage.Int64{Value: 1722933950018, Valid: true},
			},
			{
				Name: "worker", Seq: servicestage.Int64{Value: 0, Valid: true}, JobStatus: "FAILED",
				FailMessage: "boom", RollbackJobID: "JOB-3", RollbackJobStatus: "RUNNING",
				RollbackStartTime: servicestage.Int64{Value: 1722933960000, Valid: true},
			},
		},
	}
	var m deployInfoModel
	flattenDeployInfo(info, &m)

	if m.ID != types.StringValue("task-1") {
		t.Errorf("id = %v", m.ID)
	}
	if len(m.Components) != 2 {
		t.Fatalf("components = %d, want 2", len(m.Components))
	}
	want0 := componentModel{
		ID: types.StringValue("c1"), Name: types.StringValue("api"), Version: types.StringValue("1.0"),
		Seq: types.Int64Value(1), Status: types.StringValue("SUCCESS"), JobID: types.StringValue("JOB-1"),
		JobStatus: types.StringValue("SUCCEEDED"), StartTime: types.Int64Value(1722933924962),
		EndTime: types.Int64Value(1722933950018), FailMessage: types.StringNull(),
		RollbackJobID: types.StringNull(), RollbackJobStatus: types.StringNull(),
		RollbackStartTime: types.Int64Null(), RollbackEndTime: types.Int64Null(), RollbackFailMessage: types.StringNull(),
	}
	if m.Components[0] != want0 {
		t.Errorf("components[0] =\n %+v\nwant\n %+v", m.Components[0], want0)
	}
	c1 := m.Components[1]
	// A seq of 0 is a real batch number, unlike a time of 0 (decoded as unset).
	if c1.Seq != types.Int64Value(0) || !c1.ID.IsNull() || !c1.Version.IsNull() || !c1.EndTime.IsNull() {
		t.Errorf("components[1] nulls wrong: %+v", c1)
	}
	if c1.RollbackStartTime != types.Int64Value(1722933960000) || c1.RollbackJobStatus != types.StringValue("RUNNING") {
		t.Errorf("components[1] rollback wrong: %+v", c1)
	}
	// The rollback is still running, so the task has not completed.
	if m.Completed != types.BoolValue(false) || m.AllSucceeded != types.BoolValue(false) {
		t.Errorf("completed = %v, all_succeeded = %v", m.Completed, m.AllSucceeded)
	}
	if len(m.FailedComponents) != 1 || m.FailedComponents[0] != types.StringValue("worker") {
		t.Errorf("failed_components = %v", m.FailedComponents)
	}
}

func TestFlattenDeployInfoEmpty(t *testing.T) {
	var m deployInfoModel
	flattenDeployInfo(&servicestage.DeployInfo{}, &m)
	if !m.ID.IsNull() {
		t.Errorf("id = %v, want null", m.ID)
	}
	// Empty lists, not null ones: HCL can take length() of them.
	if m.Components == nil || len(m.Components) != 0 || m.FailedComponents == nil || len(m.FailedComponents) != 0 {
		t.Errorf("components = %#v, failed_components = %#v; want empty lists", m.Components, m.FailedComponents)
	}
	if m.Completed != types.BoolValue(true) || m.AllSucceeded != types.BoolValue(false) {
		t.Errorf("completed = %v, all_succeeded = %v; want true, false", m.Completed, m.AllSucceeded)
	}
}
