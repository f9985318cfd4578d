package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

const runnerTypeName = TypeName + "_runner"

// runnerTF is gitlabci_runner's schema in the forms the fast paths and the
// direct state conversions need, computed once.
type runnerTF struct {
	schema         schema.Schema
	identitySchema identityschema.Schema
	obj            tftypes.Object
	identity       tftypes.Object
	// defaults: the value each attribute with a schema Default gets when
	// its configuration is null (the framework's TransformDefaults).
	defaults map[string]tftypes.Value
	// writeOnly: attributes the framework nulls in every plan and state.
	writeOnly []string
	// err is set when the schema has something the fast paths do not
	// handle; then they are off.
	err error
}

var runnerTypes = sync.OnceValue(func() *runnerTF {
	ctx := context.Background()
	t := &runnerTF{schema: runnerResourceSchema(), defaults: map[string]tftypes.Value{}}
	var idResp resource.IdentitySchemaResponse
	(&runnerResource{}).IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &idResp)
	t.identitySchema = idResp.IdentitySchema
	t.obj = t.schema.Type().TerraformType(ctx).(tftypes.Object)
	t.identity = t.identitySchema.Type().TerraformType(ctx).(tftypes.Object)
	for name, a := range t.schema.Attributes {
		if a.IsWriteOnly() {
			t.writeOnly = append(t.writeOnly, name)
		}
		var def attr.Value
		p := path.Root(name)
		switch a := a.(type) {
		case schema.StringAttribute:
			if a.Default != nil {
				var resp defaults.StringResponse
				a.Default.DefaultString(ctx, defaults.StringRequest{Path: p}, &resp)
				def = resp.PlanValue
				if resp.Diagnostics.HasError() {
					t.err = fmt.Errorf("default of %s: %v", name, resp.Diagnostics)
				}
			}
		case schema.BoolAttribute:
			if a.Default != nil {
				var resp defaults.BoolResponse
				a.Default.DefaultBool(ctx, defaults.BoolRequest{Path: p}, &resp)
				def = resp.PlanValue
				if resp.Diagnostics.HasError() {
					t.err = fmt.Errorf("default of %s: %v", name, resp.Diagnostics)
				}
			}
		case schema.Int64Attribute:
			if a.Default != nil {
				var resp defaults.Int64Response
				a.Default.DefaultInt64(ctx, defaults.Int64Request{Path: p}, &resp)
				def = resp.PlanValue
				if resp.Diagnostics.HasError() {
					t.err = fmt.Errorf("default of %s: %v", name, resp.Diagnostics)
				}
			}
		case schema.SetAttribute:
			if a.Default != nil {
				var resp defaults.SetResponse
				a.Default.DefaultSet(ctx, defaults.SetRequest{Path: p}, &resp)
				def = resp.PlanValue
				if resp.Diagnostics.HasError() {
					t.err = fmt.Errorf("default of %s: %v", name, resp.Diagnostics)
				}
			}
		default:
			t.err = fmt.Errorf("attribute %s: %T is not handled by the fast paths", name, a)
		}
		if def != nil {
			v, err := def.ToTerraformValue(ctx)
			if err != nil {
				t.err = err
			}
			t.defaults[name] = v
		}
	}
	return t
})

// runnerModelFromTF converts a state, plan or configuration value of
// gitlabci_runner with the attribute types' own ValueFromTerraform, as
// tfsdk.State.Get does, without its reflection.
func runnerModelFromTF(ctx context.Context, v tftypes.Value) (runnerModel, error) {
	var m runnerModel
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		return m, err
	}
	var firstErr error
	conv := func(name string, typ attr.Type) attr.Value {
		av, err := typ.ValueFromTerraform(ctx, attrs[name])
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("%s: %w", name, err)
		}
		return av
	}
	str := func(name string) types.String {
		s, _ := conv(name, types.StringType).(types.String)
		return s
	}
	i64 := func(name string) types.Int64 {
		i, _ := conv(name, types.Int64Type).(types.Int64)
		return i
	}
	boolean := func(name string) types.Bool {
		b, _ := conv(name, types.BoolType).(types.Bool)
		return b
	}
	m.ID = str("id")
	m.RunnerType = str("runner_type")
	m.GroupID = i64("group_id")
	m.ProjectID = i64("project_id")
	m.RegistrationToken = str("registration_token")
	m.RegistrationTokenWO = str("registration_token_wo")
	m.RegistrationTokenWOVersion = i64("registration_token_wo_version")
	m.Description = str("description")
	m.Paused = boolean("paused")
	m.Locked = boolean("locked")
	m.RunUntagged = boolean("run_untagged")
	m.TagList, _ = conv("tag_list", types.SetType{ElemType: types.StringType}).(types.Set)
	m.AccessLevel = str("access_level")
	m.MaximumTimeout = i64("maximum_timeout")
	m.MaintenanceNote = str("maintenance_note")
	m.Token = str("token")
	m.TokenExpiresAt = str("token_expires_at")
	m.IsShared = boolean("is_shared")
	m.CreatedAt = str("created_at")
	return m, firstErr
}

