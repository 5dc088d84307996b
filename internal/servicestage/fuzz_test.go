package servicestage

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

// FuzzDecodeDeployInfo checks that no body makes the decoder panic, that
// every failure is a *DecodeError, and that every success agrees with a
// plain encoding/json reading of the same body.
func FuzzDecodeDeployInfo(f *testing.F) {
	// The seed corpus is testdata/fuzz/FuzzDecodeDeployInfo.
	f.Fuzz(func(t *testing.T, body []byte) {
		info, err := DecodeDeployInfo(body)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is a %T, not a *DecodeError", err, err)
			}
			if info != nil || err.Error() == "" {
				t.Fatalf("info %v with error %q", info, err)
			}
			return
		}
		if info == nil {
			t.Fatal("nil info without an error")
		}
		if !json.Valid(body) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		checkStatusInvariants(t, info)
		checkAgainstReference(t, body, info)
	})
}

func checkStatusInvariants(t *testing.T, info *DeployInfo) {
	t.Helper()
	failed := 0
	for i, c := range info.Components {
		for name, v := range map[string]Int64{
			"start_time": c.StartTime.Int64, "end_time": c.EndTime.Int64,
			"rollback_start_time": c.RollbackStartTime.Int64, "rollback_end_time": c.RollbackEndTime.Int64,
		} {
			if v.Valid && v.Value == 0 {
				t.Errorf("component %d: %s is a valid 0, want null", i, name)
			}
		}
		for name, v := range map[string]Int64{"seq": c.Seq, "start_time": c.StartTime.Int64, "end_time": c.EndTime.Int64} {
			if !v.Valid && v.Value != 0 {
				t.Errorf("component %d: %s is null but holds %d", i, name, v.Value)
			}
		}
		if c.Failed() {
			failed++
		}
		if c.JobStatus != JobSucceeded && c.JobStatus != JobFailed && c.Status != ComponentAborted && !c.Pending() {
			t.Errorf("component %d: job status %q not pending", i, c.JobStatus)
		}
	}
	if info.Completed() != (len(info.PendingComponents()) == 0) {
		t.Errorf("Completed() %v with %d pending components", info.Completed(), len(info.PendingComponents()))
	}
	if info.AllSucceeded() && len(info.Components) == 0 {
		t.Error("AllSucceeded() with no components")
	}
	if got := len(info.FailedComponents()); got != failed {
		t.Errorf("FailedComponents() has %d names, %d components failed", got, failed)
	}
}

// checkAgainstReference decodes body with encoding/json alone (numbers kept
// as text) and compares what both readings say about every field whose key
// is not ambiguous (encoding/json matches keys case-insensitively).
func checkAgainstReference(t *testing.T, body []byte, info *DeployInfo) {
	t.Helper()
	// With a key given twice, a struct keeps the first value where the
	// second is null, while a map keeps the last: the readings may differ.
	if hasDuplicateKeys(body) {
		return
	}
	var ref struct {
		ID         string           `json:"id"`
		Components []map[string]any `json:"components"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&ref); err != nil {
		t.Fatalf("encoding/json rejects a body the decoder accepted: %v", err)
	}
	if ref.ID != info.ID || len(ref.Components) != len(info.Components) {
		t.Fatalf("id %q with %d components, reference says %q with %d", info.ID, len(info.Components), ref.ID, len(ref.Components))
	}
	for i, m := range ref.Components {
		c := info.Components[i]
		strs := map[string]string{
			"id": c.ID, "name": c.Name, "version": c.Version, "status": c.Status, "job_id": c.JobID,
			"job_status": c.JobStatus, "fail_message": c.FailMessage, "rollback_job_id": c.RollbackJobID,
			"rollback_job_status": c.RollbackJobStatus, "rollback_fail_message": c.RollbackFailMessage,
		}
		for field, got := range strs {
			v, ok := lookup(m, field)
			if !ok {
				continue
			}
			if want, _ := v.(string); got != want {
				t.Errorf("component %d %s: %q, reference %#v", i, field, got, v)
			}
		}
		ints := map[string]Int64{
			"seq": c.Seq, "start_time": c.StartTime.Int64, "end_time": c.EndTime.Int64,
			"rollback_start_time": c.RollbackStartTime.Int64, "rollback_end_time": c.RollbackEndTime.Int64,
		}
		for field, got := range ints {
			v, ok := lookup(m, field)
			if !ok {
				continue
			}
			var text string
			switch v := v.(type) {
			case nil:
			case json.Number:
				text = string(v)
			case string:
				text = v
			default:
				t.Errorf("component %d %s: accepted JSON %T %v", i, field, v, v)
				continue
			}
			if text == "" {
				if got.Valid {
					t.Errorf("component %d %s: %+v from null or \"\"", i, field, got)
				}
				continue
			}
			if n, err := strconv.ParseInt(text, 10, 64); err == nil {
				want := Int64{Value: n, Valid: true}
				if field != "seq" && n == 0 {
					want = Int64{}
				}
				if got != want {
					t.Errorf("component %d %s: %+v from %q, want %+v", i, field, got, text, want)
				}
				continue
			}
			if f, err := strconv.ParseFloat(text, 64); err == nil && !math.IsInf(f, 0) && f != math.Trunc(f) {
				t.Errorf("component %d %s: accepted the fraction %q as %+v", i, field, text, got)
			}
		}
	}
}

// lookup finds the one key of m that encoding/json would match to field.
func lookup(m map[string]any, field string) (any, bool) {
	var found any
	n := 0
	for k, v := range m {
		if strings.EqualFold(k, field) {
			found, n = v, n+1
		}
	}
	return found, n == 1
}

// hasDuplicateKeys reports whether some JSON object in body names a key twice,
// comparing keys case-insensitively as encoding/json matches them.
func hasDuplicateKeys(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		keys      map[string]bool
		expectKey bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.keys != nil && top.expectKey {
			if key, ok := tok.(string); ok {
				k := strings.ToLower(key)
				if top.keys[k] {
					return true
				}
				top.keys[k] = true
				top.expectKey = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			if top != nil && top.keys != nil {
				top.expectKey = true
			}
			stack = append(stack, &frame{keys: map[string]bool{}, expectKey: true})
		case json.Delim('['):
			if top != nil && top.keys != nil {
				top.expectKey = true
			}
			stack = append(stack, &frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		default:
			if top != nil && top.keys != nil {
				top.expectKey = true
			}
		}
	}
}
