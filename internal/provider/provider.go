// Package provider implements the gitlabci Terraform/OpenTofu provider.
package provider

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

// RegistryAddress is where the provider is published; OpenTofu resolves the
// same namespace/type on registry.opentofu.org.
const RegistryAddress = "registry.terraform.io/gitlabci-provider/gitlabci"

// TypeName prefixes every resource and data source.
const TypeName = "gitlabci"

const (
	defaultBaseURL = "https://gitlab.com"
	defaultRetries = 5
)

// Environment variables read when the matching attribute is not set.
const (
	EnvBaseURL              = "GITLAB_BASE_URL"
	EnvToken                = "GITLAB_TOKEN"
	EnvCACertFile           = "GITLAB_CACERT_FILE"
	EnvInsecure             = "GITLAB_INSECURE"
	EnvClientCert           = "GITLAB_CLIENT_CERT"
	EnvClientKey            = "GITLAB_CLIENT_KEY"
	EnvHeaders              = "GITLAB_HEADERS"
	EnvRetries              = "GITLAB_RETRIES"
	EnvMaxRequestsPerSecond = "GITLAB_MAX_REQUESTS_PER_SECOND"
	EnvEarlyAuthCheck       = "GITLAB_EARLY_AUTH_CHECK"
)

var (
	_ provider.Provider                  = (*gitlabciProvider)(nil)
	_ provider.ProviderWithListResources = (*gitlabciProvider)(nil)
)

type gitlabciProvider struct {
	version string
	// now replaces the clock in tests; nil means time.Now.
	now func() time.Time
}

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &gitlabciProvider{version: version}
	}
}

// providerModel maps the provider block.
type providerModel struct {
	BaseURL              types.String  `tfsdk:"base_url"`
	Token                types.String  `tfsdk:"token"`
	CACertFile           types.String  `tfsdk:"cacert_file"`
	Insecure             types.Bool    `tfsdk:"insecure"`
	ClientCert           types.String  `tfsdk:"client_cert"`
	ClientKey            types.String  `tfsdk:"client_key"`
	Headers              types.Map     `tfsdk:"headers"`
	Retries              types.Int64   `tfsdk:"retries"`
	MaxRequestsPerSecond types.Float64 `tfsdk:"max_requests_per_second"`
	EarlyAuthCheck       types.Bool    `tfsdk:"early_auth_check"`
}

// ProviderData is handed to every resource and data source in Configure.
type ProviderData struct {
	Client *gitlab.Client
	// HasToken is false in registration-token workflows, where only
	// runner-token endpoints can be called.
	HasToken bool
	// Now is the clock token expiry is judged by. Acceptance tests that move
	// the simulator's clock substitute it; otherwise it is time.Now.
	Now func() time.Time
	// Retries is the provider's `retries`, for the requests the provider
	// itself repeats once it has proved that safe (a create GitLab did not
	// apply, a token reset whose answer was lost).
	Retries int

	claimsOnce sync.Once
	claims     *runnerClaims
}

// userTokenNeed describes a call that needs a user token, for the error
// reported when the provider has none.
type userTokenNeed struct {
	// subject starts the summary: "<subject> needs a provider token".
	subject string
	// call is what needs the token, e.g. "Reading runner 4 calls GET /runners/:id".
	call string
	// scopes names the token scopes the call needs ("" when any will do).
	scopes string
	// otherwise is the way around the need, if any.
	otherwise string
	// at is the attribute to report against; path.Empty() for the resource.
	at path.Path
}

// requireUserToken reports whether a call can be made with the provider's
// token, adding the error of need to diags when the provider has none. It
// is true while the provider is not configured yet (pd is nil): validation
// cannot know, and the call happens only after configuration.
func (pd *ProviderData) requireUserToken(diags *diag.Diagnostics, need userTokenNeed) bool {
	if pd == nil || pd.HasToken {
		return true
	}
	token := "a personal, group or project access token"
	if need.scopes != "" {
		token += " with the " + need.scopes + " scope"
	}
	detail := fmt.Sprintf("%s, which needs %s, and the provider has none: set the provider's token (or %s)",
		need.call, token, EnvToken)
	if need.otherwise != "" {
		detail += ", or " + need.otherwise
	}
	detail += "."
	summary := need.subject + " needs a provider token"
	if need.at.Equal(path.Empty()) {
		diags.AddError(summary, detail)
	} else {
		diags.AddAttributeError(need.at, summary, detail)
	}
	return false
}

// now is the provider's clock.
func (pd *ProviderData) now() time.Time {
	if pd == nil || pd.Now == nil {
		return time.Now()
	}
	return pd.Now()
}

