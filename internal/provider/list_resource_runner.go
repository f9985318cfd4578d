package provider

import (
	"context"
	"fmt"
	"regexp"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

var (
	_ list.ListResource                   = (*runnerListResource)(nil)
	_ list.ListResourceWithConfigure      = (*runnerListResource)(nil)
	_ list.ListResourceWithValidateConfig = (*runnerListResource)(nil)
)

// NewRunnerListResource is the list resource gitlabci_runner, for
// `terraform query`: the runners a data source would list, each with its
// identity and, on request, the full gitlabci_runner object, so that
// `terraform query -generate-config-out` writes import blocks and
// configuration that plan clean after the import.
func NewRunnerListResource() list.ListResource {
	return &runnerListResource{}
}

type runnerListResource struct {
	data *ProviderData
}

type runnerListConfigModel struct {
	Type          types.String `tfsdk:"type"`
	Status        types.String `tfsdk:"status"`
	Paused        types.Bool   `tfsdk:"paused"`
	TagList       types.List   `tfsdk:"tag_list"`
	VersionPrefix types.String `tfsdk:"version_prefix"`
	All           types.Bool   `tfsdk:"all"`
	Group         types.String `tfsdk:"group"`
	Project       types.String `tfsdk:"project"`
}

func (r *runnerListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_runner"
}

func (r *runnerListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = runnerListResourceSchema()
}

func runnerListResourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Finds existing runners for `terraform query` (Terraform 1.14 and later; OpenTofu has no " +
			"`query` command), to bring them under management in bulk: `terraform query -generate-config-out=runners.tf` " +
			"writes an `import` block and a `gitlabci_runner` configuration for each result.\n\n" +
			"Where to look: `all = true` lists every runner of the instance (`GET /runners/all`, administrators), " +
			"`group` the runners available to a group (`GET /groups/:id/runners`), `project` those available to a " +
			"project (`GET /projects/:id/runners`); with none of them, the runners the token's user can manage " +
			"(`GET /runners`). The filters are those of the `gitlabci_runners` data source and are applied by GitLab. " +
			"Results are streamed page by page, so a `limit` stops the listing early.\n\n" +
			"Each result is identified by the runner id; its display name is the description, type and id. With " +
			"`include_resource = true` each runner is also read in full (`GET /runners/:id`, one request per result), " +
			"which `-generate-config-out` needs. Imported runners have no `token` in state: GitLab returns it only " +
			"when a runner is created.",
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{
				MarkdownDescription: "Only runners of this type: `instance_type`, `group_type` or `project_type`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(gitlab.RunnerTypes...)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only runners with this status: `online`, `offline`, `stale` or `never_contacted` " +
					"(use `paused` for paused runners).",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(gitlab.RunnerStatuses...)},
			},
			"paused": schema.BoolAttribute{
				MarkdownDescription: "`true`: only paused runners; `false`: only runners that accept new jobs. Both when unset.",
				Optional:            true,
			},
			"tag_list": schema.ListAttribute{
				MarkdownDescription: "Only runners that have all of these tags (they may have more). At most 50; a tag " +
					"must not be empty, contain a comma or start or end with whitespace.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.List{
					listvalidator.SizeAtMost(50),
					listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(
						stringvalidator.LengthBetween(1, 255),
						stringvalidator.RegexMatches(regexp.MustCompile(`^[^,]*$`), "must not contain a comma"),
						stringvalidator.RegexMatches(regexp.MustCompile(`^\S(.*\S)?$`),
							"must not start or end with whitespace (GitLab strips it, so the filter would not match as written)"),
					),
				},
			},
			"version_prefix": schema.StringAttribute{
				MarkdownDescription: "Only runners whose version starts with this prefix, for example `17`, `17.11` or `18.0.1`.",
				Optional:            true,
				Validators: []validator.String{stringvalidator.RegexMatches(versionPrefixPattern,
					"must be digits separated by dots, such as 17, 17.11 or 18.0.1")},
			},
			"all": schema.BoolAttribute{
				MarkdownDescription: "List every runner of the instance (`GET /runners/all`; administrators only, and with " +
					"admin mode the token needs the `admin_mode` scope). Conflicts with `group` and `project`.",
				Optional: true,
			},
			"group": schema.StringAttribute{
				MarkdownDescription: "A group's numeric id or full path: list the runners available to it " +
					"(`GET /groups/:id/runners`, needs the Maintainer role). Conflicts with `all` and `project`.",
				Optional:   true,
				Validators: []validator.String{groupRefValidator()},
			},
			"project": schema.StringAttribute{
				MarkdownDescription: "A project's numeric id or full path: list the runners available to it " +
					"(`GET /projects/:id/runners`, needs the Maintainer role). Conflicts with `all` and `group`.",
				Optional:   true,
				Validators: []validator.String{projectRefValidator()},
			},
		},
	}
}

func (r *runnerListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateListResourceConfig rejects contradictory scopes before any
// request; values unknown at validation time are checked again in List.
func (r *runnerListResource) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	var cfg runnerListConfigModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateRunnerListScope(cfg, &resp.Diagnostics)
}

