package emulator_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// apiGet builds a GET of path (below the base URL) as the provider sends it.
func apiGet(t *testing.T, base, path, tok string) *http.Request {
	t.Helper()
	return apiRequest(t, http.MethodGet, base, path, tok, "")
}

// apiPost is apiGet's POST, with a body ("" for none).
func apiPost(t *testing.T, base, path, tok, body string) *http.Request {
	t.Helper()
	return apiRequest(t, http.MethodPost, base, path, tok, body)
}

func apiRequest(t *testing.T, method, base, path, tok, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json;charset=utf8")
	if tok != "" {
		req.Header.Set("X-Auth-Token", tok)
	}
	return req
}

// decode parses a JSON body keeping numbers as written.
func decode(t *testing.T, body []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
}

// wantError checks an error answer's status and code.
func wantError(t *testing.T, what string, a answer, status int, code string) {
	t.Helper()
	if a.status != status || a.code != code || a.msg == "" || len(a.requestID) != 32 {
		t.Errorf("%s: got HTTP %d %s %q (request ID %q), want %d %s with a message and a request ID",
			what, a.status, a.code, a.msg, a.requestID, status, code)
	}
}

const (
	listPath    = "/v3/" + project + "/cas/release-plans"
	detailsPath = listPath + "/" + releasePlan
)

func TestSeededReleasePlans(t *testing.T) {
	srv := emulator.New()
	srv.SeedDemo(time.Now())
	ts := srv.Start()
	defer ts.Close()
	base := "/v3/" + emulator.DemoProject + "/cas/release-plans"

	a := do(t, http.DefaultTransport, apiGet(t, ts.URL, base, emulator.DemoToken))
	wantOK(t, a)
	var list struct {
		Count        json.Number      `json:"count"`
		ReleasePlans []map[string]any `json:"release_plans"`
	}
	decode(t, a.body, &list)
	seeded := map[string]string{
		emulator.DemoFinishedTask:  emulator.DemoFinishedTaskName,
		emulator.DemoFailedTask:    emulator.DemoFailedTaskName,
		emulator.DemoReleasingTask: emulator.DemoReleasingTaskName,
		emulator.DemoDraftTask:     emulator.DemoDraftTaskName,
		emulator.ExampleTaskID:     emulator.ExampleTaskName,
	}
	if list.Count.String() != "5" || len(list.ReleasePlans) != len(seeded) {
		t.Fatalf("count %s with %d items, want 5 and 5: %s", list.Count, len(list.ReleasePlans), a.body)
	}
	items := map[string]map[string]any{}
	newest, newestOrders := "", ""
	var newestTime, newestOrdersTime string
	for _, item := range list.ReleasePlans {
		id, _ := item["id"].(string)
		items[id] = item
		if item["name"] != seeded[id] {
			t.Errorf("task %s is named %v, want %q", id, item["name"], seeded[id])
		}
		for _, field := range []string{"name", "action", "status", "create_time", "modify_time", "execute_time"} {
			if item[field] == nil {
				t.Errorf("task %s has no %s", id, field)
			}
		}
		created := timeString(item["create_time"])
		if less(newestTime, created) {
			newest, newestTime = id, created
		}
		if name, _ := item["name"].(string); strings.HasPrefix(name, "orders-") && less(newestOrdersTime, created) {
			newestOrders, newestOrdersTime = id, created
		}
	}
	if newest != emulator.DemoReleasingTask || newestOrders != emulator.DemoFinishedTask {
		t.Errorf("newest task %s, newest orders-* task %s; want the releasing and the finished task as documented", newest, newestOrders)
	}

	// The API reference's list example, field by field.
	example, _ := json.Marshal(items[emulator.ExampleTaskID])
	const wantExample = `{"action":"create","create_time":1711952860132,"creator":"wzh","execute_time":1711952860379,"id":"716eda33-dbc6-47f3-953f-29119edd5e5c","modify_time":0,"name":"release-1zws2j","status":"SUCCESS"}`
	if string(example) != wantExample {
		t.Errorf("example item %s, want %s", example, wantExample)
	}
	// The draft shows the quirks: string times, "0", null creator.
	draft := items[emulator.DemoDraftTask]
	if _, isString := draft["create_time"].(string); !isString || draft["execute_time"] != "0" || draft["creator"] != nil {
		t.Errorf("draft item %v, want string times, execute_time \"0\" and a null creator", draft)
	}
	for id, status := range map[string]string{
		emulator.DemoFinishedTask: "SUCCESS", emulator.DemoFailedTask: "ROLLBACK_SUCCEED",
		emulator.DemoReleasingTask: "RUNNING", emulator.DemoDraftTask: "CREATED", emulator.ExampleTaskID: "SUCCESS",
	} {
		if items[id]["status"] != status {
			t.Errorf("task %s has status %v, want %s", id, items[id]["status"], status)
		}
	}

	// Every task's details name its deploy-info components, in order.
	for id := range seeded {
		a := do(t, http.DefaultTransport, apiGet(t, ts.URL, base+"/"+id, emulator.DemoToken))
		wantOK(t, a)
		var details struct {
			ID, Name   string
			Components []struct {
				Seq         json.Number `json:"seq"`
				ComponentID string      `json:"component_id"`
				Name        string      `json:"name"`
			} `json:"components"`
		}
		decode(t, a.body, &details)
		var fromDetails []string
		for _, c := range details.Components {
			fromDetails = append(fromDetails, c.Seq.String()+" "+c.ComponentID+" "+c.Name)
		}

		a = do(t, http.DefaultTransport, apiGet(t, ts.URL, base+"/"+id+"/deploy-info", emulator.DemoToken))
		wantOK(t, a)
		var info struct {
			Components []struct {
				Seq      json.Number `json:"seq"`
				ID, Name string
			} `json:"components"`
		}
		decode(t, a.body, &info)
		var fromInfo []string
		for _, c := range info.Components {
			fromInfo = append(fromInfo, c.Seq.String()+" "+c.ID+" "+c.Name)
		}
		if details.ID != id || details.Name != seeded[id] || len(fromInfo) == 0 || !reflect.DeepEqual(fromDetails, fromInfo) {
			t.Errorf("task %s: details %s %q components %q, deploy-info components %q", id, details.ID, details.Name, fromDetails, fromInfo)
		}
	}
}

