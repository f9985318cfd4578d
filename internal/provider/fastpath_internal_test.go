package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

// The fast paths must answer exactly what terraform-plugin-framework
// answers. These tests send the same requests to the framework's server
// (NewProtocol6Server(..., false)) and to the fast one, and compare the
// decoded responses.

type fastPair struct {
	fw, fast tfprotov6.ProviderServer
	sim      *gitlabsim.Server
}

func newFastPair(t *testing.T) *fastPair {
	t.Helper()
	srv, err := gitlabsim.Start(gitlabsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	p := &fastPair{sim: srv}
	for _, fast := range []bool{false, true} {
		s, err := NewProtocol6Server("test", fast)()
		if err != nil {
			t.Fatal(err)
		}
		if _, isFast := s.(*fastServer); isFast != fast {
			t.Fatalf("NewProtocol6Server(fast=%v) served %T", fast, s)
		}
		configure(t, s, srv)
		if fast {
			p.fast = s
		} else {
			p.fw = s
		}
	}
	return p
}

func configure(t *testing.T, s tfprotov6.ProviderServer, srv *gitlabsim.Server) {
	t.Helper()
	ctx := context.Background()
	schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ := schemas.Provider.ValueType().(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["base_url"] = tftypes.NewValue(tftypes.String, srv.URL)
	vals["token"] = tftypes.NewValue(tftypes.String, srv.AdminToken)
	vals["retries"] = tftypes.NewValue(tftypes.Number, 0)
	vals["early_auth_check"] = tftypes.NewValue(tftypes.Bool, false)
	cfg, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.12.0", Config: &cfg})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %v", err, resp.Diagnostics)
	}
}

// runnerValue builds a gitlabci_runner object: attributes not given are null.
func runnerValue(t *testing.T, set map[string]any) tftypes.Value {
	t.Helper()
	obj := runnerTypes().obj
	vals := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		v, ok := set[name]
		switch {
		case !ok || v == nil:
			vals[name] = tftypes.NewValue(at, nil)
		case v == tftypes.UnknownValue:
			vals[name] = tftypes.NewValue(at, tftypes.UnknownValue)
		default:
			switch v := v.(type) {
			case int:
				vals[name] = tftypes.NewValue(at, big.NewFloat(float64(v)))
			case []string:
				elems := []tftypes.Value{}
				for _, e := range v {
					elems = append(elems, tftypes.NewValue(tftypes.String, e))
				}
				vals[name] = tftypes.NewValue(at, elems)
			default:
				vals[name] = tftypes.NewValue(at, v)
			}
		}
	}
	return tftypes.NewValue(obj, vals)
}

func dv(t *testing.T, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	d, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return &d
}

func identityDV(t *testing.T, id string) *tfprotov6.ResourceIdentityData {
	typ := runnerTypes().identity
	return &tfprotov6.ResourceIdentityData{IdentityData: dv(t, typ,
		tftypes.NewValue(typ, map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, id)}))}
}

// decoded renders a response for comparison: values decoded, so an
// equal value encoded differently compares equal.
func decoded(t *testing.T, typ tftypes.Type, d *tfprotov6.DynamicValue) string {
	t.Helper()
	if d == nil {
		return "<nil>"
	}
	v, err := d.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	return v.String()
}

func decodedValue(t *testing.T, typ tftypes.Type, d *tfprotov6.DynamicValue) tftypes.Value {
	t.Helper()
	if d == nil {
		return tftypes.Value{}
	}
	v, err := d.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func identityString(t *testing.T, d *tfprotov6.ResourceIdentityData) string {
	if d == nil {
		return "<nil>"
	}
	return decoded(t, runnerTypes().identity, d.IdentityData)
}

// diagString lists diagnostics in a fixed order (the framework validates
// attributes in map order).
func diagString(ds []*tfprotov6.Diagnostic) string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("[%v] %q %q %v", d.Severity, d.Summary, d.Detail, d.Attribute))
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

func seedRunner(t *testing.T, srv *gitlabsim.Server, seed gitlabsim.RunnerSeed) string {
	t.Helper()
	ids, err := srv.SeedRunners(seed, 1)
	if err != nil {
		t.Fatal(err)
	}
	return idString(ids[0])
}