// runnerModelToTF is the inverse of runnerModelFromTF (tfsdk.State.Set
// without reflection).
func runnerModelToTF(ctx context.Context, m runnerModel) (tftypes.Value, error) {
	fields := [...]struct {
		name string
		v    attr.Value
	}{
		{"id", m.ID}, {"runner_type", m.RunnerType}, {"group_id", m.GroupID}, {"project_id", m.ProjectID},
		{"registration_token", m.RegistrationToken}, {"registration_token_wo", m.RegistrationTokenWO},
		{"registration_token_wo_version", m.RegistrationTokenWOVersion}, {"description", m.Description},
		{"paused", m.Paused}, {"locked", m.Locked}, {"run_untagged", m.RunUntagged}, {"tag_list", m.TagList},
		{"access_level", m.AccessLevel}, {"maximum_timeout", m.MaximumTimeout},
		{"maintenance_note", m.MaintenanceNote}, {"token", m.Token}, {"token_expires_at", m.TokenExpiresAt},
		{"is_shared", m.IsShared}, {"created_at", m.CreatedAt},
	}
	t := runnerTypes()
	vals := make(map[string]tftypes.Value, len(fields))
	for _, f := range fields {
		if f.v == nil {
			// A zero runnerModel field (a missing set): the framework's
			// reflection rejects it too.
			return tftypes.Value{}, fmt.Errorf("%s: no value", f.name)
		}
		tv, err := f.v.ToTerraformValue(ctx)
		if err != nil {
			return tftypes.Value{}, fmt.Errorf("%s: %w", f.name, err)
		}
		vals[f.name] = tv
	}
	if err := tftypes.ValidateValue(t.obj, vals); err != nil {
		return tftypes.Value{}, err
	}
	return tftypes.NewValue(t.obj, vals), nil
}

func runnerIdentityToTF(id types.String) tftypes.Value {
	t := runnerTypes()
	v, err := id.ToTerraformValue(context.Background())
	if err != nil {
		return tftypes.NewValue(t.identity, nil)
	}
	return tftypes.NewValue(t.identity, map[string]tftypes.Value{"id": v})
}

// decodeIdentity is the request's identity, or a null identity when the
// CLI stored none (CLIs before 1.12), as the framework pre-populates it.
func decodeIdentity(t *runnerTF, data *tfprotov6.ResourceIdentityData) (tftypes.Value, bool) {
	if data == nil || data.IdentityData == nil {
		return tftypes.NewValue(t.identity, nil), true
	}
	v, err := data.IdentityData.Unmarshal(t.identity)
	return v, err == nil
}

