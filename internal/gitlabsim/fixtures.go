package gitlabsim

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Fixture endpoints: enough of users, personal access tokens, groups,
// projects and members for tests to build ownership graphs exactly as they
// would on a real GitLab.

var (
	pathRe        = regexp.MustCompile(`^[a-zA-Z0-9_][a-zA-Z0-9_.-]*$`)
	pathSanitizer = regexp.MustCompile(`[^a-z0-9_.-]+`)
	visibilities  = []string{"private", "internal", "public"}
	patScopes     = []string{"api", "read_api", "read_user", "create_runner", "manage_runner", "read_repository",
		"write_repository", "read_registry", "write_registry", "sudo", "admin_mode", "k8s_proxy", "ai_features",
		"read_service_ping", "self_rotate", "read_virtual_registry", "write_virtual_registry"}
	memberLevels = []int64{5, accessGuest, accessPlanner, accessReporter, accessDeveloper, accessMaintainer, accessOwner}
)

const pathMessage = "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'"

func validPath(p string) bool {
	return pathRe.MatchString(p) && !strings.HasSuffix(p, ".git") && !strings.HasSuffix(p, ".atom")
}

// ---- users ---------------------------------------------------------------

// GET /user
func (c *ctx) currentUser() { c.json(200, c.userOf(c.user)) }

// GET /users
func (c *ctx) listUsers() {
	v := &validator{p: c.p}
	page, perPage := v.pagination()
	if v.failed() {
		c.errorf(400, v.message())
		return
	}
	username := strings.ToLower(c.p.strOr("username", ""))
	// GitLab's search matches username, name and email by substring.
	search := strings.ToLower(c.p.strOr("search", ""))
	var us []*user
	for _, u := range c.st.users {
		if username != "" && strings.ToLower(u.username) != username {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(u.username), search) &&
			!strings.Contains(strings.ToLower(u.name), search) && !strings.Contains(strings.ToLower(u.email), search) {
			continue
		}
		us = append(us, u)
	}
	sort.Slice(us, func(a, b int) bool { return us[a].id < us[b].id })
	start, end := c.paginate(len(us), page, perPage, false)
	out := make([]userEntity, 0, end-start)
	for _, u := range us[start:end] {
		out = append(out, c.userOf(u))
	}
	c.json(200, out)
}

func (c *ctx) userVar() *user {
	id, ok := c.intVar("id")
	if !ok {
		return nil
	}
	u := c.st.users[id]
	if u == nil {
		c.notFound("User")
	}
	return u
}

// GET /users/:id
func (c *ctx) getUser() {
	if u := c.userVar(); u != nil {
		c.json(200, c.userOf(u))
	}
}

// POST /users (admin)
func (c *ctx) createUser() {
	if !c.user.admin {
		c.forbidden("")
		return
	}
	v := &validator{p: c.p}
	v.required("email")
	email, _, _, err := c.p.str("email")
	v.add(err)
	if !c.p.has("password") && !c.p.has("reset_password") && !c.p.has("force_random_password") {
		v.add(fmt.Errorf("password, reset_password, force_random_password are missing, at least one parameter must be provided"))
	}
	v.required("name")
	name, _, _, err := c.p.str("name")
	v.add(err)
	v.required("username")
	username, _, _, err := c.p.str("username")
	v.add(err)
	admin, _, _, err := c.p.boolean("admin")
	v.add(err)
	if v.failed() {
		c.errorf(400, v.message())
		return
	}
	if !validPath(username) {
		c.message(400, map[string][]string{"username": {pathMessage}})
		return
	}
	for _, u := range c.st.users {
		if strings.EqualFold(u.email, email) {
			c.message(409, "Email has already been taken")
			return
		}
	}
	if c.st.userByName[strings.ToLower(username)] != nil || c.st.nsByPath[strings.ToLower(username)] != nil {
		c.message(409, "Username has already been taken")
		return
	}
	u := c.st.createUser(username, name, email, admin)
	c.json(201, c.userOf(u))
}

// DELETE /users/:id (admin)
func (c *ctx) deleteUser() {
	if !c.user.admin {
		c.forbidden("")
		return
	}
	u := c.userVar()
	if u == nil {
		return
	}
	c.st.removeUser(u)
	c.noContent()
}