func TestFastRead_sameAsFramework(t *testing.T) {
	p := newFastPair(t)
	timeout := int64(3600)
	id1 := seedRunner(t, p.sim, gitlabsim.RunnerSeed{RunnerType: "instance_type", Description: "one", Tags: []string{"b", "a"},
		MaintenanceNote: "note", MaximumTimeout: &timeout, Paused: true})
	id2 := seedRunner(t, p.sim, gitlabsim.RunnerSeed{RunnerType: "instance_type"})
	obj := runnerTypes().obj

	cases := []struct {
		name     string
		state    map[string]any
		identity *tfprotov6.ResourceIdentityData
		private  []byte
		fault    bool
		fast     bool // the fast path serves it (otherwise it declines)
	}{
		{name: "refresh", state: map[string]any{"id": id1, "runner_type": "instance_type", "description": "one",
			"paused": true, "locked": false, "run_untagged": true, "tag_list": []string{"a", "b"}, "access_level": "not_protected",
			"maximum_timeout": 3600, "maintenance_note": "note", "token": "glrt-secret", "is_shared": true,
			"created_at": "2026-01-01T00:00:00Z"}, identity: identityDV(t, id1), fast: true},
		{name: "drift", state: map[string]any{"id": id1, "runner_type": "instance_type", "description": "changed elsewhere",
			"paused": false, "tag_list": []string{}, "token": "glrt-secret"}, identity: identityDV(t, id1), fast: true},
		{name: "no identity stored (CLI before 1.12)", state: map[string]any{"id": id2, "description": "",
			"maintenance_note": ""}, fast: true},
		{name: "gone", state: map[string]any{"id": "999999", "token": "glrt-x"}, identity: identityDV(t, "999999"), fast: true},
		{name: "API error", state: map[string]any{"id": id2}, identity: identityDV(t, id2), fault: true, fast: true},
		{name: "identity of another runner", state: map[string]any{"id": id2}, identity: identityDV(t, id1), fast: true},
		{name: "invalid id", state: map[string]any{"id": "abc"}, identity: identityDV(t, "abc"), fast: true},
		{name: "private state", state: map[string]any{"id": id2}, private: []byte(`{"k":"dg=="}`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := &tfprotov6.ReadResourceRequest{TypeName: runnerTypeName, CurrentState: dv(t, obj, runnerValue(t, tc.state)),
				CurrentIdentity: tc.identity, Private: tc.private}
			var resps [2]*tfprotov6.ReadResourceResponse
			for i, s := range []tfprotov6.ProviderServer{p.fw, p.fast} {
				if tc.fault {
					p.sim.InjectFault(gitlabsim.FaultRule{Method: "GET", Path: "/api/v4/runners/" + tc.state["id"].(string), Kind: gitlabsim.FaultError500})
				}
				resp, err := s.ReadResource(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				resps[i] = resp
			}
			fw, fast := resps[0], resps[1]
			if a, b := decoded(t, obj, fw.NewState), decoded(t, obj, fast.NewState); a != b {
				t.Errorf("new state:\nframework %s\nfast      %s", a, b)
			}
			if a, b := identityString(t, fw.NewIdentity), identityString(t, fast.NewIdentity); a != b {
				t.Errorf("new identity: framework %s, fast %s", a, b)
			}
			if a, b := diagString(fw.Diagnostics), diagString(fast.Diagnostics); a != b {
				t.Errorf("diagnostics:\nframework %s\nfast      %s", a, b)
			}
			if string(fw.Private) != string(fast.Private) || !reflect.DeepEqual(fw.Deferred, fast.Deferred) {
				t.Errorf("private/deferred: framework %q %v, fast %q %v", fw.Private, fw.Deferred, fast.Private, fast.Deferred)
			}
			_, served := readRunnerFast(context.Background(), p.fast.(*fastServer).provider.data,
				&tfprotov6.ReadResourceRequest{TypeName: runnerTypeName, CurrentState: req.CurrentState, Private: tc.private, CurrentIdentity: tc.identity})
			if served != tc.fast {
				t.Errorf("fast path served = %v, want %v", served, tc.fast)
			}
		})
	}
}

func TestFastPlan_sameAsFramework(t *testing.T) {
	p := newFastPair(t)
	obj := runnerTypes().obj
	state := map[string]any{"id": "7", "runner_type": "instance_type", "description": "d", "paused": false, "locked": false,
		"run_untagged": true, "tag_list": []string{"a", "b"}, "access_level": "not_protected", "maximum_timeout": 3600,
		"maintenance_note": "n", "token": "glrt-secret", "is_shared": true, "created_at": "2026-01-01T00:00:00Z"}
	with := func(m map[string]any, kv ...any) map[string]any {
		out := map[string]any{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1]
		}
		return out
	}
	fullConfig := map[string]any{"runner_type": "instance_type", "description": "d", "tag_list": []string{"b", "a"},
		"maximum_timeout": 3600, "maintenance_note": "n"}
	cases := []struct {
		name              string
		prior, config     map[string]any
		priorNull         bool
		identity          *tfprotov6.ResourceIdentityData
		registrationToken bool
		fast              bool
	}{
		{name: "unchanged", prior: state, config: fullConfig, identity: identityDV(t, "7"), fast: true},
		{name: "unchanged, no identity stored", prior: state, config: fullConfig, fast: true},
		{name: "unchanged, defaults spelled out", prior: state, config: with(fullConfig, "paused", false, "locked", false,
			"run_untagged", true, "access_level", "not_protected"), identity: identityDV(t, "7"), fast: true},
		{name: "description changed", prior: state, config: with(fullConfig, "description", "new"), identity: identityDV(t, "7")},
		{name: "description removed: default", prior: state, config: with(fullConfig, "description", nil), identity: identityDV(t, "7")},
		{name: "tag added", prior: state, config: with(fullConfig, "tag_list", []string{"a", "b", "c"}), identity: identityDV(t, "7")},
		{name: "timeout removed", prior: state, config: with(fullConfig, "maximum_timeout", nil), identity: identityDV(t, "7")},
		{name: "unknown description", prior: state, config: with(fullConfig, "description", tftypes.UnknownValue), identity: identityDV(t, "7")},
		{name: "runner type changed", prior: state, config: with(fullConfig, "runner_type", "group_type", "group_id", 5), identity: identityDV(t, "7")},
		{name: "state lacks is_shared", prior: with(state, "is_shared", false), config: fullConfig, identity: identityDV(t, "7")},
		{name: "create", priorNull: true, config: fullConfig},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			config := runnerValue(t, tc.config)
			prior := tftypes.NewValue(obj, nil)
			if !tc.priorNull {
				prior = runnerValue(t, tc.prior)
			}
			// The CLI's proposed new state: the configuration, with the
			// prior value for computed attributes it leaves null.
			var cfgAttrs, priorAttrs map[string]tftypes.Value
			_ = config.As(&cfgAttrs)
			if !tc.priorNull {
				_ = prior.As(&priorAttrs)
			}
			sch := runnerTypes().schema
			proposedAttrs := map[string]tftypes.Value{}
			for name, v := range cfgAttrs {
				proposedAttrs[name] = v
				if v.IsNull() && sch.Attributes[name].IsComputed() && priorAttrs != nil {
					proposedAttrs[name] = priorAttrs[name]
				}
				if v.IsNull() && sch.Attributes[name].IsComputed() && priorAttrs == nil {
					proposedAttrs[name] = tftypes.NewValue(obj.AttributeTypes[name], nil)
				}
			}
			proposed := tftypes.NewValue(obj, proposedAttrs)
			req := &tfprotov6.PlanResourceChangeRequest{TypeName: runnerTypeName, PriorState: dv(t, obj, prior),
				ProposedNewState: dv(t, obj, proposed), Config: dv(t, obj, config), PriorIdentity: tc.identity}
			var resps [2]*tfprotov6.PlanResourceChangeResponse
			for i, s := range []tfprotov6.ProviderServer{p.fw, p.fast} {
				resp, err := s.PlanResourceChange(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				resps[i] = resp
			}
			fw, fast := resps[0], resps[1]
			// Compared with Equal: a set's elements in another order are
			// the same set.
			if a, b := decodedValue(t, obj, fw.PlannedState), decodedValue(t, obj, fast.PlannedState); !a.Equal(b) {
				t.Errorf("planned state:\nframework %s\nfast      %s", a, b)
			}
			if a, b := identityString(t, fw.PlannedIdentity), identityString(t, fast.PlannedIdentity); a != b {
				t.Errorf("planned identity: framework %s, fast %s", a, b)
			}
			if a, b := diagString(fw.Diagnostics), diagString(fast.Diagnostics); a != b {
				t.Errorf("diagnostics:\nframework %s\nfast      %s", a, b)
			}
			if fmt.Sprint(fw.RequiresReplace) != fmt.Sprint(fast.RequiresReplace) || string(fw.PlannedPrivate) != string(fast.PlannedPrivate) ||
				!reflect.DeepEqual(fw.Deferred, fast.Deferred) {
				t.Errorf("replace/private/deferred: framework %v %q %v, fast %v %q %v", fw.RequiresReplace, fw.PlannedPrivate, fw.Deferred,
					fast.RequiresReplace, fast.PlannedPrivate, fast.Deferred)
			}
			_, served := planRunnerFast(context.Background(), p.fast.(*fastServer).provider.data, req)
			if served != tc.fast {
				t.Errorf("fast path served = %v, want %v", served, tc.fast)
			}
		})
	}
}

