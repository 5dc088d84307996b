package servicestage

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	body, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestDecodeDeployInfoExampleResponse(t *testing.T) {
	t.Parallel()
	info, err := DecodeDeployInfo(readTestdata(t, "example.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := &DeployInfo{
		ID: "716eda33-dbc6-47f3-953f-29119edd5e5c",
		Components: []*Component{{
			ID:        "df49e875-000c-4d69-8f45-c4f384549e1b",
			Name:      "sch",
			Version:   "2024.0802.18390",
			Seq:       Int64{Value: 1, Valid: true},
			Status:    "RUNNING",
			JobID:     "JOB6999c66d-cb39-4c46-9f98-893b704300e0",
			JobStatus: "SUCCEEDED",
			StartTime: Time{Int64{Value: 1722933924962, Valid: true}},
			EndTime:   Time{Int64{Value: 1722933950018, Valid: true}},
			// rollback_* are null or 0 in the example: all "not set".
		}},
	}
	if !reflect.DeepEqual(info, want) {
		t.Errorf("got  %+v\nwant %+v", info, want)
	}
	if !info.Completed() || !info.AllSucceeded() || len(info.FailedComponents()) != 0 {
		t.Errorf("completed %v, all_succeeded %v, failed %v; want true, true, []",
			info.Completed(), info.AllSucceeded(), info.FailedComponents())
	}
}

// component returns the JSON of one component: a base with every field set,
// then overrides, where a value of "<absent>" deletes the field and any other
// value is raw JSON.
func component(overrides map[string]string) string {
	fields := map[string]string{
		"id":                    `"c1"`,
		"name":                  `"web"`,
		"version":               `"1.0.0"`,
		"seq":                   `1`,
		"status":                `"SUCCESS"`,
		"job_id":                `"JOB1"`,
		"job_status":            `"SUCCEEDED"`,
		"start_time":            `1722933924962`,
		"end_time":              `1722933950018`,
		"fail_message":          `null`,
		"rollback_job_id":       `null`,
		"rollback_job_status":   `null`,
		"rollback_start_time":   `0`,
		"rollback_end_time":     `0`,
		"rollback_fail_message": `null`,
	}
	for k, v := range overrides {
		if v == "<absent>" {
			delete(fields, k)
		} else {
			fields[k] = v
		}
	}
	parts := make([]string, 0, len(fields))
	for k, v := range fields {
		parts = append(parts, `"`+k+`":`+v)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func body(components ...string) []byte {
	return []byte(`{"id":"task-1","components":[` + strings.Join(components, ",") + `]}`)
}

func decodeOne(t *testing.T, overrides map[string]string) Component {
	t.Helper()
	info, err := DecodeDeployInfo(body(component(overrides)))
	if err != nil {
		t.Fatalf("decoding %v: %v", overrides, err)
	}
	if len(info.Components) != 1 {
		t.Fatalf("got %d components, want 1", len(info.Components))
	}
	return *info.Components[0]
}

func TestDecodeDeployInfoSeq(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw  string
		want Int64
	}{
		{`3`, Int64{3, true}},
		{`"3"`, Int64{3, true}},
		{`0`, Int64{0, true}}, // seq is not a time: 0 is a value
		{`"0"`, Int64{0, true}},
		{`-2`, Int64{-2, true}},
		{`""`, Int64{}},
		{`null`, Int64{}},
		{`<absent>`, Int64{}},
		{`2.0`, Int64{2, true}},
		{`2e0`, Int64{2, true}},
		{`1.5e1`, Int64{15, true}},
		{`100e-2`, Int64{1, true}},
		{`-1.0`, Int64{-1, true}},
		{`0.0e99999999999999999999`, Int64{0, true}},
		{`"3.0"`, Int64{3, true}},
		{`9.223372036854775807e18`, Int64{9223372036854775807, true}},
		{`"9223372036854775807"`, Int64{9223372036854775807, true}},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			t.Parallel()
			if got := decodeOne(t, map[string]string{"seq": tt.raw}).Seq; got != tt.want {
				t.Errorf("seq %s: got %+v, want %+v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestDecodeDeployInfoTimes(t *testing.T) {
	t.Parallel()
	const ms = 1722933924962
	tests := []struct {
		raw  string
		want Int64
	}{
		{`1722933924962`, Int64{ms, true}},
		{`"1722933924962"`, Int64{ms, true}},
		{`0`, Int64{}},
		{`"0"`, Int64{}},
		{`-0`, Int64{}},
		{`null`, Int64{}},
		{`<absent>`, Int64{}},
		{`""`, Int64{}},
		{`1.722933924962e12`, Int64{ms, true}},
		// Beyond float64's 2^53: must stay exact, so never go through a float.
		{`9007199254740993`, Int64{9007199254740993, true}},
		{`"9007199254740993"`, Int64{9007199254740993, true}},
		{`9223372036854775807`, Int64{9223372036854775807, true}},
		{`-9223372036854775808`, Int64{-9223372036854775808, true}},
	}
	fields := []string{"start_time", "end_time", "rollback_start_time", "rollback_end_time"}
	get := map[string]func(Component) Int64{
		"start_time":          func(c Component) Int64 { return c.StartTime.Int64 },
		"end_time":            func(c Component) Int64 { return c.EndTime.Int64 },
		"rollback_start_time": func(c Component) Int64 { return c.RollbackStartTime.Int64 },
		"rollback_end_time":   func(c Component) Int64 { return c.RollbackEndTime.Int64 },
	}
	for _, field := range fields {
		for _, tt := range tests {
			t.Run(field+"="+tt.raw, func(t *testing.T) {
				t.Parallel()
				c := decodeOne(t, map[string]string{field: tt.raw})
				if got := get[field](c); got != tt.want {
					t.Errorf("%s %s: got %+v, want %+v", field, tt.raw, got, tt.want)
				}
			})
		}
	}
}

func TestDecodeDeployInfoStrings(t *testing.T) {
	t.Parallel()
	fields := map[string]func(Component) string{
		"id":                    func(c Component) string { return c.ID },
		"name":                  func(c Component) string { return c.Name },
		"version":               func(c Component) string { return c.Version },
		"status":                func(c Component) string { return c.Status },
		"job_id":                func(c Component) string { return c.JobID },
		"job_status":            func(c Component) string { return c.JobStatus },
		"fail_message":          func(c Component) string { return c.FailMessage },
		"rollback_job_id":       func(c Component) string { return c.RollbackJobID },
		"rollback_job_status":   func(c Component) string { return c.RollbackJobStatus },
		"rollback_fail_message": func(c Component) string { return c.RollbackFailMessage },
	}
	for field, get := range fields {
		for _, raw := range []string{`null`, `<absent>`, `""`} {
			t.Run(field+"="+raw, func(t *testing.T) {
				t.Parallel()
				if got := get(decodeOne(t, map[string]string{field: raw})); got != "" {
					t.Errorf("%s %s: got %q, want empty", field, raw, got)
				}
			})
		}
		t.Run(field+"=value", func(t *testing.T) {
			t.Parallel()
			if got := get(decodeOne(t, map[string]string{field: `"x\u00e9 y"`})); got != "xé y" {
				t.Errorf("%s: got %q, want %q", field, got, "xé y")
			}
		})
	}
}

func TestDecodeDeployInfoPassesUnknownStatusesThrough(t *testing.T) {
	t.Parallel()
	c := decodeOne(t, map[string]string{"status": `"SOMETHING_NEW"`, "job_status": `"paused"`})
	if c.Status != "SOMETHING_NEW" || c.JobStatus != "paused" {
		t.Errorf("status %q, job_status %q: want them unchanged", c.Status, c.JobStatus)
	}
}

func TestDecodeDeployInfoIgnoresUnknownFields(t *testing.T) {
	t.Parallel()
	b := []byte(`{"id":"t","extra":{"deep":[1,2,{"x":null}]},"count":3,"components":[` +
		component(map[string]string{"new_field": `{"a":[1]}`, "region": `"ap-southeast-3"`}) + `]}`)
	info, err := DecodeDeployInfo(b)
	if err != nil {
		t.Fatal(err)
	}
	if info.ID != "t" || len(info.Components) != 1 || info.Components[0].Name != "web" {
		t.Errorf("got %+v", info)
	}
}

func TestDecodeDeployInfoComponentsList(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"empty":  `{"id":"t","components":[]}`,
		"null":   `{"id":"t","components":null}`,
		"absent": `{"id":"t"}`,
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			info, err := DecodeDeployInfo([]byte(b))
			if err != nil {
				t.Fatal(err)
			}
			if info.ID != "t" || len(info.Components) != 0 {
				t.Errorf("got %+v, want id t and no components", info)
			}
			if !info.Completed() || info.AllSucceeded() {
				t.Errorf("completed %v, all_succeeded %v; want true, false", info.Completed(), info.AllSucceeded())
			}
			if got := info.FailedComponents(); got == nil || len(got) != 0 {
				t.Errorf("failed components %#v, want an empty, non-nil list", got)
			}
		})
	}
}

func TestDecodeDeployInfoKeepsAPIOrder(t *testing.T) {
	t.Parallel()
	names := []string{"zeta", "alpha", "mid", "alpha"}
	var comps []string
	for _, n := range names {
		comps = append(comps, component(map[string]string{"name": `"` + n + `"`}))
	}
	info, err := DecodeDeployInfo(body(comps...))
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		if info.Components[i].Name != n {
			t.Errorf("component %d is %q, want %q", i, info.Components[i].Name, n)
		}
	}
}

// TestDecodeDeployInfoRejectsNonIntegers checks that a number that is not an
// integer, or a string that is not a number, names component, name and field.
func TestDecodeDeployInfoRejectsNonIntegers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field, raw string
	}{
		{"seq", `"first"`},
		{"seq", `"1.5"`},
		{"seq", `1.5`},
		{"seq", `true`},
		{"seq", `{}`},
		{"seq", `[1]`},
		{"seq", `" 1"`},
		{"seq", `"1_000"`},               // Go syntax, not a number
		{"seq", `"0x1p4"`},               // Go hex float, not a number
		{"seq", `"Inf"`},                 // not a number
		{"seq", `"NaN"`},                 // not a number
		{"seq", `1e-3`},                  // a fraction in exponent form
		{"seq", `1.0000000000000000001`}, // a fraction a float64 would round away
		{"start_time", `1722933924962.5`},
		{"end_time", `"abc"`},
		{"rollback_start_time", `"12:00"`},
		{"rollback_end_time", `false`},
		{"start_time", `9223372036854775808`},  // 2^63, one past int64
		{"start_time", `-9223372036854775809`}, // one below
		{"start_time", `9.3e18`},
		{"start_time", `"9223372036854775808"`},
		{"start_time", `1e400`},
	}
	for _, tt := range tests {
		t.Run(tt.field+"="+tt.raw, func(t *testing.T) {
			t.Parallel()
			ok := component(nil)
			bad := component(map[string]string{"name": `"api"`, tt.field: tt.raw})
			_, err := DecodeDeployInfo(body(ok, bad))
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("%s %s: got error %v, want a *DecodeError", tt.field, tt.raw, err)
			}
			if de.Index != 1 || de.Name != "api" || de.Field != tt.field {
				t.Errorf("got component %d %q field %q, want 1 \"api\" %q", de.Index, de.Name, de.Field, tt.field)
			}
			msg := err.Error()
			for _, want := range []string{"component 1", `"api"`, `"` + tt.field + `"`} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not contain %s", msg, want)
				}
			}
		})
	}
}

func TestDecodeDeployInfoWrongTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, wantField string
		wantComponent         int
	}{
		{"id is a number", `{"id":5,"components":[]}`, "id", -1},
		{"components is an object", `{"id":"t","components":{}}`, "components", -1},
		{"name is a number", `{"id":"t","components":[{"name":5}]}`, "name", 0},
		{"component is a string", `{"id":"t","components":["x"]}`, "", 0},
		{"body is an array", `[]`, "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := DecodeDeployInfo([]byte(tt.body))
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a *DecodeError", err)
			}
			if de.Field != tt.wantField || de.Index != tt.wantComponent {
				t.Errorf("got component %d field %q, want %d %q (%v)", de.Index, de.Field, tt.wantComponent, tt.wantField, err)
			}
		})
	}
}

func TestDecodeDeployInfoNullComponent(t *testing.T) {
	t.Parallel()
	_, err := DecodeDeployInfo(body(component(nil), "null"))
	var de *DecodeError
	if !errors.As(err, &de) || de.Index != 1 {
		t.Fatalf("got %v, want a *DecodeError for component 1", err)
	}
	if !strings.Contains(err.Error(), "component 1") || !strings.Contains(err.Error(), "null") {
		t.Errorf("error %q should name component 1 and say it is null", err)
	}
}

