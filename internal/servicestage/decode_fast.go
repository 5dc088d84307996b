package servicestage

import (
	"bytes"
	"errors"
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// decodeDeployInfoFast reads a well-formed body in one pass with a
// hand-driven jsontext.Decoder walk: no reflection, one allocation per
// non-empty string. It accepts only what the careful path reads the same way
// and gives up (ok false) on anything else, and DecodeDeployInfo then decodes
// the body again with encoding/json, component by component, which is slower
// but can say where a fault is. In particular it gives up on:
//
//   - any JSON error, including what jsontext rejects and encoding/json
//     accepts: invalid UTF-8, duplicate object names;
//   - a null body, a null component, a value of the wrong kind;
//   - a name that is not one of ours but that encoding/json, which matches
//     names case-insensitively, might take for one;
//   - a number field that parseInt64 rejects.
//
// FuzzDecodeFastMatchesCareful checks that it never disagrees with the
// careful path.
func decodeDeployInfoFast(body []byte) (*DeployInfo, bool) {
	// Duplicate names are checked here, for our names only: jsontext's own
	// check costs a set per object.
	d := fastDecoder{dec: jsontext.NewDecoder(bytes.NewBuffer(body), jsontext.AllowDuplicateNames(true)), size: len(body)}
	info, ok := d.deployInfo()
	if !ok {
		return nil, false
	}
	// One value and nothing after it but whitespace.
	if _, err := d.dec.ReadToken(); !errors.Is(err, io.EOF) {
		return nil, false
	}
	return info, true
}

type fastDecoder struct {
	dec     *jsontext.Decoder
	size    int // of the body
	scratch []byte
}

func (d *fastDecoder) deployInfo() (*DeployInfo, bool) {
	if d.dec.PeekKind() != '{' {
		return nil, false
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, false
	}
	info := &DeployInfo{}
	var components []Component
	var seen uint16
	for d.dec.PeekKind() != '}' {
		name, ok := d.name()
		if !ok {
			return nil, false
		}
		switch string(name) {
		case "id":
			if !once(&seen, 0) || !d.stringValue(&info.ID) {
				return nil, false
			}
		case "components":
			if !once(&seen, 1) {
				return nil, false
			}
			if components, ok = d.components(); !ok {
				return nil, false
			}
		default:
			if !d.skipUnknown(name, topLevelNames) {
				return nil, false
			}
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, false
	}
	if components == nil {
		components = make([]Component, 0)
	}
	info.Components = components
	return info, true
}

var topLevelNames = []string{"id", "components"}

var componentNames = []string{
	"id", "name", "version", "seq", "status", "job_id", "job_status", "start_time", "end_time",
	"fail_message", "rollback_job_id", "rollback_job_status", "rollback_start_time",
	"rollback_end_time", "rollback_fail_message",
}

// components reads the components array, or null (nil, true).
func (d *fastDecoder) components() ([]Component, bool) {
	switch d.dec.PeekKind() {
	case 'n':
		_, err := d.dec.ReadToken()
		return nil, err == nil
	case '[':
	default:
		return nil, false
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, false
	}
	// A component takes 300 to 600 bytes of JSON: start with room for
	// about as many as the body can hold, rather than copy a large slice
	// as it grows.
	components := make([]Component, 0, min(d.size/300+1, 1<<16))
	for d.dec.PeekKind() == '{' {
		components = append(components, Component{})
		if !d.component(&components[len(components)-1]) {
			return nil, false
		}
	}
	// Anything but the end of the array (a null component, a string…) is
	// for the careful path to report.
	if d.dec.PeekKind() != ']' {
		return nil, false
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, false
	}
	return components, true
}

func (d *fastDecoder) component(c *Component) bool {
	if _, err := d.dec.ReadToken(); err != nil { // '{'
		return false
	}
	var seen uint16
	for d.dec.PeekKind() != '}' {
		name, ok := d.name()
		if !ok {
			return false
		}
		switch string(name) {
		case "id":
			ok = once(&seen, 0) && d.stringValue(&c.ID)
		case "name":
			ok = once(&seen, 1) && d.stringValue(&c.Name)
		case "version":
			ok = once(&seen, 2) && d.stringValue(&c.Version)
		case "seq":
			ok = once(&seen, 3) && d.intValue(&c.Seq, false)
		case "status":
			ok = once(&seen, 4) && d.stringValue(&c.Status)
		case "job_id":
			ok = once(&seen, 5) && d.stringValue(&c.JobID)
		case "job_status":
			ok = once(&seen, 6) && d.stringValue(&c.JobStatus)
		case "start_time":
			ok = once(&seen, 7) && d.intValue(&c.StartTime, true)
		case "end_time":
			ok = once(&seen, 8) && d.intValue(&c.EndTime, true)
		case "fail_message":
			ok = once(&seen, 9) && d.stringValue(&c.FailMessage)
		case "rollback_job_id":
			ok = once(&seen, 10) && d.stringValue(&c.RollbackJobID)
		case "rollback_job_status":
			ok = once(&seen, 11) && d.stringValue(&c.RollbackJobStatus)
		case "rollback_start_time":
			ok = once(&seen, 12) && d.intValue(&c.RollbackStartTime, true)
		case "rollback_end_time":
			ok = once(&seen, 13) && d.intValue(&c.RollbackEndTime, true)
		case "rollback_fail_message":
			ok = once(&seen, 14) && d.stringValue(&c.RollbackFailMessage)
		default:
			ok = d.skipUnknown(name, componentNames)
		}
		if !ok {
			return false
		}
	}
	_, err := d.dec.ReadToken() // '}'
	return err == nil
}

// once marks field bit as seen and reports whether it was not already: a
// name given twice is for the careful path, which reads it as encoding/json
// does (a null after a value keeps the value).
func once(seen *uint16, bit uint) bool {
	if *seen&(1<<bit) != 0 {
		return false
	}
	*seen |= 1 << bit
	return true
}

// name reads an object member's name. It aliases the decoder's buffer or
// d.scratch: it is only good until the next read.
func (d *fastDecoder) name() ([]byte, bool) {
	if d.dec.PeekKind() != '"' {
		return nil, false
	}
	raw, err := d.dec.ReadValue()
	if err != nil {
		return nil, false
	}
	return d.unquote(raw)
}

// unquote returns the contents of a JSON string that jsontext has validated.
func (d *fastDecoder) unquote(raw jsontext.Value) ([]byte, bool) {
	if len(raw) < 2 {
		return nil, false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1], true
	}
	var err error
	d.scratch, err = jsontext.AppendUnquote(d.scratch[:0], raw)
	return d.scratch, err == nil
}

// skipUnknown skips the value of a member that is none of known, unless
// encoding/json might match its name to one of them: it folds names
// (ASCII letters, and a few non-ASCII letters such as the Kelvin sign).
func (d *fastDecoder) skipUnknown(name []byte, known []string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			return false
		}
	}
	for _, k := range known {
		if len(k) == len(name) && asciiEqualFold(k, string(name)) {
			return false
		}
	}
	return d.dec.SkipValue() == nil
}

