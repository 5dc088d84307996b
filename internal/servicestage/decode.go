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

var int64Type = reflect.TypeFor[Int64]()

// shape names a response body and the list of objects in it, for errors.
type shape struct {
	// response names the body, e.g. "deploy-info".
	response string
	// list is the JSON name of the body's list of objects; element names one of them.
	list, element string
	// bareList accepts the list alone, a JSON array, for the whole body.
	bareList bool
}

// DecodeError reports a response body that is not the documented shape.
type DecodeError struct {
	// Response names the body, e.g. "deploy-info".
	Response string
	// Element names the kind of list element at fault, e.g. "component";
	// Index is its position, or -1 when the fault is outside the list.
	Element string
	Index   int
	// Name is that element's name when it could be read.
	Name string
	// Field is the JSON field at fault, if known.
	Field string
	// Offset is the byte offset of the fault in the body, or -1.
	Offset int64
	Err    error
}

func (e *DecodeError) Error() string {
	var where []string
	switch {
	case e.Index >= 0 && e.Name != "":
		where = append(where, fmt.Sprintf("%s %d (%q)", e.Element, e.Index, e.Name))
	case e.Index >= 0:
		where = append(where, fmt.Sprintf("%s %d", e.Element, e.Index))
	}
	if e.Field != "" {
		where = append(where, "field "+strconv.Quote(e.Field))
	}
	msg := "decoding " + e.Response + " response"
	if len(where) > 0 {
		msg += ": " + strings.Join(where, ", ")
	}
	if e.Offset >= 0 {
		msg += fmt.Sprintf(" at byte offset %d", e.Offset)
	}
	return msg + ": " + e.Err.Error()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// decode parses a response body into T with encoding/json. The types of
// T's fields absorb the API's contradictions; a failure is located (which
// element of the list, which field, which byte) by decoding again, element
// by element, which costs nothing on the path that succeeds.
func decode[T any](body []byte, s shape) (*T, error) {
	fail := func(index int, field string, offset int64, err error) error {
		return &DecodeError{Response: s.response, Element: s.element, Index: index, Field: field, Offset: offset, Err: err}
	}
	// A 200 whose body is null would otherwise read as an empty answer.
	if bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		return nil, fail(-1, "", -1, errors.New("the body is null, not a JSON object"))
	}
	v := new(T)
	target := any(v)
	bare := s.bareList && bytes.HasPrefix(bytes.TrimSpace(body), []byte("["))
	if bare {
		f, _ := listField(reflect.TypeFor[T](), s.list)
		target = reflect.ValueOf(v).Elem().FieldByIndex(f.Index).Addr().Interface()
	}
	err := json.Unmarshal(body, target)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		if i := nilElement(reflect.ValueOf(v).Elem(), s.list); i >= 0 {
			return nil, fail(i, "", -1, fmt.Errorf("%s is null, not a JSON object", s.element))
		}
		return v, nil
	case !errors.As(err, &te):
		return nil, syntaxError(fail, body, err)
	case bare || te.Field == s.list || strings.HasPrefix(te.Field, s.list+"."):
		if de := locate(body, s, reflect.TypeFor[T](), bare); de != nil {
			return nil, de
		}
	}
	return nil, fail(-1, te.Field, typeErrorOffset(te), typeErrorReason(te))
}

// locate decodes the list element by element and reports the first that
// fails, or nil when none fails alone. bare says the body is the list.
func locate(body []byte, s shape, t reflect.Type, bare bool) *DecodeError {
	var top map[string]json.RawMessage
	var items []json.RawMessage
	field, ok := listField(t, s.list)
	list := body
	if !bare && ok && json.Unmarshal(body, &top) == nil {
		list = top[s.list]
	}
	if !ok || (!bare && top == nil) || json.Unmarshal(list, &items) != nil {
		return nil //nolint:nilerr // No list to walk: the caller reports the fault without an element.
	}
	elem := field.Type.Elem()
	if elem.Kind() == reflect.Pointer {
		elem = elem.Elem()
	}
	for i, raw := range items {
		err := json.Unmarshal(raw, reflect.New(elem).Interface())
		if err == nil {
			continue
		}
		var named struct {
			Name string `json:"name"`
		}
		_ = json.Unmarshal(raw, &named)
		de := &DecodeError{Response: s.response, Element: s.element, Index: i, Name: named.Name, Offset: -1, Err: err}
		// Offsets inside an element would be relative to it: keep none.
		if te := (*json.UnmarshalTypeError)(nil); errors.As(err, &te) {
			de.Field, de.Err = te.Field, typeErrorReason(te)
		}
		return de
	}
	return nil
}

// listField finds the field of struct type t that holds the JSON list name.
func listField(t reflect.Type, name string) (reflect.StructField, bool) {
	if name == "" {
		return reflect.StructField{}, false // a body without a list
	}
	return t.FieldByNameFunc(func(goName string) bool {
		f, _ := t.FieldByName(goName)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		return tag == name
	})
}

// nilElement returns the index of the first null element of v's list, or -1.
func nilElement(v reflect.Value, list string) int {
	f, ok := listField(v.Type(), list)
	if !ok || f.Type.Elem().Kind() != reflect.Pointer {
		return -1
	}
	items := v.FieldByIndex(f.Index)
	for i := range items.Len() {
		if items.Index(i).IsNil() {
			return i
		}
	}
	return -1
}

// typeErrorReason says what was wrong with a value: for Int64 and Time, the
// reason UnmarshalJSON gave; else the JSON kind expected and found.
func typeErrorReason(te *json.UnmarshalTypeError) error {
	if te.Type == int64Type {
		return errors.New(te.Value)
	}
	return fmt.Errorf("expected %s, got JSON %s", jsonKind(te.Type), te.Value)
}

// typeErrorOffset is the byte offset encoding/json gives, which it does not
// know for errors from UnmarshalJSON.
func typeErrorOffset(te *json.UnmarshalTypeError) int64 {
	if te.Type == int64Type {
		return -1
	}
	return te.Offset
}

// syntaxError explains a body that is not JSON, with the byte offset.
func syntaxError(fail func(int, string, int64, error) error, body []byte, err error) error {
	var se *json.SyntaxError
	switch {
	// Only running out of input is truncation: a bad last byte is not.
	case errors.As(err, &se) && se.Offset >= int64(len(body)) && strings.HasPrefix(se.Error(), "unexpected end of JSON input"):
		return fail(-1, "", se.Offset, fmt.Errorf("truncated JSON: the body ends after %d bytes", len(body)))
	case errors.As(err, &se):
		return fail(-1, "", se.Offset, fmt.Errorf("malformed JSON: %s", se.Error()))
	}
	return fail(-1, "", -1, err)
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
