package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/provider"
)

const (
	runners = 10_000
	perPage = 100
	pages   = runners / perPage
	// route is how the simulator counts GET /runners/all requests.
	route = "GET /api/v4/runners/all"
)

// BenchmarkListRunners10k lists the 10,000 runners of a simulator four ways,
// each making exactly 100 requests of 100 runners (checked through the
// simulator's counters; the benchmark fails otherwise, never on speed):
//
//   - provider: the gitlabci_runners data source with all = true, called
//     through the plugin protocol exactly as Terraform calls it
//     (ReadDataSource on a configured provider.NewProtocol6Server, what
//     main.go serves): the listing below plus encoding the 110,000-value
//     state;
//   - framework: the same through the plain terraform-plugin-framework
//     server (providerserver.NewProtocol6WithError), which adds its generic
//     walks over the state (semantic equality, null-block reification);
//   - listing: the data source's listing path alone, the client call its
//     Read makes (gitlab.Client.ListAllRunners: page 1, then pages 2..100
//     concurrently, each decoded into []gitlab.Runner);
//   - bare: a plain net/http loop fetching the same 100 pages with the same
//     concurrency (gitlab.DefaultPageConcurrency), bodies read and dropped;
//   - bare_decode: bare plus encoding/json into []gitlab.Runner, the least
//     any client must do with the pages.
//
// Each runs against the simulator answering at once (latency=0s, the worst
// case for the ratios: then decoding JSON costs more than serving it) and
// with 25 ms added to every request (latency=25ms, still faster than a real
// GitLab building a page of 100 runners). bench/run.sh prints the ratios.
func BenchmarkListRunners10k(b *testing.B) {
	srv, err := gitlabsim.Start(gitlabsim.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	if _, err := srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: "instance_type", Tags: []string{"bench"}}, runners); err != nil {
		b.Fatal(err)
	}
	if n := srv.RunnerCount(); n != runners {
		b.Fatalf("simulator has %d runners, want %d", n, runners)
	}
	ds := newDataSourceCall(b, srv, provider.NewProtocol6Server("bench", true))
	fw := newDataSourceCall(b, srv, providerserver.NewProtocol6WithError(provider.New("bench")()))
	client, err := gitlab.NewClient(gitlab.Config{BaseURL: srv.URL, Token: srv.AdminToken})
	if err != nil {
		b.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: gitlab.DefaultPageConcurrency}}

	for _, latency := range []time.Duration{0, 25 * time.Millisecond} {
		b.Run("latency="+latency.String(), func(b *testing.B) {
			srv.SetFaultConfig(gitlabsim.FaultConfig{Latency: latency})
			defer srv.SetFaultConfig(gitlabsim.FaultConfig{})

			run(b, srv, "provider", func(b *testing.B) { ds.read(b) })
			ds.verifyState(b)
			run(b, srv, "framework", func(b *testing.B) { fw.read(b) })
			fw.verifyState(b)
			run(b, srv, "listing", func(b *testing.B) {
				rs, err := client.ListAllRunners(context.Background(), gitlab.ListRunnersOptions{})
				if err != nil || len(rs) != runners {
					b.Fatalf("listed %d runners: %v", len(rs), err)
				}
			})
			run(b, srv, "bare", func(b *testing.B) { bareFetch(b, hc, srv, false) })
			run(b, srv, "bare_decode", func(b *testing.B) { bareFetch(b, hc, srv, true) })
		})
	}
}

// run is one sub-benchmark: a warm-up call, then the timed loop, which must
// have made exactly `pages` requests per iteration, all to GET /runners/all.
func run(b *testing.B, srv *gitlabsim.Server, name string, list func(b *testing.B)) {
	b.Run(name, func(b *testing.B) {
		list(b)
		before := srv.Stats()
		b.ReportAllocs()
		for b.Loop() {
			list(b)
		}
		after := srv.Stats()
		total, listed := after.Requests-before.Requests, after.ByRoute[route]-before.ByRoute[route]
		if total != listed || listed != int64(pages*b.N) {
			b.Fatalf("%d listings made %d requests (%d to %s), want exactly %d per listing",
				b.N, total, listed, route, pages)
		}
		b.ReportMetric(float64(total)/float64(b.N), "requests/op")
	})
}

// bareFetch gets pages 1..100 with gitlab.DefaultPageConcurrency workers.
func bareFetch(b *testing.B, hc *http.Client, srv *gitlabsim.Server, decode bool) {
	base := srv.URL + "/api/v4/runners/all?per_page=" + strconv.Itoa(perPage) + "&page="
	pageCh := make(chan int)
	errs := make(chan error, pages)
	var wg sync.WaitGroup
	for w := 0; w < gitlab.DefaultPageConcurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range pageCh {
				if err := getPage(hc, base+strconv.Itoa(p), srv.AdminToken, decode); err != nil {
					errs <- err
				}
			}
		}()
	}
	for p := 1; p <= pages; p++ {
		pageCh <- p
	}
	close(pageCh)
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

