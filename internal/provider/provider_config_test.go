package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func nullModel() providerModel {
	return providerModel{
		BaseURL:              types.StringNull(),
		Token:                types.StringNull(),
		CACertFile:           types.StringNull(),
		Insecure:             types.BoolNull(),
		ClientCert:           types.StringNull(),
		ClientKey:            types.StringNull(),
		Headers:              types.MapNull(types.StringType),
		Retries:              types.Int64Null(),
		MaxRequestsPerSecond: types.Float64Null(),
		EarlyAuthCheck:       types.BoolNull(),
	}
}

func envMap(m map[string]string) lookupEnvFunc {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestResolveSettingsDefaults(t *testing.T) {
	s, diags := resolveSettings(context.Background(), nullModel(), envMap(nil))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if s.BaseURL != "https://gitlab.com" || s.Token != "" || s.Retries != 5 || !s.EarlyAuthCheck ||
		s.Insecure || s.MaxRequestsPerSecond != 0 || s.Headers != nil {
		t.Fatalf("defaults: got %+v", s)
	}
}

func TestResolveSettingsEnvironment(t *testing.T) {
	s, diags := resolveSettings(context.Background(), nullModel(), envMap(map[string]string{
		EnvBaseURL:              "https://gitlab.example.com/api/v4",
		EnvToken:                "glpat-env",
		EnvInsecure:             "true",
		EnvHeaders:              "X-Proxy-Auth=abc, X-Team=platform",
		EnvRetries:              "2",
		EnvMaxRequestsPerSecond: "7.5",
		EnvEarlyAuthCheck:       "false",
	}))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if s.BaseURL != "https://gitlab.example.com/api/v4" || s.Token != "glpat-env" || !s.Insecure ||
		s.Retries != 2 || s.MaxRequestsPerSecond != 7.5 || s.EarlyAuthCheck {
		t.Fatalf("environment: got %+v", s)
	}
	if s.Headers["X-Proxy-Auth"] != "abc" || s.Headers["X-Team"] != "platform" || len(s.Headers) != 2 {
		t.Fatalf("headers: got %v", s.Headers)
	}
}

func TestResolveSettingsConfigWinsOverEnvironment(t *testing.T) {
	m := nullModel()
	m.BaseURL = types.StringValue("https://config.example.com")
	m.Token = types.StringValue("glpat-config")
	m.Retries = types.Int64Value(0)
	m.EarlyAuthCheck = types.BoolValue(true)
	s, diags := resolveSettings(context.Background(), m, envMap(map[string]string{
		EnvBaseURL: "https://env.example.com", EnvToken: "glpat-env", EnvRetries: "9", EnvEarlyAuthCheck: "false",
	}))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if s.BaseURL != "https://config.example.com" || s.Token != "glpat-config" || s.Retries != 0 || !s.EarlyAuthCheck {
		t.Fatalf("config must win: got %+v", s)
	}
}

// Registration-token and runner-token workflows must be able to run with no
// user token even where GITLAB_TOKEN is exported.
func TestResolveSettingsExplicitEmptyTokenIgnoresEnvironment(t *testing.T) {
	m := nullModel()
	m.Token = types.StringValue("")
	s, diags := resolveSettings(context.Background(), m, envMap(map[string]string{EnvToken: "glpat-env"}))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if s.Token != "" {
		t.Fatalf("token = %q, want none", s.Token)
	}
}

func TestResolveSettingsErrorsNameTheAttribute(t *testing.T) {
	dir := t.TempDir()
	cert := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(cert, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		model  func(m *providerModel)
		env    map[string]string
		attr   string
		detail string
	}{
		{"relative url", func(m *providerModel) { m.BaseURL = types.StringValue("gitlab.example.com") }, nil, "base_url", "absolute http(s) URL"},
		{"bad scheme", nil, map[string]string{EnvBaseURL: "ftp://gitlab.example.com"}, "base_url", EnvBaseURL},
		{"unknown token", func(m *providerModel) { m.Token = types.StringUnknown() }, nil, "token", "only known after apply"},
		{"unknown headers", func(m *providerModel) { m.Headers = types.MapUnknown(types.StringType) }, nil, "headers", "only known after apply"},
		{"cert without key", func(m *providerModel) { m.ClientCert = types.StringValue(cert) }, nil, "client_key", "client_cert is set"},
		{"key without cert", nil, map[string]string{EnvClientKey: cert}, "client_cert", "client_key is set"},
		{"missing cacert", func(m *providerModel) { m.CACertFile = types.StringValue(filepath.Join(dir, "nope.pem")) }, nil, "cacert_file", "no such file"},
		{"bad insecure env", nil, map[string]string{EnvInsecure: "maybe"}, "insecure", "not a boolean"},
		{"bad retries env", nil, map[string]string{EnvRetries: "-1"}, "retries", "0 to 100"},
		{"bad rate env", nil, map[string]string{EnvMaxRequestsPerSecond: "fast"}, "max_requests_per_second", "positive number"},
		{"bad headers env", nil, map[string]string{EnvHeaders: "novalue"}, "headers", "Name=value"},
		{"credential header", func(m *providerModel) {
			m.Headers = types.MapValueMust(types.StringType, map[string]attr.Value{"PRIVATE-TOKEN": types.StringValue("x")})
		}, nil, "headers", "sensitive `token`"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := nullModel()
			if tc.model != nil {
				tc.model(&m)
			}
			_, diags := resolveSettings(context.Background(), m, envMap(tc.env))
			if !diags.HasError() {
				t.Fatal("expected an error")
			}
			found := false
			for _, d := range diags.Errors() {
				withPath, ok := d.(interface{ Path() path.Path })
				if ok && withPath.Path().Equal(path.Root(tc.attr)) && strings.Contains(d.Detail(), tc.detail) {
					found = true
				}
			}
			if !found {
				t.Fatalf("no error on %s containing %q: %v", tc.attr, tc.detail, diags)
			}
		})
	}
}

func TestParseHeaders(t *testing.T) {
	h, err := parseHeaders("A=1,B = two=2 ,,")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h["A"] != "1" || h["B"] != "two=2" {
		t.Fatalf("got %v", h)
	}
	if _, err := parseHeaders("=x"); err == nil {
		t.Fatal("expected an error for an empty name")
	}
}

// Every attribute only known after apply is reported at once, not just the
// first: the user fixes them all in one round.
func TestResolveSettingsReportsEveryUnknown(t *testing.T) {
	m := nullModel()
	m.BaseURL = types.StringUnknown()
	m.Insecure = types.BoolUnknown()
	m.Retries = types.Int64Unknown()
	m.EarlyAuthCheck = types.BoolUnknown()
	_, diags := resolveSettings(context.Background(), m, envMap(nil))
	var got []string
	for _, d := range diags.Errors() {
		withPath, ok := d.(interface{ Path() path.Path })
		if !ok || !strings.Contains(d.Detail(), "only known after apply") {
			t.Fatalf("unexpected diagnostic %v", d)
		}
		got = append(got, withPath.Path().String())
	}
	if want := "base_url insecure retries early_auth_check"; strings.Join(got, " ") != want {
		t.Fatalf("errors on %v, want one on each of %s", got, want)
	}
}
