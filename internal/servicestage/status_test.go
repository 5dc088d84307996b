package servicestage

import (
	"reflect"
	"testing"
)

func TestComponentPendingAndFailed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		job, rollback       string
		pending, failed     bool
		explanationIfBroken string
	}{
		{"SUCCEEDED", "", false, false, "finished, no rollback"},
		{"FAILED", "", false, true, "failed, no rollback"},
		{"RUNNING", "", true, false, "running"},
		{"CREATED", "", true, false, "created, not started"},
		{"", "", true, false, "no job status yet is pending"},
		{"SOMETHING_NEW", "", true, false, "an unknown status is pending (open set)"},
		{"succeeded", "", true, false, "statuses are compared exactly"},
		{"FAILED", "RUNNING", true, true, "rollback running"},
		{"FAILED", "CREATED", true, true, "rollback created"},
		{"FAILED", "UNKNOWN_ROLLBACK", true, true, "unknown rollback status is pending"},
		{"FAILED", "SUCCEEDED", false, true, "rolled back"},
		{"FAILED", "FAILED", false, true, "rollback failed too"},
		{"SUCCEEDED", "FAILED", false, true, "a failed rollback is a failure"},
		{"SUCCEEDED", "RUNNING", true, false, "rollback of a success still pending"},
		{"RUNNING", "SUCCEEDED", true, false, "the deployment job still pending"},
	}
	for _, tt := range tests {
		c := Component{JobStatus: tt.job, RollbackJobStatus: tt.rollback}
		if got := c.Pending(); got != tt.pending {
			t.Errorf("job %q rollback %q (%s): Pending() = %v, want %v", tt.job, tt.rollback, tt.explanationIfBroken, got, tt.pending)
		}
		if got := c.Failed(); got != tt.failed {
			t.Errorf("job %q rollback %q (%s): Failed() = %v, want %v", tt.job, tt.rollback, tt.explanationIfBroken, got, tt.failed)
		}
	}
}

func TestDeployInfoStatus(t *testing.T) {
	t.Parallel()
	comp := func(name, job, rollback string) *Component {
		return &Component{Name: name, JobStatus: job, RollbackJobStatus: rollback}
	}
	tests := []struct {
		name          string
		components    []*Component
		completed     bool
		allSucceeded  bool
		failed        []string
		pendingByName []string
	}{
		{"no components", nil, true, false, []string{}, nil},
		{"one succeeded", []*Component{comp("a", "SUCCEEDED", "")}, true, true, []string{}, nil},
		{"all succeeded", []*Component{comp("a", "SUCCEEDED", ""), comp("b", "SUCCEEDED", "")}, true, true, []string{}, nil},
		{"one running", []*Component{comp("a", "SUCCEEDED", ""), comp("b", "RUNNING", "")}, false, false, []string{}, []string{"b"}},
		{"one failed", []*Component{comp("a", "SUCCEEDED", ""), comp("b", "FAILED", "")}, true, false, []string{"b"}, nil},
		{"unknown status", []*Component{comp("a", "WAITING_APPROVAL", "")}, false, false, []string{}, []string{"a"}},
		{"rollback pending", []*Component{comp("a", "FAILED", "RUNNING")}, false, false, []string{"a"}, []string{"a"}},
		{
			"succeeded but its rollback is pending",
			[]*Component{comp("a", "SUCCEEDED", "RUNNING")},
			false, true, []string{}, []string{"a"},
		},
		{"rollback failed", []*Component{comp("a", "SUCCEEDED", "FAILED")}, true, true, []string{"a"}, nil},
		{
			"a failed component without a name is listed by its ID",
			[]*Component{{ID: "c7", JobStatus: "FAILED"}, comp("b", "FAILED", "")},
			true, false, []string{"c7", "b"}, nil,
		},
		{
			"failed names in API order, duplicates kept",
			[]*Component{
				comp("zeta", "FAILED", ""), comp("ok", "SUCCEEDED", ""), comp("alpha", "SUCCEEDED", "FAILED"),
				comp("mid", "RUNNING", ""), comp("beta", "FAILED", "SUCCEEDED"), comp("zeta", "FAILED", ""),
			},
			false, false, []string{"zeta", "alpha", "beta", "zeta"}, []string{"mid"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := &DeployInfo{ID: "t", Components: tt.components}
			if got := d.Completed(); got != tt.completed {
				t.Errorf("Completed() = %v, want %v", got, tt.completed)
			}
			if got := d.AllSucceeded(); got != tt.allSucceeded {
				t.Errorf("AllSucceeded() = %v, want %v", got, tt.allSucceeded)
			}
			if got := d.FailedComponents(); !reflect.DeepEqual(got, tt.failed) {
				t.Errorf("FailedComponents() = %#v, want %#v", got, tt.failed)
			}
			var pending []string
			for _, c := range d.PendingComponents() {
				pending = append(pending, c.Name)
			}
			if !reflect.DeepEqual(pending, tt.pendingByName) {
				t.Errorf("PendingComponents() = %v, want %v", pending, tt.pendingByName)
			}
			if (len(pending) == 0) != d.Completed() {
				t.Errorf("Completed() = %v disagrees with %d pending components", d.Completed(), len(pending))
			}
		})
	}
}

// An aborted release does not finish its jobs: a wait must not outlast it.
func TestAbortedComponentIsNeverPending(t *testing.T) {
	t.Parallel()
	for _, c := range []Component{
		{Status: "ABORTED", JobStatus: "RUNNING"},
		{Status: "ABORTED", JobStatus: ""},
		{Status: "ABORTED", JobStatus: "FAILED", RollbackJobStatus: "RUNNING"},
	} {
		if c.Pending() {
			t.Errorf("%+v is pending; an ABORTED component never is", c)
		}
	}
	info := DeployInfo{Components: []*Component{{Name: "a", Status: "ABORTED", JobStatus: "CREATED"}, {Name: "b", JobStatus: "SUCCEEDED"}}}
	if !info.Completed() || info.AllSucceeded() {
		t.Errorf("Completed %v AllSucceeded %v, want true and false", info.Completed(), info.AllSucceeded())
	}
	if c := (Component{Status: "RUNNING", JobStatus: "RUNNING"}); !c.Pending() {
		t.Error("a running component is not pending")
	}
}