// TestRunnerFastPlan_schemaPlanModifiers: planRunnerFast skips the
// framework's attribute plan modifiers when the plan equals the state,
// which is right only for modifiers that never change such a plan. A new
// kind of plan modifier in the schema must be reviewed there first.
func TestRunnerFastPlan_schemaPlanModifiers(t *testing.T) {
	known := map[string]bool{
		"stringplanmodifier.useStateForUnknownModifier": true,
		"int64planmodifier.useStateForUnknownModifier":  true, "boolplanmodifier.useStateForUnknownModifier": true,
		"stringplanmodifier.requiresReplaceIfModifier": true, "int64planmodifier.requiresReplaceIfModifier": true,
	}
	if len(runnerResourceSchema().Blocks) > 0 {
		t.Error("the runner schema has blocks: review upgradeRunnerFast and readRunnerFast (null-block reification)")
	}
	for name, a := range runnerResourceSchema().Attributes {
		var mods []any
		switch a := a.(type) {
		case schema.StringAttribute:
			for _, m := range a.PlanModifiers {
				mods = append(mods, m)
			}
		case schema.Int64Attribute:
			for _, m := range a.PlanModifiers {
				mods = append(mods, m)
			}
		case schema.BoolAttribute:
			for _, m := range a.PlanModifiers {
				mods = append(mods, m)
			}
		case schema.SetAttribute:
			for _, m := range a.PlanModifiers {
				mods = append(mods, m)
			}
		default:
			t.Errorf("%s: attribute type %T not reviewed for the fast paths", name, a)
		}
		for _, m := range mods {
			typ := strings.TrimPrefix(fmt.Sprintf("%T", m), "*")
			if !known[typ] {
				t.Errorf("%s: plan modifier %s not reviewed for planRunnerFast", name, typ)
			}
		}
	}
	if err := runnerTypes().err; err != nil {
		t.Errorf("fast paths off: %v", err)
	}
}

