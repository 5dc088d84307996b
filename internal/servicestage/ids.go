package servicestage

import (
	"fmt"
	"strings"
	"unicode"
)

// MaxIDLength bounds IDs; real ones are 32-character project IDs and UUIDs.
const MaxIDLength = 128

// ValidateID checks that value can stand alone as one URL path segment, so
// that no ID can redirect a request to another path. It returns a sentence
// fit for a diagnostic, or nil.
func ValidateID(value string) error {
	switch {
	case value == "":
		return fmt.Errorf("must not be empty")
	case len(value) > MaxIDLength:
		return fmt.Errorf("must be at most %d characters long, got %d", MaxIDLength, len(value))
	case value == "." || strings.Contains(value, ".."):
		return fmt.Errorf("must not contain %q", "..")
	}
	for _, r := range value {
		switch {
		case r == '/' || r == '\\' || r == '%' || r == '?' || r == '#':
			return fmt.Errorf("must not contain %q: an ID is one path segment", r)
		case unicode.IsSpace(r):
			return fmt.Errorf("must not contain whitespace")
		case unicode.IsControl(r) || r == unicode.ReplacementChar:
			return fmt.Errorf("must not contain control or invalid characters")
		}
	}
	return nil
}