func (p *gitlabciProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = TypeName
	resp.Version = p.version
}

func (p *gitlabciProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages GitLab CI runners through the GitLab REST API: create runners and hand their " +
			"tokens to the machines that run jobs, rotate tokens, assign runners to projects and audit what is registered.",
		Attributes: map[string]schema.Attribute{
			"base_url": schema.StringAttribute{
				MarkdownDescription: "GitLab URL, with or without the `/api/v4` suffix. Defaults to `" + defaultBaseURL +
					"`. Environment variable: `" + EnvBaseURL + "`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "Personal, group or project access token (sent as `PRIVATE-TOKEN`). Optional: the " +
					"registration-token and runner-token workflows need none. Scopes: `api`, or `create_runner` plus " +
					"`manage_runner` for runner resources only; `read_api` for data sources. Environment variable: `" + EnvToken + "`; " +
					"an explicit empty string (`token = \"\"`) means no token even when the variable is set.",
				Optional:  true,
				Sensitive: true,
			},
			"cacert_file": schema.StringAttribute{
				MarkdownDescription: "Path to a PEM file of CA certificates to trust in addition to the system pool. " +
					"Environment variable: `" + EnvCACertFile + "`.",
				Optional: true,
			},
			"insecure": schema.BoolAttribute{
				MarkdownDescription: "Skip TLS certificate verification. Never use against a production GitLab. " +
					"Environment variable: `" + EnvInsecure + "`.",
				Optional: true,
			},
			"client_cert": schema.StringAttribute{
				MarkdownDescription: "Path to a PEM client certificate for mutual TLS; requires `client_key`. " +
					"Environment variable: `" + EnvClientCert + "`.",
				Optional: true,
			},
			"client_key": schema.StringAttribute{
				MarkdownDescription: "Path to the PEM private key of `client_cert`. Environment variable: `" + EnvClientKey + "`.",
				Optional:            true,
			},
			"headers": schema.MapAttribute{
				MarkdownDescription: "Extra HTTP headers sent with every request (for example for an authenticating proxy). " +
					"Environment variable: `" + EnvHeaders + "` as comma-separated `Name=value` pairs.",
				ElementType: types.StringType,
				Optional:    true,
			},
			"retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried when it is safe to: idempotent "+
					"requests on 5xx, 429 and network errors; POST requests only on 429 or when the request provably never "+
					"left. Defaults to %d. Environment variable: `%s`.", defaultRetries, EnvRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
			"max_requests_per_second": schema.Float64Attribute{
				MarkdownDescription: "Client-side rate limit for requests to GitLab. Unlimited by default. " +
					"Environment variable: `" + EnvMaxRequestsPerSecond + "`.",
				Optional:   true,
				Validators: []validator.Float64{float64validator.AtLeast(0.001)},
			},
			"early_auth_check": schema.BoolAttribute{
				MarkdownDescription: "Call `GET /user` once when the provider is configured, so a wrong or expired token " +
					"fails fast with a clear message. Defaults to `true`; skipped when no token is set. " +
					"Environment variable: `" + EnvEarlyAuthCheck + "`.",
				Optional: true,
			},
		},
	}
}

