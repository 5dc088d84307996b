package servicestage

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func millis(v int64) Time { return Time{Int64{Value: v, Valid: true}} }

// The example response of the API reference's list page, verbatim.
const listExample = `{
  "count": 1,
  "release_plans": [
    {
      "name": "release-1zws2j",
      "id": "4cf4d39e-c11a-41b0-82eb-30defc376d52",
      "action": "create",
      "create_time": 1711952860132,
      "modify_time": 0,
      "status": "SUCCESS",
      "creator": "wzh",
      "execute_time": 1711952860379
    }
  ]
}`

func TestDecodeReleasePlanListExample(t *testing.T) {
	list, err := DecodeReleasePlanList([]byte(listExample))
	if err != nil {
		t.Fatal(err)
	}
	want := &ReleasePlanList{Count: Int64{Value: 1, Valid: true}, ReleasePlans: []*ReleasePlanSummary{{
		ID: "4cf4d39e-c11a-41b0-82eb-30defc376d52", Name: "release-1zws2j", Action: "create", Status: "SUCCESS",
		Creator: "wzh", CreateTime: millis(1711952860132), ExecuteTime: millis(1711952860379),
		// modify_time 0: has not happened.
	}}}
	if !reflect.DeepEqual(list, want) {
		t.Errorf("got  %+v\nwant %+v", list.ReleasePlans[0], want.ReleasePlans[0])
	}
}

func TestDecodeReleasePlanOddShapes(t *testing.T) {
	plan, err := DecodeReleasePlan([]byte(`{"id": "t1", "name": "发布-支付", "desc": "", "swimlane_id": null,
		"status": "ROLLBACK_FAILED", "create_time": "1764000000000", "modify_time": "0", "execute_time": 1.76400006e12,
		"fail_strategy": "continue", "unknown": [1, 2],
		"components": [{"seq": "2", "component_id": "c1", "name": "api", "runtime_stack": {"name": "Docker"}},
		               {"seq": null, "component_id": "c2"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := &ReleasePlan{
		ReleasePlanSummary: ReleasePlanSummary{ID: "t1", Name: "发布-支付", Status: "ROLLBACK_FAILED",
			CreateTime: millis(1764000000000), ExecuteTime: millis(1764000060000)},
		FailStrategy: "continue",
		Components: []*PlanComponent{
			{Seq: Int64{Value: 2, Valid: true}, ComponentID: "c1", Name: "api"},
			{ComponentID: "c2"},
		},
	}
	if !reflect.DeepEqual(plan, want) {
		t.Errorf("got  %+v\nwant %+v", plan, want)
	}
}

func TestDecodeReleasePlanErrorsNameTheElement(t *testing.T) {
	for body, want := range map[string]string{
		`{"release_plans": [{"id": "a"}, {"id": "b", "name": "orders", "create_time": "noon"}]}`: `decoding release task list response: release task 1 ("orders"), field "create_time": "noon" is not an integer`,
		`{"release_plans": [{"id": "a"}, null]}`:                                                 `release task 1: release task is null`,
		`{"count": "many", "release_plans": []}`:                                                 `field "count": "many" is not an integer`,
		`{"release_plans": [{"id": 7}]}`:                                                         `release task 0, field "id": expected a JSON string, got JSON number`,
	} {
		_, err := DecodeReleasePlanList([]byte(body))
		var de *DecodeError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), want) {
			t.Errorf("DecodeReleasePlanList(%s) = %v, want a *DecodeError containing %q", body, err, want)
		}
	}
	_, err := DecodeReleasePlan([]byte(`{"id": "t", "components": [{"seq": "first", "name": "api"}]}`))
	if err == nil || !strings.Contains(err.Error(), `decoding release task response: component 0 ("api"), field "seq": "first" is not an integer`) {
		t.Errorf("DecodeReleasePlan: %v", err)
	}
}
