package provider

import (
	"context"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// moveResult is what the provider answered to MoveResourceState, decoded.
type moveResult struct {
	state    map[string]tftypes.Value
	identity map[string]tftypes.Value
	errors   []string
}

// moveThroughServer sends MoveResourceState through the framework server,
// as both CLIs do, so the test covers what the CLI sees.
func moveThroughServer(t *testing.T, target, sourceAddr, sourceType string, version int64, stateJSON string) moveResult {
	t.Helper()
	ctx := context.Background()
	srv, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	idSchemas, err := srv.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.MoveResourceState(ctx, &tfprotov6.MoveResourceStateRequest{
		SourceProviderAddress: sourceAddr,
		SourceTypeName:        sourceType,
		SourceSchemaVersion:   version,
		SourceState:           &tfprotov6.RawState{JSON: []byte(stateJSON)},
		TargetTypeName:        target,
	})
	if err != nil {
		t.Fatal(err)
	}
	var out moveResult
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			out.errors = append(out.errors, d.Summary+": "+d.Detail)
		}
	}
	if resp.TargetState != nil {
		v, err := resp.TargetState.Unmarshal(schemas.ResourceSchemas[target].ValueType())
		if err != nil {
			t.Fatal(err)
		}
		if !v.IsNull() {
			if err := v.As(&out.state); err != nil {
				t.Fatal(err)
			}
		}
	}
	if resp.TargetIdentity != nil && resp.TargetIdentity.IdentityData != nil {
		v, err := resp.TargetIdentity.IdentityData.Unmarshal(idSchemas.IdentitySchemas[target].ValueType())
		if err != nil {
			t.Fatal(err)
		}
		if !v.IsNull() {
			if err := v.As(&out.identity); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}

// tfString renders a value for comparison: strings and numbers as text,
// null as "<null>", sets and lists as [a b].
func tfString(t *testing.T, v tftypes.Value) string {
	t.Helper()
	if v.IsNull() {
		return "<null>"
	}
	switch {
	case v.Type().Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return s
	case v.Type().Is(tftypes.Number):
		var n big.Float
		_ = v.As(&n)
		return n.Text('f', -1)
	case v.Type().Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		if b {
			return "true"
		}
		return "false"
	case v.Type().Is(tftypes.Set{}) || v.Type().Is(tftypes.List{}):
		var elems []tftypes.Value
		_ = v.As(&elems)
		parts := make([]string, len(elems))
		for i, e := range elems {
			parts[i] = tfString(t, e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	t.Fatalf("unexpected type %s", v.Type())
	return ""
}

func assertMatches(t *testing.T, got, pattern string) {
	t.Helper()
	if !regexp.MustCompile(pattern).MatchString(got) {
		t.Errorf("error %q does not match %q", got, pattern)
	}
}

func assertMoved(t *testing.T, got map[string]tftypes.Value, want map[string]string) {
	t.Helper()
	if got == nil {
		t.Fatal("no target state")
	}
	for name, w := range want {
		v, ok := got[name]
		if !ok {
			t.Errorf("%s: missing from the target state", name)
			continue
		}
		if g := tfString(t, v); g != w {
			t.Errorf("%s = %s, want %s", name, g, w)
		}
	}
}

// The state gitlab_user_runner (GitLab's provider, framework resource)
// writes, plus attributes later releases added and one no release has:
// unknown attributes must not stop a move.
const userRunnerState = `{
  "access_level": "ref_protected",
  "description": "build box",
  "group_id": null,
  "id": "42",
  "locked": true,
  "maintenance_note": "rack 3",
  "maximum_timeout": 3600,
  "paused": false,
  "project_id": 7,
  "runner_type": "project_type",
  "tag_list": ["linux", "docker"],
  "token": "glrt-moved-token",
  "token_expires_at": "2027-01-02T03:04:05.000+01:00",
  "untagged": false,
  "attribute_from_the_future": {"nested": [1, 2]}
}`

func TestUnitMoveRunnerFromUserRunner(t *testing.T) {
	for _, addr := range officialProviderAddresses {
		t.Run(addr, func(t *testing.T) {
			got := moveThroughServer(t, "gitlabci_runner", addr, "gitlab_user_runner", 0, userRunnerState)
			if len(got.errors) > 0 {
				t.Fatalf("move failed: %v", got.errors)
			}
			assertMoved(t, got.state, map[string]string{
				"id": "42", "runner_type": "project_type", "group_id": "<null>", "project_id": "7",
				"description": "build box", "paused": "false", "locked": "true", "run_untagged": "false",
				"tag_list": "[docker linux]", "access_level": "ref_protected", "maximum_timeout": "3600",
				"maintenance_note": "rack 3", "token": "glrt-moved-token", "token_expires_at": "2027-01-02T02:04:05.000Z",
				"is_shared": "false", "created_at": "<null>",
				"registration_token": "<null>", "registration_token_wo": "<null>", "registration_token_wo_version": "<null>",
			})
			if got.identity == nil || tfString(t, got.identity["id"]) != "42" {
				t.Errorf("identity = %v, want id 42", got.identity)
			}
		})
	}
}

// An older gitlab_user_runner without the optional attributes: this
// provider's defaults fill in (Read replaces them with GitLab's values).
func TestUnitMoveRunnerFromMinimalUserRunner(t *testing.T) {
	got := moveThroughServer(t, "gitlabci_runner", "registry.terraform.io/gitlabhq/gitlab", "gitlab_user_runner", 0,
		`{"id": "5", "runner_type": "instance_type", "token": "glrt-x"}`)
	if len(got.errors) > 0 {
		t.Fatalf("move failed: %v", got.errors)
	}
	assertMoved(t, got.state, map[string]string{
		"id": "5", "runner_type": "instance_type", "description": "", "paused": "false", "locked": "false",
		"run_untagged": "true", "tag_list": "[]", "access_level": "not_protected", "maximum_timeout": "<null>",
		"maintenance_note": "<null>", "token": "glrt-x", "token_expires_at": "<null>", "is_shared": "true",
	})
}

// gitlab_runner is the SDKv2 registration-token resource: zero values for
// unset numbers, a list of tags, authentication_token for the token, and
// (in releases before 16.0) the deprecated `active`.
func TestUnitMoveRunnerFromRegistrationTokenRunner(t *testing.T) {
	got := moveThroughServer(t, "gitlabci_runner", "registry.opentofu.org/gitlabhq/gitlab", "gitlab_runner", 0, `{
  "access_level": "not_protected",
  "active": true,
  "authentication_token": "glrt-legacy-token",
  "description": "legacy",
  "id": "43",
  "locked": false,
  "maximum_timeout": 0,
  "paused": true,
  "registration_token": "GR1348941secret",
  "run_untagged": true,
  "status": "online",
  "tag_list": ["b", "a"]
}`)
	if len(got.errors) > 0 {
		t.Fatalf("move failed: %v", got.errors)
	}
	assertMoved(t, got.state, map[string]string{
		"id": "43", "runner_type": "<null>", "group_id": "<null>", "project_id": "<null>",
		"description": "legacy", "paused": "true", "locked": "false", "run_untagged": "true", "tag_list": "[a b]",
		"access_level": "not_protected", "maximum_timeout": "<null>", "token": "glrt-legacy-token",
		"is_shared": "<null>",
		// Kept, it would force a new runner unless the configuration repeats it.
		"registration_token": "<null>",
	})
}

// Numbers written as strings (flatmap-era upgrades) and a numeric id.
func TestUnitMoveRunnerToleratesLooseTypes(t *testing.T) {
	got := moveThroughServer(t, "gitlabci_runner", "registry.terraform.io/gitlabhq/gitlab", "gitlab_runner", 1,
		`{"id": 44, "maximum_timeout": "7200", "paused": "true", "authentication_token": ""}`)
	if len(got.errors) > 0 {
		t.Fatalf("move failed: %v", got.errors)
	}
	assertMoved(t, got.state, map[string]string{"id": "44", "maximum_timeout": "7200", "paused": "true", "token": "<null>"})
}

func TestUnitMoveRunnerRejectsOtherSources(t *testing.T) {
	for _, tc := range []struct {
		name, addr, typ, state, want string
	}{
		{"other provider", "registry.terraform.io/example/gitlab", "gitlab_user_runner", userRunnerState,
			`(?s)Unsupported move source provider.*registry.terraform.io/example/gitlab.*gitlab_user_runner.*gitlab_runner.*registry.terraform.io/gitlabhq/gitlab or registry.opentofu.org/gitlabhq/gitlab`},
		{"other type", "registry.terraform.io/gitlabhq/gitlab", "gitlab_project", `{"id": "1"}`,
			`(?s)Unsupported move source resource type.*gitlab_project.*gitlab_user_runner.*gitlab_runner`},
		{"assignment type", "registry.terraform.io/gitlabhq/gitlab", "gitlab_project_runner_enablement", `{"id": "a/b:1"}`,
			`Unsupported move source resource type`},
		{"bad id", "registry.terraform.io/gitlabhq/gitlab", "gitlab_user_runner", `{"id": "runner-1"}`,
			`(?s)Cannot move gitlab_user_runner.*"runner-1" is not a runner id`},
		{"no id", "registry.terraform.io/gitlabhq/gitlab", "gitlab_user_runner", `{"token": "glrt-x"}`,
			`(?s)Cannot move gitlab_user_runner.*no id`},
		{"bad tags", "registry.terraform.io/gitlabhq/gitlab", "gitlab_user_runner", `{"id": "1", "tag_list": "a,b"}`,
			`tag_list is not a list of strings`},
		{"bad runner type", "registry.terraform.io/gitlabhq/gitlab", "gitlab_user_runner", `{"id": "1", "runner_type": "shared"}`,
			`runner_type "shared"`},
		{"not json", "registry.terraform.io/gitlabhq/gitlab", "gitlab_user_runner", `{"id": `,
			`Cannot read the state being moved`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := moveThroughServer(t, "gitlabci_runner", tc.addr, tc.typ, 0, tc.state)
			if len(got.errors) != 1 {
				t.Fatalf("errors = %v, want exactly one", got.errors)
			}
			assertMatches(t, got.errors[0], tc.want)
		})
	}
}
