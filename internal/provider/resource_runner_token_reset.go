package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

var (
	_ resource.Resource                     = (*runnerTokenResetResource)(nil)
	_ resource.ResourceWithConfigure        = (*runnerTokenResetResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*runnerTokenResetResource)(nil)
	_ resource.ResourceWithConfigValidators = (*runnerTokenResetResource)(nil)
)

// NewRunnerTokenResetResource is the constructor registered with the provider.
func NewRunnerTokenResetResource() resource.Resource {
	return &runnerTokenResetResource{}
}

type runnerTokenResetResource struct {
	// data is nil while the provider has not been configured yet
	// (validation, or a plan whose provider block is not known).
	data *ProviderData
}

type runnerTokenResetModel struct {
	RunnerID       types.Int64  `tfsdk:"runner_id"`
	TokenWO        types.String `tfsdk:"token_wo"`
	TokenWOVersion types.Int64  `tfsdk:"token_wo_version"`
	CurrentToken   types.String `tfsdk:"current_token"`
	Triggers       types.Map    `tfsdk:"triggers"`
	RotateBefore   types.String `tfsdk:"rotate_before"`
	Token          types.String `tfsdk:"token"`
	TokenExpiresAt types.String `tfsdk:"token_expires_at"`
}

func (r *runnerTokenResetResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_runner_token_reset"
}