// TestCapturingProvider_keepsOptionalInterfaces: the framework looks for
// optional provider interfaces by type assertion; the wrapper must not hide
// one the provider implements.
func TestCapturingProvider_keepsOptionalInterfaces(t *testing.T) {
	inner := New("test")()
	wrapped := provider.Provider(&capturingProvider{Provider: inner})
	for _, iface := range []reflect.Type{
		reflect.TypeFor[provider.ProviderWithConfigValidators](),
		reflect.TypeFor[provider.ProviderWithValidateConfig](),
		reflect.TypeFor[provider.ProviderWithMetaSchema](),
		reflect.TypeFor[provider.ProviderWithFunctions](),
		reflect.TypeFor[provider.ProviderWithEphemeralResources](),
		reflect.TypeFor[provider.ProviderWithListResources](),
		reflect.TypeFor[provider.ProviderWithActions](),
	} {
		if reflect.TypeOf(inner).Implements(iface) && !reflect.TypeOf(wrapped).Implements(iface) {
			t.Errorf("the provider implements %v but capturingProvider hides it", iface)
		}
	}
}

func TestFastPathsWanted(t *testing.T) {
	for env, want := range map[string]bool{
		"":                       true,
		"TF_ACC=1":               true,
		"TF_LOG=":                true,
		"TF_LOG=TRACE":           false,
		"TF_LOG_PROVIDER=DEBUG":  false,
		"TF_LOG_SDK_FRAMEWORK=x": false,
		"TF_ACC_LOG_PATH=/tmp/x": false,
	} {
		if got := FastPathsWanted([]string{"PATH=/bin", env}); got != want {
			t.Errorf("FastPathsWanted(%q) = %v, want %v", env, got, want)
		}
	}
}