// readRunnerFast serves ReadResource of gitlabci_runner by calling the
// resource's Read directly, doing what the framework does around it
// (fwserver.Server.ReadResource): the identity checks, and write-only
// attributes nulled in the new state. The runner schema has no attribute
// type with semantic equality, so the framework's semantic-equality pass
// would not change anything. It declines (false) before any request when
// the call is not the plain refresh it handles: then the framework serves it.
func readRunnerFast(ctx context.Context, data *ProviderData, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, bool) {
	t := runnerTypes()
	if t.err != nil || data == nil || req.CurrentState == nil || len(req.Private) > 0 || req.ProviderMeta != nil && len(req.ProviderMeta.MsgPack) > 0 {
		return nil, false
	}
	raw, err := req.CurrentState.Unmarshal(t.obj)
	if err != nil || raw.IsNull() || !raw.IsFullyKnown() {
		return nil, false
	}
	ident, ok := decodeIdentity(t, req.CurrentIdentity)
	if !ok {
		return nil, false
	}
	ctx = loglessContext{ctx}
	r := &runnerResource{data: data}
	readReq := resource.ReadRequest{
		State:    tfsdk.State{Schema: t.schema, Raw: raw},
		Identity: &tfsdk.ResourceIdentity{Schema: t.identitySchema, Raw: ident},
	}
	if req.ClientCapabilities != nil {
		readReq.ClientCapabilities.DeferralAllowed = req.ClientCapabilities.DeferralAllowed
	}
	readResp := resource.ReadResponse{
		State:    tfsdk.State{Schema: t.schema, Raw: raw},
		Identity: &tfsdk.ResourceIdentity{Schema: t.identitySchema, Raw: ident},
	}
	r.Read(ctx, readReq, &readResp)

	diags := readResp.Diagnostics
	if !diags.HasError() {
		newIdent := readResp.Identity.Raw
		switch {
		case !ident.IsFullyNull() && !ident.Equal(newIdent):
			diags.AddError("Unexpected Identity Change",
				"During the read operation, the Terraform Provider unexpectedly returned a different identity than the previously stored one.\n\n"+
					"This is always a problem with the provider and should be reported to the provider developer.\n\n"+
					fmt.Sprintf("Current Identity: %s\n\n", ident.String())+
					fmt.Sprintf("New Identity: %s", newIdent.String()))
		case newIdent.IsFullyNull():
			diags.AddError("Missing Resource Identity After Read",
				"The Terraform Provider unexpectedly returned no resource identity data after having no errors in the resource read. "+
					"This is always an issue in the Terraform Provider and should be reported to the provider developers.")
		default:
			readResp.State.Raw = nullWriteOnly(t, readResp.State.Raw)
		}
	}
	resp := &tfprotov6.ReadResourceResponse{}
	var convOK bool
	if resp.Diagnostics, convOK = protoDiagnostics(diags); !convOK {
		resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityError,
			Summary:  "Unexpected diagnostic",
			Detail:   fmt.Sprintf("%v", diags),
		})
	}
	if readResp.Deferred != nil {
		resp.Deferred = &tfprotov6.Deferred{Reason: tfprotov6.DeferredReason(readResp.Deferred.Reason)}
	}
	if resp.NewState, err = dynamicValue(t.obj, readResp.State.Raw); err != nil {
		resp.Diagnostics = append(resp.Diagnostics, encodingError(err))
	}
	if readResp.Identity != nil {
		dv, err := dynamicValue(t.identity, readResp.Identity.Raw)
		if err != nil {
			resp.Diagnostics = append(resp.Diagnostics, encodingError(err))
		}
		resp.NewIdentity = &tfprotov6.ResourceIdentityData{IdentityData: dv}
	}
	return resp, true
}

func encodingError(err error) *tfprotov6.Diagnostic {
	return &tfprotov6.Diagnostic{
		Severity: tfprotov6.DiagnosticSeverityError,
		Summary:  "Error encoding the response",
		Detail:   "This is always a problem with the provider; please report it:\n\n" + err.Error(),
	}
}

// nullWriteOnly sets the write-only attributes of a state or plan to null
// (the framework's NullifyWriteOnlyAttributes).
func nullWriteOnly(t *runnerTF, v tftypes.Value) tftypes.Value {
	if v.IsNull() || !v.IsKnown() || len(t.writeOnly) == 0 {
		return v
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		return v
	}
	changed := false
	for _, name := range t.writeOnly {
		if a, ok := attrs[name]; ok && !a.IsNull() {
			attrs[name] = tftypes.NewValue(t.obj.AttributeTypes[name], nil)
			changed = true
		}
	}
	if !changed {
		return v
	}
	return tftypes.NewValue(t.obj, attrs)
}

