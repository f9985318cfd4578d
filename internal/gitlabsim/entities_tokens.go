package gitlabsim

// GET /projects/:id and GET /groups/:id expose the registration token as
// runners_token to those who may administer the project (Maintainer+) or
// group (Owner); everyone else gets no key at all (GitLab's
// lib/api/entities/project.rb and lib/api/entities/group_detail.rb). It is
// how a reset made outside Terraform can be noticed without resetting again.

type projectDetailEntity struct {
	projectEntity
	RunnersToken *string `json:"runners_token,omitempty"`
}

type groupDetailEntity struct {
	groupEntity
	RunnersToken *string `json:"runners_token,omitempty"`
}

func (c *ctx) projectDetailOf(p *project) projectDetailEntity {
	e := projectDetailEntity{projectEntity: c.projectOf(p)}
	if c.acc.admin() || c.acc.project(p) >= accessMaintainer {
		e.RunnersToken = strp(p.regToken)
	}
	return e
}

func (c *ctx) groupDetailOf(g *namespace) groupDetailEntity {
	e := groupDetailEntity{groupEntity: c.groupOf(g)}
	if c.acc.admin() || c.acc.group(g) >= accessOwner {
		e.RunnersToken = strp(g.regToken)
	}
	return e
}
