package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

// apiErrorDetail renders a failed GitLab call for a diagnostic: GitLab's own
// message first (the client keeps it verbatim), then what usually causes
// that status for runner endpoints.
func apiErrorDetail(err error) string {
	detail := "GitLab said: " + err.Error()
	switch {
	case errors.Is(err, gitlab.ErrOutcomeUnknown):
		return detail + "\n\nThe request may or may not have been applied by GitLab."
	case errors.Is(err, gitlab.ErrUnauthorized):
		return detail + "\n\nThe token was rejected: check the provider's token (GITLAB_TOKEN)."
	case errors.Is(err, gitlab.ErrForbidden):
		return detail + "\n\nThe token's user lacks the role this needs (instance runners: administrator; group " +
			"runners: group Owner; project runners: Maintainer of the owner project), or the token lacks a scope " +
			"(api, or create_runner/manage_runner)."
	case errors.Is(err, gitlab.ErrNotFound):
		return detail + "\n\nIt does not exist, or the token's user cannot see it (GitLab answers 404 for both)."
	case errors.Is(err, gitlab.ErrGone):
		return detail + "\n\nGitLab has disabled this endpoint (registration tokens are disabled by default since " +
			"GitLab 17.0)."
	case errors.Is(err, gitlab.ErrTooManyRequests):
		return detail + "\n\nGitLab kept rate-limiting the requests; raise `retries` or lower `max_requests_per_second`."
	}
	return detail
}

// addAPIError reports a failed GitLab call as an error diagnostic.
func addAPIError(diags *diag.Diagnostics, summary string, err error) {
	diags.AddError(summary, apiErrorDetail(err))
}

// runnerLabel is how diagnostics name a runner.
func runnerLabel(id int64) string { return fmt.Sprintf("runner %d", id) }