func TestFastRunnerList_sameAsFramework(t *testing.T) {
	p := newFastPair(t)
	for i, tags := range [][]string{{"a"}, {"a", "b"}, nil} {
		if _, err := p.sim.SeedRunners(gitlabsim.RunnerSeed{RunnerType: "instance_type", Tags: tags,
			Description: fmt.Sprintf("r%d", i), Paused: i == 1}, 30); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	schemas, err := p.fw.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	for _, tc := range []struct {
		name, typ string
		set       map[string]tftypes.Value
	}{
		{"all", "gitlabci_runners", map[string]tftypes.Value{"all": tftypes.NewValue(tftypes.Bool, true)}},
		{"owned", "gitlabci_runners", nil},
		{"filters", "gitlabci_runners", map[string]tftypes.Value{"all": tftypes.NewValue(tftypes.Bool, true),
			"tag_list": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{str("b")}),
			"paused":   tftypes.NewValue(tftypes.Bool, true), "type": str("instance_type")}},
		{"no match", "gitlabci_runners", map[string]tftypes.Value{"all": tftypes.NewValue(tftypes.Bool, true), "type": str("group_type")}},
		{"unknown group", "gitlabci_group_runners", map[string]tftypes.Value{"group": str("no/such/group")}},
		{"unknown project", "gitlabci_project_runners", map[string]tftypes.Value{"project": str("4242")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sch := schemas.DataSourceSchemas[tc.typ]
			typ := sch.ValueType().(tftypes.Object)
			vals := map[string]tftypes.Value{}
			for name, at := range typ.AttributeTypes {
				vals[name] = tftypes.NewValue(at, nil)
				if v, ok := tc.set[name]; ok {
					vals[name] = v
				}
			}
			req := &tfprotov6.ReadDataSourceRequest{TypeName: tc.typ, Config: dv(t, typ, tftypes.NewValue(typ, vals))}
			var resps [2]*tfprotov6.ReadDataSourceResponse
			for i, s := range []tfprotov6.ProviderServer{p.fw, p.fast} {
				if resps[i], err = s.ReadDataSource(ctx, req); err != nil {
					t.Fatal(err)
				}
			}
			if a, b := decodedValue(t, typ, resps[0].State), decodedValue(t, typ, resps[1].State); !a.Equal(b) {
				t.Errorf("state:\nframework %s\nfast      %s", a, b)
			}
			if a, b := diagString(resps[0].Diagnostics), diagString(resps[1].Diagnostics); a != b {
				t.Errorf("diagnostics:\nframework %s\nfast      %s", a, b)
			}
			if _, served := readRunnerListFast(ctx, p.fast.(*fastServer).provider, req); !served {
				t.Error("the fast path declined")
			}
		})
	}
}

// TestRunnerListFast_schemas: readRunnerListFast skips the framework's
// null-block reification and semantic equality, which is right only while
// these schemas have no blocks and no custom types.
func TestRunnerListFast_schemas(t *testing.T) {
	ctx := context.Background()
	for name, newDS := range runnerListFastTypes {
		var resp datasource.SchemaResponse
		newDS().Schema(ctx, datasource.SchemaRequest{}, &resp)
		if len(resp.Schema.Blocks) > 0 {
			t.Errorf("%s has blocks: review readRunnerListFast", name)
		}
		var check func(p string, typ attr.Type)
		check = func(p string, typ attr.Type) {
			switch typ := typ.(type) {
			case basetypes.StringType, basetypes.BoolType, basetypes.Int64Type:
			case basetypes.ListType:
				check(p+"[]", typ.ElemType)
			case basetypes.SetType:
				check(p+"[]", typ.ElemType)
			case basetypes.ObjectType:
				for n, at := range typ.AttrTypes {
					check(p+"."+n, at)
				}
			default:
				t.Errorf("%s%s: type %T: review readRunnerListFast (semantic equality?)", name, p, typ)
			}
		}
		for n, a := range resp.Schema.Attributes {
			check("."+n, a.GetType())
		}
		var md datasource.MetadataResponse
		newDS().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: TypeName}, &md)
		if md.TypeName != name {
			t.Errorf("runnerListFastTypes[%q] is %s", name, md.TypeName)
		}
	}
}

