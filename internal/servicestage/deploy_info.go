package servicestage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// DeployInfo is the deployment information of one release task, as returned by
// GET /v3/{project_id}/cas/release-plans/{release_plan_id}/deploy-info.
type DeployInfo struct {
	ID         string
	Components []Component
}

// Component is one component of a release task. Empty strings stand for JSON
// null, an absent field or "", which the API uses interchangeably; a zero
// Int64 (Valid false) stands for null, absent, "" or a time of 0.
type Component struct {
	ID                  string
	Name                string
	Version             string
	Seq                 Int64
	Status              string
	JobID               string
	JobStatus           string
	StartTime           Int64
	EndTime             Int64
	FailMessage         string
	RollbackJobID       string
	RollbackJobStatus   string
	RollbackStartTime   Int64
	RollbackEndTime     Int64
	RollbackFailMessage string
}

// Int64 is an integer the API may send as a JSON number or a numeric string.
type Int64 struct {
	Value int64
	Valid bool
}

// wireDeployInfo keeps components raw so that a decoding error can name the
// component it happened in.
type wireDeployInfo struct {
	ID         string            `json:"id"`
	Components []json.RawMessage `json:"components"`
}

// wireComponent mirrors the documented fields. The numeric ones stay raw
// because the reference documents them as strings and sends numbers.
type wireComponent struct {
	ID                  string          `json:"id"`
	Name                string          `json:"name"`
	Version             string          `json:"version"`
	Seq                 json.RawMessage `json:"seq"`
	Status              string          `json:"status"`
	JobID               string          `json:"job_id"`
	JobStatus           string          `json:"job_status"`
	StartTime           json.RawMessage `json:"start_time"`
	EndTime             json.RawMessage `json:"end_time"`
	FailMessage         string          `json:"fail_message"`
	RollbackJobID       string          `json:"rollback_job_id"`
	RollbackJobStatus   string          `json:"rollback_job_status"`
	RollbackStartTime   json.RawMessage `json:"rollback_start_time"`
	RollbackEndTime     json.RawMessage `json:"rollback_end_time"`
	RollbackFailMessage string          `json:"rollback_fail_message"`
}

// DecodeError reports a response body that is not the documented shape.
type DecodeError struct {
	// Component is the index of the component at fault, or -1.
	Component int
	// ComponentName is that component's name when it could be read.
	ComponentName string
	// Field is the JSON field at fault, if known.
	Field string
	// Offset is the byte offset of a syntax error, or -1.
	Offset int64
	Err    error
}

func (e *DecodeError) Error() string {
	var where string
	switch {
	case e.Component >= 0 && e.ComponentName != "":
		where = fmt.Sprintf("component %d (%q)", e.Component, e.ComponentName)
	case e.Component >= 0:
		where = fmt.Sprintf("component %d", e.Component)
	}
	if e.Field != "" {
		if where != "" {
			where += ", "
		}
		where += "field " + strconv.Quote(e.Field)
	}
	msg := "decoding deploy-info response"
	if where != "" {
		msg += ": " + where
	}
	if e.Offset >= 0 {
		msg += fmt.Sprintf(" at byte offset %d", e.Offset)
	}
	return msg + ": " + e.Err.Error()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// DecodeDeployInfo parses a deploy-info response body, tolerating every type
// contradiction of the API reference: numbers or numeric strings for seq and
// the four times, and null, absent or "" for anything optional.
func DecodeDeployInfo(body []byte) (*DeployInfo, error) {
	if info, ok := decodeDeployInfoFast(body); ok {
		return info, nil
	}
	return decodeDeployInfoCareful(body)
}

// decodeDeployInfoCareful decodes with encoding/json, component by
// component, so that an error can say where the fault is.
func decodeDeployInfoCareful(body []byte) (*DeployInfo, error) {
	var wire wireDeployInfo
	if err := json.Unmarshal(body, &wire); err != nil {
		return nil, syntaxError(-1, "", body, err)
	}
	// A 200 whose body is null would otherwise read as a completed, empty task.
	if bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		return nil, &DecodeError{Component: -1, Offset: -1, Err: errors.New("the body is null, not a JSON object")}
	}
	info := &DeployInfo{ID: wire.ID, Components: make([]Component, len(wire.Components))}
	for i, raw := range wire.Components {
		if err := decodeComponent(raw, &info.Components[i]); err != nil {
			var de *DecodeError
			if errors.As(err, &de) {
				// Offsets inside a component would be relative to it: drop them.
				de.Component, de.Offset = i, -1
				return nil, de
			}
			return nil, &DecodeError{Component: i, Offset: -1, Err: err}
		}
	}
	return info, nil
}

