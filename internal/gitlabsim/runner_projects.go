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
		// The uniqueness error of Ci::Runner#assign_to (app/models/ci/runner.rb)
		// as lib/api/ci/runners.rb renders it; some GitLab releases wrap it as
		// "Assign to ... - runner_error", so clients should match the core.
		c.message(400, "Validation failed: Runner projects runner has already been taken")
		return
	}
	r.projects = append(r.projects, p)
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
	if r.ownerProject() == p {
		if c.user.admin {
			c.forbidden("You cannot unassign a runner from the owner project. Delete the runner instead")
		} else {
			c.forbidden("No access granted")
		}
		return
	}
	if !c.user.admin && r.locked {
		c.forbidden("Runner is locked")
		return
	}
	r.unassign(p)
	r.updatedAt = c.now
	c.noContent()
}