func TestFastValidate_sameAsFramework(t *testing.T) {
	p := newFastPair(t)
	obj := runnerTypes().obj
	long := strings.Repeat("é", 1025)
	for _, tc := range []struct {
		name   string
		config map[string]any
		wo     bool
		fast   bool
	}{
		{"instance", map[string]any{"runner_type": "instance_type", "description": "d", "tag_list": []string{"a"}}, true, true},
		{"group", map[string]any{"runner_type": "group_type", "group_id": 4, "maximum_timeout": 600}, false, true},
		{"unknowns", map[string]any{"runner_type": tftypes.UnknownValue, "description": tftypes.UnknownValue, "tag_list": tftypes.UnknownValue}, true, true},
		{"1024 characters", map[string]any{"runner_type": "instance_type", "description": long[:2048]}, true, true},
		{"bad type", map[string]any{"runner_type": "shared"}, true, false},
		{"missing type", map[string]any{"description": "d"}, true, false},
		{"group without id", map[string]any{"runner_type": "group_type"}, true, false},
		{"too long", map[string]any{"runner_type": "instance_type", "description": long}, true, false},
		{"comma tag", map[string]any{"runner_type": "instance_type", "tag_list": []string{"a,b"}}, true, false},
		{"untagged without tags", map[string]any{"runner_type": "instance_type", "run_untagged": false}, true, false},
		{"short timeout", map[string]any{"runner_type": "instance_type", "maximum_timeout": 10}, true, false},
		{"registration token", map[string]any{"registration_token": "GR1348941x"}, true, false},
		{"write-only token", map[string]any{"registration_token_wo": "GR1348941x", "registration_token_wo_version": 1}, true, true},
		{"write-only token on an old CLI", map[string]any{"registration_token_wo": "GR1348941x"}, false, false},
		{"read-only attribute set", map[string]any{"runner_type": "instance_type", "token": "x"}, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := &tfprotov6.ValidateResourceConfigRequest{TypeName: runnerTypeName, Config: dv(t, obj, runnerValue(t, tc.config)),
				ClientCapabilities: &tfprotov6.ValidateResourceConfigClientCapabilities{WriteOnlyAttributesAllowed: tc.wo}}
			fw, err := p.fw.ValidateResourceConfig(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			fast, err := p.fast.ValidateResourceConfig(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := diagString(fw.Diagnostics), diagString(fast.Diagnostics); a != b {
				t.Errorf("diagnostics:\nframework %s\nfast      %s", a, b)
			}
			if _, served := validateRunnerFast(context.Background(), req); served != tc.fast {
				t.Errorf("fast path served = %v, want %v (framework said %s)", served, tc.fast, diagString(fw.Diagnostics))
			}
		})
	}
}

func TestFastUpgrade_sameAsFramework(t *testing.T) {
	p := newFastPair(t)
	obj := runnerTypes().obj
	for _, tc := range []struct {
		name    string
		json    string
		version int64
		fast    bool
	}{
		{"current", `{"id":"5","runner_type":"instance_type","description":"d","paused":false,"tag_list":["a","b"],"maximum_timeout":3600,"token":"glrt-x","registration_token_wo":null}`, 0, true},
		{"attribute no longer in the schema", `{"id":"5","online":true,"tag_list":[]}`, 0, true},
		{"wrong type", `{"id":5,"paused":"yes"}`, 0, false},
		{"future version", `{"id":"5"}`, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := &tfprotov6.UpgradeResourceStateRequest{TypeName: runnerTypeName, Version: tc.version,
				RawState: &tfprotov6.RawState{JSON: []byte(tc.json)}}
			fw, err := p.fw.UpgradeResourceState(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			fast, err := p.fast.UpgradeResourceState(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if (fw.UpgradedState == nil) != (fast.UpgradedState == nil) {
				t.Fatalf("upgraded state: framework %v, fast %v", fw.UpgradedState, fast.UpgradedState)
			}
			if fw.UpgradedState != nil {
				if a, b := decodedValue(t, obj, fw.UpgradedState), decodedValue(t, obj, fast.UpgradedState); !a.Equal(b) {
					t.Errorf("upgraded state:\nframework %s\nfast      %s", a, b)
				}
			}
			if a, b := diagString(fw.Diagnostics), diagString(fast.Diagnostics); a != b {
				t.Errorf("diagnostics:\nframework %s\nfast      %s", a, b)
			}
			if _, served := upgradeRunnerFast(req); served != tc.fast {
				t.Errorf("fast path served = %v, want %v", served, tc.fast)
			}
		})
	}
}

// TestRunnerListMsgPack: the fast path's encoding of a runner list state is
// byte for byte what tftypes makes of runnerListState, the framework path.
func TestRunnerListMsgPack(t *testing.T) {
	ctx := context.Background()
	name, online, offline := "machine-1", true, false
	created := time.Date(2025, 3, 4, 5, 6, 7, 0, time.FixedZone("x", 3600))
	runners := []gitlab.Runner{
		{ID: 1, Description: "one", Name: &name, Paused: true, IsShared: true, RunnerType: "instance_type", Online: &online,
			Status: "online", CreatedAt: &created, JobExecutionStatus: "active"},
		{ID: 1 << 40, RunnerType: "group_type", Online: &offline, Status: "offline"},
		{ID: 3, Description: "ünïcode ✓", RunnerType: "project_type", Status: "never_contacted"},
	}
	for typeName, newDS := range runnerListFastTypes {
		var sresp datasource.SchemaResponse
		newDS().Schema(ctx, datasource.SchemaRequest{}, &sresp)
		typ := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
		vals := map[string]tftypes.Value{}
		for n, at := range typ.AttributeTypes {
			vals[n] = tftypes.NewValue(at, nil)
		}
		vals["tag_list"] = tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "x")})
		vals["paused"] = tftypes.NewValue(tftypes.Bool, false)
		config := tftypes.NewValue(typ, vals)
		for _, rs := range [][]gitlab.Runner{runners, nil, {}} {
			want, err := runnerListState(config, rs)
			if err != nil {
				t.Fatal(err)
			}
			wantBytes, err := want.MarshalMsgPack(typ) //nolint:staticcheck // the encoding the framework uses
			if err != nil {
				t.Fatal(err)
			}
			got, err := runnerListStateMsgPack(config, rs)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, wantBytes) {
				t.Errorf("%s with %d runners: msgpack differs\ngot  %x\nwant %x", typeName, len(rs), got, wantBytes)
			}
		}
	}
}

