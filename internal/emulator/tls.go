package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http/httptest"
	"time"
)

// TestCA is a certificate authority made for one test, standing in for the
// private CA of a TLS-inspecting proxy.
type TestCA struct {
	// CertPEM is the CA certificate, for cacert_file.
	CertPEM []byte
	// ServerCert is a leaf for 127.0.0.1 and localhost signed by the CA.
	ServerCert tls.Certificate
}

// NewTestCA generates a CA and a server certificate it signed.
func NewTestCA() (*TestCA, error) {
	ca := certificateTemplate(1, "emulator test CA")
	ca.KeyUsage, ca.BasicConstraintsValid, ca.IsCA = x509.KeyUsageCertSign, true, true
	caDER, caKey, err := newCertificate(ca, nil, nil)
	if err != nil {
		return nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	leaf := certificateTemplate(2, "emulator")
	leaf.KeyUsage, leaf.ExtKeyUsage = x509.KeyUsageDigitalSignature, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	leaf.DNSNames, leaf.IPAddresses = []string{"localhost"}, []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	leafDER, leafKey, err := newCertificate(leaf, caCert, caKey)
	if err != nil {
		return nil, err
	}
	return &TestCA{
		CertPEM:    pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		ServerCert: tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: leafKey},
	}, nil
}

// certificateTemplate is valid from an hour ago for a day: long enough for
// any test, and tolerant of a clock a little off.
func certificateTemplate(serial int64, name string) *x509.Certificate {
	now := time.Now()
	return &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
	}
}

// newCertificate makes a key and a certificate for it from template, signed
// by parent's key, or self-signed when parent is nil.
func newCertificate(template, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) ([]byte, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	if parent == nil {
		parent, parentKey = template, key
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, &key.PublicKey, parentKey)
	return der, key, err
}

// StartTLS serves the emulator over HTTPS with cert, on a loopback port.
// Close the returned server when done.
func (s *Server) StartTLS(cert tls.Certificate) *httptest.Server {
	ts := httptest.NewUnstartedServer(s)
	ts.Config.ConnState = s.trackConn
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are what TLS tests provoke
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	ts.StartTLS()
	return ts
}
