package acctest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

// Instance settings differ between GitLabs a user may test against; tests
// whose expectation depends on one read it first and skip, saying why, when
// the instance is configured the other way.

// RegistrationTokensAllowed reports whether the GitLab under test accepts
// runner registration tokens (instance setting
// allow_runner_registration_token, false by default since GitLab 17.0), and
// how that was found out. It reads GET /application/settings as the admin
// the real-GitLab mode requires. Where that endpoint is not offered (the
// bundled simulator has no /application/settings) it resets the
// registration token of probe, a throwaway fixture project: GitLab answers
// 410 Gone (or 403 for an administrator) while registration tokens are
// disabled.
func (tg *Target) RegistrationTokensAllowed(t *testing.T, probe *gitlab.Project) (allowed bool, how string) {
	t.Helper()
	if allowed, err := tg.applicationSetting(t, "allow_runner_registration_token"); err == nil {
		return allowed, "GET /application/settings: allow_runner_registration_token = " + fmt.Sprint(allowed)
	} else {
		t.Logf("cannot read the instance setting, probing instead: %v", err)
	}
	_, err := tg.Client.ResetProjectRegistrationToken(Context(t), fmt.Sprint(probe.ID))
	switch {
	case err == nil:
		return true, fmt.Sprintf("POST /projects/%d/runners/reset_registration_token succeeded", probe.ID)
	case errors.Is(err, gitlab.ErrGone), errors.Is(err, gitlab.ErrForbidden):
		return false, fmt.Sprintf("POST /projects/%d/runners/reset_registration_token was refused: %v", probe.ID, err)
	}
	t.Fatalf("cannot tell whether registration tokens are allowed: %v", err)
	return false, ""
}

// RequireRegistrationTokensDisabled skips the test unless the GitLab under
// test refuses registration tokens.
func (tg *Target) RequireRegistrationTokensDisabled(t *testing.T, probe *gitlab.Project) {
	t.Helper()
	if allowed, how := tg.RegistrationTokensAllowed(t, probe); allowed {
		t.Skipf("needs a GitLab with runner registration tokens disabled (GitLab 17.0's default), but this one allows them (%s)", how)
	}
}

// applicationSetting reads one boolean of GET /application/settings, which
// needs an administrator.
func (tg *Target) applicationSetting(t *testing.T, name string) (bool, error) {
	req, err := http.NewRequestWithContext(Context(t), http.MethodGet, tg.BaseURL+"/api/v4/application/settings", nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("PRIVATE-TOKEN", tg.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("GET /application/settings answered %s", resp.Status)
	}
	var settings map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&settings); err != nil {
		return false, fmt.Errorf("GET /application/settings: %w", err)
	}
	raw, ok := settings[name]
	if !ok {
		return false, fmt.Errorf("GET /application/settings has no %s (an older GitLab)", name)
	}
	var v bool
	if err := json.Unmarshal(raw, &v); err != nil {
		return false, fmt.Errorf("GET /application/settings: %s = %s is not a boolean", name, raw)
	}
	return v, nil
}
