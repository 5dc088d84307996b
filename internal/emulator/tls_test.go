package emulator_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

// startTLS serves one task scripted with steps over HTTPS with a new TestCA.
func startTLS(t *testing.T, steps ...emulator.Step) (*emulator.Server, *httptest.Server, *emulator.TestCA) {
	t.Helper()
	ca, err := emulator.NewTestCA()
	if err != nil {
		t.Fatal(err)
	}
	srv := emulator.New()
	srv.AddToken(token, project, time.Now().Add(time.Hour))
	srv.AddTask(project, releasePlan, steps...)
	ts := srv.StartTLS(ca.ServerCert)
	t.Cleanup(ts.Close)
	return srv, ts, ca
}

func TestStartTLS(t *testing.T) {
	srv, ts, ca := startTLS(t, emulator.Step{Body: emulator.DeployInfoJSON(releasePlan)})

	t.Run("trusting the CA", func(t *testing.T) {
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(ca.CertPEM) {
			t.Fatal("CertPEM holds no certificate")
		}
		rt := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
		defer rt.CloseIdleConnections()
		resp, err := (&http.Client{Transport: rt}).Do(withToken(t, ts.URL, token))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Proto != "HTTP/1.1" || resp.TLS == nil {
			t.Errorf("got HTTP %d over %s (TLS %v), want 200 over HTTP/1.1 with TLS", resp.StatusCode, resp.Proto, resp.TLS != nil)
		}
		if n := srv.Connections(); n != 1 {
			t.Errorf("Connections = %d, want 1", n)
		}
	})
	t.Run("without the CA", func(t *testing.T) {
		resp, err := (&http.Client{Transport: &http.Transport{}}).Do(withToken(t, ts.URL, token))
		if err == nil {
			resp.Body.Close()
			t.Fatalf("got HTTP %d, want an unknown-authority error", resp.StatusCode)
		}
		var unknown x509.UnknownAuthorityError
		if !errors.As(err, &unknown) {
			t.Errorf("got %v (%T), want x509.UnknownAuthorityError", err, err)
		}
	})
	t.Run("names", func(t *testing.T) {
		leaf := ca.ServerCert.Leaf
		for _, host := range []string{"127.0.0.1", "::1", "localhost"} {
			if err := leaf.VerifyHostname(host); err != nil {
				t.Errorf("the certificate does not cover %s: %v", host, err)
			}
		}
		if time.Until(leaf.NotAfter) < 22*time.Hour || time.Since(leaf.NotBefore) < 59*time.Minute {
			t.Errorf("valid %s to %s, want from an hour ago for 24 hours", leaf.NotBefore, leaf.NotAfter)
		}
	})
}

// Faults that hijack the connection work over TLS too.
func TestStartTLSFaultReset(t *testing.T) {
	srv, ts, _ := startTLS(t, emulator.Step{Fault: emulator.FaultReset})

	resp, err := ts.Client().Do(withToken(t, ts.URL, token))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got HTTP %d, want a connection error", resp.StatusCode)
	}
	if n := srv.Reads(project, releasePlan); n < 1 {
		t.Errorf("Reads = %d, want the request to have reached the handler", n)
	}
}