type patEntity struct {
	ID         int64    `json:"id"`
	Name       string   `json:"name"`
	Revoked    bool     `json:"revoked"`
	CreatedAt  jsTime   `json:"created_at"`
	Desc       *string  `json:"description"`
	Scopes     []string `json:"scopes"`
	UserID     int64    `json:"user_id"`
	LastUsedAt *jsTime  `json:"last_used_at"`
	Active     bool     `json:"active"`
	ExpiresAt  *string  `json:"expires_at"`
	Token      string   `json:"token"`
}

func stringList(raw any) ([]string, bool) {
	switch x := raw.(type) {
	case string:
		var out []string
		for _, s := range strings.Split(x, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out, true
	case []any:
		var out []string
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// POST /users/:id/personal_access_tokens (admin)
func (c *ctx) createPersonalAccessToken() {
	if !c.user.admin {
		c.forbidden("")
		return
	}
	v := &validator{p: c.p}
	if _, err := strconv.ParseInt(c.vars["id"], 10, 64); err != nil {
		v.add(fmt.Errorf("id is invalid"))
	}
	v.required("name")
	name, _, _, err := c.p.str("name")
	v.add(err)
	v.required("scopes")
	var scopes []string
	if c.p.has("scopes") {
		s, ok := stringList(c.p.m["scopes"])
		if !ok {
			v.add(fmt.Errorf("scopes is invalid"))
		} else {
			for _, sc := range s {
				if !contains(patScopes, sc) {
					v.add(fmt.Errorf("scopes does not have a valid value"))
					break
				}
			}
			scopes = s
		}
	}
	var expires *time.Time
	if s, present, null, err := c.p.str("expires_at"); err != nil {
		v.add(err)
	} else if present && !null && s != "" {
		t, perr := time.Parse("2006-01-02", s)
		if perr != nil {
			v.add(fmt.Errorf("expires_at is invalid"))
		} else {
			expires = &t
		}
	}
	if v.failed() {
		c.errorf(400, v.message())
		return
	}
	u := c.userVar()
	if u == nil {
		return
	}
	if expires == nil {
		// GitLab 16+ enforces an expiry: a year from today by default.
		t := c.now.Truncate(24*time.Hour).AddDate(1, 0, 0)
		expires = &t
	}
	if !expires.After(c.now) {
		c.message(400, "Expiration date must be in the future")
		return
	}
	st := c.st
	st.seqPAT++
	t := &pat{id: st.seqPAT, user: u, name: name, token: randToken(prefixPAT), scopes: scopes, expiresAt: expires, createdAt: c.now}
	st.pats[t.token] = t
	exp := expires.Format("2006-01-02")
	c.json(201, patEntity{ID: t.id, Name: name, CreatedAt: jsTime(c.now), Scopes: scopes, UserID: u.id,
		Active: true, ExpiresAt: &exp, Token: t.token})
}

// ---- groups --------------------------------------------------------------

// GET /groups
func (c *ctx) listGroups() {
	v := &validator{p: c.p}
	page, perPage := v.pagination()
	if v.failed() {
		c.errorf(400, v.message())
		return
	}
	search := strings.ToLower(c.p.strOr("search", ""))
	var gs []*namespace
	for _, g := range c.st.namespaces {
		if g.kind == "group" && c.st.groupVisible(c.user, g) &&
			(search == "" || strings.Contains(strings.ToLower(g.fullPath), search) || strings.Contains(strings.ToLower(g.name), search)) {
			gs = append(gs, g)
		}
	}
	sort.Slice(gs, func(a, b int) bool {
		if gs[a].name != gs[b].name {
			return gs[a].name < gs[b].name
		}
		return gs[a].id < gs[b].id
	})
	start, end := c.paginate(len(gs), page, perPage, false)
	out := make([]groupEntity, 0, end-start)
	for _, g := range gs[start:end] {
		out = append(out, c.groupOf(g))
	}
	c.json(200, out)
}

// POST /groups
func (c *ctx) createGroup() {
	v := &validator{p: c.p}
	v.required("name")
	name, _, _, err := c.p.str("name")
	v.add(err)
	v.required("path")
	path, _, _, err := c.p.str("path")
	v.add(err)
	parentID, parentSet, _, err := c.p.integer("parent_id")
	v.add(err)
	visibility, _ := v.enum("visibility", visibilities)
	if v.failed() {
		c.errorf(400, v.message())
		return
	}
	var parent *namespace
	if parentSet && parentID != 0 {
		parent = c.findGroup(strconv.FormatInt(parentID, 10))
		if parent == nil {
			return
		}
		if !c.user.admin && c.acc.group(parent) < accessMaintainer {
			c.forbidden("")
			return
		}
	}
	if !validPath(path) {
		c.message(400, map[string][]string{"path": {pathMessage}})
		return
	}
	full := path
	if parent != nil {
		full = parent.fullPath + "/" + path
	}
	if c.st.nsByPath[strings.ToLower(full)] != nil {
		c.message(400, map[string][]string{"path": {"has already been taken"}})
		return
	}
	g := c.st.createGroup(name, path, parent, c.user)
	if visibility != "" {
		g.visibility = visibility
	}
	if d := c.p.strOr("description", ""); d != "" {
		g.description = d
	}
	c.json(201, c.groupOf(g))
}

// GET /groups/:id
func (c *ctx) getGroup() {
	if g := c.findGroup(c.vars["id"]); g != nil {
		c.json(200, c.groupDetailOf(g))
	}
}

// DELETE /groups/:id
func (c *ctx) deleteGroup() {
	g := c.groupWithAccess(accessOwner)
	if g == nil {
		return
	}
	c.st.removeGroup(g)
	c.message(202, "202 Accepted")
}

// ---- projects --------------------------------------------------------------

// GET /projects
func (c *ctx) listProjects() {
	v := &validator{p: c.p}
	page, perPage := v.pagination()
	orderBy, _ := v.enum("order_by", []string{"id", "name", "path", "created_at", "updated_at", "last_activity_at"})
	sortDir, _ := v.enum("sort", []string{"asc", "desc"})
	if v.failed() {
		c.errorf(400, v.message())
		return
	}
	search := strings.ToLower(c.p.strOr("search", ""))
	var ps []*project
	for _, p := range c.st.projects {
		if c.st.projectVisible(c.user, p) &&
			(search == "" || strings.Contains(strings.ToLower(p.name), search) || strings.Contains(strings.ToLower(p.path), search)) {
			ps = append(ps, p)
		}
	}
	// GitLab's default is created_at desc, which is id desc here.
	asc := sortDir == "asc"
	sort.Slice(ps, func(a, b int) bool {
		x, y := ps[a], ps[b]
		if orderBy == "name" && x.name != y.name {
			return (x.name < y.name) == asc
		}
		if orderBy == "path" && x.path != y.path {
			return (x.path < y.path) == asc
		}
		return (x.id < y.id) == asc
	})
	start, end := c.paginate(len(ps), page, perPage, false)
	out := make([]projectEntity, 0, end-start)
	for _, p := range ps[start:end] {
		out = append(out, c.projectOf(p))
	}
	c.json(200, out)
}

// POST /projects
func (c *ctx) createProject() {
	v := &validator{p: c.p}
	name, nameSet, _, err := c.p.str("name")
	v.add(err)
	path, pathSet, _, err := c.p.str("path")
	v.add(err)
	visibility, _ := v.enum("visibility", visibilities)
	shared, sharedSet, _, err := c.p.boolean("shared_runners_enabled")
	v.add(err)
	groupRunners, groupSet, _, err := c.p.boolean("group_runners_enabled")
	v.add(err)
	if !nameSet && !pathSet {
		v.add(fmt.Errorf("name, path are missing, at least one parameter must be provided"))
	}
	if v.failed() {
		c.errorf(400, v.message())
		return
	}
	if path == "" {
		path = strings.Trim(pathSanitizer.ReplaceAllString(strings.ToLower(name), "-"), "-")
	}
	if name == "" {
		name = path
	}
	ns := c.user.ns
	if raw, ok := c.p.m["namespace_id"]; ok && raw != nil {
		var ref string
		switch x := raw.(type) {
		case string:
			ref = x
		case json.Number:
			ref = x.String()
		}
		var n *namespace
		if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
			n = c.st.namespaces[id]
		} else {
			n = c.st.nsByPath[strings.ToLower(ref)]
		}
		if n == nil || (n.kind == "group" && !c.st.groupVisible(c.user, n)) {
			c.notFound("Namespace")
			return
		}
		ns = n
	}
	if !c.user.admin {
		if (ns.kind == "user" && ns.owner != c.user) || (ns.kind == "group" && c.acc.group(ns) < accessMaintainer) {
			c.message(400, map[string][]string{"namespace": {"is not valid"}})
			return
		}
	}
	if !validPath(path) {
		c.message(400, map[string][]string{"path": {pathMessage}})
		return
	}
	taken := map[string][]string{}
	for _, p := range c.st.projects {
		if p.ns == ns {
			if strings.EqualFold(p.path, path) {
				taken["path"] = []string{"has already been taken"}
			}
			if strings.EqualFold(p.name, name) {
				taken["name"] = []string{"has already been taken"}
			}
		}
	}
	if c.st.nsByPath[strings.ToLower(ns.fullPath+"/"+path)] != nil {
		taken["path"] = []string{"has already been taken"}
	}
	if len(taken) > 0 {
		c.message(400, taken)
		return
	}
	p := c.st.createProject(name, path, ns, c.user)
	if visibility != "" {
		p.visibility = visibility
	}
	if sharedSet {
		p.sharedRunners = shared
	}
	if groupSet {
		p.groupRunners = groupRunners
	}
	p.description = c.p.strOr("description", "")
	c.json(201, c.projectOf(p))
}

// GET /projects/:id
func (c *ctx) getProject() {
	if p := c.findProject(c.vars["id"]); p != nil {
		c.json(200, c.projectDetailOf(p))
	}
}

// PUT /projects/:id
func (c *ctx) editProject() {
	p := c.findProject(c.vars["id"])
	if p == nil {
		return
	}
	v := &validator{p: c.p}
	shared, sharedSet, sharedNull, err := c.p.boolean("shared_runners_enabled")
	v.add(err)
	groupRunners, groupSet, groupNull, err := c.p.boolean("group_runners_enabled")
	v.add(err)
	visibility, _ := v.enum("visibility", visibilities)
	if v.failed() {
		c.errorf(400, v.message())
		return
	}
	if !c.user.admin && c.acc.project(p) < accessMaintainer {
		c.forbidden("")
		return
	}
	if sharedSet && !sharedNull {
		p.sharedRunners = shared
	}
	if groupSet && !groupNull {
		p.groupRunners = groupRunners
	}
	if visibility != "" {
		p.visibility = visibility
	}
	if d, present, _, _ := c.p.str("description"); present {
		p.description = d
	}
	c.json(200, c.projectOf(p))
}

// DELETE /projects/:id
func (c *ctx) deleteProject() {
	p := c.projectWithAccess(accessOwner)
	if p == nil {
		return
	}
	c.st.removeProject(p)
	c.message(202, "202 Accepted")
}

// ---- members -----------------------------------------------------------------

// parseMember validates user_id / access_level and resolves the user.
func (c *ctx) parseMember(callerLevel int) (*user, int, bool) {
	v := &validator{p: c.p}
	v.required("user_id")
	v.required("access_level")
	level, present, _, err := c.p.integer("access_level")
	v.add(err)
	if err == nil && present {
		ok := false
		for _, l := range memberLevels {
			if l == level {
				ok = true
			}
		}
		if !ok {
			v.add(fmt.Errorf("access_level does not have a valid value"))
		}
	}
	if v.failed() {
		c.errorf(400, v.message())
		return nil, 0, false
	}
	var u *user
	ref := c.p.strOr("user_id", "")
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		u = c.st.users[id]
	} else {
		u = c.st.userByName[strings.ToLower(ref)]
	}
	if u == nil {
		c.notFound("User")
		return nil, 0, false
	}
	if !c.user.admin && (callerLevel < accessMaintainer || (level == accessOwner && callerLevel < accessOwner)) {
		c.forbidden("")
		return nil, 0, false
	}
	return u, int(level), true
}

func (c *ctx) memberOf(u *user, level int, since time.Time) memberEntity {
	return memberEntity{userBasic: *c.userBasicOf(u), AccessLevel: level, CreatedAt: jsTime(since)}
}

// POST /projects/:id/members
func (c *ctx) addProjectMember() {
	p := c.findProject(c.vars["id"])
	if p == nil {
		return
	}
	c.addMember(c.acc.project(p), p.members, p.memberSince)
}

// POST /groups/:id/members
func (c *ctx) addGroupMember() {
	g := c.findGroup(c.vars["id"])
	if g == nil {
		return
	}
	c.addMember(c.acc.group(g), g.members, g.memberSince)
}

// addMember adds the requested member to a project's or group's
// memberships; callerLevel is the caller's access level there.
func (c *ctx) addMember(callerLevel int, members map[int64]int, since map[int64]time.Time) {
	u, level, ok := c.parseMember(callerLevel)
	if !ok {
		return
	}
	if _, exists := members[u.id]; exists {
		c.message(409, "Member already exists")
		return
	}
	members[u.id] = level
	since[u.id] = c.now
	c.json(201, c.memberOf(u, level, c.now))
}
