package servicestage

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
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
}

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
	var rt http.RoundTripper = base
	if cfg.RequestsPerSecond > 0 {
		rt = &throttledTransport{limiter: newLimiter(cfg.RequestsPerSecond), base: rt}
	}
	return &loggingTransport{base: rt}, nil
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
	limiter *rate.Limiter
	base    http.RoundTripper
}

// newLimiter allows a burst of one so the rate holds from the first request.
func newLimiter(perSecond float64) *rate.Limiter {
	return rate.NewLimiter(rate.Limit(perSecond), 1)
}

func (t *throttledTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.limiter.Wait(req.Context()); err != nil {
		return nil, fmt.Errorf("waiting for the client-side rate limit (max_requests_per_second): %w", err)
	}
	return t.base.RoundTrip(req)
}
