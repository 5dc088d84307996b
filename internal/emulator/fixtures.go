package emulator

import (
	"time"
)

// Component builds one element of a deploy-info body the way the real API
// writes it: empty strings become null and unset times become 0.
type Component struct {
	ID, Name, Version                  string
	Seq                                int64
	Status, JobID, JobStatus           string
	StartTime, EndTime                 time.Time
	FailMessage                        string
	RollbackJobID, RollbackJobStatus   string
	RollbackStartTime, RollbackEndTime time.Time
	RollbackFailMessage                string
}

// DeployInfoJSON renders a 200 deploy-info body for release task id.
func DeployInfoJSON(id string, components ...Component) []byte {
	out := struct {
		ID         string           `json:"id"`
		Components []map[string]any `json:"components"`
	}{ID: id, Components: make([]map[string]any, 0, len(components))}
	for _, c := range components {
		out.Components = append(out.Components, map[string]any{
			"id":                    nullable(c.ID),
			"name":                  nullable(c.Name),
			"version":               nullable(c.Version),
			"seq":                   c.Seq,
			"status":                nullable(c.Status),
			"job_id":                nullable(c.JobID),
			"job_status":            nullable(c.JobStatus),
			"start_time":            millis(c.StartTime),
			"end_time":              millis(c.EndTime),
			"fail_message":          nullable(c.FailMessage),
			"rollback_job_id":       nullable(c.RollbackJobID),
			"rollback_job_status":   nullable(c.RollbackJobStatus),
			"rollback_start_time":   millis(c.RollbackStartTime),
			"rollback_end_time":     millis(c.RollbackEndTime),
			"rollback_fail_message": nullable(c.RollbackFailMessage),
		})
	}
	return mustMarshal(out)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// ExampleResponse is the example body of the API reference, verbatim.
const ExampleResponse = `{
    "id": "716eda33-dbc6-47f3-953f-29119edd5e5c",
    "components": [
        {
            "job_id": "JOB6999c66d-cb39-4c46-9f98-893b704300e0",
            "status": "RUNNING",
            "job_status": "SUCCEEDED",
            "name": "sch",
            "id": "df49e875-000c-4d69-8f45-c4f384549e1b",
            "seq": 1,
            "version": "2024.0802.18390",
            "rollback_job_id": null,
            "start_time": 1722933924962,
            "end_time": 1722933950018,
            "rollback_job_status": null,
            "rollback_start_time": 0,
            "rollback_end_time": 0,
            "fail_message": null,
            "rollback_fail_message": null
        }
    ]
}`

// ExampleTaskID is the release task of ExampleResponse.
const ExampleTaskID = "716eda33-dbc6-47f3-953f-29119edd5e5c"
