package typedstate

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// FuzzStateOfAnyAnswer decodes any body into testItem and builds its state:
// no answer may panic, a null where an object is expected is an error that
// says so, a built state always fits its type, and its encoding is
// tfprotov6's byte for byte.
func FuzzStateOfAnyAnswer(f *testing.F) {
	full, err := json.Marshal(map[string]any{"id": "i", "desc": "d", "name": "n", "size": 3,
		"parts": []any{map[string]any{"name": "a", "count": 0}, map[string]any{"name": "b"}}, "owner": map[string]any{"name": "o", "count": -1}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(full)
	for _, seed := range []string{`{}`, `null`, `{"parts":[null]}`, `{"parts":[{"count":9007199254740993}]}`, `{"owner":null,"name":"dépl\u00f8y"}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var item *testItem
		if json.Unmarshal(body, &item) != nil {
			return
		}
		values := Values{}
		if err := SetObject(values, testItemObject, item); err != nil {
			if !strings.Contains(err.Error(), "null") {
				t.Fatalf("an answer that decodes fails with %v; only a null may", err)
			}
			return
		}
		state, err := values.Value(testItemObject.tfType)
		if err != nil {
			t.Fatalf("a decoded answer does not fit its type: %v", err)
		}
		want, wantErr := tfprotov6.NewDynamicValue(testItemObject.tfType, state)
		got, err := dynamicValue(testItemObject.tfType, state)
		if (err != nil) != (wantErr != nil) || !bytes.Equal(got.MsgPack, want.MsgPack) {
			t.Fatalf("dynamicValue: %x, %v; tfprotov6: %x, %v", got.MsgPack, err, want.MsgPack, wantErr)
		}
	})
}
