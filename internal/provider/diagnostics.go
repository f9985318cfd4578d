package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

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

// resetTokenErrorDetail explains the reset failures GitLab reports tersely.
func resetTokenErrorDetail(err error, byToken bool) string {
	detail := apiErrorDetail(err)
	switch {
	case gitlab.IsOutcomeUnknown(err):
		return detail + "\n\nThe token may have been reset and the new one lost with the response; if so the old " +
			"token no longer works. Nothing was saved in the state: apply again to rotate once more (by runner_id), " +
			"or find the runner's current token."
	case byToken && gitlab.IsForbidden(err):
		return "GitLab does not accept the given token (POST /runners/reset_authentication_token answered 403). " +
			"It answers 403 for a wrong token, a token that has already been rotated and an expired one. If " +
			"this resource rotated the token before, pass the token it issued (the `token` attribute), or rotate " +
			"by runner_id with a user token.\n\n" + detail
	case !byToken && gitlab.IsNotFound(err):
		return detail + "\n\nCheck runner_id: the runner does not exist or the token's user cannot see it."
	}
	return detail
}

// accessProblem words a 403/404 from a read: who could not be found or read
// and which role the endpoint needs. The zero value means "not a 403/404".
type accessProblem struct {
	// attribute is the configuration attribute the error is reported on.
	attribute path.Path
	summary   string
	notFound  string // sentence for a 404
	forbidden string // sentence for a 403 that is about the role, not the token scope
}

// addReadError reports a failed read. 403 and 404 get the sentences of p
// (GitLab answers 404 for objects the user may not see, and says too little
// to tell which role is missing); insufficient token scopes and every other
// failure go through apiErrorDetail.
func addReadError(diags *diag.Diagnostics, p accessProblem, err error) {
	var sentence string
	switch {
	case gitlab.IsInsufficientScope(err):
		sentence = "The token lacks the scope this needs: reading runners needs a token with the `read_api` or `api` " +
			"scope (`manage_runner` covers only the /runners/:id endpoints)."
	case errors.Is(err, gitlab.ErrNotFound) && p.notFound != "":
		sentence = p.notFound
	case errors.Is(err, gitlab.ErrForbidden) && p.forbidden != "":
		sentence = p.forbidden
	default:
		if p.attribute.Equal(path.Empty()) {
			addAPIError(diags, p.summary, err)
		} else {
			diags.AddAttributeError(p.attribute, p.summary, apiErrorDetail(err))
		}
		return
	}
	detail := sentence + "\n\nGitLab said: " + err.Error()
	if p.attribute.Equal(path.Empty()) {
		diags.AddError(p.summary, detail)
	} else {
		diags.AddAttributeError(p.attribute, p.summary, detail)
	}
}

// registrationTokensDisabledDetail explains GitLab's refusal to reset a
// registration token while registration tokens are disabled.
func registrationTokensDisabledDetail(err error) string {
	// apiErrorDetail's role hints are about runners; the roles here differ.
	return "Registration tokens are disabled on this GitLab (the default since GitLab 17.0: Admin area > " +
		"Settings > CI/CD > Runners > \"Allow runner registration token\", and the matching group and project " +
		"settings). Use gitlabci_runner with runner_type instead: it creates the runner and returns its " +
		"authentication token.\n\nGitLab said: " + err.Error()
}

// registrationResetForbiddenDetail explains a 403 to a non-administrator,
// which may be about the role or about registration tokens being disabled.
func registrationResetForbiddenDetail(err error, role, scope string) string {
	return fmt.Sprintf("GitLab refused: the token's user must be %s (token scope api), or registration tokens "+
		"are disabled for %s (the default since GitLab 17.0; use gitlabci_runner with runner_type instead).\n\n%s",
		role, scope, "GitLab said: "+err.Error())
}

// addRegisterRunnerError explains a failed POST /runners (registration
// token), for a runner with the given description.
func addRegisterRunnerError(diags *diag.Diagnostics, err error, description string) {
	switch {
	case errors.Is(err, gitlab.ErrGone):
		diags.AddError("Runner registration tokens are disabled",
			"GitLab refused POST /runners: "+err.Error()+"\n\n"+
				"Registration tokens are deprecated and disabled by default since GitLab 17.0. Create the runner "+
				"with POST /user/runners instead: remove registration_token_wo / registration_token and set "+
				"runner_type (\"instance_type\", \"group_type\" with group_id, or \"project_type\" with project_id), "+
				"with a provider token that has the api or create_runner scope. (An administrator can re-enable "+
				"registration tokens under Admin > Settings > CI/CD > Runners, but GitLab plans to remove them.)")
	case errors.Is(err, gitlab.ErrForbidden):
		diags.AddError("Registration token rejected",
			"GitLab refused POST /runners: "+err.Error()+"\n\nThe registration token is wrong or was reset; copy the "+
				"current one from the project's or group's Settings > CI/CD > Runners.")
	case errors.Is(err, gitlab.ErrOutcomeUnknown):
		diags.AddError("Runner registration outcome unknown",
			fmt.Sprintf("%s\n\nGitLab's answer to POST /runners was lost, so a runner with description %q may have "+
				"been registered; the request is not repeated, to avoid a duplicate. Check the runners of the "+
				"registration token's project or group: if the runner exists, delete it in GitLab (its token was "+
				"never seen) or import it (`terraform import <address> <runner id>` with runner_type and "+
				"group_id/project_id in the configuration instead of the registration token); then apply again.",
				err.Error(), description))
	default:
		addAPIError(diags, "Could not register the runner", err)
	}
}

