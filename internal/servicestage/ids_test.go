package servicestage

import (
	"strings"
	"testing"
)

func TestValidateIDAccepts(t *testing.T) {
	t.Parallel()
	for _, id := range []string{
		"716eda33-dbc6-47f3-953f-29119edd5e5c", // release task (UUID)
		"0a1b2c3d4e5f60718293a4b5c6d7e8f9",     // project ID (32 hex)
		"JOB6999c66d-cb39-4c46-9f98-893b704300e0",
		"a.b",
		"a_b-c~d",
		strings.Repeat("a", MaxIDLength),
	} {
		if err := ValidateID(id); err != nil {
			t.Errorf("ValidateID(%q) = %v, want nil", id, err)
		}
	}
}

func TestValidateIDRejects(t *testing.T) {
	t.Parallel()
	for _, id := range []string{
		"", "/", "a/b", "/a", "a/", ".", "..", "a..b", "../p", "%2F", "a%2e%2e", "a b", " a", "a\n",
		"\t", "\x00", "a\x7f", "\\", `a\b`, "a?b", "a#b", "\xff", "a\u2028b",
		strings.Repeat("a", MaxIDLength+1),
	} {
		err := ValidateID(id)
		if err == nil {
			t.Errorf("ValidateID(%q) = nil, want an error", id)
			continue
		}
		if msg := err.Error(); strings.ContainsAny(msg, "\x00\n\t") {
			t.Errorf("ValidateID(%q) error %q holds raw control characters", id, msg)
		}
	}
}
