package emulator

// The checks IAM's own APIs (agencies, ID tokens) share: who the caller
// is, that the body is JSON and how it decodes, and their error codes.

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
)

// IAM's error codes as the emulator uses them. IAM.0007 ("Request
// parameter ... is invalid") is IAM's own; the others only keep statuses
// apart.
const (
	iamInvalidParameter = "0007"
	iamUnauthenticated  = "0002"
	iamForbidden        = "0003"
	iamNotFound         = "0004"
	iamMethodNotAllowed = "1000"
)

// iamCaller authenticates the caller of an IAM API as IAM does: a token it
// issued that has not expired (scoped to any project), else an AK/SK
// signature under the gateway's rules. Otherwise it answers 401 in IAM's
// shape. It returns how the caller authenticated.
func (s *Server) iamCaller(w http.ResponseWriter, r *http.Request) (string, bool) {
	if token := r.Header.Get("X-Auth-Token"); token != "" {
		s.mu.Lock()
		t, ok := s.tokens[token]
		s.mu.Unlock()
		switch {
		case !ok:
			writeIAMError(w, http.StatusUnauthorized, iamUnauthenticated, "The token in X-Auth-Token is not valid or has been revoked: get a new token")
		case !s.Now().Before(t.expires):
			writeIAMError(w, http.StatusUnauthorized, iamUnauthenticated, "The token in X-Auth-Token has expired: get a new token")
		default:
			return "token", true
		}
		return "", false
	}
	if strings.HasPrefix(r.Header.Get("Authorization"), sigAlgorithm+" ") {
		if err := s.checkAccessKey(r); err != nil {
			code := iamUnauthenticated
			if err.status != http.StatusUnauthorized {
				code = iamInvalidParameter
			}
			writeIAMError(w, err.status, code, err.msg)
			return "", false
		}
		return "aksk", true
	}
	writeIAMError(w, http.StatusUnauthorized, iamUnauthenticated,
		"The request you have made requires authentication: send X-Auth-Token or sign it with an AK/SK (SDK-HMAC-SHA256)")
	return "", false
}

// checkIAMContentType answers 400 unless the body is said to be JSON;
// parameters such as ";charset=utf8" are allowed.
func checkIAMContentType(w http.ResponseWriter, r *http.Request) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeIAMError(w, http.StatusBadRequest, iamInvalidParameter,
			"Request parameter Content-Type is invalid: it must be application/json;charset=utf8")
		return false
	}
	return true
}

// decodeIAMBody reads r's JSON body into v, answering 400 when it cannot,
// naming the field whose type is wrong.
func decodeIAMBody(w http.ResponseWriter, r *http.Request, v any) bool {
	err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v)
	if err == nil {
		return true
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		writeIAMError(w, http.StatusBadRequest, iamInvalidParameter,
			"Request parameter "+typeErr.Field+" is invalid: it must be a JSON "+jsonKind(typeErr.Type))
		return false
	}
	writeIAMError(w, http.StatusBadRequest, iamInvalidParameter, "The request body is not valid JSON")
	return false
}

// notPOST answers 405 and says so unless r is a POST, the only method of
// IAM's APIs served here.
func notPOST(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodPost {
		return false
	}
	writeIAMError(w, http.StatusMethodNotAllowed, iamMethodNotAllowed, "Method not allowed: use POST")
	return true
}

// jsonKind names the JSON type that decodes into t.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	default:
		return "number"
	}
}