// planRunnerFast serves the PlanResourceChange of an unchanged runner. The
// framework (fwserver.Server.PlanResourceChange) starts from the proposed
// new state, applies the schema's defaults where the configuration is null
// and nulls write-only attributes; when that equals the prior state it marks
// nothing unknown, and the schema's plan modifiers (UseStateForUnknown,
// RequiresReplace; TestRunnerFastPlan_schemaPlanModifiers keeps that list
// honest) leave a plan equal to the state as it is. What is left is the
// resource's ModifyPlan, called here directly. Any other plan (create,
// destroy, a change, unknown values, diagnostics, a requested replacement)
// goes to the framework: planning makes no request, so declining late is
// free of side effects.
func planRunnerFast(ctx context.Context, data *ProviderData, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, bool) {
	t := runnerTypes()
	if t.err != nil || data == nil || req.PriorState == nil || req.ProposedNewState == nil || req.Config == nil ||
		len(req.PriorPrivate) > 0 || req.ProviderMeta != nil && len(req.ProviderMeta.MsgPack) > 0 {
		return nil, false
	}
	prior, err := req.PriorState.Unmarshal(t.obj)
	if err != nil || prior.IsNull() || !prior.IsFullyKnown() {
		return nil, false
	}
	proposed, err := req.ProposedNewState.Unmarshal(t.obj)
	if err != nil || proposed.IsNull() || !proposed.IsFullyKnown() {
		return nil, false
	}
	config, err := req.Config.Unmarshal(t.obj)
	if err != nil || config.IsNull() {
		return nil, false
	}
	var planAttrs, cfgAttrs map[string]tftypes.Value
	if proposed.As(&planAttrs) != nil || config.As(&cfgAttrs) != nil {
		return nil, false
	}
	for name, def := range t.defaults {
		if cfgAttrs[name].IsNull() {
			planAttrs[name] = def
		}
	}
	for _, name := range t.writeOnly {
		planAttrs[name] = tftypes.NewValue(t.obj.AttributeTypes[name], nil)
	}
	planned := tftypes.NewValue(t.obj, planAttrs)
	if !planned.Equal(prior) {
		return nil, false
	}
	ident, ok := decodeIdentity(t, req.PriorIdentity)
	if !ok {
		return nil, false
	}

	r := &runnerResource{data: data}
	mpReq := resource.ModifyPlanRequest{
		Config:   tfsdk.Config{Schema: t.schema, Raw: config},
		Plan:     tfsdk.Plan{Schema: t.schema, Raw: planned},
		State:    tfsdk.State{Schema: t.schema, Raw: prior},
		Identity: &tfsdk.ResourceIdentity{Schema: t.identitySchema, Raw: ident},
	}
	if req.ClientCapabilities != nil {
		mpReq.ClientCapabilities.DeferralAllowed = req.ClientCapabilities.DeferralAllowed
	}
	mpResp := resource.ModifyPlanResponse{
		Plan:            mpReq.Plan,
		RequiresReplace: path.Paths{},
		Identity:        &tfsdk.ResourceIdentity{Schema: t.identitySchema, Raw: ident},
	}
	r.ModifyPlan(ctx, mpReq, &mpResp)
	if len(mpResp.Diagnostics) > 0 || len(mpResp.RequiresReplace) > 0 || mpResp.Deferred != nil ||
		!mpResp.Plan.Raw.Equal(prior) || mpResp.Identity == nil || !mpResp.Identity.Raw.Equal(ident) {
		return nil, false
	}

	resp := &tfprotov6.PlanResourceChangeResponse{PlannedState: req.PriorState, PlannedIdentity: req.PriorIdentity}
	if resp.PlannedIdentity == nil || resp.PlannedIdentity.IdentityData == nil {
		dv, err := dynamicValue(t.identity, ident)
		if err != nil {
			return nil, false
		}
		resp.PlannedIdentity = &tfprotov6.ResourceIdentityData{IdentityData: dv}
	}
	return resp, true
}

// validateRunnerFast is fwserver.Server.ValidateResourceConfig for a valid
// gitlabci_runner configuration: the schema's checks and attribute
// validators (the same validator values, called with the same requests as
// the framework's SchemaValidate builds) and the resource's ValidateConfig.
// A configuration that draws any diagnostic goes to the framework, which
// reports it exactly as before; validation has no side effects.
func validateRunnerFast(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, bool) {
	t := runnerTypes()
	if t.err != nil || req.Config == nil {
		return nil, false
	}
	raw, err := req.Config.Unmarshal(t.obj)
	if err != nil || raw.IsNull() || !raw.IsKnown() {
		return nil, false
	}
	m, err := runnerModelFromTF(ctx, raw)
	if err != nil {
		return nil, false
	}
	values := map[string]attr.Value{
		"id": m.ID, "runner_type": m.RunnerType, "group_id": m.GroupID, "project_id": m.ProjectID,
		"registration_token": m.RegistrationToken, "registration_token_wo": m.RegistrationTokenWO,
		"registration_token_wo_version": m.RegistrationTokenWOVersion, "description": m.Description,
		"paused": m.Paused, "locked": m.Locked, "run_untagged": m.RunUntagged, "tag_list": m.TagList,
		"access_level": m.AccessLevel, "maximum_timeout": m.MaximumTimeout, "maintenance_note": m.MaintenanceNote,
		"token": m.Token, "token_expires_at": m.TokenExpiresAt, "is_shared": m.IsShared, "created_at": m.CreatedAt,
	}
	woAllowed := req.ClientCapabilities != nil && req.ClientCapabilities.WriteOnlyAttributesAllowed
	config := tfsdk.Config{Schema: t.schema, Raw: raw}
	for name, a := range t.schema.Attributes {
		v, ok := values[name]
		if !ok || v == nil {
			return nil, false
		}
		null := v.IsNull()
		switch {
		case a.IsComputed() && !a.IsOptional() && !null, a.IsRequired() && null,
			a.IsWriteOnly() && !woAllowed && !null, a.GetDeprecationMessage() != "" && !null && !v.IsUnknown():
			return nil, false // the framework reports these
		}
		if !validateAttribute(ctx, a, v, name, config, woAllowed) {
			return nil, false
		}
	}
	var vresp resource.ValidateConfigResponse
	(&runnerResource{}).ValidateConfig(ctx, resource.ValidateConfigRequest{
		Config:             config,
		ClientCapabilities: resource.ValidateConfigClientCapabilities{WriteOnlyAttributesAllowed: woAllowed},
	}, &vresp)
	if len(vresp.Diagnostics) > 0 {
		return nil, false
	}
	return &tfprotov6.ValidateResourceConfigResponse{}, true
}

