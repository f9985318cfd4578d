// Command terraform-provider-gitlabci is a Terraform and OpenTofu provider
// that manages GitLab CI runners through the GitLab REST API.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/provider"
)

// version and commit are set by goreleaser through -ldflags.
var (
	version = "dev"
	commit  = "none"
)

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// In debug mode the provider's stderr is the developer's terminal, so
	// the SDK's default (every logger at TRACE) is what they expect.
	quieted := false
	if !debug {
		quieted = applyEnv(quietLogEnv(os.Environ()))
	}
	stats := startProcessStats(quieted)

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         provider.RegistryAddress,
		Debug:           debug,
		ProtocolVersion: 6,
	})
	stats.stop()
	if err != nil {
		log.Fatal(err.Error())
	}
	_ = commit
}
