// Package provider implements the gitlabci Terraform/OpenTofu provider.
package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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

	data := &ProviderData{Client: client, HasToken: settings.Token != ""}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.ListResourceData = data
}

// earlyAuthCheck turns a bad token into one clear error at configure time
// instead of a confusing 401 on the first resource.
func earlyAuthCheck(ctx context.Context, client *gitlab.Client, baseURL string, diags *diag.Diagnostics) {
	user, err := client.CurrentUser(ctx)
	switch {
	case err == nil:
		tflog.Debug(ctx, "GitLab token accepted", map[string]any{"username": user.Username, "admin": user.IsAdmin})
	case errors.Is(err, gitlab.ErrUnauthorized):
		diags.AddAttributeError(path.Root("token"), "GitLab rejected the token",
			fmt.Sprintf("GET /user at %s answered 401: the token is wrong, revoked or expired. Check the provider's "+
				"`token` attribute or the %s environment variable.\n\nGitLab said: %s", baseURL, EnvToken, err))
	case errors.Is(err, gitlab.ErrForbidden):
		// A token limited to create_runner/manage_runner may not read /user;
		// it is valid, so this is worth a warning, not a failure.
		diags.AddAttributeWarning(path.Root("token"), "Early authentication check could not read the current user",
			fmt.Sprintf("GET /user was refused (%s). The token may lack the read_user/api scope; runner "+
				"endpoints may still work. Set early_auth_check = false to skip this check.", err))
	default:
		diags.AddError("Cannot reach GitLab",
			fmt.Sprintf("The early authentication check (GET /user at %s) failed: %s\n\nSet early_auth_check = false "+
				"to skip this check.", baseURL, err))
	}
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

	unknown := func(name string, isUnknown bool) bool {
		if isUnknown {
			diags.AddAttributeError(path.Root(name), "Unknown provider configuration value",
				fmt.Sprintf("The provider cannot be configured because %q depends on a value that is only known after "+
					"apply. Use a value known at plan time, or set it through the environment.", name))
		}
		return isUnknown
	}
	if unknown("base_url", cfg.BaseURL.IsUnknown()) || unknown("token", cfg.Token.IsUnknown()) ||
		unknown("cacert_file", cfg.CACertFile.IsUnknown()) || unknown("insecure", cfg.Insecure.IsUnknown()) ||
		unknown("client_cert", cfg.ClientCert.IsUnknown()) || unknown("client_key", cfg.ClientKey.IsUnknown()) ||
		unknown("headers", cfg.Headers.IsUnknown()) || unknown("retries", cfg.Retries.IsUnknown()) ||
		unknown("max_requests_per_second", cfg.MaxRequestsPerSecond.IsUnknown()) ||
		unknown("early_auth_check", cfg.EarlyAuthCheck.IsUnknown()) {
		return s, diags
	}

	str := func(v types.String, env string) string {
		if !v.IsNull() {
			return v.ValueString()
		}
		e, _ := lookupEnv(env)
		return strings.TrimSpace(e)
	}
	boolean := func(name string, v types.Bool, env string, def bool) bool {
		if !v.IsNull() {
			return v.ValueBool()
		}
		e, ok := lookupEnv(env)
		if !ok || strings.TrimSpace(e) == "" {
			return def
		}
		b, err := strconv.ParseBool(strings.TrimSpace(e))
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Invalid environment variable",
				fmt.Sprintf("%s=%q is not a boolean (use true or false).", env, e))
			return def
		}
		return b
	}

	s.BaseURL = str(cfg.BaseURL, EnvBaseURL)
	if s.BaseURL == "" {
		s.BaseURL = defaultBaseURL
	}
	if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		diags.AddAttributeError(path.Root("base_url"), "Invalid GitLab base URL",
			fmt.Sprintf("%q is not an absolute http(s) URL such as https://gitlab.example.com (from base_url or %s).",
				s.BaseURL, EnvBaseURL))
	}
	s.Token = str(cfg.Token, EnvToken)

	s.CACertFile = str(cfg.CACertFile, EnvCACertFile)
	if s.CACertFile != "" {
		if _, err := os.Stat(s.CACertFile); err != nil {
			diags.AddAttributeError(path.Root("cacert_file"), "CA certificate file not readable", err.Error())
		}
	}
	s.Insecure = boolean("insecure", cfg.Insecure, EnvInsecure, false)
	s.ClientCert = str(cfg.ClientCert, EnvClientCert)
	s.ClientKey = str(cfg.ClientKey, EnvClientKey)
	switch {
	case s.ClientCert != "" && s.ClientKey == "":
		diags.AddAttributeError(path.Root("client_key"), "Missing client key",
			"client_cert is set, so client_key (or "+EnvClientKey+") must name its private key.")
	case s.ClientKey != "" && s.ClientCert == "":
		diags.AddAttributeError(path.Root("client_cert"), "Missing client certificate",
			"client_key is set, so client_cert (or "+EnvClientCert+") must name its certificate.")
	}
	for name, file := range map[string]string{"client_cert": s.ClientCert, "client_key": s.ClientKey} {
		if file == "" {
			continue
		}
		if _, err := os.Stat(file); err != nil {
			diags.AddAttributeError(path.Root(name), "File not readable", err.Error())
		}
	}

	if !cfg.Headers.IsNull() {
		h := map[string]string{}
		diags.Append(cfg.Headers.ElementsAs(ctx, &h, false)...)
		s.Headers = h
	} else if e, ok := lookupEnv(EnvHeaders); ok && strings.TrimSpace(e) != "" {
		h, err := parseHeaders(e)
		if err != nil {
			diags.AddAttributeError(path.Root("headers"), "Invalid environment variable", EnvHeaders+": "+err.Error())
		}
		s.Headers = h
	}
	for name := range s.Headers {
		if strings.EqualFold(name, "PRIVATE-TOKEN") || strings.EqualFold(name, "Authorization") {
			diags.AddAttributeError(path.Root("headers"), "Credentials belong in token",
				fmt.Sprintf("Header %q would carry a credential outside the sensitive `token` attribute; set token instead.", name))
		}
	}

	if !cfg.Retries.IsNull() {
		s.Retries = int(cfg.Retries.ValueInt64())
	} else if e, ok := lookupEnv(EnvRetries); ok && strings.TrimSpace(e) != "" {
		n, err := strconv.Atoi(strings.TrimSpace(e))
		if err != nil || n < 0 || n > 100 {
			diags.AddAttributeError(path.Root("retries"), "Invalid environment variable",
				fmt.Sprintf("%s=%q must be a whole number from 0 to 100.", EnvRetries, e))
		} else {
			s.Retries = n
		}
	}
	if !cfg.MaxRequestsPerSecond.IsNull() {
		s.MaxRequestsPerSecond = cfg.MaxRequestsPerSecond.ValueFloat64()
	} else if e, ok := lookupEnv(EnvMaxRequestsPerSecond); ok && strings.TrimSpace(e) != "" {
		f, err := strconv.ParseFloat(strings.TrimSpace(e), 64)
		if err != nil || f <= 0 {
			diags.AddAttributeError(path.Root("max_requests_per_second"), "Invalid environment variable",
				fmt.Sprintf("%s=%q must be a positive number.", EnvMaxRequestsPerSecond, e))
		} else {
			s.MaxRequestsPerSecond = f
		}
	}
	s.EarlyAuthCheck = boolean("early_auth_check", cfg.EarlyAuthCheck, EnvEarlyAuthCheck, true)
	return s, diags
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
