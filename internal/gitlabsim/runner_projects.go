package gitlabsim

// Assigning runners to projects: POST /projects/:id/runners and DELETE
// /projects/:id/runners/:runner_id (lib/api/ci/runners.rb).

// POST /projects/:id/runners
func (c *ctx) assignRunnerToProject() {
	p := c.projectWithAccess(accessMaintainer)
	if p == nil {
		return
	}
	v := &validator{p: c.p}
	v.required("runner_id")
	id, _, _, err := c.p.integer("runner_id")
	v.add(err)
	if v.failed() {
		c.errorf(400, v.message())
		return
	}
	r := c.st.runnerByID[id]
	if r == nil {
		c.notFound("Runner")
		return
	}
	if r.typ == typeGroup {
		c.forbidden("Runner is a group runner")
		return
	}
	if !c.user.admin {
		if r.locked {
			c.forbidden("Runner is locked")
			return
		}
		if !c.acc.canAssign(r) {
			c.forbidden("No access granted")
			return
		}
	}
	if r.typ == typeInstance {
		// Ci::Runner#assign_to raises ArgumentError for instance runners, which
		// GitLab turns into a 500.
		c.message(500, "500 Internal Server Error")
		return
	}
	if r.hasProject(p) {
		// Ci::Runner#assign_to records the RecordInvalid message under
		// :assign_to; AssignRunnerService returns full_messages_for(:assign_to)
		// (hence the "Assign to " prefix) with reason :runner_error, and
		// render_api_error_with_reason! (lib/api/helpers.rb) appends
		// "- runner_error".
		c.message(400, "Assign to Validation failed: Runner projects runner has already been taken - runner_error")
		return
	}
	r.assign(p, c.now)
	r.updatedAt = c.now
	c.json(201, c.runnerOf(r))
}

// DELETE /projects/:id/runners/:runner_id
func (c *ctx) unassignRunnerFromProject() {
	p := c.projectWithAccess(accessMaintainer)
	if p == nil {
		return
	}
	id, ok := c.intVar("runner_id")
	if !ok {
		return
	}
	r := c.st.runnerByID[id]
	if r == nil || !r.hasProject(p) {
		c.notFound("Runner")
		return
	}
	// authenticate_disable_runner! (lib/api/ci/runners.rb): for non-admins
	// a locked runner is refused first, then the unassign_runner ability,
	// which the owner project's assignment never grants.
	if !c.user.admin {
		if r.locked {
			c.forbidden("Runner is locked")
			return
		}
		if r.ownerProject() == p {
			c.forbidden("No access granted")
			return
		}
	}
	// destroy_conditionally!(runner_project) compares If-Unmodified-Since
	// with the assignment record, not with the runner, before
	// UnassignRunnerService runs.
	if !c.checkUnmodifiedSince(r.assignmentTime(p)) {
		return
	}
	if r.ownerProject() == p {
		c.forbidden("You cannot unassign a runner from the owner project. Delete the runner instead")
		return
	}
	r.unassign(p)
	r.updatedAt = c.now
	c.noContent()
}
