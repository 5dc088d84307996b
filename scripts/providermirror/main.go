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
	"errors"
	"fmt"
	"os"
	"regexp"
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
