package servicestage

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// retryPolicy decides, for one call, whether and when to try again. It lives
// per call because it must know the call's deadline and count its attempts;
// the connection pool it drives is shared.
type retryPolicy struct {
	min, max time.Duration
	attempts int
	// next is the wait checkRetry chose for the coming retry.
	next time.Duration
	// stopReason says why retrying stopped early, for the final error.
	stopReason string
	// startsSomething marks a request that must never be sent twice: it is
	// repeated only when it certainly never reached the service, or on a 429.
	startsSomething bool
	// mayHaveReached is false while the last attempt certainly never
	// reached the service.
	mayHaveReached bool
	// refused counts the refused connections in a row.
	refused int
}

// maxRefusedInARow bounds the refused connections one request waits out.
// A refusal comes at once and means nothing listens there: behind Huawei's
// gateway a restarting service answers 502/503 instead. A wrong port or
// host is then told in seconds rather than after every retry; a blip of a
// local proxy still passes, and a wait polls again anyway.
const maxRefusedInARow = 3

// retryableStatus are answers worth another try: throttling and the
// gateway's transient failures. 400, 401, 403 and 404 never are.
var retryableStatus = map[int]bool{
	http.StatusTooManyRequests:     true,
	http.StatusInternalServerError: true,
	http.StatusBadGateway:          true,
	http.StatusServiceUnavailable:  true,
	http.StatusGatewayTimeout:      true,
}

func (p *retryPolicy) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	// When reading a body fails, retryablehttp asks again about the same
	// attempt, with both its response and the error: count it once.
	if resp == nil || err == nil {
		p.attempts++
	}
	p.mayHaveReached = err == nil || !neverSent(err)
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		p.refused++
	} else {
		p.refused = 0
	}
	var reason string
	var unsent interface{ NotSent() bool }
	switch {
	case err != nil && (!MayPass(err) || errors.As(err, &unsent)):
		// A failure to make credentials was retried where it happened.
		return false, err
	case err != nil && p.startsSomething && p.mayHaveReached:
		return false, err // the outcome is unknown: never resent
	case err != nil && p.refused >= maxRefusedInARow:
		p.stopReason = fmt.Sprintf("the connection was refused %d times in a row", p.refused)
		return false, err
	case err != nil:
		reason = err.Error()
	case resp.StatusCode == http.StatusTooManyRequests:
		reason = "HTTP 429" // throttled at the gateway: nothing was started
	case retryableStatus[resp.StatusCode] && !p.startsSomething:
		reason = fmt.Sprintf("HTTP %d", resp.StatusCode)
	default:
		return false, nil
	}
	wait := p.backoffFor(p.attempts, resp)
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
		p.stopReason = fmt.Sprintf("the next retry (in %s) would pass the read's timeout", wait.Round(time.Millisecond))
		tflog.Debug(ctx, "not retrying: the wait would pass the deadline", map[string]any{"reason": reason, "wait": wait.String()})
		return false, nil
	}
	p.next = wait
	tflog.Debug(ctx, "retrying request", map[string]any{
		"reason":  reason,
		"attempt": p.attempts,
		"wait":    wait.String(),
	})
	return true, nil
}

// backoff hands retryablehttp the wait checkRetry already chose.
func (p *retryPolicy) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	return p.next
}

// backoffFor honours Retry-After, else backs off exponentially from min with
// jitter (half fixed, half random) so concurrent reads do not retry in step.
func (p *retryPolicy) backoffFor(attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return d
		}
	}
	d := p.min << min(attempt-1, 16)
	if d > p.max || d <= 0 {
		d = p.max
	}
	half := d / 2
	return half + rand.N(half+1) //nolint:gosec // Jitter needs no cryptographic randomness.
}

