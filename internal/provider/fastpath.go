package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A refresh-plan of many resources calls ReadResource and PlanResourceChange
// once per resource, and terraform-plugin-framework does generic work on
// every one of them before and after the provider's own code: it decodes the
// request into framework values, walks every attribute of the schema for
// defaults, plan modifiers and semantic equality (ValueAtPath, Transform),
// configures a new resource instance and logs each step. For a refresh of
// an unchanged runner all of that produces the prior state again, and it
// costs several times the provider's own work (bench/README.md has the
// profiles). NewProtocol6Server therefore serves the framework's server with
// a few fast paths in front of it:
//
//   - ReadResource of gitlabci_runner: decodes the state once, calls the
//     resource's Read directly (the same code the framework calls) and
//     encodes what it returns;
//   - ReadDataSource of the three runner list data sources: reads as the
//     data source's Read does and encodes the state straight to msgpack
//     (readState); the framework would build and then walk every one of the
//     110,000 values of a 10,000-runner list (null-block reification and
//     semantic equality, both no-ops for these schemas, which have no blocks
//     and no custom types);
//   - ValidateResourceConfig of gitlabci_runner: runs the schema's
//     validators and ValidateConfig directly; a configuration that draws any
//     diagnostic is validated again by the framework, which reports it;
//   - UpgradeResourceState of gitlabci_runner at the current schema
//     version: decodes the stored JSON and encodes it, nothing else;
//   - PlanResourceChange of gitlabci_runner: when the proposed new state,
//     with the schema's defaults applied and write-only values nulled, equals
//     the prior state, the framework would mark nothing unknown and no
//     attribute plan modifier would change anything, so only the resource's
//     ModifyPlan runs; any other plan goes to the framework.
//
// Every other call, and any request a fast path does not recognise as its
// simple case, goes to the framework unchanged. The fast paths are off when
// the process logs (FastPathsWanted): then every framework log line is
// written as before.
//
// NewProtocol6Server is what main.go serves (fastPaths exactly when it
// turned the loggers off, by the same rule as FastPathsWanted) and what the
// acceptance tests use (FastPathsWanted(os.Environ())).
func NewProtocol6Server(version string, fastPaths bool) func() (tfprotov6.ProviderServer, error) {
	return NewProtocol6ServerFor(New(version), fastPaths)
}

// NewProtocol6ServerFor is NewProtocol6Server for the provider newProvider
// makes (tests configure it with a simulator's clock).
func NewProtocol6ServerFor(newProvider func() provider.Provider, fastPaths bool) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		p := &capturingProvider{Provider: newProvider()}
		fw, err := providerserver.NewProtocol6WithError(p)()
		if err != nil || !fastPaths {
			return fw, err
		}
		full, ok := fw.(frameworkServer)
		if !ok {
			// A framework release that serves fewer RPCs: serve it as it is.
			return fw, nil
		}
		return &fastServer{frameworkServer: full, provider: p}, nil
	}
}

// FastPathsWanted reports whether the environment asks for no logs at all:
// no TF_LOG* variable and no TF_ACC_LOG_PATH set. The fast paths skip the
// framework's log lines, so with logging on everything goes through the
// framework and every line is written.
func FastPathsWanted(environ []string) bool {
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if value != "" && (strings.HasPrefix(name, "TF_LOG") || name == "TF_ACC_LOG_PATH") {
			return false
		}
	}
	return true
}

// frameworkServer is every RPC terraform-plugin-framework's protocol 6
// server implements; tf6server looks for the optional ones by type
// assertion, so the wrapper must keep them all.
//
// The three interfaces are marked deprecated only because terraform-plugin-go
// will fold them into ProviderServer; until then they are how tf6server finds
// these RPCs.
type frameworkServer interface {
	tfprotov6.ProviderServerWithListResource //nolint:staticcheck // see above
	tfprotov6.ProviderServerWithActions      //nolint:staticcheck // see above
	tfprotov6.ProviderServerWithStateStores  //nolint:staticcheck // see above
}

type fastServer struct {
	frameworkServer
	provider *capturingProvider
}

