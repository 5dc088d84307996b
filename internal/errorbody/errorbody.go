// Package errorbody reads the error answers of Huawei Cloud APIs, which come
// in three shapes: ServiceStage's error_code/error_msg/request_id, some
// gateways' code/message, and IAM's (Keystone's) nested error object whose
// code may be a number. ServiceStage and IAM errors are both read here.
package errorbody

import (
	"encoding/json"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fields are what an error answer says.
type Fields struct {
	Code, Message, RequestID string
}

type body struct {
	ErrorCode string          `json:"error_code"`
	ErrorMsg  string          `json:"error_msg"`
	Code      json.RawMessage `json:"code"`
	Message   string          `json:"message"`
	RequestID string          `json:"request_id"`
	Error     *struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
		Title   string          `json:"title"`
	} `json:"error"`
}

// Parse reads the fields of an error answer. The X-Request-Id header wins
// over the body's request_id; ok is false when the body is not a JSON object.
func Parse(header http.Header, data []byte) (f Fields, ok bool) {
	f.RequestID = header.Get("X-Request-Id")
	var b body
	if json.Unmarshal(data, &b) != nil {
		return f, false
	}
	f.Code = firstNonEmpty(b.ErrorCode, scalar(b.Code))
	f.Message = firstNonEmpty(b.ErrorMsg, b.Message)
	if b.Error != nil {
		f.Code = firstNonEmpty(f.Code, scalar(b.Error.Code))
		f.Message = firstNonEmpty(f.Message, b.Error.Message, b.Error.Title)
	}
	f.RequestID = firstNonEmpty(f.RequestID, b.RequestID)
	return f, true
}

// Excerpt returns at most n bytes of data as printable single-line text, so
// an HTML error page can be quoted without flooding or corrupting a terminal.
func Excerpt(data []byte, n int) string {
	s := strings.ToValidUTF8(string(data), "?")
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// scalar renders a JSON string or number as text; null and anything else
// as "".
func scalar(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
