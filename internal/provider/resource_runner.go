package provider

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

var (
	_ resource.Resource                   = (*runnerResource)(nil)
	_ resource.ResourceWithConfigure      = (*runnerResource)(nil)
	_ resource.ResourceWithImportState    = (*runnerResource)(nil)
	_ resource.ResourceWithIdentity       = (*runnerResource)(nil)
	_ resource.ResourceWithValidateConfig = (*runnerResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*runnerResource)(nil)
	_ resource.ResourceWithMoveState      = (*runnerResource)(nil)
)

// Limits GitLab's model validations enforce (app/models/ci/runner.rb); the
// provider checks them at plan time so a plan never fails half-way at apply.
const (
	runnerMaxTextLength     = 1024
	runnerMaxTags           = 50
	runnerMinMaximumTimeout = 600
	// ci_runners.maximum_timeout is an integer (int4) column and the model
	// sets no upper bound: GitLab answers 500 to anything larger
	// (db/structure.sql, app/models/ci/runner.rb).
	runnerMaxMaximumTimeout = math.MaxInt32
)

// NewRunnerResource is the constructor registered in the provider.
func NewRunnerResource() resource.Resource {
	return &runnerResource{}
}

type runnerResource struct {
	data *ProviderData
}

// runnerModel is the state and plan of gitlabci_runner.
type runnerModel struct {
	ID                         types.String `tfsdk:"id"`
	RunnerType                 types.String `tfsdk:"runner_type"`
	GroupID                    types.Int64  `tfsdk:"group_id"`
	ProjectID                  types.Int64  `tfsdk:"project_id"`
	RegistrationToken          types.String `tfsdk:"registration_token"`
	RegistrationTokenWO        types.String `tfsdk:"registration_token_wo"`
	RegistrationTokenWOVersion types.Int64  `tfsdk:"registration_token_wo_version"`
	Description                types.String `tfsdk:"description"`
	Paused                     types.Bool   `tfsdk:"paused"`
	Locked                     types.Bool   `tfsdk:"locked"`
	RunUntagged                types.Bool   `tfsdk:"run_untagged"`
	TagList                    types.Set    `tfsdk:"tag_list"`
	AccessLevel                types.String `tfsdk:"access_level"`
	MaximumTimeout             types.Int64  `tfsdk:"maximum_timeout"`
	MaintenanceNote            types.String `tfsdk:"maintenance_note"`
	Token                      types.String `tfsdk:"token"`
	TokenExpiresAt             types.String `tfsdk:"token_expires_at"`
	IsShared                   types.Bool   `tfsdk:"is_shared"`
	CreatedAt                  types.String `tfsdk:"created_at"`
}

// runnerIdentityModel is the resource identity: the runner id is all GitLab
// needs to find a runner.
type runnerIdentityModel struct {
	ID types.String `tfsdk:"id"`
}

func (r *runnerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_runner"
}

func (r *runnerResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				Description:       "The runner's numeric id, as a string.",
				RequiredForImport: true,
			},
		},
	}
}

func (r *runnerResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = runnerResourceSchema()
}

func runnerResourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Creates a GitLab CI runner and exposes its authentication token, so the machine that " +
			"runs jobs (`gitlab-runner register --token ...`, a Helm chart, a cloud-init template) can be provisioned " +
			"in the same apply.\n\n" +
			"Runners are created with `POST /user/runners` (GitLab 15.10 and later): set `runner_type` and, for group " +
			"and project runners, `group_id` or `project_id`. Instance runners need an administrator's token, group " +
			"runners the group's Owner role, project runners the Maintainer role in the project; the token needs the " +
			"`api` or `create_runner` scope to create and `api` or `manage_runner` to read, update and delete.\n\n" +
			"The legacy registration-token workflow (`POST /runners`, deprecated since GitLab 15.6 and disabled by " +
			"default since 17.0) is supported for instances that still allow it: give `registration_token_wo` (or " +
			"`registration_token` on CLIs without write-only attributes) instead of `runner_type`. It also works with " +
			"a provider configured without a `token`; then the runner cannot be read back, and any change to it " +
			"re-registers it.\n\n" +
			"If GitLab's answer to the create request is lost or unreadable (timeout, dropped connection, 5xx, a " +
			"2xx body that cannot be decoded), the provider does not blindly send the request again: it looks for " +
			"the runner that request created and adopts it (resetting its token, since the first one was never " +
			"seen), so no orphan runner is left behind. Only when the lookup proves nothing was created is the " +
			"request sent again, within the provider's `retries`. Runners with identical settings (`count` with " +
			"one description) are interchangeable: each resource instance adopts one no other instance of the " +
			"same apply created or adopted. Identical runners created outside this apply in the last minutes make " +
			"the lookup ambiguous; the create then fails listing the candidates' ids.\n\n" +
			"Volatile runtime values (`online`, `status`, `contacted_at`, `version`, runner managers) are exposed " +
			"by the `gitlabci_runner` data source, not here, so they never show up as drift.\n\n" +
			"Import by runner id (`terraform import`, or an `import` block with `id`, Terraform/OpenTofu 1.5+), or " +
			"by resource identity (`import { identity = { id = \"42\" } }`, Terraform/OpenTofu 1.12+). The token " +
			"cannot be imported: GitLab returns it only at creation.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The runner's numeric id (as a string). Import with this id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"runner_type": schema.StringAttribute{
				MarkdownDescription: "Scope of the runner: `instance_type` (all projects; administrators only), " +
					"`group_type` (set `group_id`) or `project_type` (set `project_id`). Required unless a registration " +
					"token is given; with a registration token it must be omitted and is read back from GitLab, since " +
					"the token decides the scope. Changing it replaces the runner.",
				Optional: true,
				Computed: true,
				Validators: []validator.String{
					stringvalidator.OneOf(gitlab.RunnerTypes...),
				},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"group_id": schema.Int64Attribute{
				MarkdownDescription: "Id of the group a `group_type` runner belongs to. Required exactly when " +
					"`runner_type = \"group_type\"`; read back from GitLab (so import restores it). Changing it " +
					"replaces the runner.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{
					int64planmodifier.UseStateForUnknown(),
					int64planmodifier.RequiresReplace(),
				},
			},
			"project_id": schema.Int64Attribute{
				MarkdownDescription: "Id of the owner project of a `project_type` runner. Required exactly when " +
					"`runner_type = \"project_type\"`; read back from GitLab as the runner's first (owner) project, so " +
					"assigning the runner to more projects (`gitlabci_project_runner_assignment`) causes no diff here. " +
					"Changing it replaces the runner.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{
					int64planmodifier.UseStateForUnknown(),
					int64planmodifier.RequiresReplace(),
				},
			},
			"registration_token": schema.StringAttribute{
				MarkdownDescription: "Legacy: a project, group or instance **registration** token (`GR1348941...`) " +
					"to create the runner with `POST /runners` instead of `POST /user/runners`. Stored in state (sensitive); " +
					"prefer `registration_token_wo` on Terraform/OpenTofu 1.11 and later. Conflicts with " +
					"`registration_token_wo`, `runner_type`, `group_id` and `project_id`. GitLab 17.0 and later answer " +
					"410 Gone unless an administrator re-enabled registration tokens. Changing it replaces the runner " +
					"(a different token may belong to a different project); a runner imported into a configuration " +
					"that uses it is therefore replaced: import registration-token runners with `runner_type` and " +
					"`group_id`/`project_id` instead.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("registration_token_wo")),
					stringvalidator.PreferWriteOnlyAttribute(path.MatchRoot("registration_token_wo")),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"registration_token_wo": schema.StringAttribute{
				MarkdownDescription: "Write-only registration token (never stored in state or plan) to create the " +
					"runner with the legacy `POST /runners`. Requires Terraform or OpenTofu 1.11 or later. Changing the " +
					"value alone does nothing (the token is only used at creation, and rotating a registration token " +
					"does not affect existing runners); bump `registration_token_wo_version` to re-register.",
				Optional:   true,
				WriteOnly:  true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"registration_token_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Any number; changing it replaces the runner, registering a new one with the " +
					"current `registration_token_wo`. Requires `registration_token_wo`.",
				Optional: true,
				Validators: []validator.Int64{
					int64validator.AlsoRequires(path.MatchRoot("registration_token_wo")),
				},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description shown in GitLab's runner lists. At most 1024 characters. " +
					"Defaults to `\"\"` (GitLab's value for a runner without one). GitLab does not store a blank " +
					"description (`\"\"` or only whitespace) when it creates a runner; the state keeps the blank value " +
					"configured, so it never shows a diff.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(""),
				Validators: []validator.String{stringvalidator.UTF8LengthAtMost(runnerMaxTextLength)},
			},
			"paused": schema.BoolAttribute{
				MarkdownDescription: "Whether the runner ignores new jobs. Defaults to `false` (GitLab's default).",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"locked": schema.BoolAttribute{
				MarkdownDescription: "Whether a project runner is locked to its projects (cannot be assigned to other " +
					"projects by their Maintainers). Defaults to `false` (GitLab's default).",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"run_untagged": schema.BoolAttribute{
				MarkdownDescription: "Whether the runner picks jobs without tags. Defaults to `true` (GitLab's default). " +
					"When `false`, `tag_list` must not be empty.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"tag_list": schema.SetAttribute{
				MarkdownDescription: "Tags the runner picks jobs for. A set: GitLab's order never causes a diff. At most " +
					"50 tags; each non-empty, without commas (GitLab splits tags on commas) and without leading or " +
					"trailing whitespace (GitLab strips it). Defaults to no tags.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
				Validators: []validator.Set{
					setvalidator.SizeAtMost(runnerMaxTags),
					setvalidator.ValueStringsAre(runnerTagValidator{}),
				},
			},
			"access_level": schema.StringAttribute{
				MarkdownDescription: "`not_protected` (jobs from any ref) or `ref_protected` (only jobs of protected " +
					"branches and tags). Defaults to `not_protected` (GitLab's default).",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(gitlab.AccessLevelNotProtected),
				Validators: []validator.String{stringvalidator.OneOf(gitlab.AccessLevels...)},
			},
			"maximum_timeout": schema.Int64Attribute{
				MarkdownDescription: "Maximum job timeout in seconds for jobs this runner picks; at least 600 (GitLab's " +
					"minimum, 10 minutes) and at most 2147483647 (GitLab stores it in a 32-bit column). Unset means no " +
					"runner-level limit; removing it from the configuration clears it in GitLab.",
				Optional: true,
				Validators: []validator.Int64{
					int64validator.AtLeast(runnerMinMaximumTimeout),
					int64validator.AtMost(runnerMaxMaximumTimeout),
				},
			},
			"maintenance_note": schema.StringAttribute{
				MarkdownDescription: "Free-form maintenance note, at most 1024 characters. Defaults to `\"\"` (no note); " +
					"removing it clears it in GitLab. GitLab does not store a blank note (`\"\"` or only whitespace) when " +
					"it creates a runner, and does not tell no note from `\"\"`: the state keeps the blank value " +
					"configured, so it never shows a diff.",
				Optional: true,
				// A default rather than null: GitLab's null and "" are one
				// value, and an import (which has no configuration to go by)
				// must read back what `maintenance_note = ""` or no
				// maintenance_note plans.
				Computed:   true,
				Default:    stringdefault.StaticString(""),
				Validators: []validator.String{stringvalidator.UTF8LengthAtMost(runnerMaxTextLength)},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The runner's authentication token (`glrt-...`; `glrtr-...` for registration-token " +
					"runners), for `gitlab-runner register --token` or the runner's `config.toml`. GitLab returns it only " +
					"when the runner is created, so it is kept in state; it is null after import (GitLab cannot return it). " +
					"It is the token issued at creation: once `gitlabci_runner_token_reset` (or anything else) resets the " +
					"token, the current one is that resource's `token`, so feed machines from there when you rotate. A " +
					"reset outside Terraform (the UI, or `gitlab-runner` renewing its token) cannot be seen on refresh " +
					"(only `POST /runners/verify` could tell, and it marks the runner contacted), so this value goes " +
					"stale silently: recover with a `gitlabci_runner_token_reset` for the runner.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"token_expires_at": schema.StringAttribute{
				MarkdownDescription: "When the authentication token expires (RFC 3339, UTC); null when it never expires " +
					"(GitLab's default: tokens expire only if `runner_token_expiration_interval` is set).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"is_shared": schema.BoolAttribute{
				MarkdownDescription: "Whether the runner is an instance runner, available to every project.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the runner was created (RFC 3339, UTC).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *runnerResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// usesRegistrationToken reports whether the configuration creates the runner
// with the legacy POST /runners. Unknown values count: they will be set.
func (m runnerModel) usesRegistrationToken() bool {
	return !m.RegistrationToken.IsNull() || !m.RegistrationTokenWO.IsNull() || !m.RegistrationTokenWOVersion.IsNull()
}

func (r *runnerResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	// Converted directly, without Config.Get's reflection (same result):
	// this runs for every runner in every plan.
	cfg, err := runnerModelFromTF(ctx, req.Config.Raw)
	if err != nil {
		resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	validateRunnerConfig(cfg, &resp.Diagnostics)
}

// validateRunnerConfig checks the rules that span attributes. Values that
// are unknown at validation time are checked again at the next plan, when
// they are known.
func validateRunnerConfig(cfg runnerModel, diags *diag.Diagnostics) {
	if cfg.usesRegistrationToken() {
		for _, a := range []struct {
			name  string
			isSet bool
		}{
			{"runner_type", !cfg.RunnerType.IsNull()},
			{"group_id", !cfg.GroupID.IsNull()},
			{"project_id", !cfg.ProjectID.IsNull()},
		} {
			if a.isSet {
				diags.AddAttributeError(path.Root(a.name), "Conflicting runner scope",
					fmt.Sprintf("%s must be omitted when a registration token is given: the registration token decides "+
						"whether GitLab creates an instance, group or project runner and for which group or project, and "+
						"%s is read back from GitLab. Remove %s, or remove the registration token to create the runner "+
						"with POST /user/runners.", a.name, a.name, a.name))
			}
		}
	} else {
		validateRunnerScope(cfg, diags)
	}

	// GitLab: "tags_list can not be empty when runner is not allowed to pick
	// untagged jobs". tag_list defaults to no tags, so null counts as empty.
	if !cfg.RunUntagged.IsUnknown() && !cfg.RunUntagged.IsNull() && !cfg.RunUntagged.ValueBool() && !cfg.TagList.IsUnknown() {
		if cfg.TagList.IsNull() || len(cfg.TagList.Elements()) == 0 {
			diags.AddAttributeError(path.Root("tag_list"), "Tags required",
				"run_untagged = false makes the runner pick only tagged jobs, so GitLab requires at least one tag: "+
					"set tag_list, or set run_untagged = true.")
		}
	}
}

func validateRunnerScope(cfg runnerModel, diags *diag.Diagnostics) {
	if cfg.RunnerType.IsNull() {
		diags.AddAttributeError(path.Root("runner_type"), "Missing runner_type",
			"runner_type is required (instance_type, group_type or project_type) unless a registration token "+
				"(registration_token_wo or registration_token) is given.")
		return
	}
	if cfg.RunnerType.IsUnknown() {
		return
	}
	typ := cfg.RunnerType.ValueString()
	need := map[string]string{gitlab.RunnerTypeGroup: "group_id", gitlab.RunnerTypeProject: "project_id"}
	for _, a := range []struct {
		name string
		v    types.Int64
	}{{"group_id", cfg.GroupID}, {"project_id", cfg.ProjectID}} {
		switch {
		case need[typ] == a.name && a.v.IsNull():
			diags.AddAttributeError(path.Root(a.name), "Missing "+a.name,
				fmt.Sprintf("runner_type = %q needs %s: the %s the runner belongs to.", typ, a.name,
					strings.TrimSuffix(a.name, "_id")))
		case need[typ] != a.name && !a.v.IsNull():
			diags.AddAttributeError(path.Root(a.name), "Unexpected "+a.name,
				fmt.Sprintf("%s applies only to runner_type = %q; remove it for runner_type = %q.", a.name,
					map[string]string{"group_id": gitlab.RunnerTypeGroup, "project_id": gitlab.RunnerTypeProject}[a.name], typ))
		}
	}
}

// runnerMutableAttributes are the attributes PUT /runners/:id can change.
var runnerMutableAttributes = []string{
	"description", "paused", "locked", "run_untagged", "tag_list", "access_level", "maximum_timeout", "maintenance_note",
}

func (r *runnerResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	// ModifyPlan runs once per runner in every plan: values are converted
	// directly, without the reflection of Get/Set (same result).
	plan, errP := runnerModelFromTF(ctx, req.Plan.Raw)
	cfg, errC := runnerModelFromTF(ctx, req.Config.Raw)
	if errP != nil || errC != nil {
		resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
		resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	var state *runnerModel
	if !req.State.Raw.IsNull() {
		st, err := runnerModelFromTF(ctx, req.State.Raw)
		if err != nil {
			resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
		}
		if resp.Diagnostics.HasError() {
			return
		}
		state = &st
	}
	planned, scopeChanged := plan, false

	// With POST /user/runners the scope is exactly what the configuration
	// says, so the plan can show it instead of "known after apply".
	if !cfg.usesRegistrationToken() && !cfg.RunnerType.IsNull() && !cfg.RunnerType.IsUnknown() {
		typ := cfg.RunnerType.ValueString()
		if typ != gitlab.RunnerTypeGroup {
			plan.GroupID = types.Int64Null()
		}
		if typ != gitlab.RunnerTypeProject {
			plan.ProjectID = types.Int64Null()
		}
		plan.IsShared = types.BoolValue(typ == gitlab.RunnerTypeInstance)
		scopeChanged = !plan.GroupID.Equal(planned.GroupID) || !plan.ProjectID.Equal(planned.ProjectID) ||
			!plan.IsShared.Equal(planned.IsShared)
	}

	if state != nil && r.data != nil && !r.data.HasToken {
		changed := runnerChangedAttributes(plan, *state)
		if len(changed) > 0 {
			if cfg.usesRegistrationToken() {
				// PUT /runners/:id needs a user token; with only a registration
				// token, registering a new runner is the only way to apply a change.
				for _, name := range changed {
					resp.RequiresReplace = append(resp.RequiresReplace, path.Root(name))
				}
			} else {
				r.data.requireUserToken(&resp.Diagnostics, runnerUpdateTokenNeed("runner "+state.ID.ValueString(), changed))
				return
			}
		}
	}
	if !scopeChanged {
		return // resp.Plan is req.Plan already
	}
	if raw, err := runnerModelToTF(ctx, plan); err == nil {
		resp.Plan.Raw = raw
	} else {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	}
}

// isBlank reports whether v is null or a string GitLab's create endpoints
// do not store: they keep only `present?` values (lib/api/helpers.rb
// attributes_for_keys), so "" and whitespace-only strings are dropped.
func isBlank(v types.String) bool {
	return v.IsNull() || (!v.IsUnknown() && strings.TrimSpace(v.ValueString()) == "")
}

// runnerChangedAttributes lists the mutable attributes whose planned value
// differs from state (unknown counts as a change).
func runnerChangedAttributes(plan, state runnerModel) []string {
	var out []string
	pairs := []struct {
		name string
		p, s attr.Value
	}{
		{"description", plan.Description, state.Description},
		{"paused", plan.Paused, state.Paused},
		{"locked", plan.Locked, state.Locked},
		{"run_untagged", plan.RunUntagged, state.RunUntagged},
		{"tag_list", plan.TagList, state.TagList},
		{"access_level", plan.AccessLevel, state.AccessLevel},
		{"maximum_timeout", plan.MaximumTimeout, state.MaximumTimeout},
		{"maintenance_note", plan.MaintenanceNote, state.MaintenanceNote},
	}
	for _, p := range pairs {
		if !p.p.Equal(p.s) {
			out = append(out, p.name)
		}
	}
	return out
}

func (r *runnerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if r.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "The provider was not configured before creating a runner.")
		return
	}
	var plan, cfg runnerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tags, d := stringsFromSet(ctx, plan.TagList)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	if tags == nil {
		tags = []string{}
	}

	created := r.createRunner(ctx, plan, cfg, tags, &resp.Diagnostics)
	if created == nil {
		return
	}
	state, d := r.runnerModelAfterCreate(ctx, plan, created)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, runnerIdentityModel{ID: state.ID})...)
}

// createRunner creates the runner the configuration describes: with the
// legacy POST /runners when it gives a registration token, otherwise with
// POST /user/runners. It returns nil after reporting why it could not.
func (r *runnerResource) createRunner(ctx context.Context, plan, cfg runnerModel, tags []string, diags *diag.Diagnostics) *gitlab.CreatedRunner {
	if !cfg.usesRegistrationToken() {
		return r.createUserRunner(ctx, plan, tags, diags)
	}
	// Write-only values exist only in the configuration.
	regToken := cfg.RegistrationTokenWO.ValueString()
	if regToken == "" {
		regToken = cfg.RegistrationToken.ValueString()
	}
	return r.register(ctx, regToken, plan, tags, diags)
}

// runnerModelAfterCreate is the state of a runner just created: what GitLab
// returns for it, plus the token only the create response carried. When the
// runner cannot be read back the state is the plan with GitLab's choices
// null; after a failed read the error taints the resource, which keeps it
// in state (never orphaned) so the next apply replaces it.
func (r *runnerResource) runnerModelAfterCreate(ctx context.Context, plan runnerModel, created *gitlab.CreatedRunner) (runnerModel, diag.Diagnostics) {
	prior := plan
	prior.ID = types.StringValue(idString(created.ID))
	prior.Token = types.StringNull()
	if created.Token != "" {
		prior.Token = types.StringValue(created.Token)
	}
	prior.TokenExpiresAt = timeValueOrNull(created.TokenExpiresAt)

	if !r.data.HasToken {
		// Registration without a user token: GET /runners/:id is not
		// allowed, so state is what was requested, and what GitLab decides
		// (the scope) stays unknown to the provider.
		return runnerModelFromPlan(prior), nil
	}
	details, err := getRunnerFor(ctx, r.data.Client, created.ID, plan.RunnerType)
	if err == nil {
		err = checkRunnerAnswer(created.ID, details)
	}
	if err != nil {
		var diags diag.Diagnostics
		addAPIError(&diags, fmt.Sprintf("Created %s but could not read it back", runnerLabel(created.ID)), err)
		return runnerModelFromPlan(prior), diags
	}
	return runnerModelFromAPI(ctx, details, prior)
}

// runnerModelFromPlan resolves the unknown computed values of a plan when
// the runner cannot be read back: values GitLab decides become null.
func runnerModelFromPlan(m runnerModel) runnerModel {
	if m.RunnerType.IsUnknown() {
		m.RunnerType = types.StringNull()
	}
	if m.GroupID.IsUnknown() {
		m.GroupID = types.Int64Null()
	}
	if m.ProjectID.IsUnknown() {
		m.ProjectID = types.Int64Null()
	}
	if m.IsShared.IsUnknown() {
		if m.RunnerType.IsNull() {
			m.IsShared = types.BoolNull()
		} else {
			m.IsShared = types.BoolValue(m.RunnerType.ValueString() == gitlab.RunnerTypeInstance)
		}
	}
	if m.CreatedAt.IsUnknown() {
		m.CreatedAt = types.StringNull()
	}
	if m.TokenExpiresAt.IsUnknown() {
		m.TokenExpiresAt = types.StringNull()
	}
	m.RegistrationTokenWO = types.StringNull()
	return m
}

// createUserRunner creates the runner with POST /user/runners. When GitLab's
// answer is lost or cannot be read, it looks for the runner the request
// created instead of sending it again, and sends it again (within the
// provider's retries) only once that lookup proved nothing was created (see
// resource_runner_adopt.go and runner_claims.go).
func (r *runnerResource) createUserRunner(ctx context.Context, plan runnerModel, tags []string, diags *diag.Diagnostics) *gitlab.CreatedRunner {
	if !r.data.requireUserToken(diags, userTokenNeed{
		subject:   "Creating a runner with runner_type",
		call:      "Creating a runner with runner_type calls POST /user/runners",
		scopes:    "api or create_runner",
		otherwise: "give a registration token instead of runner_type",
	}) {
		return nil
	}
	opts := runnerCreateOptionsFromPlan(plan, tags)
	claims := r.data.runnerClaims()
	group := claims.group(opts)
	for attempt := 0; ; attempt++ {
		started := time.Now()
		group.rw.RLock()
		created, err := r.data.Client.CreateUserRunner(ctx, opts)
		if err == nil && (created == nil || created.ID <= 0) {
			// A 2xx without a usable id: GitLab acted on the request, but
			// the answer does not say which runner it created. Never store
			// an id GitLab did not give; look for the runner instead.
			err = fmt.Errorf("POST /user/runners answered without a runner id: %w", gitlab.ErrOutcomeUnknown)
		}
		if err == nil {
			claims.claim(created.ID)
			group.rw.RUnlock()
			tflog.Info(ctx, "created runner", map[string]any{"runner_id": created.ID, "runner_type": opts.RunnerType})
			return created
		}
		if !gitlab.IsOutcomeUnknown(err) {
			group.rw.RUnlock()
			if gitlab.IsForbidden(err) && opts.RunnerType == gitlab.RunnerTypeInstance {
				diags.AddAttributeError(path.Root("runner_type"), "Could not create the instance runner", instanceRunnerForbiddenDetail(err))
				return nil
			}
			addAPIError(diags, "Could not create the runner", err)
			return nil
		}
		claims.addPending(group, 1)
		group.rw.RUnlock()

		adopted, notApplied := r.recoverLostRunner(ctx, opts, group, started, err, attempt, diags)
		if adopted != nil || !notApplied {
			return adopted
		}
		tflog.Warn(ctx, "POST /user/runners was not applied; sending it again",
			map[string]any{"attempt": attempt + 1, "error": err.Error()})
		if werr := retryWait(ctx, attempt); werr != nil {
			diags.AddError("Could not create the runner",
				lostRunnerNotCreatedDetail(err, runnerScopeLabel(opts), runnerDeref(opts.Description), attempt+1)+
					" Waiting to send it again was interrupted: "+werr.Error())
			return nil
		}
	}
}

// runnerSettingsFromPlan sends every setting explicitly on creation, so the
// runner does not depend on GitLab's defaults (which differ between releases
// for `locked`).
func runnerSettingsFromPlan(plan runnerModel, tags []string) gitlab.RunnerSettings {
	settings := gitlab.RunnerSettings{
		Description:     presentStringPointer(plan.Description),
		Paused:          boolPointer(plan.Paused),
		Locked:          boolPointer(plan.Locked),
		RunUntagged:     boolPointer(plan.RunUntagged),
		TagList:         &tags,
		AccessLevel:     stringPointer(plan.AccessLevel),
		MaintenanceNote: presentStringPointer(plan.MaintenanceNote),
	}
	if p := int64Pointer(plan.MaximumTimeout); p != nil {
		settings.MaximumTimeout = gitlab.Some(*p)
	}
	return settings
}

// runnerCreateOptionsFromPlan is the body of POST /user/runners.
func runnerCreateOptionsFromPlan(plan runnerModel, tags []string) gitlab.CreateUserRunnerOptions {
	return gitlab.CreateUserRunnerOptions{
		RunnerType:     plan.RunnerType.ValueString(),
		GroupID:        int64Pointer(plan.GroupID),
		ProjectID:      int64Pointer(plan.ProjectID),
		RunnerSettings: runnerSettingsFromPlan(plan, tags),
	}
}

// register creates the runner with the legacy POST /runners.
func (r *runnerResource) register(ctx context.Context, regToken string, plan runnerModel, tags []string, diags *diag.Diagnostics) *gitlab.CreatedRunner {
	if regToken == "" {
		diags.AddAttributeError(path.Root("registration_token_wo"), "Missing registration token",
			"registration_token_wo_version is set but registration_token_wo is empty; the registration token is "+
				"needed to create the runner.")
		return nil
	}
	opts := gitlab.RegisterRunnerOptions{Token: regToken, RunnerSettings: runnerSettingsFromPlan(plan, tags)}
	created, err := r.data.Client.RegisterRunner(ctx, opts)
	if err == nil && (created == nil || created.ID <= 0) {
		// Never store an id GitLab did not give: a 2xx without one leaves
		// the outcome as unknown as a lost answer.
		err = fmt.Errorf("POST /runners answered without a runner id: %w", gitlab.ErrOutcomeUnknown)
	}
	if err != nil {
		addRegisterRunnerError(diags, err, plan.Description.ValueString())
		return nil
	}
	tflog.Info(ctx, "registered runner with a registration token", map[string]any{"runner_id": created.ID})
	return created
}

func (r *runnerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if r.data == nil {
		return
	}
	// Read runs once per runner in every refresh: the state is converted
	// directly, without the reflection of State.Get/Set (same result).
	state, err := runnerModelFromTF(ctx, req.State.Raw)
	if err != nil {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	id, ok := parseRunnerID(state.ID.ValueString(), path.Root("id"), &resp.Diagnostics)
	if !ok {
		return
	}

	if !r.data.HasToken {
		if state.Token.IsNull() || state.Token.ValueString() == "" {
			r.data.requireUserToken(&resp.Diagnostics, userTokenNeed{
				subject: "Reading " + runnerLabel(id),
				call:    "Reading " + runnerLabel(id) + " calls GET /runners/:id",
				scopes:  "api, read_api or manage_runner",
			})
			return
		}
		// Runner-token endpoints could prove the runner exists, but POST
		// /runners/verify marks it as contacted (and creates a runner manager),
		// which would make a never-started runner look alive. Without a user
		// token the state is therefore kept as it is.
		tflog.Info(ctx, "no provider token: runner state kept without reading it from GitLab", map[string]any{"runner_id": id})
		setRunnerIdentity(ctx, resp.Identity, state.ID, &resp.Diagnostics)
		return
	}

	details, err := getRunnerFor(ctx, r.data.Client, id, state.RunnerType)
	if err != nil {
		if gitlab.IsNotFound(err) {
			tflog.Warn(ctx, "runner not found in GitLab; removing it from state", map[string]any{"runner_id": id})
			// framework v1.19 demands an identity even from a Read that removes
			// the resource; CLIs before 1.12 store none, so it must be set here.
			setRunnerIdentity(ctx, resp.Identity, state.ID, &resp.Diagnostics)
			resp.State.RemoveResource(ctx)
			return
		}
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not read %s", runnerLabel(id)), err)
		return
	}
	newState, d := runnerModelFromAPI(ctx, details, state)
	resp.Diagnostics.Append(d...)
	if raw, err := runnerModelToTF(ctx, newState); err == nil {
		resp.State.Raw = raw
	} else {
		resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
	}
	setRunnerIdentity(ctx, resp.Identity, newState.ID, &resp.Diagnostics)
}

// setRunnerIdentity is Identity.Set(runnerIdentityModel{ID: id}) without
// reflection.
func setRunnerIdentity(ctx context.Context, ident *tfsdk.ResourceIdentity, id types.String, diags *diag.Diagnostics) {
	if ident == nil || id.IsUnknown() {
		diags.Append(ident.Set(ctx, runnerIdentityModel{ID: id})...)
		return
	}
	ident.Raw = runnerIdentityToTF(id)
}

func (r *runnerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if r.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "The provider was not configured before updating a runner.")
		return
	}
	var plan, state runnerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, ok := parseRunnerID(state.ID.ValueString(), path.Root("id"), &resp.Diagnostics)
	if !ok {
		return
	}
	opts, changed, d := runnerUpdateOptionsFromPlan(ctx, plan, state)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}

	// Carry over what no API returns; everything else comes from GitLab.
	prior := plan
	prior.ID = state.ID
	prior.Token = state.Token
	prior.TokenExpiresAt = state.TokenExpiresAt

	if len(changed) == 0 {
		// Nothing GitLab stores changed (for example only the legacy
		// registration token's sensitivity); PUT with no field is a 400.
		newState := prior
		newState.RunnerType, newState.GroupID, newState.ProjectID = state.RunnerType, state.GroupID, state.ProjectID
		newState.IsShared, newState.CreatedAt = state.IsShared, state.CreatedAt
		newState.RegistrationTokenWO = types.StringNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
		resp.Diagnostics.Append(resp.Identity.Set(ctx, runnerIdentityModel{ID: state.ID})...)
		return
	}
	if !r.data.requireUserToken(&resp.Diagnostics, runnerUpdateTokenNeed(runnerLabel(id), changed)) {
		return
	}

	tflog.Debug(ctx, "updating runner", map[string]any{"runner_id": id, "changed": changed})
	details, err := r.data.Client.UpdateRunner(ctx, id, opts)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not update %s (%s)", runnerLabel(id), strings.Join(changed, ", ")), err)
		return
	}
	newState, d := runnerModelFromAPI(ctx, details, prior)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, runnerIdentityModel{ID: newState.ID})...)
}