func validateRunnerListScope(cfg runnerListConfigModel, diags *diag.Diagnostics) {
	var set []string
	if cfg.All.ValueBool() {
		set = append(set, "all")
	}
	if !cfg.Group.IsNull() {
		set = append(set, "group")
	}
	if !cfg.Project.IsNull() {
		set = append(set, "project")
	}
	if len(set) > 1 {
		diags.AddAttributeError(path.Root(set[1]), "Conflicting runner list scopes",
			fmt.Sprintf("Give at most one of all = true, group and project (found %v): each selects a different GitLab "+
				"endpoint (GET /runners/all, /groups/:id/runners, /projects/:id/runners). Use one list block per scope.", set))
	}
}

func (m runnerListConfigModel) scope() gitlab.RunnerListScope {
	return gitlab.RunnerListScope{All: m.All.ValueBool(), Group: m.Group.ValueString(), Project: m.Project.ValueString()}
}

func (m runnerListConfigModel) options(ctx context.Context) (gitlab.ListRunnersOptions, diag.Diagnostics) {
	var tags []string
	var diags diag.Diagnostics
	if !m.TagList.IsNull() && !m.TagList.IsUnknown() {
		diags = m.TagList.ElementsAs(ctx, &tags, false)
	}
	return gitlab.ListRunnersOptions{
		Type:          m.Type.ValueString(),
		Status:        m.Status.ValueString(),
		Paused:        boolPointer(m.Paused),
		TagList:       tags,
		VersionPrefix: m.VersionPrefix.ValueString(),
	}, diags
}

// explainListError words a failed page like the data sources do, naming
// the permission the endpoint needs.
func (m runnerListConfigModel) explainListError(diags *diag.Diagnostics, err error) {
	switch s := m.scope(); {
	case s.Group != "":
		namespaceScope{kind: "group", endpoint: "GET /groups/:id/runners"}.explain(diags, s.Group, err)
	case s.Project != "":
		namespaceScope{kind: "project", endpoint: "GET /projects/:id/runners"}.explain(diags, s.Project, err)
	default:
		runnersSpec.explain(diags, &runnersDataSourceModel{All: m.All}, err)
	}
}

// runnerDisplayName is what `terraform query` shows for a result.
func runnerDisplayName(r gitlab.Runner) string {
	if r.Description == "" {
		return fmt.Sprintf("%s #%d", r.RunnerType, r.ID)
	}
	return fmt.Sprintf("%s (%s #%d)", r.Description, r.RunnerType, r.ID)
}

func (r *runnerListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg runnerListConfigModel
	diags := req.Config.Get(ctx, &cfg)
	validateRunnerListScope(cfg, &diags)
	if r.data == nil {
		diags.AddError("Provider not configured", "The provider was not configured before listing runners.")
	}
	opts, d := cfg.options(ctx)
	diags.Append(d...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	client := r.data.Client

	stream.Results = func(push func(list.ListResult) bool) {
		var sent int64
		perPage := 0
		if req.Limit > 0 && req.Limit < 100 {
			perPage = int(req.Limit)
		}
		err := client.EachRunnerPage(ctx, cfg.scope(), opts, perPage, func(page []gitlab.Runner) bool {
			if req.Limit > 0 && int64(len(page)) > req.Limit-sent {
				page = page[:req.Limit-sent]
			}
			results := make([]list.ListResult, len(page))
			for i, runner := range page {
				results[i] = req.NewListResult(ctx)
				results[i].DisplayName = runnerDisplayName(runner)
				results[i].Diagnostics.Append(results[i].Identity.Set(ctx,
					runnerIdentityModel{ID: types.StringValue(idString(runner.ID))})...)
			}
			if req.IncludeResource {
				r.fillRunnerResources(ctx, page, results)
			}
			for _, result := range results {
				sent++
				if !push(result) {
					return false
				}
			}
			return req.Limit <= 0 || sent < req.Limit
		})
		if err != nil {
			var ed diag.Diagnostics
			cfg.explainListError(&ed, err)
			push(list.ListResult{Diagnostics: ed})
			return
		}
		tflog.Debug(ctx, "listed runners for query", map[string]any{"count": sent})
	}
}

// listDetailReaders bounds the GET /runners/:id requests in flight for one
// page of results; the client's rate limit and retries apply to each.
const listDetailReaders = 4

// fillRunnerResources reads a page's runners in full, a few at a time, so a
// query of a thousand runners does not wait for a thousand sequential reads.
// Results keep GitLab's order.
func (r *runnerListResource) fillRunnerResources(ctx context.Context, page []gitlab.Runner, results []list.ListResult) {
	sem := make(chan struct{}, listDetailReaders)
	var wg sync.WaitGroup
	for i := range page {
		if results[i].Diagnostics.HasError() {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			r.fillRunnerResource(ctx, page[i].ID, &results[i])
		}(i)
	}
	wg.Wait()
}

// fillRunnerResource reads the runner in full and converts it exactly as an
// import followed by Read would, so generated configuration plans clean.
func (r *runnerListResource) fillRunnerResource(ctx context.Context, id int64, result *list.ListResult) {
	details, err := r.data.Client.GetRunner(ctx, id)
	if err != nil {
		addAPIError(&result.Diagnostics, fmt.Sprintf("Could not read %s", runnerLabel(id)), err)
		return
	}
	prior := runnerModel{
		RegistrationToken:          types.StringNull(),
		RegistrationTokenWOVersion: types.Int64Null(),
		MaintenanceNote:            types.StringNull(),
		Token:                      types.StringNull(),
		TokenExpiresAt:             types.StringNull(),
	}
	m, d := runnerModelFromAPI(ctx, details, prior)
	result.Diagnostics.Append(d...)
	if result.Diagnostics.HasError() {
		return
	}
	result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
}
