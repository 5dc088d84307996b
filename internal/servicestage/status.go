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
