package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"time"
)

// TestCA is a throwaway certificate authority and a server certificate it
// issued for 127.0.0.1, ::1 and localhost, for tests of TLS verification.
type TestCA struct {
	// CertPEM is the CA certificate, PEM-encoded (what OS_CACERT points at).
	CertPEM []byte
	// ServerCert is the leaf certificate and key to serve, for StartTLS.
	ServerCert tls.Certificate
}

// NewTestCA generates a self-signed ECDSA P-256 CA and a leaf certificate,
// both valid from an hour ago for 24 hours.
func NewTestCA() (*TestCA, error) {
	notBefore := time.Now().Add(-time.Hour)
	notAfter := notBefore.Add(24 * time.Hour)
	ca, caKey, err := issue(&x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "ServiceStage emulator test CA"},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}, nil, nil)
	if err != nil {
		return nil, err
	}
	leaf, leafKey, err := issue(&x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}, ca, caKey)
	if err != nil {
		return nil, err
	}
	return &TestCA{
		CertPEM:    pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}),
		ServerCert: tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: leafKey, Leaf: leaf},
	}, nil
}

// issue makes a new key and a certificate for it from template, signed by
// parent's key, or self-signed when parent is nil.
func issue(template, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	if parent == nil {
		parent, parentKey = template, key
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, &key.PublicKey, parentKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

// StartTLS is Start over HTTPS with cert. It speaks HTTP/1.1 only, so the
// faults that hijack the connection still work. The returned server's
// Client() trusts cert itself; clients that should verify against a TestCA
// need its CertPEM in their RootCAs.
func (s *Server) StartTLS(cert tls.Certificate) *httptest.Server {
	ts := s.unstarted()
	ts.Config.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){} // no HTTP/2
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}}
	ts.StartTLS()
	return ts
}