// capturingProvider keeps what the provider's Configure handed to resources,
// for the fast paths, which call resource methods without the framework.
// It forwards every optional provider interface the provider implements
// (TestCapturingProvider_keepsOptionalInterfaces checks that this wrapper
// hides none): today only the list resources of terraform query.
type capturingProvider struct {
	provider.Provider
	data           *ProviderData
	dataSourceData any
}

func (p *capturingProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	p.Provider.Configure(ctx, req, resp)
	if resp.Diagnostics.HasError() {
		return
	}
	var diags diag.Diagnostics
	p.data = providerDataFrom(resp.ResourceData, &diags)
	p.dataSourceData = resp.DataSourceData
}

// ListResources forwards provider.ProviderWithListResources.
func (p *capturingProvider) ListResources(ctx context.Context) []func() list.ListResource {
	if lp, ok := p.Provider.(provider.ProviderWithListResources); ok {
		return lp.ListResources(ctx)
	}
	return nil
}

func (s *fastServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	if req.TypeName == runnerTypeName {
		if resp, ok := readRunnerFast(ctx, s.provider.data, req); ok {
			return resp, nil
		}
	}
	return s.frameworkServer.ReadResource(ctx, req)
}

func (s *fastServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	if req.TypeName == runnerTypeName {
		if resp, ok := validateRunnerFast(ctx, req); ok {
			return resp, nil
		}
	}
	return s.frameworkServer.ValidateResourceConfig(ctx, req)
}

func (s *fastServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	if req.TypeName == runnerTypeName {
		if resp, ok := upgradeRunnerFast(req); ok {
			return resp, nil
		}
	}
	return s.frameworkServer.UpgradeResourceState(ctx, req)
}

func (s *fastServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if req.TypeName == runnerTypeName {
		if resp, ok := planRunnerFast(ctx, s.provider.data, req); ok {
			return resp, nil
		}
	}
	return s.frameworkServer.PlanResourceChange(ctx, req)
}

func (s *fastServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	if resp, ok := readRunnerListFast(ctx, s.provider, req); ok {
		return resp, nil
	}
	return s.frameworkServer.ReadDataSource(ctx, req)
}

// protoDiagnostics converts diagnostics the way the framework's toproto6
// does for the diagnostics a fast path can produce (attribute paths made of
// attribute names only).
func protoDiagnostics(diags diag.Diagnostics) ([]*tfprotov6.Diagnostic, bool) {
	var out []*tfprotov6.Diagnostic
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail()}
		switch d.Severity() {
		case diag.SeverityError:
			pd.Severity = tfprotov6.DiagnosticSeverityError
		case diag.SeverityWarning:
			pd.Severity = tfprotov6.DiagnosticSeverityWarning
		default:
			return nil, false
		}
		if dp, ok := d.(diag.DiagnosticWithPath); ok {
			ap := tftypes.NewAttributePath()
			for _, step := range dp.Path().Steps() {
				switch st := step.(type) {
				case path.PathStepAttributeName:
					ap = ap.WithAttributeName(string(st))
				case path.PathStepElementKeyString:
					ap = ap.WithElementKeyString(string(st))
				case path.PathStepElementKeyInt:
					ap = ap.WithElementKeyInt(int(st))
				default:
					return nil, false
				}
			}
			pd.Attribute = ap
		}
		out = append(out, pd)
	}
	return out, true
}

// loglessContext keeps a request context's cancellation and deadline but
// none of its values, so tflog finds no logger in it and returns at once.
// terraform-plugin-log applies every mask of a context (the client masks
// tokens with regular expressions) before it looks at the level, so each
// GitLab request's Debug lines cost CPU even with the provider logger off;
// the fast paths run only when every logger is off (FastPathsWanted), and
// nothing in the provider or its client reads other context values.
type loglessContext struct{ context.Context }

func (loglessContext) Value(any) any { return nil }

// dynamicValue encodes v as msgpack, as the framework's toproto6 does.
func dynamicValue(typ tftypes.Type, v tftypes.Value) (*tfprotov6.DynamicValue, error) {
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", typ, err)
	}
	return &dv, nil
}
