// Command terraform-provider-servicestage serves the ServiceStage provider
// to Terraform and OpenTofu over plugin protocol 6.
package main

import (
	"flag"
	"fmt"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/provider"
)

// version and commit are set by the release build (-X main.version=... -X main.commit=...).
var (
	version = "dev"
	commit  = "none"
)

const address = "registry.terraform.io/f6c119bb/servicestage"

//go:generate bash scripts/docs.sh

func main() {
	var debug, showVersion bool
	flag.BoolVar(&debug, "debug", false, "run with support for debuggers like delve")
	flag.BoolVar(&showVersion, "version", false, "print the version and exit")
	flag.Parse()
	if showVersion {
		fmt.Println("terraform-provider-servicestage", version, "commit", commit)
		return
	}

	// tf6server.Serve is what providerserver.Serve runs for protocol 6; it is
	// called directly to serve the provider through NewProtocol6Server.
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	if err := tf6server.Serve(address, provider.NewProtocol6Server(version), opts...); err != nil {
		log.Fatal(err)
	}
}
