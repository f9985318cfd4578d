package gitlabsim

// The runner list endpoints: GET /runners, /runners/all,
// /projects/:id/runners and /groups/:id/runners (lib/api/ci/runners.rb,
// https://docs.gitlab.com/api/runners/#list-owned-runners).

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	runnerStatuses = []string{"active", "paused", "online", "offline", "never_contacted", "stale"}
	// Ci::Runner::AVAILABLE_SCOPES: legacy types, types and statuses.
	runnerScopes = []string{"specific", "shared", typeInstance, typeGroup, typeProject,
		"active", "paused", "online", "offline", "never_contacted", "stale"}
	versionPrefixRe = regexp.MustCompile(`(?m)^[\d+.]+`)
)

type runnerFilter struct {
	scope         string
	typ           string
	status        string
	paused        *bool
	tags          []string
	versionPrefix *string
	page, perPage int
}

// parseRunnerFilters validates the Grape params of the list endpoints
// (deprecated_filter_params when withScope, then filter_params).
func (c *ctx) parseRunnerFilters(withScope bool) (runnerFilter, bool) {
	var f runnerFilter
	v := &validator{p: c.p}
	if withScope {
		f.scope, _ = v.enum("scope", runnerScopes)
	}
	f.typ, _ = v.enum("type", runnerTypes)
	// apply_filter: filter_runners(runners, params[:paused] ? 'paused' :
	// 'active', ...) if params.include?(:paused); an empty paused coerces to
	// nil and so selects the active runners.
	if b, present, _, err := c.p.boolean("paused"); err != nil {
		v.add(err)
	} else if present {
		f.paused = &b
	}
	f.status, _ = v.enum("status", runnerStatuses)
	if t, present, _, err := c.p.tags("tag_list"); err != nil {
		v.add(err)
	} else if present && len(t) > 0 {
		f.tags = t
	}
	if s, present, null, err := c.p.str("version_prefix"); err != nil {
		v.add(err)
	} else if present && !null {
		if !versionPrefixRe.MatchString(s) {
			v.add(fmt.Errorf("version_prefix is invalid"))
		} else {
			f.versionPrefix = &s
		}
	}
	f.page, f.perPage = v.pagination()
	if v.failed() {
		c.errorf(400, v.message())
		return f, false
	}
	return f, true
}

// checkScope is filter_runners' allowed_scopes check.
func (c *ctx) checkScope(f runnerFilter, allowed []string) bool {
	if f.scope != "" && !contains(allowed, f.scope) {
		c.message(400, "Scope contains invalid value")
		return false
	}
	return true
}

func (c *ctx) matchScope(r *runner, scope string) bool {
	switch scope {
	case "":
		return true
	case "specific":
		return r.typ != typeInstance
	case "shared":
		return r.typ == typeInstance
	case typeInstance, typeGroup, typeProject:
		return r.typ == scope
	case "active":
		return !r.paused
	case "paused":
		return r.paused
	case "online":
		return isOnline(r.contactedAt, c.now)
	case "offline":
		// Never-contacted runners are not offline; stale contacted ones are.
		return r.contactedAt != nil && !isOnline(r.contactedAt, c.now)
	case "never_contacted":
		return r.contactedAt == nil
	case "stale":
		return c.st.isStale(r.createdAt, r.contactedAt, c.now)
	}
	return false
}

func (c *ctx) matchFilter(r *runner, f *runnerFilter) bool {
	if !c.matchScope(r, f.scope) || !c.matchScope(r, f.typ) || !c.matchScope(r, f.status) {
		return false
	}
	if f.paused != nil && r.paused != *f.paused {
		return false
	}
	if len(f.tags) > 0 && !r.hasAllTags(f.tags) {
		return false
	}
	if f.versionPrefix != nil {
		ok := false
		for _, m := range r.managers {
			if m.version != nil && strings.HasPrefix(*m.version, *f.versionPrefix) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// presentRunners filters candidates (already in id order), paginates and
// renders them.
func (c *ctx) presentRunners(f runnerFilter, candidate func(*runner) bool) {
	var hits []*runner
	for _, r := range c.st.runners {
		if candidate(r) && c.matchFilter(r, &f) {
			hits = append(hits, r)
		}
	}
	start, end := c.paginate(len(hits), f.page, f.perPage, false)
	out := make([]runnerEntity, 0, end-start)
	for _, r := range hits[start:end] {
		out = append(out, c.runnerOf(r))
	}
	c.json(200, out)
}

// GET /runners
func (c *ctx) listRunners() {
	f, ok := c.parseRunnerFilters(true)
	if !ok || !c.checkScope(f, runnerStatuses) {
		return
	}
	c.presentRunners(f, c.acc.owns)
}

// GET /runners/all
func (c *ctx) listAllRunners() {
	f, ok := c.parseRunnerFilters(true)
	if !ok {
		return
	}
	if !c.user.admin {
		c.forbidden("")
		return
	}
	c.presentRunners(f, func(*runner) bool { return true })
}

// GET /projects/:id/runners
func (c *ctx) listProjectRunners() {
	p := c.projectWithAccess(accessMaintainer)
	if p == nil {
		return
	}
	f, ok := c.parseRunnerFilters(true)
	if !ok || !c.checkScope(f, runnerScopes) {
		return
	}
	c.presentRunners(f, func(r *runner) bool {
		switch r.typ {
		case typeProject:
			return r.hasProject(p)
		case typeGroup:
			return p.groupRunners && isAncestor(r.group, p.ns)
		default:
			return p.sharedRunners
		}
	})
}

// GET /groups/:id/runners
func (c *ctx) listGroupRunners() {
	g := c.groupWithAccess(accessMaintainer)
	if g == nil {
		return
	}
	f, ok := c.parseRunnerFilters(false)
	if !ok {
		return
	}
	c.presentRunners(f, func(r *runner) bool {
		switch r.typ {
		case typeGroup:
			return isAncestor(r.group, g)
		case typeInstance:
			return true
		}
		return false
	})
}
