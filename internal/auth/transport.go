package auth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Both transports authenticate the request they are given, every time they
// are given it, so a retry layer wrapped around them sends a fresh token or
// signature on every attempt. Neither modifies the caller's request: they
// work on a clone, as http.RoundTripper requires.

// maxInspectedBody bounds how much of a 401 body is read to decide whether
// the gateway rejected the token; the body is put back intact either way.
const maxInspectedBody = 1 << 20

// TokenTransport sends requests with an IAM token in X-Auth-Token. When the
// API gateway rejects the token (401 with an APIGW.* code), it asks Source
// for a new one and resends once.
type TokenTransport struct {
	Source TokenSource
	// Base defaults to http.DefaultTransport.
	Base http.RoundTripper
}

func (t *TokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	token, err := t.Source.Token(ctx)
	if err != nil {
		closeRequestBody(req)
		return nil, &TokenError{Err: err}
	}
	resp, err := base(t.Base).RoundTrip(withToken(req, token, req.Body))
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !replayable(req) {
		return resp, err
	}

	code, err := peekErrorCode(resp)
	if err != nil {
		resp.Body.Close()
		return nil, fmt.Errorf("reading a 401 response: %w", err)
	}
	// ServiceStage itself answers some "not found" cases with 401
	// (SVCSTG.00100401); only the gateway's codes mean the token is bad.
	if !isGatewayCode(code) {
		return resp, nil
	}

	fresh, body, ok := t.retryWith(req, token, code)
	if !ok {
		return resp, nil
	}
	drainAndClose(resp.Body)
	return base(t.Base).RoundTrip(withToken(req, fresh, body))
}

// retryWith gets what a retry needs after the gateway rejected token: a new
// token and a fresh copy of the body. ok is false when retrying cannot help;
// the caller then returns the gateway's answer, which says what went wrong.
func (t *TokenTransport) retryWith(req *http.Request, token, code string) (fresh string, body io.ReadCloser, ok bool) {
	ctx := req.Context()
	t.Source.Invalidate(token)
	fresh, err := t.Source.Token(ctx)
	if err != nil {
		tflog.Debug(ctx, "API gateway rejected the IAM token and no new one could be obtained",
			map[string]any{"error_code": code, "error": err.Error()})
		return "", nil, false
	}
	if fresh == token {
		return "", nil, false // a static token: resending it cannot help
	}

	body = http.NoBody
	if req.GetBody != nil {
		if body, err = req.GetBody(); err != nil {
			tflog.Debug(ctx, "Cannot resend the request body", map[string]any{"error": err.Error()})
			return "", nil, false
		}
	}
	tflog.Debug(ctx, "API gateway rejected the IAM token; retrying once with a new token", map[string]any{"error_code": code})
	return fresh, body, true
}

// TokenError is a request that was not sent because no token could be had.
type TokenError struct{ Err error }

func (e *TokenError) Error() string { return "getting an IAM token: " + e.Err.Error() }

func (e *TokenError) Unwrap() error { return e.Err }

// NotSent tells a retry layer that the request never left: the token
// source has already retried its own requests, so it should not repeat.
func (e *TokenError) NotSent() bool { return true }

// withToken clones req with the token set and the given body.
func withToken(req *http.Request, token string, body io.ReadCloser) *http.Request {
	clone := req.Clone(req.Context())
	clone.Header.Set("X-Auth-Token", token)
	if req.Body != nil {
		clone.Body = body
	}
	return clone
}

// replayable reports whether the request can be sent a second time.
func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// peekErrorCode reads the error_code (or code) of a JSON error body and
// leaves resp.Body readable from the start, whether or not it was JSON.
func peekErrorCode(resp *http.Response) (string, error) {
	head, err := io.ReadAll(io.LimitReader(resp.Body, maxInspectedBody))
	if err != nil {
		return "", err
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}

	var parsed struct {
		ErrorCode string `json:"error_code"`
		Code      any    `json:"code"`
	}
	// A body that is not JSON simply has no code.
	_ = json.Unmarshal(head, &parsed)
	if parsed.ErrorCode != "" {
		return parsed.ErrorCode, nil
	}
	code, _ := parsed.Code.(string)
	return code, nil
}

// isGatewayCode matches the API gateway's codes: "APIGW." as ServiceStage
// documents it, and "APIG." as Huawei's gateway error table spells it.
func isGatewayCode(code string) bool {
	return strings.HasPrefix(code, "APIGW.") || strings.HasPrefix(code, "APIG.")
}

// SigningTransport signs every request with AK/SK (SDK-HMAC-SHA256),
// dating each attempt with Now so a retried request is not rejected as
// stale.
type SigningTransport struct {
	Credentials Credentials
	// Base defaults to http.DefaultTransport.
	Base http.RoundTripper
	// Now defaults to time.Now.
	Now func() time.Time
}

func (t *SigningTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	clone := req.Clone(req.Context())
	// A previous attempt's date and signature would be kept by Sign or
	// contradict the new one.
	clone.Header.Del(headerSdkDate)
	clone.Header.Del(headerAuthorization)

	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	canonical, err := signRequest(clone, t.Credentials, now(), nil)
	if err != nil {
		closeRequestBody(req)
		return nil, err
	}
	// The canonical request is what APIGW.0301 echoes back, so logging ours
	// makes a signature mismatch easy to spot.
	tflog.Trace(req.Context(), "Signed request with AK/SK", map[string]any{
		"canonical_request": redactCanonicalRequest(canonical),
	})
	return base(t.Base).RoundTrip(clone)
}

// redactCanonicalRequest hides the one secret a canonical request can
// hold, the security token of temporary credentials.
func redactCanonicalRequest(canonical string) string {
	lines := strings.Split(canonical, "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, "x-security-token:") {
			lines[i] = "x-security-token:<redacted>"
		}
	}
	return strings.Join(lines, "\n")
}

func base(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		return http.DefaultTransport
	}
	return rt
}

// closeRequestBody honours RoundTripper's duty to close the body even when
// the request is never sent.
func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

func drainAndClose(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxInspectedBody))
	body.Close()
}