func (r *runnerTokenResetResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Rotates a runner's **authentication token** and exposes the new one. Creating (or " +
			"replacing) the resource resets the token; the previous token stops working at once.\n\n" +
			"Two ways to name the runner, exactly one of them:\n\n" +
			"- `runner_id`: `POST /runners/:id/reset_authentication_token`, with the provider's token (instance " +
			"runners: administrator; group runners: group Owner; project runners: Maintainer of the owner project; " +
			"scope `api` or `manage_runner`).\n\n" +
			"- the current token, as `token_wo` (write-only, never stored; Terraform/OpenTofu 1.11 or later) or " +
			"`current_token` (sensitive, stored in state; for older CLIs): `POST /runners/reset_authentication_token`. " +
			"No user token is needed, so this works with a provider configured without `token`.\n\n" +
			"Rotation happens again when `triggers` change, when `token_wo_version` changes, or, with " +
			"`rotate_before`, on the first plan within that window before `token_expires_at` (run `apply` on a " +
			"schedule to keep runners' tokens from expiring). Tokens without expiry never rotate by `rotate_before`.\n\n" +
			"Destroying the resource only removes it from the state: the token stays valid. The resource cannot be " +
			"imported, because GitLab never returns a runner's token after issuing it.\n\n" +
			"**Resets outside Terraform.** When the token is reset elsewhere (GitLab's UI, the API, or `gitlab-runner` " +
			"renewing its own token before it expires), the `token` in state stops working. Refresh notices it only " +
			"when GitLab returns the runner's `token_expires_at` (late GitLab 18.x releases, with a token expiration " +
			"interval set) and it differs from the one stored: the resource then leaves the state and the next apply " +
			"resets the token again. Otherwise GitLab offers no way to see it: checking a token means " +
			"`POST /runners/verify`, which marks the runner as contacted and creates a runner manager, so the " +
			"provider never calls it on refresh. To recover, reset again: `tofu apply -replace=<address>` (or change " +
			"`triggers`), and feed the machines the new `token`.",
		Attributes: map[string]schema.Attribute{
			"runner_id": schema.Int64Attribute{
				MarkdownDescription: "Id of the runner whose token to rotate, using the provider's token. Conflicts " +
					"with `token_wo` and `current_token`. Changing it rotates the new runner's token.",
				Optional:      true,
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"token_wo": schema.StringAttribute{
				MarkdownDescription: "The runner's current authentication token, write-only: used once to rotate " +
					"it and never stored in the state or plan. Requires Terraform or OpenTofu 1.11 or later. Since " +
					"changes to it are invisible, bump `token_wo_version` (or change `triggers`) to rotate again. " +
					"Conflicts with `runner_id` and `current_token`.",
				Optional:   true,
				WriteOnly:  true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"token_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Any number; changing it rotates the token again with the value of `token_wo` " +
					"(pass the token now in use, for example the `token` this resource issued last time). " +
					"Requires `token_wo`.",
				Optional: true,
				Validators: []validator.Int64{
					int64validator.AlsoRequires(path.MatchRoot("token_wo")),
				},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"current_token": schema.StringAttribute{
				MarkdownDescription: "The runner's current authentication token, for CLIs without write-only " +
					"attributes (before Terraform/OpenTofu 1.11). Sensitive, but stored in the state; prefer " +
					"`token_wo`. It is only read when a rotation happens: changing it alone does not rotate (so " +
					"feeding the issued token back does not rotate again); change `triggers` to rotate. Conflicts " +
					"with `runner_id` and `token_wo`.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.PreferWriteOnlyAttribute(path.MatchRoot("token_wo")),
				},
			},
			"triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary strings; any change rotates the token again (for example a " +
					"rotation date kept in a variable).",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"rotate_before": schema.StringAttribute{
				MarkdownDescription: "Rotate when the token expires within this duration, written as a Go duration " +
					"(`168h` for seven days, `36h30m`; units `h`, `m`, `s`). Checked at every plan against " +
					"`token_expires_at`: a token already within the window plans a replacement. Tokens that never " +
					"expire (GitLab's `runner_token_expiration_interval` unset, the default) never rotate this way. " +
					"Changing it alone does not rotate.",
				Optional:   true,
				Validators: []validator.String{rotateBeforeValidator{}},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The new authentication token (`glrt-...`). Give it to the runner " +
					"(`config.toml`); GitLab never shows it again.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"token_expires_at": schema.StringAttribute{
				MarkdownDescription: "When the new token expires (RFC 3339, UTC), or null when it never expires.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *runnerTokenResetResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(
			path.MatchRoot("runner_id"),
			path.MatchRoot("token_wo"),
			path.MatchRoot("current_token"),
		),
	}
}

func (r *runnerTokenResetResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks that runner_id comes with a user token, and plans a
// replacement once the stored token is within rotate_before of expiring.
func (r *runnerTokenResetResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan runnerTokenResetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		if !plan.RunnerID.IsNull() {
			r.data.requireUserToken(&resp.Diagnostics, userTokenNeed{
				subject:   "runner_id",
				call:      "Resetting a token by runner id calls POST /runners/:id/reset_authentication_token",
				scopes:    "api or manage_runner",
				otherwise: "rotate with the runner's current token (token_wo or current_token), which needs no user token",
				at:        path.Root("runner_id"),
			})
		}
		return
	}

	var state runnerTokenResetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || plan.RotateBefore.IsUnknown() || plan.RotateBefore.IsNull() {
		return
	}
	now := r.data.now()
	due, err := rotationDue(state.TokenExpiresAt.ValueStringPointer(), plan.RotateBefore.ValueString(), now)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("rotate_before"), "Invalid rotate_before", err.Error())
		return
	}
	if !due {
		return
	}
	tflog.Info(ctx, "runner token expires within rotate_before; planning a rotation", map[string]any{
		"token_expires_at": state.TokenExpiresAt.ValueString(), "rotate_before": plan.RotateBefore.ValueString(),
	})
	// Terraform only replaces when a RequiresReplace attribute changes, so
	// the expiry becomes unknown: it will be the new token's.
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("token_expires_at"), types.StringUnknown())...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("token"), types.StringUnknown())...)
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("token_expires_at"))
}

// rotationDue reports whether a token expiring at expiresAt (RFC 3339; nil =
// never expires) is within rotateBefore of now, or already expired.
func rotationDue(expiresAt *string, rotateBefore string, now time.Time) (bool, error) {
	window, err := parseRotateBefore(rotateBefore)
	if err != nil {
		return false, err
	}
	if expiresAt == nil || *expiresAt == "" {
		return false, nil
	}
	exp, err := time.Parse(time.RFC3339, *expiresAt)
	if err != nil {
		return false, fmt.Errorf("stored token_expires_at %q is not an RFC 3339 time: %w", *expiresAt, err)
	}
	return !now.Add(window).Before(exp), nil
}

