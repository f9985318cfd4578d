package provider

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	msgpack "github.com/vmihailenco/msgpack/v5"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
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
// data sources without the generic walks: configure the data source, read
// as its Read does (readState), encode the state. It declines
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
	stater, ok := ds.(runnerListStater)
	if !ok {
		return nil, false
	}
	state, diags := stater.readState(loglessContext{ctx}, readReq.Config)
	readResp := datasource.ReadResponse{State: tfsdk.State{Schema: sch.schema, Raw: config}, Diagnostics: diags}

	resp := &tfprotov6.ReadDataSourceResponse{}
	var convOK bool
	if resp.Diagnostics, convOK = protoDiagnostics(readResp.Diagnostics); !convOK {
		resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityError,
			Summary:  "Unexpected diagnostic",
			Detail:   readResp.Diagnostics[0].Summary() + ": " + readResp.Diagnostics[0].Detail(),
		})
	}
	if state != nil {
		resp.State = state
	} else if resp.State, err = dynamicValue(sch.typ, readResp.State.Raw); err != nil {
		// After an error the framework returns the configuration as state.
		resp.Diagnostics = append(resp.Diagnostics, encodingError(err))
	}
	return resp, true
}

// runnerListStater is implemented by runnerListDataSource: Read, with the
// state encoded straight to msgpack.
type runnerListStater interface {
	readState(ctx context.Context, config tfsdk.Config) (*tfprotov6.DynamicValue, diag.Diagnostics)
}

// readState is Read for the fast path. The state of a 10,000-runner list is
// 110,000 values; encoding it straight from the runners, with the same
// msgpack encoder and in the same form as tftypes (TestRunnerListMsgPack
// compares the bytes), saves building those values and walking them again.
func (d *runnerListDataSource[T, P]) readState(ctx context.Context, config tfsdk.Config) (*tfprotov6.DynamicValue, diag.Diagnostics) {
	var model T
	m := P(&model)
	diags := config.Get(ctx, m)
	if diags.HasError() {
		return nil, diags
	}
	runners, d2 := d.fetch(ctx, m)
	diags.Append(d2...)
	if diags.HasError() {
		return nil, diags
	}
	b, err := runnerListStateMsgPack(config.Raw, runners)
	if err != nil {
		diags.AddError("Cannot build the list of runners", "This is a bug in the provider; please report it. "+err.Error())
		return nil, diags
	}
	tflog.Debug(ctx, "listed runners", map[string]any{"data_source": d.spec.name, "count": len(runners)})
	return &tfprotov6.DynamicValue{MsgPack: b}, diags
}

// runnerListItemKeys are the attributes of one runner list element in the
// order msgpack objects are written (sorted, as tftypes writes them).
var runnerListItemKeys = func() []string {
	keys := make([]string, 0, len(runnerListItemTFType.AttributeTypes))
	for k := range runnerListItemTFType.AttributeTypes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}()

// runnerListStateMsgPack is runnerListState encoded as tftypes would encode
// it (tftypes.Value.MarshalMsgPack), without building the values.
func runnerListStateMsgPack(config tftypes.Value, runners []gitlab.Runner) ([]byte, error) {
	var cfg map[string]tftypes.Value
	if err := config.As(&cfg); err != nil {
		return nil, err
	}
	typ, ok := config.Type().(tftypes.Object)
	if !ok {
		return nil, fmt.Errorf("configuration is a %s, not an object", config.Type())
	}
	keys := make([]string, 0, len(typ.AttributeTypes))
	for k := range typ.AttributeTypes {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	var buf bytes.Buffer
	buf.Grow(256 * (len(runners) + 1))
	enc := msgpack.NewEncoder(&buf)
	var err error
	check := func(e error) {
		if err == nil {
			err = e
		}
	}
	str := func(s string) { check(enc.EncodeString(s)) }
	strOrNull := func(p *string) {
		if p == nil {
			check(enc.EncodeNil())
		} else {
			str(*p)
		}
	}
	check(enc.EncodeMapLen(len(keys)))
	for _, k := range keys {
		str(k)
		switch k {
		case "runners":
			check(enc.EncodeArrayLen(len(runners)))
			for i := range runners {
				r := &runners[i]
				check(enc.EncodeMapLen(len(runnerListItemKeys)))
				for _, ik := range runnerListItemKeys {
					str(ik)
					switch ik {
					case "created_at":
						strOrNull(stringPointer(timeValueOrNull(r.CreatedAt)))
					case "description":
						str(r.Description)
					case "id":
						check(enc.EncodeInt(r.ID))
					case "is_shared":
						check(enc.EncodeBool(r.IsShared))
					case "job_execution_status":
						strOrNull(nonEmpty(r.JobExecutionStatus))
					case "name":
						strOrNull(r.Name)
					case "online":
						if r.Online == nil {
							check(enc.EncodeNil())
						} else {
							check(enc.EncodeBool(*r.Online))
						}
					case "paused":
						check(enc.EncodeBool(r.Paused))
					case "runner_type":
						str(r.RunnerType)
					case "status":
						str(r.Status)
					default:
						return nil, fmt.Errorf("runner list attribute %q has no encoder", ik)
					}
				}
			}
		case "ids":
			check(enc.EncodeArrayLen(len(runners)))
			var num [20]byte
			for i := range runners {
				check(enc.EncodeString(string(strconv.AppendInt(num[:0], runners[i].ID, 10))))
			}
		default:
			v, ok := cfg[k]
			if !ok {
				return nil, fmt.Errorf("%s: no value", k)
			}
			b, e := v.MarshalMsgPack(typ.AttributeTypes[k]) //nolint:staticcheck // the encoding the framework uses
			check(e)
			_, e = buf.Write(b)
			check(e)
		}
		if err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}
