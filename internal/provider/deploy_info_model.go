package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
)

// deployInfoModel is the data source's configuration and state.
type deployInfoModel struct {
	ReleasePlanID     types.String     `tfsdk:"release_plan_id"`
	ProjectID         types.String     `tfsdk:"project_id"`
	WaitForCompletion types.Bool       `tfsdk:"wait_for_completion"`
	Timeouts          timeouts.Value   `tfsdk:"timeouts"`
	ID                types.String     `tfsdk:"id"`
	Components        []componentModel `tfsdk:"components"`
	Completed         types.Bool       `tfsdk:"completed"`
	AllSucceeded      types.Bool       `tfsdk:"all_succeeded"`
	FailedComponents  []types.String   `tfsdk:"failed_components"`
}

// componentModel is one element of components.
type componentModel struct {
	ID                  types.String `tfsdk:"id"`
	Name                types.String `tfsdk:"name"`
	Version             types.String `tfsdk:"version"`
	Seq                 types.Int64  `tfsdk:"seq"`
	Status              types.String `tfsdk:"status"`
	JobID               types.String `tfsdk:"job_id"`
	JobStatus           types.String `tfsdk:"job_status"`
	StartTime           types.Int64  `tfsdk:"start_time"`
	EndTime             types.Int64  `tfsdk:"end_time"`
	FailMessage         types.String `tfsdk:"fail_message"`
	RollbackJobID       types.String `tfsdk:"rollback_job_id"`
	RollbackJobStatus   types.String `tfsdk:"rollback_job_status"`
	RollbackStartTime   types.Int64  `tfsdk:"rollback_start_time"`
	RollbackEndTime     types.Int64  `tfsdk:"rollback_end_time"`
	RollbackFailMessage types.String `tfsdk:"rollback_fail_message"`
}

// flattenDeployInfo sets the computed attributes of m from the API's answer.
// Empty strings and unset numbers become null, as the contract says.
func flattenDeployInfo(info *servicestage.DeployInfo, m *deployInfoModel) {
	m.ID = optionalString(info.ID)
	m.Components = make([]componentModel, len(info.Components))
	for i := range info.Components {
		c := &info.Components[i]
		m.Components[i] = componentModel{
			ID:                  optionalString(c.ID),
			Name:                optionalString(c.Name),
			Version:             optionalString(c.Version),
			Seq:                 optionalInt64(c.Seq),
			Status:              optionalString(c.Status),
			JobID:               optionalString(c.JobID),
			JobStatus:           optionalString(c.JobStatus),
			StartTime:           optionalInt64(c.StartTime),
			EndTime:             optionalInt64(c.EndTime),
			FailMessage:         optionalString(c.FailMessage),
			RollbackJobID:       optionalString(c.RollbackJobID),
			RollbackJobStatus:   optionalString(c.RollbackJobStatus),
			RollbackStartTime:   optionalInt64(c.RollbackStartTime),
			RollbackEndTime:     optionalInt64(c.RollbackEndTime),
			RollbackFailMessage: optionalString(c.RollbackFailMessage),
		}
	}
	m.Completed = types.BoolValue(info.Completed())
	m.AllSucceeded = types.BoolValue(info.AllSucceeded())
	failed := info.FailedComponents()
	m.FailedComponents = make([]types.String, len(failed))
	for i, name := range failed {
		m.FailedComponents[i] = optionalString(name)
	}
}

func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func optionalInt64(v servicestage.Int64) types.Int64 {
	if !v.Valid {
		return types.Int64Null()
	}
	return types.Int64Value(v.Value)
}
