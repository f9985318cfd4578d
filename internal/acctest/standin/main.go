// Command standin is an empty provider that the acceptance tests install at
// the address of GitLab's provider (registry.terraform.io/gitlabhq/gitlab and
// its OpenTofu twin) through dev_overrides. Terraform and OpenTofu refuse to
// plan a `moved` block whose source belongs to a provider that is not
// installed, but they never ask that provider about the moved resource: the
// target provider converts the state. So any provider at that address will
// do, and the tests need neither the network nor GitLab's provider.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

type standIn struct{}

func (standIn) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "gitlab"
}

func (standIn) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (standIn) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {}

func (standIn) Resources(context.Context) []func() resource.Resource { return nil }

func (standIn) DataSources(context.Context) []func() datasource.DataSource { return nil }

func main() {
	address := flag.String("address", "registry.terraform.io/gitlabhq/gitlab", "provider address to serve")
	flag.Parse()
	err := providerserver.Serve(context.Background(), func() provider.Provider { return standIn{} },
		providerserver.ServeOpts{Address: *address, ProtocolVersion: 6})
	if err != nil {
		log.Fatal(err)
	}
}
