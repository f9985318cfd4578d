package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// runnerListFastTypes are the data sources readRunnerListFast serves: the
// three instances of runnerListDataSource. Their schemas have no blocks and
// only basic types (TestRunnerListFast_schemas), so the framework's
// post-processing of their state (ReifyNullCollectionBlocks, semantic
// equality) never changes it.
var runnerListFastTypes = map[string]func() datasource.DataSource{
	TypeName + "_runners":         NewRunnersDataSource,
	TypeName + "_group_runners":   NewGroupRunnersDataSource,
	TypeName + "_project_runners": NewProjectRunnersDataSource,
}

type runnerListFastSchema struct {
	schema schema.Schema
	typ    tftypes.Type
}

var runnerListSchemas sync.Map // type name -> *runnerListFastSchema

func runnerListSchema(ctx context.Context, typeName string, ds datasource.DataSource) *runnerListFastSchema {
	if s, ok := runnerListSchemas.Load(typeName); ok {
		return s.(*runnerListFastSchema)
	}
	var resp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
	s := &runnerListFastSchema{schema: resp.Schema, typ: resp.Schema.Type().TerraformType(ctx)}
	runnerListSchemas.Store(typeName, s)
	return s
}

// readRunnerListFast is fwserver.Server.ReadDataSource for the runner list
// data sources without the generic walks: configure the data source, call
// its Read with the configuration, encode the state it sets. It declines
// (false) when the provider is not configured or the request is not plain.
func readRunnerListFast(ctx context.Context, p *capturingProvider, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, bool) {
	newDS, ok := runnerListFastTypes[req.TypeName]
	if !ok || p.data == nil || req.Config == nil || req.ProviderMeta != nil && len(req.ProviderMeta.MsgPack) > 0 {
		return nil, false
	}
	ds := newDS()
	sch := runnerListSchema(ctx, req.TypeName, ds)
	config, err := req.Config.Unmarshal(sch.typ)
	if err != nil {
		return nil, false
	}
	var cresp datasource.ConfigureResponse
	ds.(datasource.DataSourceWithConfigure).Configure(ctx, datasource.ConfigureRequest{ProviderData: p.dataSourceData}, &cresp)
	if len(cresp.Diagnostics) > 0 {
		return nil, false
	}
	readReq := datasource.ReadRequest{Config: tfsdk.Config{Schema: sch.schema, Raw: config}}
	if req.ClientCapabilities != nil {
		readReq.ClientCapabilities.DeferralAllowed = req.ClientCapabilities.DeferralAllowed
	}
	readResp := datasource.ReadResponse{State: tfsdk.State{Schema: sch.schema, Raw: config.Copy()}}
	ds.Read(ctx, readReq, &readResp)

	resp := &tfprotov6.ReadDataSourceResponse{}
	var convOK bool
	if resp.Diagnostics, convOK = protoDiagnostics(readResp.Diagnostics); !convOK {
		resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityError,
			Summary:  "Unexpected diagnostic",
			Detail:   readResp.Diagnostics[0].Summary() + ": " + readResp.Diagnostics[0].Detail(),
		})
	}
	if readResp.Deferred != nil {
		resp.Deferred = &tfprotov6.Deferred{Reason: tfprotov6.DeferredReason(readResp.Deferred.Reason)}
	}
	if resp.State, err = dynamicValue(sch.typ, readResp.State.Raw); err != nil {
		resp.Diagnostics = append(resp.Diagnostics, encodingError(err))
	}
	return resp, true
}
