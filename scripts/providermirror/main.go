// Command providermirror does the parts of `make mirror` (scripts/mirror.sh)
// that goreleaser does not, and serves the result for scripts/mirror-test.sh:
//
//	providermirror config -version V -dist DIR -targets T,T <.goreleaser.yml
//	    prints .goreleaser.yml restricted to the targets T (os_arch), with
//	    snapshot version V and output in DIR, for `goreleaser -f -`
//	providermirror layout -version V -from DIST -to DIR HOST...
//	    copies the zips in DIST into DIR/HOST/f6c119bb/servicestage/ (the
//	    packed layout of a filesystem mirror), with the index.json and V.json
//	    of the provider network mirror protocol beside them
//	providermirror serve -dir DIR -cert FILE -url FILE
//	    serves DIR over HTTPS on a free loopback port (network_mirror needs
//	    https), writing the server's certificate and URL to the files
//	providermirror rezip ZIP
//	    rewrites ZIP as a valid zip of other content (each file's last byte
//	    changed), for the test that the CLIs refuse it
package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"

	"golang.org/x/mod/sumdb/dirhash"
	"gopkg.in/yaml.v3"
)

const (
	namespace = "f6c119bb"
	name      = "servicestage"
	project   = "terraform-provider-" + name
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: providermirror config|layout|serve|rezip [flags]")
		os.Exit(2)
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "config":
		err = configCmd(args)
	case "layout":
		err = layoutCmd(args)
	case "serve":
		err = serveCmd(args)
	case "rezip":
		if len(args) != 1 {
			err = errors.New("usage: providermirror rezip ZIP")
		} else {
			err = rezip(args[0])
		}
	default:
		err = fmt.Errorf("unknown command %q (want config, layout, serve or rezip)", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "providermirror:", err)
		os.Exit(1)
	}
}

// semver is what Terraform and OpenTofu accept as a provider version.
var semver = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$`)

func checkVersion(v string) error {
	if !semver.MatchString(v) {
		return fmt.Errorf("version %q is not a semantic version like 1.2.3 or 0.0.0-dev", v)
	}
	return nil
}

// configCmd edits the release configuration as a YAML tree, so that every
// other setting (flags, ldflags, binary and archive names) stays the release's.
func configCmd(args []string) error {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	version := fs.String("version", "", "snapshot version to build")
	dist := fs.String("dist", "", "goreleaser output directory")
	targets := fs.String("targets", "", "comma-separated os_arch targets")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := checkVersion(*version); err != nil {
		return err
	}
	if *dist == "" || *targets == "" {
		return errors.New("config needs -dist and -targets")
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(os.Stdin).Decode(&doc); err != nil {
		return fmt.Errorf("reading the goreleaser configuration: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return errors.New("the goreleaser configuration is not a YAML mapping")
	}
	root := doc.Content[0]
	builds := mapValue(root, "builds")
	if builds == nil || builds.Kind != yaml.SequenceNode || len(builds.Content) == 0 {
		return errors.New("the goreleaser configuration has no builds")
	}
	targetList := &yaml.Node{Kind: yaml.SequenceNode}
	for _, t := range strings.Split(*targets, ",") {
		targetList.Content = append(targetList.Content, scalar(t))
	}
	for _, b := range builds.Content {
		// goreleaser ignores these when targets is set, with a warning each.
		for _, k := range []string{"goos", "goarch", "goarm", "goamd64", "goarm64", "ignore"} {
			deleteKey(b, k)
		}
		setKey(b, "targets", targetList)
	}
	setKey(root, "dist", scalar(*dist))
	snapshot := &yaml.Node{Kind: yaml.MappingNode}
	setKey(snapshot, "version_template", scalar(*version))
	setKey(root, "snapshot", snapshot)
	enc := yaml.NewEncoder(os.Stdout)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	return enc.Close()
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func deleteKey(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

func setKey(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, scalar(key), v)
}

// archive is one entry of {version}.json in the network mirror protocol.
type archive struct {
	URL    string   `json:"url"`
	Hashes []string `json:"hashes"`
}

func layoutCmd(args []string) error {
	fs := flag.NewFlagSet("layout", flag.ContinueOnError)
	version := fs.String("version", "", "version the zips were built as")
	from := fs.String("from", "", "goreleaser output directory holding the zips")
	to := fs.String("to", "", "mirror directory to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := checkVersion(*version); err != nil {
		return err
	}
	hosts := fs.Args()
	if *from == "" || *to == "" || len(hosts) == 0 {
		return errors.New("layout needs -from, -to and at least one registry host")
	}
	prefix := project + "_" + *version + "_"
	zips, err := filepath.Glob(filepath.Join(*from, prefix+"*.zip"))
	if err != nil {
		return err
	}
	if len(zips) == 0 {
		return fmt.Errorf("no %s*.zip in %s", prefix, *from)
	}
	sort.Strings(zips)
	archives := map[string]archive{}
	for _, z := range zips {
		base := filepath.Base(z)
		platform := strings.TrimSuffix(strings.TrimPrefix(base, prefix), ".zip")
		// h1: is Terraform's hash of a provider package: the dirhash of the
		// zip's file names and contents, the same whatever the zip's encoding.
		h1, err := dirhash.HashZip(z, dirhash.Hash1)
		if err != nil {
			return fmt.Errorf("hashing %s: %w", base, err)
		}
		archives[platform] = archive{URL: base, Hashes: []string{h1}}
	}
	index, err := json.Marshal(map[string]any{"versions": map[string]any{*version: struct{}{}}})
	if err != nil {
		return err
	}
	versionJSON, err := json.Marshal(map[string]any{"archives": archives})
	if err != nil {
		return err
	}
	for _, host := range hosts {
		dir := filepath.Join(*to, host, namespace, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for _, z := range zips {
			if err := copyFile(z, filepath.Join(dir, filepath.Base(z))); err != nil {
				return err
			}
		}
		if err := writeServed(filepath.Join(dir, "index.json"), append(index, '\n')); err != nil {
			return err
		}
		if err := writeServed(filepath.Join(dir, *version+".json"), append(versionJSON, '\n')); err != nil {
			return err
		}
	}
	return nil
}

// writeServed writes a file that a web server will serve: readable by all,
// like the zips beside it.
func writeServed(path string, data []byte) error {
	return os.WriteFile(path, data, 0o644) //nolint:gosec // a mirror's files are public by design
}

func copyFile(from, to string) (err error) {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, in.Close()) }()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, out.Close()) }()
	_, err = io.Copy(out, in)
	return err
}

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
