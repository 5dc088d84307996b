// Command terraform-provider-servicestage serves the ServiceStage provider
// to Terraform and OpenTofu over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/provider"
)

// version is set by the release build (-X main.version=...).
var version = "dev"

//go:generate go tool tfplugindocs generate --provider-name servicestage

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/f6c119bb/servicestage",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err)
	}
}
