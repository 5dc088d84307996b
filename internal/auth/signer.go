package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// KeyPair is an access key and its secret key, optionally temporary (then
// SecurityToken is set and travels, signed, as X-Security-Token).
type KeyPair struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
}

const (
	signingAlgorithm = "SDK-HMAC-SHA256"
	// sdkDateLayout is the X-Sdk-Date format: basic ISO 8601, always UTC.
	sdkDateLayout = "20060102T150405Z"
	// unsignedPayload, sent as X-Sdk-Content-Sha256, tells the gateway the
	// body is not part of the signature (and replaces its hash).
	unsignedPayload = "UNSIGNED-PAYLOAD"

	headerSdkDate       = "X-Sdk-Date"
	headerContentSHA256 = "X-Sdk-Content-Sha256"
	headerSecurityToken = "X-Security-Token"
	headerProjectID     = "X-Project-Id"
	headerAuthorization = "Authorization"
)

// Sign signs req in place with SDK-HMAC-SHA256. It sets X-Sdk-Date from now
// unless the request already carries one, sets X-Security-Token for
// temporary credentials, and sets Authorization. The signed headers are
// host and x-sdk-date, plus content-type, x-security-token and x-project-id
// when present. The request's path and query are left as they are.
func Sign(req *http.Request, cred KeyPair, now time.Time) error {
	_, err := signRequest(req, cred, now, nil)
	return err
}

// SignWithHeaders is Sign with an explicit list of headers to sign, exactly
// those and no others (names are case-insensitive; names containing "_" are
// skipped). It exists to reproduce signatures made by other clients, such
// as Huawei's SDK, which signs only x-sdk-date.
func SignWithHeaders(req *http.Request, cred KeyPair, now time.Time, signedHeaderNames []string) error {
	if len(normaliseSignedHeaders(signedHeaderNames)) == 0 {
		return errors.New("signing request: no headers to sign")
	}
	_, err := signRequest(req, cred, now, signedHeaderNames)
	return err
}

// signRequest does the signing and returns the canonical request, which
// callers may log (after redaction) to diagnose a rejected signature.
// headerNames nil means the default set.
func signRequest(req *http.Request, cred KeyPair, now time.Time, headerNames []string) (string, error) {
	if cred.AccessKey == "" || cred.SecretKey == "" {
		return "", errors.New("signing request: both an access key and a secret key are required")
	}
	if req.URL == nil {
		return "", errors.New("signing request: the request has no URL")
	}
	if req.Header == nil {
		req.Header = http.Header{}
	}

	date, err := ensureSdkDate(req, now)
	if err != nil {
		return "", fmt.Errorf("signing request: %w", err)
	}
	// Set before signing so the token is covered by the signature, as
	// Huawei's SDK does.
	if cred.SecurityToken != "" {
		if !validHeaderValue(cred.SecurityToken) {
			// net/http would refuse to send it; say why without showing it.
			return "", errors.New("signing request: the security token contains control characters (a stray newline?)")
		}
		req.Header.Set(headerSecurityToken, cred.SecurityToken)
	}

	if headerNames == nil {
		headerNames = defaultSignedHeaders(req)
	}
	signedHeaders := normaliseSignedHeaders(headerNames)

	bodyHash, err := payloadHash(req)
	if err != nil {
		return "", fmt.Errorf("signing request: %w", err)
	}
	canonical, err := canonicalRequest(req, signedHeaders, bodyHash)
	if err != nil {
		return "", fmt.Errorf("signing request: %w", err)
	}

	sig := signature(cred.SecretKey, stringToSign(date, canonical))
	req.Header.Set(headerAuthorization, fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s",
		signingAlgorithm, cred.AccessKey, strings.Join(signedHeaders, ";"), sig))
	return canonical, nil
}

// ensureSdkDate returns the request's X-Sdk-Date, setting it from now when
// absent. An existing date is kept so a caller can pin it (and so tests can
// reproduce published vectors).
func ensureSdkDate(req *http.Request, now time.Time) (string, error) {
	if date := req.Header.Get(headerSdkDate); date != "" {
		if _, err := time.Parse(sdkDateLayout, date); err != nil {
			return "", fmt.Errorf("%s %q is not of the form %s", headerSdkDate, date, sdkDateLayout)
		}
		return date, nil
	}
	date := now.UTC().Format(sdkDateLayout)
	req.Header.Set(headerSdkDate, date)
	return date, nil
}

// defaultSignedHeaders lists what Sign signs: the minimum the gateway
// requires plus the headers whose tampering would matter.
func defaultSignedHeaders(req *http.Request) []string {
	names := []string{"host", "x-sdk-date"}
	for _, optional := range []string{"Content-Type", headerSecurityToken, headerProjectID} {
		if len(req.Header.Values(optional)) > 0 {
			names = append(names, optional)
		}
	}
	return names
}

// canonicalRequest builds the string whose hash is signed: method, URI,
// query, headers (each line ending in "\n", hence the blank line), signed
// header names and body hash, joined by "\n".
func canonicalRequest(req *http.Request, signedHeaders []string, bodyHash string) (string, error) {
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet // net/http sends GET for an empty method
	}
	query, err := canonicalQuery(req.URL.RawQuery)
	if err != nil {
		return "", fmt.Errorf("canonicalising query: %w", err)
	}
	headers, err := canonicalHeaders(req, signedHeaders)
	if err != nil {
		return "", fmt.Errorf("canonicalising headers: %w", err)
	}
	return strings.Join([]string{
		method,
		canonicalURI(req.URL.EscapedPath()),
		query,
		headers,
		strings.Join(signedHeaders, ";"),
		bodyHash,
	}, "\n"), nil
}

// stringToSign binds the canonical request to the signing date.
func stringToSign(sdkDate, canonicalRequest string) string {
	return signingAlgorithm + "\n" + sdkDate + "\n" + hexSHA256([]byte(canonicalRequest))
}

// signature is HMAC-SHA256 keyed directly with the secret key: unlike AWS
// SigV4 there is no key derivation.
func signature(secretKey, stringToSign string) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(stringToSign))
	return hex.EncodeToString(mac.Sum(nil))
}

// payloadHash returns the body's hex SHA-256 without consuming it: it reads
// a copy through GetBody when it can, otherwise buffers the body and puts a
// replayable one back.
func payloadHash(req *http.Request) (string, error) {
	if req.Header.Get(headerContentSHA256) == unsignedPayload {
		return unsignedPayload, nil
	}
	if req.Body == nil || req.Body == http.NoBody {
		return hexSHA256(nil), nil
	}

	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return "", fmt.Errorf("reopening request body: %w", err)
		}
		defer body.Close()
		h := sha256.New()
		if _, err := io.Copy(h, body); err != nil {
			return "", fmt.Errorf("hashing request body: %w", err)
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}

	data, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return "", fmt.Errorf("reading request body: %w", err)
	}
	req.Body = io.NopCloser(bytes.NewReader(data))
	req.GetBody = func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	return hexSHA256(data), nil
}

// validHeaderValue reports whether net/http can send v as a header value:
// no control characters other than tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func hexSHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
