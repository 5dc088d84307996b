package servicestage

import (
	"fmt"
	"strings"
	"testing"
)

// benchComponent is one realistic component: a finished deployment with a
// mix of the documented type contradictions.
func benchComponent(i int) string {
	return fmt.Sprintf(`{"job_id":"JOB6999c66d-cb39-4c46-9f98-%012d","status":"SUCCESS","job_status":"SUCCEEDED",`+
		`"name":"component-%d","id":"df49e875-000c-4d69-8f45-%012d","seq":%d,"version":"2024.0802.18390",`+
		`"rollback_job_id":null,"start_time":%d,"end_time":"%d","rollback_job_status":null,`+
		`"rollback_start_time":0,"rollback_end_time":"0","fail_message":null,"rollback_fail_message":null}`,
		i, i, i, i%10+1, 1722933924962+int64(i), 1722933950018+int64(i))
}

func benchBody(n int) []byte {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = benchComponent(i)
	}
	return []byte(`{"id":"716eda33-dbc6-47f3-953f-29119edd5e5c","components":[` + strings.Join(parts, ",") + `]}`)
}

func BenchmarkDecodeDeployInfo(b *testing.B) {
	for _, n := range []int{1, 100, 10_000} {
		body := benchBody(n)
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				info, err := DecodeDeployInfo(body)
				if err != nil || len(info.Components) != n {
					b.Fatalf("%d components, %v", len(info.Components), err)
				}
			}
		})
	}
}
