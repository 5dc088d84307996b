package servicestage

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Int64 is an integer the API may send as a JSON number or a numeric
// string; null, an absent field and "" leave it unset (Valid false).
type Int64 struct {
	Value int64
	Valid bool
}

// Get returns the value and whether it is set.
func (n Int64) Get() (int64, bool) { return n.Value, n.Valid }

// UnmarshalJSON accepts a number, a numeric string, null or "". A value that
// is neither is reported as an *json.UnmarshalTypeError whose Value is the
// reason, so that encoding/json adds the field's name to it.
func (n *Int64) UnmarshalJSON(raw []byte) error {
	v, err := parseInt64(raw)
	if err != nil {
		return &json.UnmarshalTypeError{Value: err.Error(), Type: int64Type}
	}
	*n = v
	return nil
}

// Time is a time in milliseconds since the Unix epoch, read like Int64. A
// time of 0 means "has not happened" and leaves it unset.
type Time struct{ Int64 }

// UnmarshalJSON reads the time like Int64 and unsets a 0.
func (t *Time) UnmarshalJSON(raw []byte) error {
	if err := t.Int64.UnmarshalJSON(raw); err != nil {
		return err
	}
	if t.Value == 0 {
		t.Int64 = Int64{}
	}
	return nil
}

// parseInt64 accepts a JSON number, a numeric string, null or "".
func parseInt64(raw []byte) (Int64, error) {
	if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` {
		return Int64{}, nil
	}
	// The common case, a plain JSON integer.
	if v, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return Int64{Value: v, Valid: true}, nil
	}
	text := string(raw)
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return Int64{}, fmt.Errorf("invalid string %s", truncate(text, 40))
		}
		if s == "" {
			return Int64{}, nil
		}
		text = s
	case '{', '[', 't', 'f':
		return Int64{}, fmt.Errorf("%s is not an integer", truncate(text, 40))
	}
	if v, err := strconv.ParseInt(text, 10, 64); err == nil {
		return Int64{Value: v, Valid: true}, nil
	}
	// Accept integral JSON numbers written in exponent or decimal form.
	if v, ok := integralNumber(text); ok {
		return Int64{Value: v, Valid: true}, nil
	}
	return Int64{}, fmt.Errorf("%s is not an integer", truncate(strconv.Quote(text), 40))
}

// integralNumber returns the value of a JSON number such as 2.0 or
// 1.722933924962e12 when it is exactly an int64. It works on the digits, not
// through float64, which would round 1.0000000000000000001 to 1 and make
// values near ±2^63 depend on the platform.
func integralNumber(text string) (int64, bool) {
	if text == "" || (text[0] != '-' && (text[0] < '0' || text[0] > '9')) || !json.Valid([]byte(text)) {
		return 0, false
	}
	mantissa, exponent, _ := strings.Cut(strings.ToLower(text), "e")
	whole, fraction, _ := strings.Cut(mantissa, ".")
	negative := strings.HasPrefix(whole, "-")
	digits := strings.TrimLeft(strings.TrimPrefix(whole, "-")+fraction, "0")
	if digits == "" {
		return 0, true
	}
	exp := 0
	if exponent != "" {
		var err error
		if exp, err = strconv.Atoi(exponent); err != nil {
			return 0, false
		}
	}
	exp -= len(fraction)
	for exp < 0 && strings.HasSuffix(digits, "0") {
		digits, exp = digits[:len(digits)-1], exp+1
	}
	if exp < 0 || exp > 19 { // a fraction, or more than int64 holds
		return 0, false
	}
	digits += strings.Repeat("0", exp)
	if negative {
		digits = "-" + digits
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	return v, err == nil
}