func asciiEqualFold(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// stringValue reads a string or null (which leaves dst as it is, as
// encoding/json does).
func (d *fastDecoder) stringValue(dst *string) bool {
	switch d.dec.PeekKind() {
	case 'n':
		_, err := d.dec.ReadToken()
		return err == nil
	case '"':
	default:
		return false
	}
	raw, err := d.dec.ReadValue()
	if err != nil {
		return false
	}
	b, ok := d.unquote(raw)
	if !ok {
		return false
	}
	*dst = string(b)
	return true
}

// intValue reads a number, a string or null with the careful path's own
// parseInt64, so that both read it alike.
func (d *fastDecoder) intValue(dst *Int64, isTime bool) bool {
	switch d.dec.PeekKind() {
	case 'n', '"', '0':
	default:
		return false
	}
	raw, err := d.dec.ReadValue()
	if err != nil {
		return false
	}
	v, ok := smallInt(raw)
	if !ok {
		if v, err = parseInt64([]byte(raw)); err != nil {
			return false
		}
	}
	if isTime && v.Valid && v.Value == 0 {
		v = Int64{}
	}
	*dst = v
	return true
}

// smallInt reads the common case, a JSON number or string of up to 18
// decimal digits with an optional minus sign, which strconv.ParseInt and so
// parseInt64 would read alike.
func smallInt(raw []byte) (Int64, bool) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		raw = raw[1 : len(raw)-1]
	}
	negative := len(raw) > 0 && raw[0] == '-'
	if negative {
		raw = raw[1:]
	}
	if len(raw) == 0 || len(raw) > 18 {
		return Int64{}, false
	}
	var v int64
	for _, c := range raw {
		if c < '0' || c > '9' {
			return Int64{}, false
		}
		v = v*10 + int64(c-'0')
	}
	if negative {
		v = -v
	}
	return Int64{Value: v, Valid: true}, true
}