func parseRotateBefore(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration: write it like 168h (seven days), 36h30m or 90m", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("%q is negative; use 0s to rotate only once the token has expired", s)
	}
	return d, nil
}

func (r *runnerTokenResetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config runnerTokenResetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	// Write-only values are only in the configuration.
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var (
		issued *gitlab.RunnerToken
		err    error
	)
	if !plan.RunnerID.IsNull() {
		id := plan.RunnerID.ValueInt64()
		// Resetting by id is safe to repeat when the answer is lost (the
		// last reset's token works); resetting by token is not: the first
		// reset may have invalidated the token the retry would send.
		issued, err = repeatWhileOutcomeUnknown(ctx, r.data, "resetting the token of "+runnerLabel(id),
			func() (*gitlab.RunnerToken, error) { return r.data.Client.ResetRunnerAuthenticationToken(ctx, id) })
		if err != nil {
			resp.Diagnostics.AddError("Cannot reset the authentication token of "+runnerLabel(id), resetTokenErrorDetail(err, false))
			return
		}
	} else {
		current := config.TokenWO.ValueString()
		if current == "" {
			current = plan.CurrentToken.ValueString()
		}
		issued, err = r.data.Client.ResetRunnerAuthenticationTokenByToken(ctx, current)
		if err != nil {
			resp.Diagnostics.AddError("Cannot reset the runner authentication token", resetTokenErrorDetail(err, true))
			return
		}
	}

	plan.TokenWO = types.StringNull()
	plan.Token = types.StringValue(issued.Token)
	plan.TokenExpiresAt = timeValueOrNull(issued.TokenExpiresAt)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read has nothing to read in GitLab (it never returns a token). With a
// runner_id it checks that the runner still exists and that its token was
// not rotated elsewhere, which would leave a dead token in the state.
func (r *runnerTokenResetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state runnerTokenResetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || state.RunnerID.IsNull() || r.data == nil || !r.data.HasToken {
		return
	}
	id := state.RunnerID.ValueInt64()
	// Only the token's expiry is compared; the project list can be huge.
	runner, err := getRunnerWithoutProjects(ctx, r.data.Client, id)
	if gitlab.IsNotFound(err) {
		tflog.Warn(ctx, "runner no longer exists; removing its token rotation from state", map[string]any{"runner_id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read "+runnerLabel(id), err)
		return
	}
	if tokenRotatedElsewhere(state.TokenExpiresAt.ValueStringPointer(), runner.TokenExpiresAt) {
		tflog.Warn(ctx, "the runner's token was reset outside Terraform; the stored token no longer works", map[string]any{"runner_id": id})
		resp.State.RemoveResource(ctx)
	}
}

// tokenRotatedElsewhere compares the expiry stored with the token this
// resource issued and the runner's current one, which late GitLab 18.x
// releases return in GET /runners/:id: a different expiry means a different
// token. Without either value nothing can be concluded.
func tokenRotatedElsewhere(stored *string, current *time.Time) bool {
	if stored == nil || *stored == "" || current == nil || current.IsZero() {
		return false
	}
	s, err := time.Parse(time.RFC3339, *stored)
	if err != nil {
		return false
	}
	return !s.Equal(*current)
}

// Update only records in-place changes (rotate_before, current_token);
// nothing is sent to GitLab and the token stays the same.
func (r *runnerTokenResetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state runnerTokenResetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.TokenWO = types.StringNull()
	plan.Token = state.Token
	plan.TokenExpiresAt = state.TokenExpiresAt
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete forgets the rotation: there is no way (and no need) to undo it.
func (r *runnerTokenResetResource) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Info(ctx, "removing the token rotation from state; the issued token stays valid")
}
