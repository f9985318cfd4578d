package gitlabsim

// The access policy: effective membership levels, what a caller may see
// (find_project!, find_group!) and Ci::RunnerPolicy's runner abilities
// (app/policies/ci/runner_policy.rb, app/models/user.rb#ci_owned_runners).

// Access levels as GitLab numbers them.
const (
	accessNone       = 0
	accessGuest      = 10
	accessPlanner    = 15
	accessReporter   = 20
	accessDeveloper  = 30
	accessMaintainer = 40
	accessOwner      = 50
)

// groupAccess is the user's effective access level in a namespace: the
// highest membership in it or any ancestor (GitLab membership inheritance).
// The owner of a personal namespace is its Owner.
func (st *state) groupAccess(u *user, ns *namespace) int {
	if u == nil || ns == nil {
		return accessNone
	}
	best := accessNone
	for n := ns; n != nil; n = n.parent {
		if n.kind == "user" && n.owner == u {
			best = max(best, accessOwner)
		}
		if l, ok := n.members[u.id]; ok && l > best {
			best = l
		}
	}
	return best
}

func (st *state) projectAccess(u *user, p *project) int {
	if u == nil || p == nil {
		return accessNone
	}
	best := st.groupAccess(u, p.ns)
	if l, ok := p.members[u.id]; ok && l > best {
		best = l
	}
	return best
}

// projectVisible mirrors find_project!: private projects are invisible (404)
// to non-members.
func (st *state) projectVisible(u *user, p *project) bool {
	if p == nil || p.deleted {
		return false
	}
	if u != nil && u.admin {
		return true
	}
	if p.visibility != "private" && u != nil {
		return true
	}
	return st.projectAccess(u, p) > accessNone
}

// groupVisible: a private group is visible to its (inherited) members and to
// members of any project or subgroup below it.
func (st *state) groupVisible(u *user, g *namespace) bool {
	if g == nil || g.deleted || g.kind != "group" {
		return false
	}
	if u != nil && u.admin {
		return true
	}
	if g.visibility != "private" && u != nil {
		return true
	}
	if st.groupAccess(u, g) > accessNone {
		return true
	}
	for _, n := range st.namespaces {
		if n.kind == "group" && n != g && isAncestor(g, n) && n.members[u.id] > 0 {
			return true
		}
	}
	for _, p := range st.projects {
		if isAncestor(g, p.ns) && p.members[u.id] > 0 {
			return true
		}
	}
	return false
}

// accessCache memoizes access levels for one request (list endpoints check
// thousands of runners against the same few groups and projects).
type accessCache struct {
	st   *state
	u    *user
	grp  map[*namespace]int
	proj map[*project]int
}

func (st *state) newAccess(u *user) *accessCache {
	return &accessCache{st: st, u: u, grp: map[*namespace]int{}, proj: map[*project]int{}}
}

func (a *accessCache) group(g *namespace) int {
	if l, ok := a.grp[g]; ok {
		return l
	}
	l := a.st.groupAccess(a.u, g)
	a.grp[g] = l
	return l
}

func (a *accessCache) project(p *project) int {
	if l, ok := a.proj[p]; ok {
		return l
	}
	l := a.st.projectAccess(a.u, p)
	a.proj[p] = l
	return l
}

func (a *accessCache) admin() bool { return a.u != nil && a.u.admin }

// owns is User#ci_owned_runners: group runners of groups where the user is
// Owner, project runners of projects where the user is Maintainer+. Admins
// are not special here.
func (a *accessCache) owns(r *runner) bool {
	switch r.typ {
	case typeGroup:
		return a.group(r.group) >= accessOwner
	case typeProject:
		for _, p := range r.projects {
			if a.project(p) >= accessMaintainer {
				return true
			}
		}
	}
	return false
}

func (a *accessCache) maintainerOfAnyProject(r *runner) bool {
	for _, p := range r.projects {
		if a.project(p) >= accessMaintainer {
			return true
		}
	}
	return false
}

// canRead is the read_runner ability: read_builds, everyone may read
// instance runners, and a group runner is readable by Maintainers of any
// project in its group's subtree that has group runners enabled
// (runner_policy.rb: is_group_runner &
// any_associated_projects_in_group_runner_inheriting_group_runners).
func (a *accessCache) canRead(r *runner) bool {
	if r.typ == typeInstance || a.canReadBuilds(r) {
		return true
	}
	if r.typ == typeGroup && a.u != nil {
		for _, p := range a.st.projects {
			if p.groupRunners && isAncestor(r.group, p.ns) && a.project(p) >= accessMaintainer {
				return true
			}
		}
	}
	return false
}

// canUpdate is the update_runner ability (PUT, DELETE, token reset):
// instance runners admin only, group runners group Owner, project runners
// Maintainer of the owner project or, for a runner of several projects, of
// any of them (runner_policy.rb: is_project_runner &
// belongs_to_multiple_projects & runner_available). DELETE of a
// multi-project runner is refused separately.
func (a *accessCache) canUpdate(r *runner) bool {
	if a.admin() {
		return true
	}
	switch r.typ {
	case typeGroup:
		return a.group(r.group) >= accessOwner
	case typeProject:
		if len(r.projects) > 1 {
			return a.maintainerOfAnyProject(r)
		}
		return a.project(r.ownerProject()) >= accessMaintainer
	}
	return false
}

// canReadBuilds is the read_builds ability used by GET /runners/:id/jobs.
func (a *accessCache) canReadBuilds(r *runner) bool {
	if a.admin() {
		return true
	}
	switch r.typ {
	case typeGroup:
		return a.group(r.group) >= accessMaintainer
	case typeProject:
		return a.maintainerOfAnyProject(r)
	}
	return false
}

// canAssign is assign_runner; locked runners are refused to non-admins.
func (a *accessCache) canAssign(r *runner) bool {
	if a.admin() {
		return true
	}
	if r.locked {
		return false
	}
	return r.typ == typeProject && a.maintainerOfAnyProject(r)
}