// retryAfter parses a Retry-After value: seconds or an HTTP date.
func retryAfter(value string, now time.Time) (time.Duration, bool) {
	if value == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(value, 10, 64); err == nil && s >= 0 {
		// Capped so that a huge value cannot wrap to a negative wait.
		return time.Duration(min(s, int64(math.MaxInt64/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(value); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// MayPass is the one classifier of errors that may be gone at the next
// attempt, used by the retries and by the waits, for IAM as for ServiceStage:
// throttling, a server-side failure, or a network failure that another
// attempt may not meet. Not found, a malformed request, refused credentials,
// a redirect, an untrusted certificate, the client-side throttle's deadline
// and an answer that does not decode will not heal by asking again.
func MayPass(err error) bool {
	var decodeErr *DecodeError
	var answer interface{ Transient() bool } // *APIError, *auth.IAMError
	switch {
	case err == nil, errors.As(err, &decodeErr), errors.Is(err, ErrThrottleDeadline):
		return false
	case errors.As(err, &answer):
		return answer.Transient()
	}
	return TransientNetworkError(err)
}

// TransientNetworkError recognises failures that another attempt may not
// meet: resets, refusals, an unreachable host or network (a VPN or routing
// flap), a temporary DNS failure, timeouts (request_timeout included) and
// connections cut mid-response. TLS and certificate failures, and a name
// that does not exist, are not among them.
func TransientNetworkError(err error) bool {
	if CertificateError(err) {
		return false
	}
	if errors.Is(err, ErrAttemptTimeout) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsTemporary || dnsErr.IsTimeout
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// neverSent reports an attempt that certainly did not reach the service: no
// connection was made (refused, unreachable, DNS, the TLS handshake failed),
// the client-side throttle gave it no turn, or no credential could be made.
// A reset or timeout on an open connection may come after the request was
// written, so it is not among them.
func neverSent(err error) bool {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	var alert tls.AlertError
	var record tls.RecordHeaderError
	var unsent interface{ NotSent() bool } // *auth.TokenError
	switch {
	case errors.Is(err, ErrThrottleDeadline), errors.As(err, &dnsErr),
		errors.As(err, &alert), errors.As(err, &record), CertificateError(err):
		return true
	case errors.As(err, &opErr) && (opErr.Op == "dial" || opErr.Op == "proxyconnect"):
		return true
	case errors.As(err, &unsent):
		return unsent.NotSent()
	}
	// net/http's own handshake timer has no exported type.
	return strings.Contains(err.Error(), "TLS handshake timeout")
}

// CertificateError reports a server certificate that could not be verified:
// an unknown authority (a private CA, a TLS-inspecting proxy), a wrong host
// name or an invalid certificate.
func CertificateError(err error) bool {
	var unknown x509.UnknownAuthorityError // value types, as crypto/x509 returns them
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	return errors.As(err, &unknown) || errors.As(err, &host) || errors.As(err, &invalid) || errors.As(err, &verify)
}

// newRetryClient wires a policy to the shared http.Client. retryablehttp
// calls hc.CloseIdleConnections after a failed call; that reaches the pool
// only if every wrapping RoundTripper passes it on, and the logging, throttle
// and auth transports do not, so one read's failure never drops the
// connections the other reads are reusing.
func newRetryClient(hc *http.Client, maxRetries int, p *retryPolicy) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   hc,
		RetryMax:     maxRetries,
		RetryWaitMin: p.min,
		RetryWaitMax: p.max,
		CheckRetry:   p.checkRetry,
		Backoff:      p.backoff,
		// Hand back the last response so its error body can be reported.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

// SendFunc sends a request with a client and returns the answer, whose
// body the caller closes.
type SendFunc func(*http.Client, *http.Request) (*http.Response, error)

// Repeating returns a Do for requests that are safe to repeat, such as IAM
// token requests: it sends req with hc under the same policy as reads and
// returns the last answer, or the error of the last attempt. Zero waits
// mean the defaults of Config.
func Repeating(maxRetries int, waitMin, waitMax time.Duration) SendFunc {
	waitMin = cmp.Or(waitMin, defaultRetryWaitMin)
	waitMax = max(cmp.Or(waitMax, defaultRetryWaitMax), waitMin)
	return func(hc *http.Client, req *http.Request) (*http.Response, error) {
		r, err := retryablehttp.FromRequest(req)
		if err != nil {
			return nil, err
		}
		policy := &retryPolicy{min: waitMin, max: waitMax}
		resp, err := newRetryClient(hc, max(maxRetries, 0), policy).Do(r)
		if err != nil {
			attempts := fmt.Sprintf("after %d attempt(s)", max(policy.attempts, 1))
			if policy.stopReason != "" {
				attempts += ", " + policy.stopReason
			}
			return resp, fmt.Errorf("%s: %w", attempts, err)
		}
		return resp, nil
	}
}