// runnerUpdateTokenNeed is why changing attributes of a runner needs a user
// token: PUT /runners/:id.
func runnerUpdateTokenNeed(runner string, changed []string) userTokenNeed {
	return userTokenNeed{
		subject: "Changing " + runner,
		call:    fmt.Sprintf("Changing %s of %s calls PUT /runners/:id", strings.Join(changed, ", "), runner),
	}
}

// runnerUpdateOptionsFromPlan builds a PUT body with only the fields that changed,
// and names them.
func runnerUpdateOptionsFromPlan(ctx context.Context, plan, state runnerModel) (gitlab.UpdateRunnerOptions, []string, diag.Diagnostics) {
	var opts gitlab.UpdateRunnerOptions
	var diags diag.Diagnostics
	changed := runnerChangedAttributes(plan, state)
	for _, name := range changed {
		switch name {
		case "description":
			opts.Description = stringPointer(plan.Description)
		case "paused":
			opts.Paused = boolPointer(plan.Paused)
		case "locked":
			opts.Locked = boolPointer(plan.Locked)
		case "run_untagged":
			opts.RunUntagged = boolPointer(plan.RunUntagged)
		case "tag_list":
			tags, d := stringsFromSet(ctx, plan.TagList)
			diags.Append(d...)
			if tags == nil {
				tags = []string{} // an empty array clears the tags
			}
			opts.TagList = &tags
		case "access_level":
			opts.AccessLevel = stringPointer(plan.AccessLevel)
		case "maximum_timeout":
			// GitLab clears the limit only on an explicit null; 0 is rejected.
			if plan.MaximumTimeout.IsNull() {
				opts.MaximumTimeout = gitlab.Null[int64]()
			} else {
				opts.MaximumTimeout = gitlab.Some(plan.MaximumTimeout.ValueInt64())
			}
		case "maintenance_note":
			note := plan.MaintenanceNote.ValueString() // "" clears it
			opts.MaintenanceNote = &note
		}
	}
	return opts, changed, diags
}

