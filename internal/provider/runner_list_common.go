package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

// This file holds what gitlabci_runners, gitlabci_group_runners and
// gitlabci_project_runners share: the filter attributes GitLab accepts on all
// four runner list endpoints, the runner list object, its converter, and the
// generic data source the three are instances of. Each data source file only
// adds its scope attributes (all / group / project), the API call and the
// permission wording of its errors.

// versionPrefixPattern is stricter than GitLab's own /^[\d+.]+/ (which only
// anchors the start): GitLab matches the prefix with LIKE 'prefix%', so
// anything but digits separated by dots can only ever match nothing.
var versionPrefixPattern = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*\.?$`)

// runnerListModel is the part of the three list data sources' models that
// they share. It is embedded by value (the framework promotes its fields).
type runnerListModel struct {
	Type          types.String `tfsdk:"type"`
	Status        types.String `tfsdk:"status"`
	Paused        types.Bool   `tfsdk:"paused"`
	TagList       types.Set    `tfsdk:"tag_list"`
	VersionPrefix types.String `tfsdk:"version_prefix"`
	Runners       types.List   `tfsdk:"runners"`
	IDs           types.List   `tfsdk:"ids"`
}

// runnerListAttributes are the filter and output attributes of every runner
// list data source; endpoint is named in the descriptions.
func runnerListAttributes(endpoint string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"type": schema.StringAttribute{
			MarkdownDescription: "Only runners of this type: `instance_type`, `group_type` or `project_type` " +
				"(GitLab's `type` filter of " + endpoint + "). All types when unset.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.OneOf(gitlab.RunnerTypes...)},
		},
		"status": schema.StringAttribute{
			MarkdownDescription: "Only runners with this status: `online` (contacted within the last 2 hours), " +
				"`offline` (contacted, but not within 2 hours; GitLab includes `stale` runners here), `stale` (no " +
				"contact, or created, more than 7 days ago) or `never_contacted`. GitLab's deprecated `active` and " +
				"`paused` values are not accepted: use the `paused` filter.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.OneOf(gitlab.RunnerStatuses...)},
		},
		"paused": schema.BoolAttribute{
			MarkdownDescription: "`true`: only paused runners (they take no new jobs); `false`: only runners that " +
				"accept new jobs. Both when unset.",
			Optional: true,
		},
		"tag_list": schema.SetAttribute{
			MarkdownDescription: "Only runners that have **all** of these tags (they may have more); no " +
				"tag filter when unset or empty. At most 50 tags; a tag must not be empty nor contain a comma (GitLab splits the filter on commas).",
			ElementType: types.StringType,
			Optional:    true,
			Validators: []validator.Set{
				setvalidator.SizeAtMost(runnerMaxTags),
				setvalidator.ValueStringsAre(runnerTagValidator{}, stringvalidator.LengthAtMost(255)),
			},
		},
		"version_prefix": schema.StringAttribute{
			MarkdownDescription: "Only runners whose version (as reported by their most recently contacted runner " +
				"manager) starts with this prefix, for example `17`, `17.11` or `18.0.1`. Digits separated by dots; a " +
				"trailing dot (`17.`) excludes `170.x`.",
			Optional: true,
			Validators: []validator.String{stringvalidator.RegexMatches(versionPrefixPattern,
				"must be digits separated by dots, such as 17, 17.11 or 18.0.1")},
		},
		"runners": schema.ListNestedAttribute{
			MarkdownDescription: "The matching runners, in GitLab's order (ascending id). Every page of " + endpoint +
				" is read. Empty when nothing matches.",
			Computed:     true,
			NestedObject: schema.NestedAttributeObject{Attributes: runnerListItemAttributes()},
		},
		"ids": schema.ListAttribute{
			MarkdownDescription: "The ids of `runners`, in the same order, as strings so they can feed `for_each` " +
				"(for example `for_each = toset(data.<this>.ids)`).",
			Computed:    true,
			ElementType: types.StringType,
		},
	}
}

func runnerListItemAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":          dsInt64("Runner id."),
		"description": dsString("Runner description."),
		"name":        dsString("Name the runner reported when it registered; null for runners created through the API."),
		"paused":      dsBool("Whether the runner ignores new jobs."),
		"is_shared":   dsBool("`true` only for instance runners."),
		"runner_type": dsString("`instance_type`, `group_type` or `project_type`."),
		"online":      dsBool("Whether the runner contacted GitLab within the last 2 hours; null when GitLab does not say."),
		"status": dsString("`online`, `offline`, `stale`, `never_contacted` or `paused`, as GitLab computes it " +
			"(read `gitlabci_runner` for the contact time behind it)."),
		"created_at":           dsString("Creation time, RFC 3339 in UTC."),
		"job_execution_status": dsString("`active` while the runner runs a job, else `idle`; null on GitLab releases that do not report it."),
	}
}

// runnerListItemType is the object type of one element of `runners`,
// derived from the schema so the two cannot disagree; runnerListItemTFType is
// the same type in terraform-plugin-go terms.
var (
	runnerListItemType   = schema.NestedAttributeObject{Attributes: runnerListItemAttributes()}.Type().(types.ObjectType)
	runnerListItemTFType = runnerListItemType.TerraformType(context.Background()).(tftypes.Object)
	runnerListTFType     = tftypes.List{ElementType: runnerListItemTFType}
	runnerIDsTFType      = tftypes.List{ElementType: tftypes.String}
)

// runnerListItemFromAPI converts one list entity straight into its Terraform
// value. A list of 10,000 runners is 110,000 values: going through framework
// values and reflection (types.ObjectValue, State.Set) cost more than
// fetching the 100 pages, so the list outputs skip that layer.
func runnerListItemFromAPI(r gitlab.Runner) tftypes.Value {
	return tftypes.NewValue(runnerListItemTFType, map[string]tftypes.Value{
		"id":                   tftypes.NewValue(tftypes.Number, r.ID),
		"description":          tftypes.NewValue(tftypes.String, r.Description),
		"name":                 tfStringOrNull(r.Name),
		"paused":               tftypes.NewValue(tftypes.Bool, r.Paused),
		"is_shared":            tftypes.NewValue(tftypes.Bool, r.IsShared),
		"runner_type":          tftypes.NewValue(tftypes.String, r.RunnerType),
		"online":               tfBoolOrNull(r.Online),
		"status":               tftypes.NewValue(tftypes.String, r.Status),
		"created_at":           tfTimeOrNull(r.CreatedAt),
		"job_execution_status": tfStringOrNull(nonEmpty(r.JobExecutionStatus)),
	})
}

// runnerListState is the data source's state: the configuration (filters
// and scope as given) with the `runners` and `ids` outputs filled in. An
// empty result is an empty list.
func runnerListState(config tftypes.Value, runners []gitlab.Runner) (tftypes.Value, error) {
	var cfg map[string]tftypes.Value
	if err := config.As(&cfg); err != nil {
		return tftypes.Value{}, err
	}
	// As hands out the configuration's own map: copy it, or the outputs
	// would be written into the request's configuration.
	attrs := make(map[string]tftypes.Value, len(cfg))
	for k, v := range cfg {
		attrs[k] = v
	}
	items := make([]tftypes.Value, len(runners))
	ids := make([]tftypes.Value, len(runners))
	for i, r := range runners {
		items[i] = runnerListItemFromAPI(r)
		ids[i] = tftypes.NewValue(tftypes.String, idString(r.ID))
	}
	attrs["runners"] = tftypes.NewValue(runnerListTFType, items)
	attrs["ids"] = tftypes.NewValue(runnerIDsTFType, ids)
	return tftypes.NewValue(config.Type(), attrs), nil
}

// listOptions turns the configured filters into the client's options.
func (m *runnerListModel) listOptions(ctx context.Context) (gitlab.ListRunnersOptions, diag.Diagnostics) {
	opts := gitlab.ListRunnersOptions{
		Type:          m.Type.ValueString(),
		Status:        m.Status.ValueString(),
		Paused:        boolPointer(m.Paused),
		VersionPrefix: m.VersionPrefix.ValueString(),
	}
	tags, diags := stringsFromSet(ctx, m.TagList)
	opts.TagList = tags
	return opts, diags
}

// runnerListScoped is implemented by the models of the three list data
// sources (pointer receivers), which embed runnerListModel.
type runnerListScoped[T any] interface {
	*T
	listModel() *runnerListModel
}

// runnerListSpec is what distinguishes one runner list data source.
type runnerListSpec[P any] struct {
	// name follows "gitlabci_".
	name        string
	description string
	// scope are the attributes that pick the endpoint (all, group, project).
	scope map[string]schema.Attribute
	// endpoint names the API call in descriptions (Markdown).
	endpoint string
	// list calls GitLab.
	list func(ctx context.Context, c *gitlab.Client, m P, opts gitlab.ListRunnersOptions) ([]gitlab.Runner, error)
	// explain reports a failed list as a diagnostic, naming what was listed
	// and the permission GitLab wanted.
	explain func(diags *diag.Diagnostics, m P, err error)
}

// runnerListDataSource is the implementation shared by the list data
// sources; T is the model, P its pointer.
type runnerListDataSource[T any, P runnerListScoped[T]] struct {
	data *ProviderData
	spec runnerListSpec[P]
}

func (d *runnerListDataSource[T, P]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.spec.name
}

func (d *runnerListDataSource[T, P]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := runnerListAttributes(d.spec.endpoint)
	for name, a := range d.spec.scope {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{MarkdownDescription: d.spec.description, Attributes: attrs}
}

func (d *runnerListDataSource[T, P]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *runnerListDataSource[T, P]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model T
	m := P(&model)
	resp.Diagnostics.Append(req.Config.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	runners, diags := d.fetch(ctx, m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	state, err := runnerListState(req.Config.Raw, runners)
	if err != nil {
		resp.Diagnostics.AddError("Cannot build the list of runners",
			"This is a bug in the provider; please report it. "+err.Error())
		return
	}
	resp.State.Raw = state
	tflog.Debug(ctx, "listed runners", map[string]any{"data_source": d.spec.name, "count": len(runners)})
}

// fetch is Read without the framework plumbing.
func (d *runnerListDataSource[T, P]) fetch(ctx context.Context, m P) ([]gitlab.Runner, diag.Diagnostics) {
	opts, diags := m.listModel().listOptions(ctx)
	if diags.HasError() {
		return nil, diags
	}
	runners, err := d.spec.list(ctx, d.data.Client, m, opts)
	if err != nil {
		d.spec.explain(&diags, m, err)
		return nil, diags
	}
	return runners, diags
}

// namespaceLabel names a group or project the way the user configured it.
func namespaceLabel(kind, ref string) string {
	if isNumericID(ref) {
		return fmt.Sprintf("%s with id %s", kind, ref)
	}
	return kind + " " + ref
}

// namespaceScope is the group or project a list is scoped to: the required
// attribute naming it and the wording of access errors, which differ between
// the two only in words.
type namespaceScope struct {
	kind     string // "group" or "project"
	endpoint string // "GET /groups/:id/runners"
	example  string // a full path for the description
	// validator checks the reference as the resources taking one do.
	validator validator.String
	// list is the client method, e.g. (*gitlab.Client).ListGroupRunners.
	list func(c *gitlab.Client, ctx context.Context, ref string, opts gitlab.ListRunnersOptions) ([]gitlab.Runner, error)
}

// namespaceRunnersSpec is the spec of a list data source scoped to a group
// or project; ref reads the configured id or path from the model.
func namespaceRunnersSpec[P any](s namespaceScope, description string, ref func(P) string) runnerListSpec[P] {
	return runnerListSpec[P]{
		name:        s.kind + "_runners",
		description: description,
		endpoint:    "`" + s.endpoint + "`",
		scope:       map[string]schema.Attribute{s.kind: s.attribute()},
		list: func(ctx context.Context, c *gitlab.Client, m P, opts gitlab.ListRunnersOptions) ([]gitlab.Runner, error) {
			return s.list(c, ctx, ref(m), opts)
		},
		explain: func(diags *diag.Diagnostics, m P, err error) { s.explain(diags, ref(m), err) },
	}
}

func (s namespaceScope) attribute() schema.Attribute {
	return schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("The %s: its numeric id (`\"42\"`) or full path (`\"%s\"`). "+
			"Needs at least the Maintainer role in it (`%s`), or an administrator.", s.kind, s.example, s.endpoint),
		Required:   true,
		Validators: []validator.String{s.validator},
	}
}

func (s namespaceScope) explain(diags *diag.Diagnostics, ref string, err error) {
	label := namespaceLabel(s.kind, ref)
	need := " (" + s.endpoint + " needs Maintainer)."
	addReadError(diags, accessProblem{
		attribute: path.Root(s.kind),
		summary:   "Cannot list the runners of " + label,
		notFound:  label + " was not found or the token's user is not at least a Maintainer of it" + need,
		forbidden: "The token's user is not at least a Maintainer of " + label + need,
	}, err)
}

// dsString, dsInt64 and dsBool are computed data source attributes, which
// need nothing but a description.
func dsString(description string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Computed: true}
}

func dsInt64(description string) schema.Int64Attribute {
	return schema.Int64Attribute{MarkdownDescription: description, Computed: true}
}

func dsBool(description string) schema.BoolAttribute {
	return schema.BoolAttribute{MarkdownDescription: description, Computed: true}
}
