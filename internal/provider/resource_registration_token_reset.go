package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

var (
	_ resource.Resource               = (*registrationTokenResetResource)(nil)
	_ resource.ResourceWithConfigure  = (*registrationTokenResetResource)(nil)
	_ resource.ResourceWithModifyPlan = (*registrationTokenResetResource)(nil)
)

// registrationTokenDeprecation is GitLab's deprecation of registration
// tokens, shown by the CLI wherever the resource is used.
const registrationTokenDeprecation = "Runner registration tokens were deprecated in GitLab 15.6, are disabled by " +
	"default since GitLab 17.0 and are planned for removal. Create runners with the gitlabci_runner resource " +
	"(runner_type instance_type, group_type or project_type) instead: it returns the runner's authentication token " +
	"directly."

// NewRegistrationTokenResetResource is the constructor registered with the provider.
func NewRegistrationTokenResetResource() resource.Resource {
	return &registrationTokenResetResource{}
}

type registrationTokenResetResource struct {
	data *ProviderData
}

type registrationTokenResetModel struct {
	Group    types.String `tfsdk:"group"`
	Project  types.String `tfsdk:"project"`
	Triggers types.Map    `tfsdk:"triggers"`
	Token    types.String `tfsdk:"token"`
}

func (r *registrationTokenResetResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_registration_token_reset"
}