func (p *gitlabciProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	settings, diags := resolveSettings(ctx, cfg, os.LookupEnv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	client, err := gitlab.NewClient(gitlab.Config{
		BaseURL:           settings.BaseURL,
		Token:             settings.Token,
		UserAgent:         "terraform-provider-gitlabci/" + p.version,
		Headers:           settings.Headers,
		CACertFile:        settings.CACertFile,
		Insecure:          settings.Insecure,
		ClientCert:        settings.ClientCert,
		ClientKey:         settings.ClientKey,
		Retries:           settings.Retries,
		RequestsPerSecond: settings.MaxRequestsPerSecond,
	})
	if err != nil {
		resp.Diagnostics.AddError("Invalid GitLab client configuration", err.Error())
		return
	}

	if settings.Token != "" && settings.EarlyAuthCheck {
		earlyAuthCheck(ctx, client, settings.BaseURL, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	now := p.now
	if now == nil {
		now = time.Now
	}
	data := &ProviderData{Client: client, HasToken: settings.Token != "", Now: now, Retries: settings.Retries, claims: newRunnerClaims()}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.ListResourceData = data
}

// earlyAuthCheck turns a bad token into one clear error at configure time
// instead of a confusing 401 on the first resource.
func earlyAuthCheck(ctx context.Context, client *gitlab.Client, baseURL string, diags *diag.Diagnostics) {
	user, err := client.CurrentUser(ctx)
	if err != nil {
		addEarlyAuthCheckError(diags, baseURL, err)
		return
	}
	tflog.Debug(ctx, "GitLab token accepted", map[string]any{"username": user.Username, "admin": user.IsAdmin})
}

// settings is the provider configuration after environment defaults.
type settings struct {
	BaseURL              string
	Token                string
	CACertFile           string
	Insecure             bool
	ClientCert           string
	ClientKey            string
	Headers              map[string]string
	Retries              int
	MaxRequestsPerSecond float64
	EarlyAuthCheck       bool
}

type lookupEnvFunc func(string) (string, bool)

// resolveSettings merges configuration and environment and validates the
// result, reporting every problem against the attribute it comes from.
func resolveSettings(ctx context.Context, cfg providerModel, lookupEnv lookupEnvFunc) (settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := settings{Retries: defaultRetries, EarlyAuthCheck: true}
	if reportUnknownSettings(cfg, &diags) {
		return s, diags
	}
	env := envReader{lookup: lookupEnv, diags: &diags}

	s.BaseURL = resolveBaseURL(cfg.BaseURL, env)
	s.Token = env.str(cfg.Token, EnvToken)
	resolveTLS(&s, cfg, env)
	s.Headers = resolveHeaders(ctx, cfg.Headers, env)
	s.Retries = resolveRetries(cfg.Retries, env, s.Retries)
	s.MaxRequestsPerSecond = resolveMaxRequestsPerSecond(cfg.MaxRequestsPerSecond, env)
	s.EarlyAuthCheck = env.boolean("early_auth_check", cfg.EarlyAuthCheck, EnvEarlyAuthCheck, true)
	return s, diags
}

// reportUnknownSettings adds an error for every provider attribute whose
// value is only known after apply, and reports whether there was any.
func reportUnknownSettings(cfg providerModel, diags *diag.Diagnostics) bool {
	found := false
	for _, a := range []struct {
		name  string
		value attr.Value
	}{
		{"base_url", cfg.BaseURL}, {"token", cfg.Token}, {"cacert_file", cfg.CACertFile},
		{"insecure", cfg.Insecure}, {"client_cert", cfg.ClientCert}, {"client_key", cfg.ClientKey},
		{"headers", cfg.Headers}, {"retries", cfg.Retries}, {"max_requests_per_second", cfg.MaxRequestsPerSecond},
		{"early_auth_check", cfg.EarlyAuthCheck},
	} {
		if !a.value.IsUnknown() {
			continue
		}
		found = true
		diags.AddAttributeError(path.Root(a.name), "Unknown provider configuration value",
			fmt.Sprintf("The provider cannot be configured because %q depends on a value that is only known after "+
				"apply. Use a value known at plan time, or set it through the environment.", a.name))
	}
	return found
}

// envReader reads an attribute's value, falling back to its environment
// variable, and reports malformed variables.
type envReader struct {
	lookup lookupEnvFunc
	diags  *diag.Diagnostics
}

func (e envReader) str(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	s, _ := e.lookup(env)
	return strings.TrimSpace(s)
}

// raw returns the trimmed variable and whether it is set and not blank.
func (e envReader) raw(env string) (string, bool) {
	s, ok := e.lookup(env)
	s = strings.TrimSpace(s)
	return s, ok && s != ""
}

func (e envReader) boolean(name string, v types.Bool, env string, def bool) bool {
	if !v.IsNull() {
		return v.ValueBool()
	}
	s, ok := e.raw(env)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		raw, _ := e.lookup(env)
		e.diags.AddAttributeError(path.Root(name), "Invalid environment variable",
			fmt.Sprintf("%s=%q is not a boolean (use true or false).", env, raw))
		return def
	}
	return b
}

func resolveBaseURL(v types.String, env envReader) string {
	baseURL := env.str(v, EnvBaseURL)
	if baseURL == "" {
		baseURL = defaultBaseURL
	}
	if u, err := url.Parse(baseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		env.diags.AddAttributeError(path.Root("base_url"), "Invalid GitLab base URL",
			fmt.Sprintf("%q is not an absolute http(s) URL such as https://gitlab.example.com (from base_url or %s).",
				baseURL, EnvBaseURL))
	}
	return baseURL
}

// resolveTLS fills the certificate settings and checks the files exist.
func resolveTLS(s *settings, cfg providerModel, env envReader) {
	s.CACertFile = env.str(cfg.CACertFile, EnvCACertFile)
	if s.CACertFile != "" {
		if _, err := os.Stat(s.CACertFile); err != nil {
			env.diags.AddAttributeError(path.Root("cacert_file"), "CA certificate file not readable", err.Error())
		}
	}
	s.Insecure = env.boolean("insecure", cfg.Insecure, EnvInsecure, false)
	s.ClientCert = env.str(cfg.ClientCert, EnvClientCert)
	s.ClientKey = env.str(cfg.ClientKey, EnvClientKey)
	switch {
	case s.ClientCert != "" && s.ClientKey == "":
		env.diags.AddAttributeError(path.Root("client_key"), "Missing client key",
			"client_cert is set, so client_key (or "+EnvClientKey+") must name its private key.")
	case s.ClientKey != "" && s.ClientCert == "":
		env.diags.AddAttributeError(path.Root("client_cert"), "Missing client certificate",
			"client_key is set, so client_cert (or "+EnvClientCert+") must name its certificate.")
	}
	for name, file := range map[string]string{"client_cert": s.ClientCert, "client_key": s.ClientKey} {
		if file == "" {
			continue
		}
		if _, err := os.Stat(file); err != nil {
			env.diags.AddAttributeError(path.Root(name), "File not readable", err.Error())
		}
	}
}

func resolveHeaders(ctx context.Context, v types.Map, env envReader) map[string]string {
	var headers map[string]string
	if !v.IsNull() {
		headers = map[string]string{}
		env.diags.Append(v.ElementsAs(ctx, &headers, false)...)
	} else if e, ok := env.raw(EnvHeaders); ok {
		h, err := parseHeaders(e)
		if err != nil {
			env.diags.AddAttributeError(path.Root("headers"), "Invalid environment variable", EnvHeaders+": "+err.Error())
		}
		headers = h
	}
	for name := range headers {
		if strings.EqualFold(name, "PRIVATE-TOKEN") || strings.EqualFold(name, "Authorization") {
			env.diags.AddAttributeError(path.Root("headers"), "Credentials belong in token",
				fmt.Sprintf("Header %q would carry a credential outside the sensitive `token` attribute; set token instead.", name))
		}
	}
	return headers
}

func resolveRetries(v types.Int64, env envReader, def int) int {
	if !v.IsNull() {
		return int(v.ValueInt64())
	}
	e, ok := env.raw(EnvRetries)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(e)
	if err != nil || n < 0 || n > 100 {
		raw, _ := env.lookup(EnvRetries)
		env.diags.AddAttributeError(path.Root("retries"), "Invalid environment variable",
			fmt.Sprintf("%s=%q must be a whole number from 0 to 100.", EnvRetries, raw))
		return def
	}
	return n
}

func resolveMaxRequestsPerSecond(v types.Float64, env envReader) float64 {
	if !v.IsNull() {
		return v.ValueFloat64()
	}
	e, ok := env.raw(EnvMaxRequestsPerSecond)
	if !ok {
		return 0
	}
	f, err := strconv.ParseFloat(e, 64)
	if err != nil || f <= 0 {
		raw, _ := env.lookup(EnvMaxRequestsPerSecond)
		env.diags.AddAttributeError(path.Root("max_requests_per_second"), "Invalid environment variable",
			fmt.Sprintf("%s=%q must be a positive number.", EnvMaxRequestsPerSecond, raw))
		return 0
	}
	return f
}

// parseHeaders reads "Name=value,Other=value" from GITLAB_HEADERS.
func parseHeaders(s string) (map[string]string, error) {
	h := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("%q is not of the form Name=value", part)
		}
		h[name] = strings.TrimSpace(value)
	}
	return h, nil
}

func (p *gitlabciProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewRunnerResource,
		NewProjectRunnerAssignmentResource, NewRunnerTokenResetResource, NewRegistrationTokenResetResource,
	}
}

// ListResources are for `terraform query` (Terraform 1.14 and later).
func (p *gitlabciProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewRunnerListResource, NewProjectRunnerAssignmentListResource}
}

func (p *gitlabciProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewRunnersDataSource, NewGroupRunnersDataSource, NewProjectRunnersDataSource,
		NewRunnerDataSource, NewRunnerManagersDataSource, NewRunnerJobsDataSource,
	}
}

// providerDataFrom is the shared first step of every Configure: it returns
// nil while the provider is not configured yet (ValidateConfig, early plan)
// and reports a provider bug if the data has an unexpected type.
func providerDataFrom(data any, diags *diag.Diagnostics) *ProviderData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*ProviderData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *provider.ProviderData, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return pd
}