func (r *runnerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if r.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "The provider was not configured before deleting a runner.")
		return
	}
	state, id, ok := runnerStateAndID(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}

	if !r.data.HasToken {
		token := state.Token.ValueString()
		if token == "" {
			r.data.requireUserToken(&resp.Diagnostics, userTokenNeed{
				subject: "Deleting " + runnerLabel(id),
				call: runnerLabel(id) + " has no authentication token in state (it was imported), so deleting it " +
					"calls DELETE /runners/:id",
			})
			return
		}
		// DELETE /runners with the runner's own token; the client treats 403
		// (unknown token) as already deleted.
		if err := r.data.Client.DeleteRunnerByToken(ctx, token); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not delete %s with its authentication token", runnerLabel(id)), err)
		}
		return
	}

	err := r.data.Client.DeleteRunner(ctx, id)
	switch {
	case err == nil || gitlab.IsNotFound(err):
		return
	case gitlab.IsRunnerInOtherProjects(err):
		resp.Diagnostics.AddError(fmt.Sprintf("Could not delete %s: it is assigned to other projects", runnerLabel(id)),
			runnerAssignedElsewhereDetail(err))
	default:
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not delete %s", runnerLabel(id)), err)
	}
}

func (r *runnerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	// `terraform import <addr> ""` also arrives with an empty id, but with
	// no identity: only a non-null identity selects the identity path, so
	// an empty id is reported like any other bad id.
	id := req.ID
	if id == "" && importIdentityGiven(req) {
		var ident runnerIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &ident)...)
		if resp.Diagnostics.HasError() {
			return
		}
		id = ident.ID.ValueString()
	}
	if _, ok := parseRunnerID(id, path.Root("id"), &resp.Diagnostics); !ok {
		return
	}
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
}

