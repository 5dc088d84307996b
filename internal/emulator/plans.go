package emulator

import (
	"encoding/json"
	"strconv"
	"time"
)

// ReleasePlan is one release task as the list and details APIs show it.
// Rendering follows the real API: empty strings become null, zero times 0.
type ReleasePlan struct {
	ID, Name, Action, Status, Creator, Description, FailStrategy, SwimlaneID string
	CreateTime, ModifyTime, ExecuteTime                                      time.Time
	Components                                                               []PlanComponent
	// StringTimes writes the times as numeric strings ("1711952860132"),
	// as the API sometimes does despite its documented Integer type.
	StringTimes bool
}

// PlanComponent is one element of a release task's details components.
type PlanComponent struct {
	Seq               int64
	ComponentID, Name string
}

// AddReleasePlan adds p to project's release tasks (replacing a task with
// the same ID in place, else appending), serves it in the list and its
// details, and makes the project known.
func (s *Server) AddReleasePlan(project string, p ReleasePlan) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.projects[project] = true
	for i, old := range s.plans[project] {
		if old.ID == p.ID {
			s.plans[project][i] = p
			return
		}
	}
	s.plans[project] = append(s.plans[project], p)
}

// ScriptReleasePlanList replaces project's rendered list with scripted steps.
func (s *Server) ScriptReleasePlanList(project string, steps ...Step) {
	s.script(taskKey{planList, project, ""}, steps)
}

// ScriptReleasePlan replaces the rendered details of task id with scripted steps.
func (s *Server) ScriptReleasePlan(project, id string, steps ...Step) {
	s.script(taskKey{planDetails, project, id}, steps)
}

// ListReads returns how many times project's release-task list has been read.
func (s *Server) ListReads(project string) int {
	return s.reads(taskKey{planList, project, ""})
}

// ReleasePlanReads returns how many times task id's details have been read.
func (s *Server) ReleasePlanReads(project, id string) int {
	return s.reads(taskKey{planDetails, project, id})
}

// render builds the answer for an unscripted read of the list or details,
// or reports that there is none. The caller holds s.mu.
func (s *Server) render(key taskKey) ([]byte, bool) {
	plans := s.plans[key.project]
	switch key.ep {
	case pipelineList, pipelineDetails:
		return s.renderPipelines(key)
	case planList:
		shown := make([]ReleasePlan, len(plans))
		for i, p := range plans {
			shown[i] = p
			shown[i].Status = s.runStatus(key.project, p)
		}
		return ReleasePlanListJSON(len(shown), shown...), true
	case planDetails:
		s.showLateRun(key.project, key.id)
		if i := s.planIndex(key.project, key.id); i >= 0 {
			p := plans[i]
			p.Status = s.runStatus(key.project, p)
			return ReleasePlanJSON(p), true
		}
	}
	return nil, false
}

// ReleasePlanJSON renders a 200 details body for p.
func ReleasePlanJSON(p ReleasePlan) []byte {
	out := p.listItem()
	out["swimlane_id"] = nullable(p.SwimlaneID)
	out["desc"] = nullable(p.Description)
	out["fail_strategy"] = nullable(p.FailStrategy)
	components := make([]map[string]any, 0, len(p.Components))
	for _, c := range p.Components {
		components = append(components, map[string]any{
			"seq":          c.Seq,
			"component_id": nullable(c.ComponentID),
			"name":         nullable(c.Name),
		})
	}
	out["components"] = components
	return mustMarshal(out)
}

// ReleasePlanListJSON renders a 200 list body; count is written as given,
// so it may differ from the number of plans.
func ReleasePlanListJSON(count int, plans ...ReleasePlan) []byte {
	items := make([]map[string]any, 0, len(plans))
	for _, p := range plans {
		items = append(items, p.listItem())
	}
	return mustMarshal(map[string]any{"count": count, "release_plans": items})
}

// listItem is the fields the list and the details share.
func (p ReleasePlan) listItem() map[string]any {
	return map[string]any{
		"id":           nullable(p.ID),
		"name":         nullable(p.Name),
		"action":       nullable(p.Action),
		"status":       nullable(p.Status),
		"creator":      nullable(p.Creator),
		"create_time":  p.stamp(p.CreateTime),
		"modify_time":  p.stamp(p.ModifyTime),
		"execute_time": p.stamp(p.ExecuteTime),
	}
}

// stamp writes a time in ms, 0 for never, as a number or a numeric string.
func (p ReleasePlan) stamp(t time.Time) any {
	if p.StringTimes {
		return strconv.FormatInt(millis(t), 10)
	}
	return millis(t)
}

func mustMarshal(v any) []byte {
	body, err := json.Marshal(v)
	if err != nil {
		panic("emulator: " + err.Error()) // Only plain values are marshalled.
	}
	return body
}

// planIndex finds task id among project's plans, or -1; the caller holds s.mu.
func (s *Server) planIndex(project, id string) int {
	for i, p := range s.plans[project] {
		if p.ID == id {
			return i
		}
	}
	return -1
}
