package servicestage

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// fastSeeds are bodies for FuzzDecodeFastMatchesCareful. The ones marked
// accept must take the fast path.
var fastSeeds = []struct {
	body   string
	accept bool
}{
	{`{"id":"t","components":[]}`, true},
	{`{"id":"t","components":null}`, true},
	{`{"id":null}`, true},
	{`{}`, true},
	{` {"id":"t"} ` + "\n", true},
	{`{"id":"t","components":[{"name":"a","seq":"2","job_status":"RUNNING","start_time":"1722933924962","end_time":"0",` +
		`"rollback_start_time":null,"rollback_end_time":"","rollback_job_status":"CREATED","extra":{"a":[1,{"b":null}]}}]}`, true},
	{`{"id":"t","components":[{"seq":1.0,"start_time":1.722933924962e12,"end_time":9223372036854775807,` +
		`"rollback_start_time":-9223372036854775808,"rollback_end_time":"9007199254740993"}]}`, true},
	{`{"id":"t\u00e9\n","components":[{"name":"caf\u00e9 \"x\"","fail_message":"日本","seq":"\u0033","start_time":0}]}`, true},
	{`{"id":"t","components":[{"seq":"+5","end_time":"1e3","start_time":-0}]}`, true},
	{`{"ID":"a","id":"b","components":[{"SEQ":"3","seq":4,"Start_Time":"5"}]}`, false},
	{`{"Components":[{"job_id":"0","job_id":null}]}`, false},
	{`{"id":"t","components":[{"job_id":"0","job_id":null}]}`, false},
	{`{"id":"t","components":[{"name":"x","seq":1.5}]}`, false},
	{`{"id":"t","components":[{"seq":1,}]}`, false},
	{`{"id":"t","components":[{"name":"api","seq":"first"}]}`, false},
	{`{"id":"t","components":[null]}`, false},
	{`{"id":"t","components":[{"seq":true}]}`, false},
	{`{"id":1}`, false},
	{`{"id":"t","components":{}}`, false},
	{`{"id":"t","components":[{"name":"\ud800"}]}`, false},
	{"{\"id\":\"t\xff\"}", false},
	{`{"id":"t","components":[{"\u212aey":1,"ſeq":2}]}`, false},
	{`{"id":"t"} {}`, false},
	{`{"id":"t"`, false},
	{`null`, false},
	{`[]`, false},
	{`<html><body>502 Bad Gateway</body></html>`, false},
}

func TestDecodeFastSeeds(t *testing.T) {
	for _, s := range fastSeeds {
		fast, ok := decodeDeployInfoFast([]byte(s.body))
		if ok != s.accept {
			t.Errorf("fast path ok = %v for %s, want %v", ok, s.body, s.accept)
		}
		compareFastCareful(t, []byte(s.body), fast, ok)
	}
}

// TestDecodeFastAcceptsExample checks that the documented example and the
// emulator's bodies take the fast path.
func TestDecodeFastAcceptsExample(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzDecodeDeployInfo")
	for _, name := range []string{"example", "contradictions", "numbers"} {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		// The file is "go test fuzz v1" then []byte("…").
		_, lit, _ := strings.Cut(string(raw), "[]byte(")
		body, err := strconv.Unquote(strings.TrimSuffix(strings.TrimSpace(lit), ")"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fast, ok := decodeDeployInfoFast([]byte(body))
		if !ok {
			t.Errorf("%s: fast path gave up", name)
		}
		compareFastCareful(t, []byte(body), fast, ok)
	}
}

// FuzzDecodeFastMatchesCareful checks that whenever the fast path accepts a
// body, the careful path accepts it too and reads exactly the same.
func FuzzDecodeFastMatchesCareful(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fast, ok := decodeDeployInfoFast(body)
		compareFastCareful(t, body, fast, ok)
	})
}

func compareFastCareful(t *testing.T, body []byte, fast *DeployInfo, ok bool) {
	t.Helper()
	if !ok {
		if fast != nil {
			t.Fatalf("fast path gave up on %q with a result", body)
		}
		return
	}
	careful, err := decodeDeployInfoCareful(body)
	if err != nil {
		t.Fatalf("fast path accepted %q, careful path says %v", body, err)
	}
	if !reflect.DeepEqual(fast, careful) {
		t.Fatalf("for %q:\nfast    %+v\ncareful %+v", body, fast, careful)
	}
}