// importIdentityGiven reports an import by resource identity (an import
// block with identity) rather than by id.
func importIdentityGiven(req resource.ImportStateRequest) bool {
	return req.Identity != nil && !req.Identity.Raw.IsNull() && req.Identity.Raw.IsFullyKnown()
}

// runnerStateAndID reads the state and the runner id it holds.
func runnerStateAndID(ctx context.Context, st tfsdk.State, diags *diag.Diagnostics) (runnerModel, int64, bool) {
	var state runnerModel
	diags.Append(st.Get(ctx, &state)...)
	if diags.HasError() {
		return state, 0, false
	}
	id, ok := parseRunnerID(state.ID.ValueString(), path.Root("id"), diags)
	return state, id, ok
}

// parseRunnerID reads a runner id from state or an import id.
func parseRunnerID(s string, p path.Path, diags *diag.Diagnostics) (int64, bool) {
	s = strings.TrimSpace(s)
	if !isNumericID(s) || strings.HasPrefix(s, "-") || s == "0" {
		diags.AddAttributeError(p, "Invalid runner id",
			fmt.Sprintf("%q is not a runner id. Runner ids are positive numbers, shown as #<id> in GitLab's runner "+
				"list (Settings > CI/CD > Runners) and returned by GET /runners.", s))
		return 0, false
	}
	var id int64
	_, _ = fmt.Sscan(s, &id)
	return id, true
}