// validateAttribute runs an attribute's validators as the framework's
// AttributeValidate<Type> does and reports whether none said anything.
func validateAttribute(ctx context.Context, a schema.Attribute, v attr.Value, name string, config tfsdk.Config, woAllowed bool) bool {
	caps := validator.ValidateSchemaClientCapabilities{WriteOnlyAttributesAllowed: woAllowed}
	p, pe := path.Root(name), path.MatchRoot(name)
	switch a := a.(type) {
	case schema.StringAttribute:
		req := validator.StringRequest{ClientCapabilities: caps, Config: config, ConfigValue: v.(types.String), Path: p, PathExpression: pe}
		for _, val := range a.Validators {
			if v.IsNull() && nullNoopValidator(val) {
				continue
			}
			var resp validator.StringResponse
			if val.ValidateString(ctx, req, &resp); len(resp.Diagnostics) > 0 {
				return false
			}
		}
	case schema.Int64Attribute:
		req := validator.Int64Request{ClientCapabilities: caps, Config: config, ConfigValue: v.(types.Int64), Path: p, PathExpression: pe}
		for _, val := range a.Validators {
			var resp validator.Int64Response
			if val.ValidateInt64(ctx, req, &resp); len(resp.Diagnostics) > 0 {
				return false
			}
		}
	case schema.BoolAttribute:
		req := validator.BoolRequest{ClientCapabilities: caps, Config: config, ConfigValue: v.(types.Bool), Path: p, PathExpression: pe}
		for _, val := range a.Validators {
			var resp validator.BoolResponse
			if val.ValidateBool(ctx, req, &resp); len(resp.Diagnostics) > 0 {
				return false
			}
		}
	case schema.SetAttribute:
		req := validator.SetRequest{ClientCapabilities: caps, Config: config, ConfigValue: v.(types.Set), Path: p, PathExpression: pe}
		for _, val := range a.Validators {
			var resp validator.SetResponse
			if val.ValidateSet(ctx, req, &resp); len(resp.Diagnostics) > 0 {
				return false
			}
		}
	default:
		return false
	}
	return true
}

// upgradeRunnerFast is fwserver.Server.UpgradeResourceState for a state of
// the current schema version, which the CLI sends for every resource of a
// plan: decode the stored JSON with the schema, ignoring attributes it no
// longer has, and encode it as msgpack. The framework would also walk every
// value for null blocks; the runner schema has none
// (TestRunnerFastPlan_schemaPlanModifiers). Older versions, flatmap states
// and anything that does not decode go to the framework.
func upgradeRunnerFast(req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, bool) {
	t := runnerTypes()
	if t.err != nil || req.RawState == nil || req.RawState.JSON == nil || req.RawState.Flatmap != nil ||
		req.Version != t.schema.Version {
		return nil, false
	}
	v, err := req.RawState.UnmarshalWithOpts(t.obj, tfprotov6.UnmarshalOpts{
		ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true},
	})
	if err != nil {
		return nil, false
	}
	dv, err := dynamicValue(t.obj, v)
	if err != nil {
		return nil, false
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: dv}, true
}

// nullNoopValidator: validators that say nothing about a null value but
// walk the whole configuration to find that out (PathMatches), which was the
// costliest part of validating a runner. stringvalidator's
// PreferWriteOnlyAttribute only warns about a non-null value; with a null
// one it can fail only to match its own attribute paths, which are fixed
// in this schema (TestFastValidate_nullNoopValidators calls it).
func nullNoopValidator(v validator.String) bool {
	return fmt.Sprintf("%T", v) == "schemavalidator.PreferWriteOnlyAttribute"
}
