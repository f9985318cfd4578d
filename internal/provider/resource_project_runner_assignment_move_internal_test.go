package provider

import "testing"

func TestUnitMoveAssignmentFromEnablement(t *testing.T) {
	for _, tc := range []struct {
		name, state string
		want        map[string]string
		identity    bool
	}{
		{"numeric project", `{"id": "12:44", "project": "12", "runner_id": 44}`,
			map[string]string{"id": "12:44", "project": "12", "runner_id": "44", "project_id": "12"}, true},
		{"project path", `{"id": "group/app:44", "project": "group/app", "runner_id": 44, "extra": true}`,
			map[string]string{"id": "<null>", "project": "group/app", "runner_id": "44", "project_id": "<null>"}, false},
		{"id only", `{"id": "group/sub/app:45"}`,
			map[string]string{"project": "group/sub/app", "runner_id": "45"}, false},
		{"runner id as string", `{"id": "12:46", "project": "12", "runner_id": "46"}`,
			map[string]string{"id": "12:46", "runner_id": "46", "project_id": "12"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := moveThroughServer(t, "gitlabci_project_runner_assignment", "registry.terraform.io/gitlabhq/gitlab",
				"gitlab_project_runner_enablement", 0, tc.state)
			if len(got.errors) > 0 {
				t.Fatalf("move failed: %v", got.errors)
			}
			assertMoved(t, got.state, tc.want)
			if tc.identity {
				if got.identity == nil || tfString(t, got.identity["project_id"]) != tc.want["project_id"] ||
					tfString(t, got.identity["runner_id"]) != tc.want["runner_id"] {
					t.Errorf("identity = %v", got.identity)
				}
			}
		})
	}
}

func TestUnitMoveAssignmentRejectsOtherSources(t *testing.T) {
	for _, tc := range []struct {
		name, addr, typ, state, want string
	}{
		{"other provider", "registry.terraform.io/someone/gitlab", "gitlab_project_runner_enablement", `{"id": "1:2"}`,
			`(?s)Unsupported move source provider.*gitlab_project_runner_enablement`},
		{"runner type", "registry.terraform.io/gitlabhq/gitlab", "gitlab_user_runner", userRunnerState,
			`(?s)Unsupported move source resource type.*gitlabci_project_runner_assignment accepts moves only from .gitlab_project_runner_enablement.`},
		{"bad id", "registry.terraform.io/gitlabhq/gitlab", "gitlab_project_runner_enablement", `{"id": "nonsense"}`,
			`not of the form <project>:<runner_id>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := moveThroughServer(t, "gitlabci_project_runner_assignment", tc.addr, tc.typ, 0, tc.state)
			if len(got.errors) != 1 {
				t.Fatalf("errors = %v, want exactly one", got.errors)
			}
			assertMatches(t, got.errors[0], tc.want)
		})
	}
}