// runnerModelFromAPI converts GET/PUT /runners/:id. prior supplies what no
// read endpoint returns (the tokens) and decides between null and "" for the
// maintenance note, which GitLab does not distinguish.
func runnerModelFromAPI(ctx context.Context, r *gitlab.RunnerDetails, prior runnerModel) (runnerModel, diag.Diagnostics) {
	m := runnerModel{
		ID:                         types.StringValue(idString(r.ID)),
		RunnerType:                 types.StringValue(r.RunnerType),
		GroupID:                    types.Int64Null(),
		ProjectID:                  types.Int64Null(),
		RegistrationToken:          prior.RegistrationToken,
		RegistrationTokenWO:        types.StringNull(),
		RegistrationTokenWOVersion: prior.RegistrationTokenWOVersion,
		Description:                keepBlank(types.StringValue(r.Description), prior.Description),
		Paused:                     types.BoolValue(r.Paused),
		Locked:                     types.BoolValue(r.Locked),
		RunUntagged:                types.BoolValue(r.RunUntagged),
		AccessLevel:                types.StringValue(r.AccessLevel),
		MaximumTimeout:             int64ValueOrNull(r.MaximumTimeout),
		MaintenanceNote:            runnerMaintenanceNote(r.MaintenanceNote, prior.MaintenanceNote),
		Token:                      knownOrNull(prior.Token),
		TokenExpiresAt:             knownOrNull(prior.TokenExpiresAt),
		IsShared:                   types.BoolValue(r.IsShared),
		CreatedAt:                  timeValueOrNull(r.CreatedAt),
	}
	// Only late GitLab 18.x releases return token_expires_at on GET.
	if r.TokenExpiresAt != nil {
		m.TokenExpiresAt = timeValueOrNull(r.TokenExpiresAt)
	}
	switch r.RunnerType {
	case gitlab.RunnerTypeGroup:
		if len(r.Groups) > 0 {
			m.GroupID = types.Int64Value(r.Groups[0].ID)
		}
	case gitlab.RunnerTypeProject:
		// The first project is the owner; the others are assignments that
		// gitlabci_project_runner_assignment manages.
		// PUT /runners/:id answers without `projects` (runners.rb presents
		// RunnerDetails without include_projects), and GET leaves it out
		// with include_projects=false: the owner never changes after
		// create, so an absent list keeps the one already known.
		switch {
		case len(r.Projects) > 0:
			m.ProjectID = types.Int64Value(r.Projects[0].ID)
		case r.Projects == nil && !prior.ProjectID.IsUnknown():
			m.ProjectID = prior.ProjectID
		}
	}
	tags := append([]string{}, r.TagList...)
	sort.Strings(tags)
	set, diags := stringSetValue(ctx, tags)
	m.TagList = set
	return m, diags
}

// runnerMaintenanceNote is GitLab's note, null read as "" (GitLab does not
// tell them apart), or the prior blank value when GitLab's is blank.
func runnerMaintenanceNote(api *string, prior types.String) types.String {
	note := ""
	if api != nil {
		note = *api
	}
	return keepBlank(types.StringValue(note), prior)
}

// keepBlank is GitLab's value, or the prior (planned or stored) value when
// both are blank: GitLab's create endpoints drop blank strings, so after
// `description = " "` GitLab holds none, and state must say what was
// planned.
func keepBlank(api, prior types.String) types.String {
	if isBlank(api) && !prior.IsNull() && isBlank(prior) {
		return prior
	}
	return api
}

func knownOrNull(v types.String) types.String {
	if v.IsUnknown() {
		return types.StringNull()
	}
	return v
}