func getPage(hc *http.Client, url, token string, decode bool) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("PRIVATE-TOKEN", token)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	if decode {
		var page []gitlab.Runner
		if err := json.Unmarshal(body, &page); err != nil {
			return err
		}
		if len(page) != perPage {
			return fmt.Errorf("GET %s: %d runners", url, len(page))
		}
	}
	return nil
}

// dataSourceCall is a configured provider server and a ReadDataSource
// request for gitlabci_runners { all = true }.
type dataSourceCall struct {
	server    tfprotov6.ProviderServer
	req       *tfprotov6.ReadDataSourceRequest
	stateType tftypes.Type
	last      *tfprotov6.DynamicValue
}

func newDataSourceCall(b *testing.B, srv *gitlabsim.Server, newServer func() (tfprotov6.ProviderServer, error)) *dataSourceCall {
	b.Helper()
	ctx := context.Background()
	server, err := newServer()
	if err != nil {
		b.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		b.Fatalf("GetProviderSchema: %v %v", err, diagnostics(schemas.Diagnostics))
	}
	providerConfig := dynamicValue(b, schemas.Provider, map[string]tftypes.Value{
		"base_url":         tftypes.NewValue(tftypes.String, srv.URL),
		"token":            tftypes.NewValue(tftypes.String, srv.AdminToken),
		"early_auth_check": tftypes.NewValue(tftypes.Bool, false),
	})
	conf, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.12.0", Config: &providerConfig,
	})
	if err != nil || len(conf.Diagnostics) > 0 {
		b.Fatalf("ConfigureProvider: %v %v", err, diagnostics(conf.Diagnostics))
	}
	dsSchema, ok := schemas.DataSourceSchemas["gitlabci_runners"]
	if !ok {
		b.Fatal("gitlabci_runners is not registered")
	}
	config := dynamicValue(b, dsSchema, map[string]tftypes.Value{"all": tftypes.NewValue(tftypes.Bool, true)})
	return &dataSourceCall{
		server:    server,
		req:       &tfprotov6.ReadDataSourceRequest{TypeName: "gitlabci_runners", Config: &config},
		stateType: dsSchema.ValueType(),
	}
}

func (d *dataSourceCall) read(b *testing.B) {
	resp, err := d.server.ReadDataSource(context.Background(), d.req)
	if err != nil || len(resp.Diagnostics) > 0 {
		b.Fatalf("ReadDataSource: %v %v", err, diagnostics(resp.Diagnostics))
	}
	d.last = resp.State
}

// verifyState decodes the last state (outside the timed loop) and checks it
// holds the 10,000 runners in id order.
func (d *dataSourceCall) verifyState(b *testing.B) {
	b.Helper()
	if d.last == nil {
		return // its sub-benchmark was filtered out (-bench)
	}
	v, err := d.last.Unmarshal(d.stateType)
	if err != nil {
		b.Fatal(err)
	}
	var obj map[string]tftypes.Value
	if err := v.As(&obj); err != nil {
		b.Fatal(err)
	}
	var ids []tftypes.Value
	if err := obj["ids"].As(&ids); err != nil {
		b.Fatal(err)
	}
	if len(ids) != runners {
		b.Fatalf("state has %d ids, want %d", len(ids), runners)
	}
	prev := int64(0)
	for _, idv := range ids {
		var s string
		if err := idv.As(&s); err != nil {
			b.Fatal(err)
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= prev {
			b.Fatalf("ids not in ascending order: %q after %d", s, prev)
		}
		prev = id
	}
}

// dynamicValue builds a configuration for schema with the given attributes
// set and every other attribute null.
func dynamicValue(b *testing.B, schema *tfprotov6.Schema, set map[string]tftypes.Value) tfprotov6.DynamicValue {
	b.Helper()
	typ := schema.ValueType().(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, t := range typ.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(t, nil)
		}
	}
	for name := range set {
		if _, ok := typ.AttributeTypes[name]; !ok {
			b.Fatalf("schema has no attribute %q", name)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		b.Fatal(err)
	}
	return dv
}

func diagnostics(ds []*tfprotov6.Diagnostic) string {
	out := ""
	for _, d := range ds {
		out += fmt.Sprintf("[%v] %s: %s; ", d.Severity, d.Summary, d.Detail)
	}
	return out
}
