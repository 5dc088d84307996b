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

// Transport authenticates the request it is given, every time it is given
// it, so a retry layer wrapped around it sends a fresh token or signature on
// every attempt. It never modifies the caller's request: it works on a
// clone, as http.RoundTripper requires.

// maxInspectedBody bounds how much of a 401 body is read to decide whether
// the gateway refused the credential; the body is put back intact either way.
const maxInspectedBody = 1 << 20

// Transport authenticates every attempt with the credential Credentials
// hands out at that moment: a token in X-Auth-Token, or an AK/SK signature
// dated by Now. A retry, a poll or an action's next request after a renewal
// thus sends the new credential. When the API gateway refuses the
// credential (401 with an APIGW.* code), Transport invalidates it and, if
// another one is had, resends once.
type Transport struct {
	Credentials Provider
	// Base defaults to http.DefaultTransport.
	Base http.RoundTripper
	// Now dates signatures; it defaults to time.Now.
	Now func() time.Time
}

func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	cred, err := t.Credentials.Credential(ctx)
	if err != nil {
		closeRequestBody(req)
		return nil, &CredentialError{Err: err}
	}
	out, err := t.authenticated(req, cred, req.Body)
	if err != nil {
		closeRequestBody(req)
		return nil, err
	}
	resp, err := base(t.Base).RoundTrip(out)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !replayable(req) {
		return resp, err
	}

	code, err := peekErrorCode(resp)
	if err != nil {
		resp.Body.Close()
		return nil, fmt.Errorf("reading a 401 response: %w", err)
	}
	// ServiceStage itself answers some "not found" cases with 401
	// (SVCSTG.00100401); only the gateway's codes mean the credential is bad.
	if !isGatewayCode(code) {
		return resp, nil
	}

	fresh, body, ok := t.retryWith(req, cred, code)
	if !ok {
		return resp, nil
	}
	drainAndClose(resp.Body)
	if out, err = t.authenticated(req, fresh, body); err != nil {
		body.Close()
		return nil, err
	}
	return base(t.Base).RoundTrip(out)
}

// retryWith gets what a retry needs after the gateway refused cred: another
// credential and a fresh copy of the body. ok is false when retrying cannot
// help; the caller then returns the gateway's answer, which says what went wrong.
func (t *Transport) retryWith(req *http.Request, cred Credential, code string) (fresh Credential, body io.ReadCloser, ok bool) {
	ctx := req.Context()
	t.Credentials.Invalidate(cred)
	fresh, err := t.Credentials.Credential(ctx)
	if err != nil {
		tflog.Debug(ctx, "API gateway refused the credentials and no others could be obtained",
			map[string]any{"error_code": code, "error": err.Error()})
		return Credential{}, nil, false
	}
	if fresh.same(cred) {
		return Credential{}, nil, false // a credential the user gave: resending it cannot help
	}

	body = http.NoBody
	if req.GetBody != nil {
		if body, err = req.GetBody(); err != nil {
			tflog.Debug(ctx, "Cannot resend the request body", map[string]any{"error": err.Error()})
			return Credential{}, nil, false
		}
	}
	tflog.Debug(ctx, "API gateway refused the credentials; retrying once with new ones", map[string]any{"error_code": code})
	return fresh, body, true
}

// authenticated is a clone of req with body, carrying cred.
func (t *Transport) authenticated(req *http.Request, cred Credential, body io.ReadCloser) (*http.Request, error) {
	clone := req.Clone(req.Context())
	if req.Body != nil {
		clone.Body = body
	}
	if cred.Token != "" {
		clone.Header.Set("X-Auth-Token", cred.Token)
		return clone, nil
	}
	// A previous attempt's date and signature would be kept by Sign or
	// contradict the new one.
	clone.Header.Del(headerSdkDate)
	clone.Header.Del(headerAuthorization)
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	canonical, err := signRequest(clone, cred.Keys, now(), nil)
	if err != nil {
		return nil, err
	}
	// The canonical request is what APIGW.0301 echoes back, so logging ours
	// makes a signature mismatch easy to spot.
	tflog.Trace(req.Context(), "Signed request with AK/SK", map[string]any{
		"canonical_request": redactCanonicalRequest(canonical),
	})
	return clone, nil
}

// CredentialError is a request that was not sent because no credential
// could be had.
type CredentialError struct{ Err error }

func (e *CredentialError) Error() string { return "getting credentials: " + e.Err.Error() }

func (e *CredentialError) Unwrap() error { return e.Err }

// NotSent tells a retry layer that the request never left: the source
// has already retried its own requests, so it should not repeat.
func (e *CredentialError) NotSent() bool { return true }

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

// SigningTransport signs every request with one key pair that never
// changes: Transport over Fixed keys, for tools and tests.
type SigningTransport struct {
	Credentials KeyPair
	// Base defaults to http.DefaultTransport.
	Base http.RoundTripper
	// Now defaults to time.Now.
	Now func() time.Time
}

func (t *SigningTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return (&Transport{Credentials: Fixed(Credential{Keys: t.Credentials}), Base: t.Base, Now: t.Now}).RoundTrip(req)
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
