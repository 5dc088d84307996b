package servicestage

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"golang.org/x/time/rate"
)

// TransportConfig is what shapes the connections of one provider instance.
type TransportConfig struct {
	// Insecure skips TLS certificate verification.
	Insecure bool
	// CACertFile is a PEM bundle added to the system roots.
	CACertFile string
	// RequestsPerSecond throttles every request of this transport, retries
	// included; zero means no throttle.
	RequestsPerSecond float64
	// RequestTimeout bounds one attempt: connect, headers and body. Zero
	// means DefaultRequestTimeout.
	RequestTimeout time.Duration
}

// DefaultRequestTimeout bounds one attempt when TransportConfig leaves it unset.
const DefaultRequestTimeout = 60 * time.Second

// maxConnsPerHost is Terraform's default -parallelism, so a plan of hundreds
// of reads keeps reusing ten connections. It caps open connections, not just
// idle ones: without the cap, a read that starts while another's connection
// is on its way back to the pool dials an eleventh. Reads beyond ten at once
// (a higher -parallelism) wait for a free connection.
const maxConnsPerHost = 10

// NewTransport builds the one http.RoundTripper a provider instance shares
// among all its reads: TLS 1.2+, proxies from the environment, keep-alive,
// the client-side throttle and the debug log. Authentication wraps it.
func NewTransport(cfg TransportConfig) (http.RoundTripper, error) {
	tlsConfig := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: cfg.Insecure, //nolint:gosec // The user asked for it with insecure = true; the provider warns.
	}
	if cfg.CACertFile != "" {
		pool, err := certPool(cfg.CACertFile)
		if err != nil {
			return nil, err
		}
		tlsConfig.RootCAs = pool
	}
	base := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   maxConnsPerHost,
		MaxConnsPerHost:       maxConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       tlsConfig,
	}
	var limiter waiter
	if cfg.RequestsPerSecond > 0 {
		limiter = newLimiter(cfg.RequestsPerSecond)
	}
	return stack(base, cfg, limiter), nil
}

// stack puts the provider's layers over the network: the throttle
// outermost, so that an attempt's timer starts only once it has its turn and
// so that Authenticated can put credentials after it, then the log, then
// the attempt's timer.
func stack(network http.RoundTripper, cfg TransportConfig, limiter waiter) http.RoundTripper {
	var rt http.RoundTripper = &loggingTransport{base: &attemptTimeoutTransport{timeout: cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout), base: network}}
	if limiter != nil {
		rt = &throttledTransport{limiter: limiter, base: rt}
	}
	return rt
}

// linkLocalDialTimeout bounds the connection to the ECS metadata service,
// which answers at once where it exists: on a host without it, the search
// for credentials ends within this.
const linkLocalDialTimeout = time.Second

// NewLinkLocalTransport is the transport to the ECS metadata service, a
// plain-HTTP link-local address: never through a proxy, a short connect
// timeout, and otherwise the layers of shared (a NewTransport), its
// throttle included.
func NewLinkLocalTransport(shared http.RoundTripper, cfg TransportConfig) http.RoundTripper {
	network := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: linkLocalDialTimeout}).DialContext,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     90 * time.Second,
	}
	var limiter waiter
	if t, ok := shared.(*throttledTransport); ok {
		limiter = t.limiter
	}
	return stack(network, cfg, limiter)
}

// Authenticated puts authenticate between the throttle of a transport
// NewTransport built and the rest, so that every request goes through the
// throttle, then gets its token or signature as the attempt is sent (a
// signature dated before a long throttle wait could be stale on arrival),
// then the attempt's timer, then the network. The throttle stays shared
// with rt's other users, such as the IAM client.
func Authenticated(rt http.RoundTripper, authenticate func(http.RoundTripper) http.RoundTripper) http.RoundTripper {
	if t, ok := rt.(*throttledTransport); ok {
		return &throttledTransport{limiter: t.limiter, base: authenticate(t.base)}
	}
	return authenticate(rt)
}

// certPool returns the system roots plus the PEM certificates in file.
func certPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file) //nolint:gosec // The path is the user's own cacert_file setting.
	if err != nil {
		return nil, fmt.Errorf("reading cacert_file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("reading cacert_file: " + file + " holds no PEM certificate")
	}
	return pool, nil
}

// throttledTransport waits for a token before every request, so that all
// reads of one provider stay under an account's gateway limit together.
type throttledTransport struct {
	limiter waiter
	base    http.RoundTripper
}

// waiter is what the throttle needs of a *rate.Limiter.
type waiter interface {
	Wait(ctx context.Context) error
}

// newLimiter allows a burst of one so the rate holds from the first request.
func newLimiter(perSecond float64) *rate.Limiter {
	return rate.NewLimiter(rate.Limit(perSecond), 1)
}

// ErrThrottleDeadline reports a request whose turn under the client-side
// throttle would come only after the read's deadline.
var ErrThrottleDeadline = errors.New("client-side rate limit (max_requests_per_second): no turn before the deadline")

func (t *throttledTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.limiter.Wait(req.Context()); err != nil {
		// The limiter refuses at once, with the context still live, when
		// the turn would come after the deadline.
		if req.Context().Err() == nil {
			return nil, ErrThrottleDeadline
		}
		return nil, throttleWaitError{err}
	}
	return t.base.RoundTrip(req)
}

// throttleWaitError is a wait for the throttle that the read's end cut
// short: the request was never sent.
type throttleWaitError struct{ err error }

func (e throttleWaitError) Error() string {
	return "waiting for the client-side rate limit (max_requests_per_second): " + e.err.Error()
}

func (e throttleWaitError) Unwrap() error { return e.err }

// NotSent marks the request as certainly not sent.
func (throttleWaitError) NotSent() bool { return true }

// ErrAttemptTimeout reports an attempt that got no complete answer within
// request_timeout. The retry policy treats it like a dropped connection.
var ErrAttemptTimeout = errors.New("no complete answer within request_timeout")

// attemptTimeoutTransport bounds each attempt, reading the body included, so
// that a connection that accepts a request and never answers is given up
// and retried instead of holding the whole read.
type attemptTimeoutTransport struct {
	timeout time.Duration
	base    http.RoundTripper
}

func (t *attemptTimeoutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	parent := req.Context()
	ctx, cancel := context.WithTimeout(parent, t.timeout)
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		err = t.explain(parent, ctx, err)
		cancel()
		return nil, err
	}
	resp.Body = &attemptBody{ReadCloser: resp.Body, t: t, parent: parent, ctx: ctx, cancel: cancel}
	return resp, nil
}

// explain replaces the error of an attempt its own timer ended; the read's
// deadline or cancellation is left as it is.
func (t *attemptTimeoutTransport) explain(parent, attempt context.Context, err error) error {
	if parent.Err() == nil && attempt.Err() != nil {
		return fmt.Errorf("%w (%s)", ErrAttemptTimeout, t.timeout)
	}
	return err
}

// attemptBody keeps the attempt's timer running while the body is read and
// releases it when the body is closed.
type attemptBody struct {
	io.ReadCloser
	t           *attemptTimeoutTransport
	parent, ctx context.Context
	cancel      context.CancelFunc
}

func (b *attemptBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = b.t.explain(b.parent, b.ctx, err)
	}
	return n, err
}

func (b *attemptBody) Close() error {
	defer b.cancel()
	return b.ReadCloser.Close()
}
