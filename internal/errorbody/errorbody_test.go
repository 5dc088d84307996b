package errorbody

import (
	"net/http"
	"strings"
	"testing"
	"unicode"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string
		body   string
		want   Fields
		ok     bool
	}{
		{"servicestage", "", `{"error_code":"SVCSTG.00100404","error_msg":"not found","request_id":"r-1"}`,
			Fields{"SVCSTG.00100404", "not found", "r-1"}, true},
		{"header request ID wins", "h-1", `{"error_code":"C","error_msg":"m","request_id":"r-1"}`,
			Fields{"C", "m", "h-1"}, true},
		{"gateway code/message", "", `{"code":"APIGW.0308","message":"over ratelimit"}`,
			Fields{"APIGW.0308", "over ratelimit", ""}, true},
		{"keystone numeric code", "", `{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}`,
			Fields{"401", "The username or password is wrong.", ""}, true},
		{"keystone null code, title only", "", `{"error":{"code":null,"title":"Unauthorized"}}`,
			Fields{"", "Unauthorized", ""}, true},
		{"not JSON", "h-2", `<html>502</html>`, Fields{RequestID: "h-2"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tt.header != "" {
				h.Set("X-Request-Id", tt.header)
			}
			got, ok := Parse(h, []byte(tt.body))
			if got != tt.want || ok != tt.ok {
				t.Errorf("Parse = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestExcerptSanitises(t *testing.T) {
	t.Parallel()
	got := Excerpt([]byte("<html>\n\t<title>502\x1b[31m Bad\x00 Gateway</title>\r\n</html>\xff"), 200)
	if want := "<html> <title>502 [31m Bad Gateway</title> </html>?"; got != want {
		t.Errorf("Excerpt = %q, want %q", got, want)
	}
}

func TestExcerptCutsOnRuneBoundary(t *testing.T) {
	t.Parallel()
	s := strings.Repeat("é", 20) // two bytes each
	for n := 0; n <= 41; n++ {
		got := Excerpt([]byte(s), n)
		if !strings.HasSuffix(got, "…") && len(s) > n {
			t.Errorf("Excerpt(%d) = %q: no ellipsis", n, got)
		}
		if strings.ContainsRune(got, unicode.ReplacementChar) || len(strings.TrimSuffix(got, "…")) > n {
			t.Errorf("Excerpt(%d) = %q: broken rune or too long", n, got)
		}
	}
}