func TestDecodeDeployInfoSyntaxErrors(t *testing.T) {
	t.Parallel()
	example := readTestdata(t, "example.json")
	tests := []struct {
		name       string
		body       []byte
		wantOffset int64
		wantText   string
	}{
		{"malformed", []byte(`{"id":"t","components":[}`), 25, "malformed JSON"},
		{"trailing comma", []byte(`{"id":"t",}`), 11, "malformed JSON"},
		{"trailing garbage", []byte(`{"id":"t"}x`), 11, "malformed JSON"},
		{"html", []byte("<html><body><h1>502 Bad Gateway</h1></body></html>\n"), 1, "malformed JSON"},
		{"single character", []byte(`<`), 1, "malformed JSON"},
		{"truncated", example[:len(example)/2], int64(len(example) / 2), "truncated JSON"},
		{"truncated in a component", body(component(nil))[:40], 40, "truncated JSON"},
		{"empty", []byte{}, 0, "truncated JSON"},
		{"whitespace", []byte("  \n"), 3, "truncated JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := DecodeDeployInfo(tt.body)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a *DecodeError", err)
			}
			if de.Offset != tt.wantOffset {
				t.Errorf("offset %d, want %d (%v)", de.Offset, tt.wantOffset, err)
			}
			if !strings.Contains(err.Error(), tt.wantText) || !strings.Contains(err.Error(), "byte offset") {
				t.Errorf("error %q should say %q and give a byte offset", err, tt.wantText)
			}
		})
	}
}

func TestDecodeDeployInfoRejectsNonObjects(t *testing.T) {
	for body, want := range map[string]string{
		` null `:                   "the body is null, not a JSON object",
		`{"components":["x"]}`:     `component 0: expected a JSON object, got JSON string`,
		`{"components":{}}`:        `field "components" at byte offset 15: expected a JSON array, got JSON object`,
		`{"id":5,"components":[]}`: `field "id" at byte offset 7: expected a JSON string, got JSON number`,
	} {
		_, err := DecodeDeployInfo([]byte(body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("DecodeDeployInfo(%s) = %v, want an error containing %q", body, err, want)
		}
	}
}
