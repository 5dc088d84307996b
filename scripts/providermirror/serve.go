package main

import (
	"archive/zip"
	"bytes"
	"encoding/pem"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"syscall"
)

func serveCmd(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dir := fs.String("dir", "", "directory to serve")
	certFile := fs.String("cert", "", "file to write the server's certificate to (PEM), for SSL_CERT_FILE")
	urlFile := fs.String("url", "", "file to write the server's URL to, once it listens")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *certFile == "" || *urlFile == "" {
		return errors.New("serve needs -dir, -cert and -url")
	}
	// httptest's certificate is valid for 127.0.0.1, which is where it listens.
	srv := httptest.NewTLSServer(http.FileServer(http.Dir(*dir)))
	defer srv.Close()
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(*certFile, cert, 0o600); err != nil {
		return err
	}
	// The URL file is written last, whole (a rename): once it exists, all is ready.
	if err := os.WriteFile(*urlFile+".tmp", []byte(srv.URL+"/\n"), 0o600); err != nil {
		return err
	}
	if err := os.Rename(*urlFile+".tmp", *urlFile); err != nil {
		return err
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	return nil
}

// rezip keeps the names and order of the files in the zip and changes the
// last byte of each, so the zip is well formed and its h1: hash is another.
func rezip(path string) error {
	r, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range r.File {
		data, err := readZipFile(f)
		if err != nil {
			return errors.Join(err, r.Close())
		}
		if len(data) > 0 {
			data[len(data)-1] ^= 0xff
		}
		fw, err := w.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
		if err == nil {
			_, err = fw.Write(data)
		}
		if err != nil {
			return errors.Join(err, r.Close())
		}
	}
	if err := errors.Join(w.Close(), r.Close()); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o600) //nolint:gosec // the path is the caller's own test copy
}

func readZipFile(f *zip.File) (data []byte, err error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, rc.Close()) }()
	return io.ReadAll(rc)
}
