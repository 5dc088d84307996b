package servicestage

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
)

// addReleasePlanSeeds seeds with the documented examples of the list and
// details answers (testdata/*-example.json, from the API reference) and the
// shapes the API's type contradictions allow.
func addReleasePlanSeeds(f *testing.F) {
	for _, file := range []string{"testdata/list-example.json", "testdata/details-example.json", "testdata/example.json"} {
		body, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	for _, seed := range []string{
		`{"count":"3","release_plans":[]}`, `{"release_plans":null}`, `{"release_plans":[null]}`,
		`{"components":[null]}`, `{"components":[{"seq":"x"}]}`, `null`, `[]`, `{}`,
		`{"release_plans":[{"id":"a","create_time":"0","execute_time":null,"creator":null}]}`,
	} {
		f.Add([]byte(seed))
	}
}

// checkDecoded holds for every decoder: a failure is a *DecodeError and
// nothing else, a success came from valid JSON, and no list holds a null.
func checkDecoded[T any](t *testing.T, body []byte, v *T, err error, nulls func(*T) bool) {
	t.Helper()
	if err != nil {
		var de *DecodeError
		if !errors.As(err, &de) || v != nil || err.Error() == "" {
			t.Fatalf("value %v, error %v (%T): want nil and a *DecodeError", v, err, err)
		}
		return
	}
	if v == nil || !json.Valid(body) {
		t.Fatalf("accepted %q as %v", body, v)
	}
	if nulls(v) {
		t.Fatalf("%q decoded with a null list element", body)
	}
}

func FuzzDecodeReleasePlanList(f *testing.F) {
	addReleasePlanSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		list, err := DecodeReleasePlanList(body)
		checkDecoded(t, body, list, err, func(l *ReleasePlanList) bool {
			for _, p := range l.ReleasePlans {
				if p == nil {
					return true
				}
			}
			return false
		})
	})
}

func FuzzDecodeReleasePlan(f *testing.F) {
	addReleasePlanSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		plan, err := DecodeReleasePlan(body)
		checkDecoded(t, body, plan, err, func(p *ReleasePlan) bool {
			for _, c := range p.Components {
				if c == nil {
					return true
				}
			}
			return false
		})
	})
}
