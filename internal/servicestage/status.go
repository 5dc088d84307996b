package servicestage

import "cmp"

// Job statuses that end a job. Every other value, including ones the
// reference never lists, means the job is still pending.
const (
	JobSucceeded = "SUCCEEDED"
	JobFailed    = "FAILED"
)

// ComponentAborted is the status of a component whose release was aborted:
// its jobs may never finish, so it is never pending.
const ComponentAborted = "ABORTED"

func finished(status string) bool { return status == JobSucceeded || status == JobFailed }

// Pending reports whether the component's deployment job, or its rollback
// job when there is one, has not finished, unless the component was aborted.
func (c *Component) Pending() bool {
	if c.Status == ComponentAborted {
		return false
	}
	return !finished(c.JobStatus) || (c.RollbackJobStatus != "" && !finished(c.RollbackJobStatus))
}

// Failed reports whether the deployment or the rollback job failed.
func (c *Component) Failed() bool {
	return c.JobStatus == JobFailed || c.RollbackJobStatus == JobFailed
}

// Completed reports that no component has a pending job. A release task
// with no components is completed.
func (d *DeployInfo) Completed() bool {
	for i := range d.Components {
		if d.Components[i].Pending() {
			return false
		}
	}
	return true
}

// AllSucceeded reports that there is at least one component and every
// deployment job succeeded.
func (d *DeployInfo) AllSucceeded() bool {
	for i := range d.Components {
		if d.Components[i].JobStatus != JobSucceeded {
			return false
		}
	}
	return len(d.Components) > 0
}

// FailedComponents names, in API order, the components whose deployment or
// rollback job failed. A component without a name is listed by its ID, so
// the list never holds an empty string (which would become null).
func (d *DeployInfo) FailedComponents() []string {
	names := []string{}
	for i := range d.Components {
		if c := d.Components[i]; c.Failed() {
			names = append(names, cmp.Or(c.Name, c.ID))
		}
	}
	return names
}

// PendingComponents returns the components with a pending job.
func (d *DeployInfo) PendingComponents() []*Component {
	var pending []*Component
	for _, c := range d.Components {
		if c.Pending() {
			pending = append(pending, c)
		}
	}
	return pending
}

// The words for the new edition's status codes.
const (
	PipelineInitialized      = "INITIALIZED"
	PipelineSucceeded        = "SUCCEEDED"
	PipelineFailed           = "FAILED"
	PipelineRunning          = "RUNNING"
	PipelineAwaitingApproval = "AWAITING_APPROVAL"
	PipelinePaused           = "PAUSED"
	PipelineSkipped          = "SKIPPED"
	PipelineRollingBack      = "ROLLING_BACK"
	PipelineRolledBack       = "ROLLED_BACK"
	PipelineRollbackFailed   = "ROLLBACK_FAILED"
	PipelineStopping         = "STOPPING"
	PipelineRestarting       = "RESTARTING"
	// PipelineUnknown is the word for a code the provider does not know.
	PipelineUnknown = "UNKNOWN"
)

// PipelineStatus is one row of the status table: the API's code, its word,
// and whether a task in it has a run under way.
type PipelineStatus struct {
	Code       int64
	Word       string
	InProgress bool
}

// PipelineStatuses is the new edition's status table, in code order; codes
// 6 and 8 are not documented.
var PipelineStatuses = []PipelineStatus{
	{1, PipelineInitialized, false},
	{2, PipelineSucceeded, false},
	{3, PipelineFailed, false},
	{4, PipelineRunning, true},
	{5, PipelineAwaitingApproval, true},
	{7, PipelinePaused, true},
	{9, PipelineSkipped, false},
	{10, PipelineRollingBack, true},
	{11, PipelineRolledBack, false},
	{12, PipelineRollbackFailed, false},
	{13, PipelineStopping, true},
	{14, PipelineRestarting, true},
}

// PipelineStatusWord is the word for a status code: PipelineUnknown for a
// code not in the table, "" when there is no code.
func PipelineStatusWord(code Int64) string {
	c, ok := code.Get()
	if !ok {
		return ""
	}
	for _, s := range PipelineStatuses {
		if s.Code == c {
			return s.Word
		}
	}
	return PipelineUnknown
}

// PipelineStatusWords are every word a status can have, UNKNOWN last.
func PipelineStatusWords() []string {
	words := make([]string, 0, len(PipelineStatuses)+1)
	for _, s := range PipelineStatuses {
		words = append(words, s.Word)
	}
	return append(words, PipelineUnknown)
}

// PipelineInProgress reports whether a task in status word has a run under
// way. UNKNOWN is not: a wait must not outlast a status nobody can name.
func PipelineInProgress(word string) bool {
	for _, s := range PipelineStatuses {
		if s.Word == word {
			return s.InProgress
		}
	}
	return false
}

// PipelineWaitsForPerson reports a run stopped at a checkpoint (approval,
// or a manual continue) until a person acts in the console.
func PipelineWaitsForPerson(word string) bool {
	return word == PipelineAwaitingApproval || word == PipelinePaused
}

// Completed reports that the task's status is known and has no run under way.
func (p *PipelineSummary) Completed() bool {
	return p.Status != "" && !PipelineInProgress(p.Status)
}

// Succeeded reports that the task's last run succeeded.
func (p *PipelineSummary) Succeeded() bool { return p.Status == PipelineSucceeded }
