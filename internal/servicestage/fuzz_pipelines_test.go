package servicestage

import "testing"

// addPipelineSeeds seeds with the shape of the reference's example answer,
// in both list shapes, the details, and the type contradictions the API allows.
func addPipelineSeeds(f *testing.F) {
	for _, seed := range []string{
		pipelineListExample, `{"pipelines": ` + pipelineListExample + `}`,
		`{"id":"4105b37a","name":"n","model_version":"2","config_mode":"ui","fail_mode":"stop","pipeline_declaration":{"stages":[]}}`,
		`[null]`, `{"pipelines":[null]}`, `{"pipelines":null}`, `null`, `[]`, `{}`, `"x"`,
		`[{"id":"a","status":"4","create_time":"0","last_trigger_at":null,"creator":null}]`,
		`[{"id":"a","status":99,"update_time":"x"}]`,
	} {
		f.Add([]byte(seed))
	}
}

func FuzzDecodePipelineList(f *testing.F) {
	addPipelineSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		list, err := DecodePipelineList(body)
		checkDecoded(t, body, list, err, func(l *PipelineList) bool {
			for _, p := range l.Pipelines {
				if p == nil {
					return true
				}
				if p.Status != PipelineStatusWord(p.StatusCode) {
					t.Fatalf("status %q for code %v", p.Status, p.StatusCode)
				}
			}
			return false
		})
	})
}

func FuzzDecodePipeline(f *testing.F) {
	addPipelineSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := DecodePipeline(body)
		checkDecoded(t, body, p, err, func(*Pipeline) bool { return false })
	})
}
