// Command terraform-provider-gitlabci is a Terraform and OpenTofu provider
// that manages GitLab CI runners through the GitLab REST API.
package main

import (
	"flag"
	"log"
	"os"
	rdebug "runtime/debug"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

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

	// A provider process lives for one CLI command with a small live heap
	// (a few MB while refreshing 1,000 runners, ~25 MB while listing 10,000),
	// and collecting at every doubling of it was a fifth of its CPU in a
	// refresh-plan. Collecting at every tripling halves that for a few MB of
	// peak RSS (bench/README.md). GOGC, when set, still decides.
	if os.Getenv("GOGC") == "" {
		rdebug.SetGCPercent(200)
	}

	// What providerserver.Serve does, with provider.NewProtocol6Server's
	// fast paths when nothing asks for logs.
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	newServer := provider.NewProtocol6Server(version, quieted)
	err := tf6server.Serve(provider.RegistryAddress, func() tfprotov6.ProviderServer {
		s, err := newServer()
		if err != nil {
			log.Fatal(err.Error())
		}
		return s
	}, opts...)
	stats.stop()
	if err != nil {
		log.Fatal(err.Error())
	}
	_ = commit
}
