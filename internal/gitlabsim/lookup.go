package gitlabsim

// Lookups shared by the handlers: path parameters resolved to objects the
// caller may see, answering 404 the way GitLab's find_project!, find_group!
// and the runners API do.

import (
	"strconv"
	"strings"
)

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// findProject resolves an id or URL-encoded full path and answers 404 when
// the project is missing or invisible to the caller.
func (c *ctx) findProject(ref string) *project {
	var p *project
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		p = c.st.projects[id]
	} else {
		p = c.st.projByPath[strings.ToLower(ref)]
	}
	if p == nil || !c.st.projectVisible(c.user, p) {
		c.notFound("Project")
		return nil
	}
	return p
}

func (c *ctx) findGroup(ref string) *namespace {
	var g *namespace
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		g = c.st.namespaces[id]
	} else {
		g = c.st.nsByPath[strings.ToLower(ref)]
	}
	if g == nil || g.kind != "group" || !c.st.groupVisible(c.user, g) {
		c.notFound("Group")
		return nil
	}
	return g
}

func (c *ctx) runnerVar(name string) *runner {
	id, ok := c.intVar(name)
	if !ok {
		return nil
	}
	r := c.st.runnerByID[id]
	if r == nil {
		c.notFound("Runner")
	}
	return r
}

// projectWithAccess resolves the :id project like findProject and requires
// an admin or a member with at least level, answering 403 otherwise.
func (c *ctx) projectWithAccess(level int) *project {
	p := c.findProject(c.vars["id"])
	if p == nil {
		return nil
	}
	if !c.user.admin && c.acc.project(p) < level {
		c.forbidden("")
		return nil
	}
	return p
}

// groupWithAccess is projectWithAccess for the :id group.
func (c *ctx) groupWithAccess(level int) *namespace {
	g := c.findGroup(c.vars["id"])
	if g == nil {
		return nil
	}
	if !c.user.admin && c.acc.group(g) < level {
		c.forbidden("")
		return nil
	}
	return g
}

// permittedRunner resolves the runner in path parameter name and requires
// the ability allowed, answering 403 "No access granted" otherwise.
func (c *ctx) permittedRunner(name string, allowed func(*runner) bool) *runner {
	r := c.runnerVar(name)
	if r == nil {
		return nil
	}
	if !allowed(r) {
		c.forbidden("No access granted")
		return nil
	}
	return r
}
