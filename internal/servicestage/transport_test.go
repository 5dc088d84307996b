package servicestage

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestNewTransportThrottles(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)
	rt, err := NewTransport(TransportConfig{RequestsPerSecond: 10})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: rt}
	start := time.Now()
	for range 11 {
		resp, err := client.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	// A burst of one: the first request goes at once, the next ten 100ms apart.
	if elapsed := time.Since(start); elapsed < 950*time.Millisecond {
		t.Errorf("11 requests at 10/s took %v, want at least ~1s", elapsed)
	}
}

func TestThrottleWaitHonoursContext(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)
	rt, err := NewTransport(TransportConfig{RequestsPerSecond: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: rt}
	resp, err := client.Get(srv.URL) // uses the one token
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err = client.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	// ErrThrottleDeadline comes only from the limiter's refusal to wait
	// past the deadline, while the context is still live: it did not wait.
	if !errors.Is(err, ErrThrottleDeadline) || !strings.Contains(err.Error(), "max_requests_per_second") {
		t.Errorf("got %v, want ErrThrottleDeadline naming max_requests_per_second", err)
	}
}

// An attempt that gets no complete answer within RequestTimeout, before
// the headers or in the middle of the body, is retried like a dropped
// connection.
func TestRequestTimeoutRetriesHungAttempt(t *testing.T) {
	t.Parallel()
	hangBeforeHeaders := func(_ http.ResponseWriter, req *http.Request) { <-req.Context().Done() }
	hangMidBody := func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"id":`))
		_ = http.NewResponseController(w).Flush()
		<-req.Context().Done()
	}
	for name, hang := range map[string]http.HandlerFunc{"before headers": hangBeforeHeaders, "mid-body": hangMidBody} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := newRecorder(t, hang, ok200)
			rt, err := NewTransport(TransportConfig{RequestTimeout: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			c := newTestClient(t, r, func(cfg *Config) { cfg.HTTPClient = &http.Client{Transport: rt} })
			if _, err := c.GetDeployInfo(context.Background(), testProject, testTask); err != nil {
				t.Fatalf("got %v, want the second attempt's answer", err)
			}
			if n := r.count(); n != 2 {
				t.Errorf("%d attempts, want 2", n)
			}
		})
	}
}

// When every attempt hangs, the error says request_timeout ended them and
// how many there were; the read's own deadline was not reached.
func TestRequestTimeoutPersistentHang(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, func(_ http.ResponseWriter, req *http.Request) { <-req.Context().Done() })
	rt, err := NewTransport(TransportConfig{RequestTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, r, func(cfg *Config) { cfg.HTTPClient, cfg.MaxRetries = &http.Client{Transport: rt}, 1 })
	_, err = c.GetDeployInfo(context.Background(), testProject, testTask)
	if !errors.Is(err, ErrAttemptTimeout) || !strings.Contains(err.Error(), "after 2 attempt(s)") {
		t.Errorf("got %v, want ErrAttemptTimeout after 2 attempts", err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%v claims the read's deadline passed", err)
	}
}

func TestNewTransportCACertFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("this is not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, file := range map[string]string{"missing": filepath.Join(dir, "missing.pem"), "not PEM": notPEM} {
		if _, err := NewTransport(TransportConfig{CACertFile: file}); err == nil || !strings.Contains(err.Error(), "cacert_file") {
			t.Errorf("%s: got %v, want a cacert_file error", name, err)
		}
	}
}

func newTLSServer(t *testing.T, configure func(*tls.Config)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(testBody))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are expected
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	if configure != nil {
		srv.TLS = &tls.Config{}
		configure(srv.TLS)
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &conns
}

func writeServerCA(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "ca.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestNewTransportTrustsCACertFile(t *testing.T) {
	t.Parallel()
	srv, _ := newTLSServer(t, nil)
	rt, err := NewTransport(TransportConfig{CACertFile: writeServerCA(t, srv)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{Endpoint: srv.URL, HTTPClient: &http.Client{Transport: rt}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetDeployInfo(context.Background(), testProject, testTask); err != nil {
		t.Errorf("TLS request with the server's CA: %v", err)
	}
}

func TestUntrustedCertificateIsNotRetried(t *testing.T) {
	t.Parallel()
	srv, conns := newTLSServer(t, nil)
	rt, err := NewTransport(TransportConfig{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{Endpoint: srv.URL, HTTPClient: &http.Client{Transport: rt}, MaxRetries: 3,
		RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetDeployInfo(context.Background(), testProject, testTask)
	if !CertificateError(err) || !strings.Contains(err.Error(), "is not trusted") {
		t.Errorf("got %v, want a certificate error", err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections, want 1: a certificate error is not transient", n)
	}

	insecure, err := NewTransport(TransportConfig{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	c, _ = New(Config{Endpoint: srv.URL, HTTPClient: &http.Client{Transport: insecure}})
	if _, err := c.GetDeployInfo(context.Background(), testProject, testTask); err != nil {
		t.Errorf("insecure = true: %v", err)
	}
}

func TestNewTransportRequiresTLS12(t *testing.T) {
	t.Parallel()
	rt, err := NewTransport(TransportConfig{RequestsPerSecond: 5})
	if err != nil {
		t.Fatal(err)
	}
	// throttledTransport → loggingTransport → attemptTimeoutTransport → *http.Transport.
	base := rt.(*throttledTransport).base.(*loggingTransport).base.(*attemptTimeoutTransport).base.(*http.Transport)
	if base.TLSClientConfig.MinVersion != tls.VersionTLS12 {
		t.Errorf("MinVersion %x, want TLS 1.2", base.TLSClientConfig.MinVersion)
	}
	if base.Proxy == nil {
		t.Error("proxies from the environment are ignored")
	}

	// And on the wire: a server that stops at TLS 1.1 is refused.
	srv, _ := newTLSServer(t, func(c *tls.Config) { c.MinVersion, c.MaxVersion = tls.VersionTLS10, tls.VersionTLS11 })
	rt, err = NewTransport(TransportConfig{CACertFile: writeServerCA(t, srv)})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: rt}).Get(srv.URL)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("TLS 1.1 server accepted (%s)", tls.VersionName(resp.TLS.Version))
	}
}
