package servicestage

import (
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
}

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
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	var reason string
	switch {
	case err != nil && TransientNetworkError(err):
		reason = err.Error()
	case err != nil:
		return false, err
	case retryableStatus[resp.StatusCode]:
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

// TransientNetworkError recognises failures that another attempt may not
// meet: resets, refusals, timeouts (request_timeout included) and connections
// cut mid-response. TLS and certificate failures are not among them.
func TransientNetworkError(err error) bool {
	if CertificateError(err) {
		return false
	}
	if errors.Is(err, ErrAttemptTimeout) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
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
