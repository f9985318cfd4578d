package bench

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/provider"
)

// BenchmarkGetProviderSchema is the provider's start as the CLI sees it:
// a new server answering GetProviderSchema, the first call of every
// provider process. framework is the plain terraform-plugin-framework
// server; served is what main.go serves (provider.NewProtocol6Server, with
// its fast paths), which must be no slower.
func BenchmarkGetProviderSchema(b *testing.B) {
	for _, tc := range []struct {
		name string
		new  func() (tfprotov6.ProviderServer, error)
	}{
		{"framework", providerserver.NewProtocol6WithError(provider.New("bench")())},
		{"served", provider.NewProtocol6Server("bench", true)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s, err := tc.new()
				if err != nil {
					b.Fatal(err)
				}
				resp, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
				if err != nil || len(resp.Diagnostics) > 0 {
					b.Fatalf("GetProviderSchema: %v %v", err, resp.Diagnostics)
				}
			}
		})
	}
}