// TestFastValidate_nullNoopValidators: the validators validateAttribute skips
// for null values draw no diagnostic for a null value, whatever the client.
func TestFastValidate_nullNoopValidators(t *testing.T) {
	ctx := context.Background()
	found := 0
	for name, a := range runnerResourceSchema().Attributes {
		sa, ok := a.(schema.StringAttribute)
		if !ok {
			continue
		}
		for _, v := range sa.Validators {
			if !nullNoopValidator(v) {
				continue
			}
			found++
			for _, wo := range []bool{false, true} {
				config := tfsdk.Config{Schema: runnerResourceSchema(), Raw: runnerValue(t, map[string]any{"registration_token_wo": "x"})}
				var resp validator.StringResponse
				v.ValidateString(ctx, validator.StringRequest{
					ClientCapabilities: validator.ValidateSchemaClientCapabilities{WriteOnlyAttributesAllowed: wo},
					Config:             config, ConfigValue: types.StringNull(), Path: path.Root(name), PathExpression: path.MatchRoot(name),
				}, &resp)
				if len(resp.Diagnostics) > 0 {
					t.Errorf("%s: %T on null: %v", name, v, resp.Diagnostics)
				}
			}
		}
	}
	if found == 0 {
		t.Error("nullNoopValidator matches no validator of the schema: the type name changed?")
	}
}

func TestLoglessContext(t *testing.T) {
	type key struct{}
	deadline := time.Now().Add(time.Hour)
	parent, cancel := context.WithDeadline(context.WithValue(context.Background(), key{}, "v"), deadline)
	ctx := loglessContext{parent}
	if ctx.Value(key{}) != nil {
		t.Error("a value came through")
	}
	if d, ok := ctx.Deadline(); !ok || !d.Equal(deadline) {
		t.Errorf("deadline %v %v, want %v", d, ok, deadline)
	}
	cancel()
	select {
	case <-ctx.Done():
	case <-time.After(time.Second):
		t.Fatal("not cancelled with its parent")
	}
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Errorf("Err() = %v", ctx.Err())
	}
}
