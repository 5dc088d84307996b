package emulator

// This file verifies SDK-HMAC-SHA256 signatures the way Huawei Cloud's API
// gateway does: it rebuilds the canonical request from what arrived and
// compares signatures. It is written from the signing guide, independently
// of the provider's signer (internal/auth), so that a shared misreading of
// the spec cannot make both sides agree on a wrong signature.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// signatureError is the gateway's refusal of an AK/SK request; it is always
// answered with HTTP 401.
type signatureError struct {
	Code    string
	Message string
}

func (e *signatureError) Error() string { return e.Code + ": " + e.Message }

const (
	sigAlgorithm       = "SDK-HMAC-SHA256"
	sigDateLayout      = "20060102T150405Z"
	sigUnsignedPayload = "UNSIGNED-PAYLOAD"
	sigIAMCode         = "APIGW.0301"
	sigIAMPrefix       = "Incorrect IAM authentication information: "
)

func sigReject(format string, args ...any) *signatureError {
	return &signatureError{Code: sigIAMCode, Message: sigIAMPrefix + fmt.Sprintf(format, args...)}
}

// verifySDKSignature checks the AK/SK signature of r, whose body has
// already been read into body. secretFor looks up an access key's secret.
// X-Sdk-Date must be within maxSkew of now (maxSkew <= 0 disables the
// check). It returns the access key that signed the request.
func verifySDKSignature(r *http.Request, body []byte, secretFor func(accessKey string) (secret string, ok bool),
	now time.Time, maxSkew time.Duration) (accessKey string, err *signatureError) {
	auth, perr := sigParseAuthorization(r.Header.Get("Authorization"))
	if perr != nil {
		return "", perr
	}

	secret, ok := secretFor(auth.access)
	if !ok {
		return "", sigReject("ak %s not exist", auth.access)
	}

	date := r.Header.Get("X-Sdk-Date")
	if date == "" {
		return "", sigReject("x-sdk-date not found in header")
	}
	signedAt, terr := time.Parse(sigDateLayout, date)
	if terr != nil {
		return "", sigReject("x-sdk-date %q is not in the format %s", date, sigDateLayout)
	}
	if skew := now.Sub(signedAt); maxSkew > 0 && (skew > maxSkew || skew < -maxSkew) {
		return "", sigReject("the request time x-sdk-date %s differs from the server time %s by more than %s",
			date, now.UTC().Format(sigDateLayout), maxSkew)
	}

	canonical := sigCanonicalRequest(r, body, auth.signedHeaders)
	digest := sha256.Sum256([]byte(canonical))
	stringToSign := sigAlgorithm + "\n" + date + "\n" + hex.EncodeToString(digest[:])
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(stringToSign))

	given, herr := hex.DecodeString(auth.signature)
	if herr != nil || !hmac.Equal(given, mac.Sum(nil)) {
		// Like the gateway, show the canonical request it computed (newlines
		// as "|"): comparing it with the client's is how users debug this.
		// The gateway echoes every signed header as it arrived, the security
		// token of temporary credentials included: clients must redact it.
		return "", sigReject("verify aksk signature fail, SignedHeaders: %s, CanonicalRequest: %s",
			strings.Join(auth.signedHeaders, ";"), strings.ReplaceAll(canonical, "\n", "|"))
	}
	return auth.access, nil
}

type sigAuthorization struct {
	access        string
	signedHeaders []string
	signature     string
}

// sigParseAuthorization reads
// "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex".
func sigParseAuthorization(header string) (sigAuthorization, *signatureError) {
	var auth sigAuthorization
	if header == "" {
		return auth, sigReject("Authorization not found in header")
	}
	params, ok := strings.CutPrefix(header, sigAlgorithm+" ")
	if !ok {
		return auth, sigReject("unsupported signing algorithm, want %s", sigAlgorithm)
	}
	for _, field := range strings.Split(params, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(field), "=")
		switch name {
		case "Access":
			auth.access = value
		case "SignedHeaders":
			if value != "" {
				auth.signedHeaders = strings.Split(value, ";")
			}
		case "Signature":
			auth.signature = value
		}
	}
	if auth.access == "" || len(auth.signedHeaders) == 0 || auth.signature == "" {
		return auth, sigReject("Authorization header must carry Access, SignedHeaders and Signature")
	}
	return auth, nil
}

// sigCanonicalRequest rebuilds the canonical request from the received
// request: method, URI, query, signed headers, their names, body hash.
func sigCanonicalRequest(r *http.Request, body []byte, signedHeaders []string) string {
	var headers strings.Builder
	for _, name := range signedHeaders {
		headers.WriteString(name + ":" + sigHeaderValue(r, name) + "\n")
	}

	payload := sigUnsignedPayload
	if r.Header.Get("X-Sdk-Content-Sha256") != sigUnsignedPayload {
		sum := sha256.Sum256(body)
		payload = hex.EncodeToString(sum[:])
	}

	return strings.Join([]string{
		r.Method,
		sigCanonicalURI(r.URL.EscapedPath()),
		sigCanonicalQuery(r.URL.RawQuery),
		headers.String(),
		strings.Join(signedHeaders, ";"),
		payload,
	}, "\n")
}

// sigCanonicalURI encodes each decoded path segment and ends the path with
// "/". Working on the escaped path keeps an encoded "/" inside its segment.
func sigCanonicalURI(escapedPath string) string {
	parts := strings.Split(escapedPath, "/")
	for i, part := range parts {
		if decoded, err := url.PathUnescape(part); err == nil {
			part = decoded
		}
		parts[i] = sigEncode(part)
	}
	uri := strings.Join(parts, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri
}

// sigCanonicalQuery sorts parameters by name, then by value, and encodes
// both. A parameter that cannot be decoded is used as received.
func sigCanonicalQuery(rawQuery string) string {
	type param struct{ name, value string }
	var params []param
	for _, pair := range strings.Split(rawQuery, "&") {
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		if decoded, err := url.QueryUnescape(name); err == nil {
			name = decoded
		}
		if decoded, err := url.QueryUnescape(value); err == nil {
			value = decoded
		}
		params = append(params, param{name, value})
	}
	sort.Slice(params, func(i, j int) bool {
		if params[i].name != params[j].name {
			return params[i].name < params[j].name
		}
		return params[i].value < params[j].value
	})
	encoded := make([]string, len(params))
	for i, p := range params {
		encoded[i] = sigEncode(p.name) + "=" + sigEncode(p.value)
	}
	return strings.Join(encoded, "&")
}

// sigHeaderValue is a signed header's trimmed value; the host comes from
// the request line / Host header, which Go keeps out of r.Header.
func sigHeaderValue(r *http.Request, name string) string {
	if strings.EqualFold(name, "host") {
		return r.Host
	}
	var trimmed []string
	for _, v := range r.Header.Values(name) {
		trimmed = append(trimmed, strings.TrimSpace(v))
	}
	return strings.Join(trimmed, ",")
}

// sigEncode percent-encodes all but A-Z a-z 0-9 - _ . ~, upper-case hex.
func sigEncode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9',
			c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
