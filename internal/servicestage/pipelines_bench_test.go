package servicestage

import (
	"fmt"
	"strings"
	"testing"
)

// pipelineListBody is a list answer of n tasks shaped like the API's.
func pipelineListBody(n int) []byte {
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":"00000000-0000-4000-8000-%012d","name":"pipeline-%04d","description":"release 2026.1101.0000",`+
			`"create_time":%d,"update_time":%d,"model_version":2,"config_mode":"ui","status":2,"creator":"ci",`+
			`"last_trigger_at":%d,"enterprise_project_id":"0","version":1}`, i, i, 1761955200000+int64(i)*60000,
			1761955200000+int64(i)*60000, 1761955260000+int64(i)*60000)
	}
	b.WriteString("]")
	return []byte(b.String())
}

// BenchmarkDecodePipelineList prices the list a servicestage_pipeline read
// shares with the reads that overlap it: 1,000 tasks.
func BenchmarkDecodePipelineList(b *testing.B) {
	body := pipelineListBody(1000)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := DecodePipelineList(body); err != nil {
			b.Fatal(err)
		}
	}
}