func decodeComponent(raw json.RawMessage, c *Component) error {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return &DecodeError{Offset: -1, Err: errors.New("component is null")}
	}
	var w wireComponent
	if err := json.Unmarshal(raw, &w); err != nil {
		return syntaxError(0, "", raw, err)
	}
	return w.toComponent(c)
}

// toComponent converts the numbers and copies the rest.
func (w *wireComponent) toComponent(c *Component) error {
	*c = Component{
		ID:                  w.ID,
		Name:                w.Name,
		Version:             w.Version,
		Status:              w.Status,
		JobID:               w.JobID,
		JobStatus:           w.JobStatus,
		FailMessage:         w.FailMessage,
		RollbackJobID:       w.RollbackJobID,
		RollbackJobStatus:   w.RollbackJobStatus,
		RollbackFailMessage: w.RollbackFailMessage,
	}
	numbers := []struct {
		field  string
		raw    json.RawMessage
		dst    *Int64
		isTime bool
	}{
		{"seq", w.Seq, &c.Seq, false},
		{"start_time", w.StartTime, &c.StartTime, true},
		{"end_time", w.EndTime, &c.EndTime, true},
		{"rollback_start_time", w.RollbackStartTime, &c.RollbackStartTime, true},
		{"rollback_end_time", w.RollbackEndTime, &c.RollbackEndTime, true},
	}
	for _, n := range numbers {
		v, err := parseInt64(n.raw)
		if err != nil {
			return &DecodeError{ComponentName: w.Name, Field: n.field, Offset: -1, Err: err}
		}
		// A time of 0 means "has not happened".
		if n.isTime && v.Valid && v.Value == 0 {
			v = Int64{}
		}
		*n.dst = v
	}
	return nil
}

// parseInt64 accepts a JSON number, a numeric string, null, "" or nothing.
func parseInt64(raw json.RawMessage) (Int64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` {
		return Int64{}, nil
	}
	// The common case, a plain JSON integer, parsed without copying raw.
	if v, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return Int64{Value: v, Valid: true}, nil
	}
	text := string(raw)
	if raw[0] == '"' && len(raw) >= 2 && plainASCII(raw[1:len(raw)-1]) {
		// What encoding/json would unquote it to, without reflection.
		text = text[1 : len(text)-1]
		if text == "" {
			return Int64{}, nil
		}
	} else if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return Int64{}, fmt.Errorf("invalid string %s", truncate(text, 40))
		}
		text = s
		if text == "" {
			return Int64{}, nil
		}
	}
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		// Accept integral JSON numbers written in exponent or decimal form.
		var ok bool
		if v, ok = integralNumber(text); !ok {
			return Int64{}, fmt.Errorf("%s is not an integer", truncate(strconv.Quote(text), 40))
		}
	}
	return Int64{Value: v, Valid: true}, nil
}

// plainASCII reports whether b, the inside of a valid JSON string, is its
// own unquoted value: printable ASCII without escapes.
func plainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x7f || c == '\\' || c == '"' {
			return false
		}
	}
	return true
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

// syntaxError turns a json error into a DecodeError with a byte offset when
// the json package gives one.
func syntaxError(component int, field string, body []byte, err error) error {
	de := &DecodeError{Component: component, Field: field, Offset: -1, Err: err}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	// Only running out of input is truncation: a bad last byte is not.
	case errors.As(err, &se) && se.Offset >= int64(len(body)) && strings.HasPrefix(se.Error(), "unexpected end of JSON input"):
		de.Offset = se.Offset
		de.Err = fmt.Errorf("truncated JSON: the body ends after %d bytes", len(body))
	case errors.As(err, &se):
		de.Offset = se.Offset
		de.Err = fmt.Errorf("malformed JSON: %s", se.Error())
	case errors.As(err, &te):
		de.Offset = te.Offset
		de.Field = te.Field
		de.Err = fmt.Errorf("expected %s, got JSON %s", jsonKind(te.Type), te.Value)
	}
	return de
}

// jsonKind names the JSON a Go type decodes from, so errors do not show
// the decoder's internal types.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "a JSON object"
	case reflect.Slice, reflect.Array:
		return "a JSON array"
	case reflect.String:
		return "a JSON string"
	default:
		return t.String()
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