func (r *registrationTokenResetResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		DeprecationMessage: registrationTokenDeprecation,
		MarkdownDescription: "**Deprecated.** " + registrationTokenDeprecation + "\n\n" +
			"Resets a runner **registration token** and exposes the new one (`GR1348941...`): the instance's " +
			"(`POST /runners/reset_registration_token`, administrator), a group's " +
			"(`POST /groups/:id/runners/reset_registration_token`, group Owner) or a project's " +
			"(`POST /projects/:id/runners/reset_registration_token`, project Maintainer). The previous registration " +
			"token stops working; runners already registered keep working.\n\n" +
			"GitLab answers 410 Gone (or 403) while registration tokens are disabled, which is the default since " +
			"GitLab 17.0 (instance setting *Allow runner registration token*, and the matching group and project " +
			"settings).\n\n" +
			"Changing `triggers`, `group` or `project` resets again. A group's or project's token reset outside " +
			"Terraform is noticed on refresh (GET /groups/:id and GET /projects/:id return the current token to " +
			"Owners and Maintainers): the resource leaves the state with a warning and the plan resets the token " +
			"again. GitLab's REST API never returns the instance token (`GET /application/settings` leaves it out), " +
			"so an instance reset outside Terraform is not noticed: " +
			"change `triggers` to reset again. Destroying the resource only removes it from the " +
			"state: the token stays valid. The resource cannot be imported, because GitLab returns a registration " +
			"token only when it resets it.",
		Attributes: map[string]schema.Attribute{
			"group": schema.StringAttribute{
				MarkdownDescription: "Numeric id or full path of the group whose registration token to reset (group " +
					"Owner). Conflicts with `project`; neither means the instance token (administrator).",
				Optional: true,
				Validators: []validator.String{
					groupRefValidator(),
					stringvalidator.ConflictsWith(path.MatchRoot("project")),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"project": schema.StringAttribute{
				MarkdownDescription: "Numeric id or full path (`group/project`) of the project whose registration " +
					"token to reset (project Maintainer). Conflicts with `group`.",
				Optional:      true,
				Validators:    []validator.String{projectRefValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary strings; any change resets the token again.",
				ElementType:         types.StringType,
				Optional:            true,
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The new registration token.",
				Computed:            true,
				Sensitive:           true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *registrationTokenResetResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fails early when the provider has no user token: every reset
// endpoint needs one.
func (r *registrationTokenResetResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return
	}
	r.data.requireUserToken(&resp.Diagnostics, userTokenNeed{
		subject: "Resetting a registration token",
		call: "Resetting a registration token calls a reset_registration_token endpoint (as an administrator " +
			"for the instance token, group Owner for a group's, project Maintainer for a project's)",
		scopes: "api",
	})
}

// registrationScope names what a model resets, for messages.
func registrationScope(m registrationTokenResetModel) string {
	switch {
	case !m.Group.IsNull():
		return "group " + m.Group.ValueString()
	case !m.Project.IsNull():
		return "project " + m.Project.ValueString()
	}
	return "the instance"
}

func (r *registrationTokenResetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan registrationTokenResetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var (
		out *gitlab.RegistrationToken
		err error
	)
	// A reset is safe to repeat when its answer is lost: the last one's
	// token is the one that works.
	out, err = repeatWhileOutcomeUnknown(ctx, r.data, "resetting the registration token of "+registrationScope(plan),
		func() (*gitlab.RegistrationToken, error) {
			switch {
			case !plan.Group.IsNull():
				return r.data.Client.ResetGroupRegistrationToken(ctx, plan.Group.ValueString())
			case !plan.Project.IsNull():
				return r.data.Client.ResetProjectRegistrationToken(ctx, plan.Project.ValueString())
			}
			return r.data.Client.ResetInstanceRegistrationToken(ctx)
		})
	if err == nil && (out == nil || out.Token == "") {
		err = fmt.Errorf("GitLab answered the reset without a token")
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot reset the registration token of "+registrationScope(plan),
			r.registrationErrorDetail(ctx, plan, err))
		return
	}
	plan.Token = types.StringValue(out.Token)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// registrationErrorDetail says why GitLab refused. GitLab answers 410 when
// registration tokens are disabled, but some releases answer 403 instead
// (the policy forbids resetting a token that cannot be used), so a 403 is
// ambiguous unless the caller is an administrator.
func (r *registrationTokenResetResource) registrationErrorDetail(ctx context.Context, m registrationTokenResetModel, err error) string {
	switch {
	case gitlab.IsGone(err):
		return registrationTokensDisabledDetail(err)
	case gitlab.IsForbidden(err):
		if u, uerr := r.data.Client.CurrentUser(ctx); uerr == nil && u.IsAdmin {
			return registrationTokensDisabledDetail(err)
		}
		var role string
		switch {
		case !m.Group.IsNull():
			role = "an Owner of the group"
		case !m.Project.IsNull():
			role = "a Maintainer of the project"
		default:
			role = "an administrator"
		}
		return registrationResetForbiddenDetail(err, role, registrationScope(m))
	}
	return apiErrorDetail(err)
}

// Read notices that the group or project is gone, and that its
// registration token was reset outside Terraform: GET /projects/:id and GET
// /groups/:id return the current token as runners_token to Maintainers
// (projects) and Owners (groups). A different token means the one in state
// no longer works, so the resource leaves the state and the plan resets
// again. The instance token cannot be read back: GET /application/settings
// leaves runners_registration_token out (API::Entities::ApplicationSetting
// exposes ApplicationSettingsHelper.visible_attributes, which do not list
// it), so an instance reset outside Terraform is not noticed; change
// triggers to reset again.
func (r *registrationTokenResetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state registrationTokenResetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || r.data == nil || !r.data.HasToken {
		return
	}
	var (
		current *string
		err     error
	)
	switch {
	case !state.Group.IsNull():
		var g *gitlab.Group
		if g, err = r.data.Client.GetGroup(ctx, state.Group.ValueString()); err == nil {
			current = g.RunnersToken
		}
	case !state.Project.IsNull():
		var p *gitlab.Project
		if p, err = r.data.Client.GetProject(ctx, state.Project.ValueString()); err == nil {
			current = p.RunnersToken
		}
	default:
		return
	}
	if gitlab.IsNotFound(err) {
		tflog.Warn(ctx, "the registration token's group or project no longer exists; removing it from state",
			map[string]any{"scope": registrationScope(state)})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read "+registrationScope(state), err)
		return
	}
	// No runners_token (a role that may not see it) or none in state
	// (never happens after a reset): nothing to compare.
	if current == nil || *current == "" || state.Token.ValueString() == "" || *current == state.Token.ValueString() {
		return
	}
	resp.Diagnostics.AddWarning("Registration token reset outside Terraform",
		fmt.Sprintf("The registration token of %s is no longer the one this resource reset (someone reset it in "+
			"GitLab's UI or API), so the token in state no longer works. The resource was removed from the state; "+
			"the plan resets the token again, and whatever uses the token attribute gets the new one.",
			registrationScope(state)))
	resp.State.RemoveResource(ctx)
}

// Update is never called with a change (every argument forces replacement),
// but the framework requires it.
func (r *registrationTokenResetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan registrationTokenResetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete forgets the reset: a registration token cannot be "un-reset".
func (r *registrationTokenResetResource) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Info(ctx, "removing the registration token reset from state; the token stays valid")
}