// instanceRunnerForbiddenDetail explains a 403 to POST /user/runners for an
// instance runner.
func instanceRunnerForbiddenDetail(err error) string {
	return "GitLab said: " + err.Error() + "\n\nOnly GitLab administrators can create instance_type runners (and the " +
		"token needs the api or create_runner scope). Use a group_type or project_type runner, or an " +
		"administrator's token."
}

// runnerAssignedElsewhereDetail explains GitLab's refusal to delete a
// project runner still assigned to more than one project.
func runnerAssignedElsewhereDetail(err error) string {
	return "GitLab said: " + err.Error() + "\n\n" +
		"Only an administrator can delete a project runner that is still assigned to more than one project. " +
		"Remove the runner's other project assignments first (destroy the gitlabci_project_runner_assignment " +
		"resources of this runner: reference this runner's id from them, so Terraform destroys them before " +
		"the runner, or add depends_on), or unassign it in the other projects' Settings > CI/CD > Runners, " +
		"then apply again."
}

// addEarlyAuthCheckError explains a failed GET /user at configure time.
func addEarlyAuthCheckError(diags *diag.Diagnostics, baseURL string, err error) {
	switch {
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

// runnerNotFoundDetail explains a 404 to GET /runners/:id at plan time.
func runnerNotFoundDetail(id int64, err error) string {
	return fmt.Sprintf("GET /runners/%d answered 404: %s does not exist or the token's user cannot see it.\n\n%s",
		id, runnerLabel(id), apiErrorDetail(err))
}

// ownerProjectUnassignDetail explains why an assignment was forgotten
// although GitLab refused to remove it: the project became the runner's
// owner project.
func ownerProjectUnassignDetail(project string, runnerID int64, err error) string {
	return fmt.Sprintf("Project %s has become the owner project of %s (its previous owner project was "+
		"deleted), and GitLab never unassigns a runner from its owner project. The assignment was "+
		"removed from the state but the runner still serves the project; delete the runner to stop "+
		"that.\n\n%s", project, runnerLabel(runnerID), apiErrorDetail(err))
}

// lostRunnerLookupFailedDetail: a create's answer was lost and looking for
// the runner it may have created failed too.
func lostRunnerLookupFailedDetail(cause, err error, hint string) string {
	return fmt.Sprintf("GitLab's answer to POST /user/runners was lost (%s), so the runner may or may not have been "+
		"created; the request is not sent again, to avoid a duplicate. Looking for it failed: %s\n\n%s",
		cause, err, hint)
}

// lostRunnerNotCreatedDetail: a create's answer was lost and no runner it
// could have created exists, after attempts POSTs.
func lostRunnerNotCreatedDetail(cause error, scope, description string, attempts int) string {
	sent := "The request was sent once."
	if attempts > 1 {
		sent = fmt.Sprintf("The request was sent %d times (each time only after proving the previous one had "+
			"created nothing), up to the provider's retries setting.", attempts)
	}
	return fmt.Sprintf("GitLab's answer to POST /user/runners was lost or failed (%s). No %s with description %q "+
		"and the configured tags was created since the request was sent, so GitLab did not apply it and "+
		"nothing was left behind. %s Apply again to retry.", cause, scope, description, sent)
}

// lostRunnerAdoptedDetail: a create's answer was lost and the one runner it
// created was adopted.
func lostRunnerAdoptedDetail(cause error, id int64) string {
	return fmt.Sprintf("GitLab's answer to POST /user/runners was lost (%s), but the request had created %s. The "+
		"provider adopted it instead of creating a duplicate and reset its authentication token, since the "+
		"original token was never received; the new token is in the token attribute.", cause, runnerLabel(id))
}

// lostRunnerAmbiguousDetail: a create's answer was lost and several runners
// match what it could have created.
func lostRunnerAmbiguousDetail(cause error, scope, description string, ids []string) string {
	return fmt.Sprintf("GitLab's answer to POST /user/runners was lost (%s), and %d runners match the request "+
		"(%s with description %q and the configured tags, created since the request was sent, never "+
		"contacted): ids %s. The provider cannot tell which one this request created, so it adopted none "+
		"and did not send the request again.\n\nImport the one to keep (`terraform import <address> <id>`, or "+
		"an import block with id = \"<id>\") and delete the others in GitLab (DELETE /runners/:id or Settings "+
		"> CI/CD > Runners), or delete them all and apply again. Giving each runner a distinct description "+
		"avoids this.", cause, len(ids), scope, description, strings.Join(ids, ", "))
}

// addRunnerReadError reports a failed read of one of a runner's endpoints;
// attribute holds the runner id, need says who may call endpoint.
func addRunnerReadError(diags *diag.Diagnostics, attribute string, id int64, endpoint, need string, err error) {
	label := runnerLabel(id)
	addReadError(diags, accessProblem{
		attribute: path.Root(attribute),
		summary:   "Cannot read " + label,
		notFound:  label + " was not found: no runner has this id (it may have been deleted).",
		forbidden: fmt.Sprintf("The token's user may not read %s (%s needs %s).", label, endpoint, need),
	}, err)
}