// timeString is a list time as text, whether sent as a number or a string.
func timeString(v any) string {
	switch v := v.(type) {
	case json.Number:
		return v.String()
	case string:
		return v
	}
	return ""
}

// less compares decimal strings without leading zeros.
func less(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func TestReleasePlanAuthAndChecks(t *testing.T) {
	srv, base := start(t)
	srv.AddReleasePlan(project, emulator.ReleasePlan{ID: releasePlan, Name: "r"})
	const otherProject = "00000000000000000000000000000abc"
	srv.AddToken("other-token", otherProject, time.Now().Add(time.Hour))
	good := auth.KeyPair{AccessKey: accessKey, SecretKey: secretKey}

	for _, path := range []string{listPath, detailsPath} {
		t.Run(path, func(t *testing.T) {
			wantOK(t, do(t, http.DefaultTransport, apiGet(t, base, path, token)))
			wantOK(t, do(t, signer(good, 0), apiGet(t, base, path, "")))
			if r := lastAuth(t, srv); r.Auth != "aksk" || r.Path != path || r.Status != http.StatusOK {
				t.Errorf("recorded %+v, want Auth aksk, the path and 200", r)
			}
			wantRejected(t, do(t, http.DefaultTransport, apiGet(t, base, path, "")), "Authorization not found")
			wantRejected(t, do(t, signer(auth.KeyPair{AccessKey: accessKey, SecretKey: "wrong"}, 0), apiGet(t, base, path, "")),
				"verify aksk signature fail")
			wantError(t, "another project's token", do(t, http.DefaultTransport, apiGet(t, base, path, "other-token")),
				http.StatusForbidden, "APIGW.0302")

			noType := apiGet(t, base, path, token)
			noType.Header.Del("Content-Type")
			wantError(t, "no Content-Type", do(t, http.DefaultTransport, noType), http.StatusBadRequest, "SVCSTG.00100400")

			unknown := strings.Replace(path, project, "ffffffffffffffffffffffffffffffff", 1)
			wantError(t, "unknown project", do(t, signer(good, 0), apiGet(t, base, unknown, "")), http.StatusNotFound, "SVCSTG.00100404")

			post := apiGet(t, base, path, token)
			post.Method = http.MethodPost
			wantError(t, "POST", do(t, http.DefaultTransport, post), http.StatusMethodNotAllowed, "APIGW.0101")
		})
	}
}

func TestReleasePlanPaths(t *testing.T) {
	srv, base := start(t)
	srv.AddReleasePlan(project, emulator.ReleasePlan{ID: "a/b", Name: "slash"})
	srv.AddReleasePlan(project, emulator.ReleasePlan{ID: releasePlan, Name: "r"})

	for _, tt := range []struct {
		path, code string
		status     int
	}{
		{listPath + "/6b1d0e2f-0000-4000-8000-000000000000", "SVCSTG.00100433", http.StatusNotFound},
		{listPath + "/a%2Fb", "SVCSTG.00100433", http.StatusNotFound}, // never the task "a/b"
		{listPath + "/a/b", "APIGW.0101", http.StatusNotFound},
		{listPath + "/", "APIGW.0101", http.StatusNotFound},
		{listPath + "/x/y", "APIGW.0101", http.StatusNotFound},
		{detailsPath + "/rollback", "APIGW.0101", http.StatusNotFound},
		{"/v3/" + project + "/cas/release-plan", "APIGW.0101", http.StatusNotFound},
		{"/v3/" + project + "%2Fcas/release-plans", "APIGW.0101", http.StatusNotFound},
	} {
		wantError(t, tt.path, do(t, http.DefaultTransport, apiGet(t, base, tt.path, token)), tt.status, tt.code)
	}
	if n := srv.ReleasePlanReads(project, "a/b"); n != 0 {
		t.Errorf("the task \"a/b\" was read %d times, want 0", n)
	}
}

func TestReleasePlanRendering(t *testing.T) {
	created := time.UnixMilli(1764230400123)
	p := emulator.ReleasePlan{ID: "id-1", Name: "发布-支付", Action: "upgrade", Status: "SUCCESS", Description: "why",
		CreateTime: created, Components: []emulator.PlanComponent{{Seq: 2, ComponentID: "c-1", Name: "api"}, {Seq: 3}}}

	const wantDetails = `{"action":"upgrade","components":[{"component_id":"c-1","name":"api","seq":2},{"component_id":null,"name":null,"seq":3}],` +
		`"create_time":1764230400123,"creator":null,"desc":"why","execute_time":0,"fail_strategy":null,"id":"id-1","modify_time":0,` +
		`"name":"发布-支付","status":"SUCCESS","swimlane_id":null}`
	if got := string(emulator.ReleasePlanJSON(p)); got != wantDetails {
		t.Errorf("details\n got %s\nwant %s", got, wantDetails)
	}
	p.StringTimes = true
	const wantList = `{"count":7,"release_plans":[{"action":"upgrade","create_time":"1764230400123","creator":null,"execute_time":"0",` +
		`"id":"id-1","modify_time":"0","name":"发布-支付","status":"SUCCESS"}]}`
	if got := string(emulator.ReleasePlanListJSON(7, p)); got != wantList {
		t.Errorf("list\n got %s\nwant %s", got, wantList)
	}
	if got := string(emulator.ReleasePlanListJSON(0)); got != `{"count":0,"release_plans":[]}` {
		t.Errorf("empty list %s", got)
	}
}

// The list follows AddReleasePlan in insertion order, a re-added task
// keeping its place; a known project without tasks has an empty list.
func TestReleasePlanListOrderAndReads(t *testing.T) {
	srv, base := start(t)
	list := func() string {
		a := do(t, http.DefaultTransport, apiGet(t, base, listPath, token))
		wantOK(t, a)
		return string(a.body)
	}
	if got := list(); got != `{"count":0,"release_plans":[]}` {
		t.Errorf("empty project's list %s", got)
	}
	a := emulator.ReleasePlan{ID: "a", Name: "first"}
	b := emulator.ReleasePlan{ID: "b", Name: "second"}
	srv.AddReleasePlan(project, a)
	srv.AddReleasePlan(project, b)
	a.Name = "renamed"
	srv.AddReleasePlan(project, a)
	if got, want := list(), string(emulator.ReleasePlanListJSON(2, a, b)); got != want {
		t.Errorf("list %s, want %s", got, want)
	}

	wantOK(t, do(t, http.DefaultTransport, apiGet(t, base, listPath+"/a", token)))
	wantError(t, "unknown task", do(t, http.DefaultTransport, apiGet(t, base, listPath+"/zz", token)), http.StatusNotFound, "SVCSTG.00100433")
	if n := srv.ListReads(project); n != 2 {
		t.Errorf("ListReads = %d, want 2", n)
	}
	if n, m := srv.ReleasePlanReads(project, "a"), srv.ReleasePlanReads(project, "zz"); n != 1 || m != 0 {
		t.Errorf("ReleasePlanReads = %d for a, %d for an unknown task; want 1 and 0", n, m)
	}
	if n := srv.Reads(project, "a"); n != 0 {
		t.Errorf("reading the details counted %d deploy-info reads", n)
	}

	// A new project becomes known by AddReleasePlan alone.
	const newProject = "1111111111111111111111111111aaaa"
	srv.AddToken("new-token", newProject, time.Now().Add(time.Hour))
	srv.AddReleasePlan(newProject, b)
	wantOK(t, do(t, http.DefaultTransport, apiGet(t, base, "/v3/"+newProject+"/cas/release-plans/b", "new-token")))
}

// Scripts replace the rendered answers byte for byte and follow the steps.
func TestScriptedReleasePlans(t *testing.T) {
	srv, base := start(t)
	srv.AddReleasePlan(project, emulator.ReleasePlan{ID: releasePlan, Name: "rendered"})
	listBody := []byte(`{"count": "3", "release_plans": [{"id": "x", "create_time": "1711952860132"}]}`)
	srv.ScriptReleasePlanList(project,
		emulator.Step{Times: 2, Status: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"1"}}, Body: []byte(`{"error_code":"APIGW.0206"}`)},
		emulator.Step{Body: listBody})
	detailsBody := []byte(`{"id": "` + releasePlan + `", "components": [{"seq": "1", "component_id": "c"}]}`)
	srv.ScriptReleasePlan(project, releasePlan, emulator.Step{Body: detailsBody})
	srv.ScriptReleasePlan(project, "scripted-only", emulator.Step{Status: http.StatusNotFound, Body: []byte(`{"error_code":"SVCSTG.00100433","error_msg":"scripted"}`)})

	for i, want := range []int{503, 503, 200, 200} {
		a := do(t, http.DefaultTransport, apiGet(t, base, listPath, token))
		if a.status != want {
			t.Errorf("list read %d: HTTP %d, want %d", i+1, a.status, want)
		}
		if want == 503 && a.header.Get("Retry-After") != "1" {
			t.Errorf("list read %d: Retry-After %q, want 1", i+1, a.header.Get("Retry-After"))
		}
		if want == 200 && !bytes.Equal(a.body, listBody) {
			t.Errorf("list read %d: %s, want the script's bytes", i+1, a.body)
		}
	}
	if n := srv.ListReads(project); n != 4 {
		t.Errorf("ListReads = %d, want 4", n)
	}
	a := do(t, http.DefaultTransport, apiGet(t, base, detailsPath, token))
	if a.status != http.StatusOK || !bytes.Equal(a.body, detailsBody) {
		t.Errorf("details: HTTP %d %s, want the script's bytes", a.status, a.body)
	}
	wantError(t, "scripted 404", do(t, http.DefaultTransport, apiGet(t, base, listPath+"/scripted-only", token)), http.StatusNotFound, "SVCSTG.00100433")
	if n := srv.ReleasePlanReads(project, releasePlan); n != 1 {
		t.Errorf("ReleasePlanReads = %d, want 1", n)
	}
}
