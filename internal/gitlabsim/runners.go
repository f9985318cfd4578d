package gitlabsim

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	runnerTypes    = []string{typeInstance, typeGroup, typeProject}
	accessLevels   = []string{"not_protected", "ref_protected"}
	runnerStatuses = []string{"active", "paused", "online", "offline", "never_contacted", "stale"}
	// Ci::Runner::AVAILABLE_SCOPES: legacy types, types and statuses.
	runnerScopes = []string{"specific", "shared", typeInstance, typeGroup, typeProject,
		"active", "paused", "online", "offline", "never_contacted", "stale"}
	versionPrefixRe = regexp.MustCompile(`(?m)^[\d+.]+`)
)

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ---- lookups ---------------------------------------------------------------

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

// ---- list filters ------------------------------------------------------------

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
	if b, present, null, err := c.p.boolean("paused"); err != nil {
		v.add(err)
	} else if present && !null {
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
	start, end := c.paginate(len(hits), f.page, f.perPage)
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
	p := c.findProject(c.vars["id"])
	if p == nil {
		return
	}
	if !c.user.admin && c.acc.project(p) < accessMaintainer {
		c.forbidden("")
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
	g := c.findGroup(c.vars["id"])
	if g == nil {
		return
	}
	if !c.user.admin && c.acc.group(g) < accessMaintainer {
		c.forbidden("")
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

// ---- single runner -----------------------------------------------------------

// GET /runners/:id
func (c *ctx) getRunner() {
	if _, ok := c.intVar("id"); !ok {
		return
	}
	include := true
	if b, present, null, err := c.p.boolean("include_projects"); err != nil {
		c.errorf(400, err.Error())
		return
	} else if present && !null {
		include = b
	}
	r := c.runnerVar("id")
	if r == nil {
		return
	}
	if !c.acc.canRead(r) {
		c.forbidden("No access granted")
		return
	}
	c.json(200, c.runnerDetailsOf(r, include))
}

// GET /runners/:id/managers
func (c *ctx) listRunnerManagers() {
	r := c.runnerVar("id")
	if r == nil {
		return
	}
	if !c.acc.canRead(r) {
		c.forbidden("No access granted")
		return
	}
	out := make([]managerEntity, 0, len(r.managers))
	for _, m := range r.managers {
		out = append(out, c.managerOf(r, m))
	}
	c.json(200, out)
}

// runnerAttrs is the set of writable runner attributes parsed from a request.
type runnerAttrs struct {
	description     *string
	descriptionSet  bool
	paused          *bool
	tags            []string
	tagsSet         bool
	runUntagged     *bool
	locked          *bool
	accessLevel     string
	maxTimeout      *int64
	maxTimeoutSet   bool
	maintenanceNote *string
	noteSet         bool
}

// parseRunnerAttrs validates the runner attribute params shared by PUT
// /runners/:id, POST /user/runners and POST /runners, in Grape's declared
// order. withActive also reads the deprecated active flag.
func (c *ctx) parseRunnerAttrs(v *validator, withActive bool) runnerAttrs {
	var a runnerAttrs
	p := c.p
	if s, present, null, err := p.str("description"); err != nil {
		v.add(err)
	} else if present {
		a.descriptionSet = true
		if !null {
			a.description = strp(s)
		}
	}
	if withActive {
		if b, present, null, err := p.boolean("active"); err != nil {
			v.add(err)
		} else if present && !null {
			paused := !b
			a.paused = &paused
		}
	}
	if b, present, null, err := p.boolean("paused"); err != nil {
		v.add(err)
	} else if present && !null {
		a.paused = &b
	}
	if t, present, _, err := p.tags("tag_list"); err != nil {
		v.add(err)
	} else if present {
		a.tags, a.tagsSet = t, true
	}
	if b, present, null, err := p.boolean("run_untagged"); err != nil {
		v.add(err)
	} else if present && !null {
		a.runUntagged = &b
	}
	if b, present, null, err := p.boolean("locked"); err != nil {
		v.add(err)
	} else if present && !null {
		a.locked = &b
	}
	a.accessLevel, _ = v.enum("access_level", accessLevels)
	if n, present, null, err := p.integer("maximum_timeout"); err != nil {
		v.add(err)
	} else if present {
		a.maxTimeoutSet = true
		if !null {
			a.maxTimeout = &n
		}
	}
	if s, present, null, err := p.str("maintenance_note"); err != nil {
		v.add(err)
	} else if present {
		a.noteSet = true
		if !null {
			a.maintenanceNote = strp(s)
		}
	}
	return a
}

// apply copies the parsed attributes onto a (copy of a) runner.
func (a *runnerAttrs) apply(r *runner) {
	if a.descriptionSet {
		r.description = a.description
	}
	if a.paused != nil {
		r.paused = *a.paused
	}
	if a.tagsSet {
		r.tags = a.tags
	}
	if a.runUntagged != nil {
		r.runUntagged = *a.runUntagged
	}
	if a.locked != nil {
		r.locked = *a.locked
	}
	if a.accessLevel != "" {
		r.accessLevel = a.accessLevel
	}
	if a.maxTimeoutSet {
		r.maxTimeout = a.maxTimeout
	}
	if a.noteSet {
		r.maintenanceNote = a.maintenanceNote
	}
}

type fieldError struct{ field, msg string }

// validateRunner runs Ci::Runner's model validations.
func validateRunner(r *runner) []fieldError {
	var errs []fieldError
	if r.description != nil && len([]rune(*r.description)) > maxTextLength {
		errs = append(errs, fieldError{"description", "is too long (maximum is 1024 characters)"})
	}
	if len(r.tags) > maxTags {
		errs = append(errs, fieldError{"tags_list", fmt.Sprintf("Too many tags specified. Please limit the number of tags to %d", maxTags)})
	}
	if !r.runUntagged && len(r.tags) == 0 {
		errs = append(errs, fieldError{"tags_list", "can not be empty when runner is not allowed to pick untagged jobs"})
	}
	if r.maintenanceNote != nil && len([]rune(*r.maintenanceNote)) > maxTextLength {
		errs = append(errs, fieldError{"maintenance_note", "is too long (maximum is 1024 characters)"})
	}
	if r.maxTimeout != nil && *r.maxTimeout < minTimeout {
		errs = append(errs, fieldError{"maximum_timeout", "needs to be at least 10 minutes"})
	}
	return errs
}

// errorHash is ActiveModel::Errors#messages, rendered by
// render_validation_error!.
func errorHash(errs []fieldError) map[string][]string {
	h := map[string][]string{}
	for _, e := range errs {
		h[e.field] = append(h[e.field], e.msg)
	}
	return h
}

var humanAttr = map[string]string{
	"description": "Description", "tags_list": "Tags list", "maintenance_note": "Maintenance note",
	"maximum_timeout": "Maximum timeout",
}

// toSentence renders errors.full_messages.to_sentence.
func toSentence(errs []fieldError) string {
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, humanAttr[e.field]+" "+e.msg)
	}
	switch len(msgs) {
	case 0:
		return ""
	case 1:
		return msgs[0]
	case 2:
		return msgs[0] + " and " + msgs[1]
	}
	return strings.Join(msgs[:len(msgs)-1], ", ") + ", and " + msgs[len(msgs)-1]
}

var putFields = []string{"description", "active", "paused", "tag_list", "run_untagged", "locked", "access_level", "maximum_timeout", "maintenance_note"}

// PUT /runners/:id
func (c *ctx) updateRunner() {
	v := &validator{p: c.p}
	if _, err := strconv.ParseInt(c.vars["id"], 10, 64); err != nil {
		v.add(fmt.Errorf("id is invalid"))
	}
	a := c.parseRunnerAttrs(v, true)
	any := false
	for _, k := range putFields {
		if c.p.has(k) {
			any = true
		}
	}
	if !any {
		v.add(fmt.Errorf("%s are missing, at least one parameter must be provided", strings.Join(putFields, ", ")))
	}
	if c.p.has("active") && c.p.has("paused") {
		v.add(fmt.Errorf("active, paused are mutually exclusive"))
	}
	if v.failed() {
		c.errorf(400, v.message())
		return
	}
	r := c.runnerVar("id")
	if r == nil {
		return
	}
	if !c.acc.canUpdate(r) {
		c.forbidden("No access granted")
		return
	}
	next := *r
	a.apply(&next)
	if errs := validateRunner(&next); len(errs) > 0 {
		c.message(400, errorHash(errs))
		return
	}
	next.updatedAt = c.now
	*r = next
	c.json(200, c.runnerDetailsOf(r, true))
}

// checkUnmodifiedSince implements destroy_conditionally!'s If-Unmodified-Since
// check (HTTP dates have one-second resolution, so a record updated within the
// same second as the header counts as modified, as in GitLab).
func (c *ctx) checkUnmodifiedSince(updated time.Time) bool {
	h := c.r.Header.Get("If-Unmodified-Since")
	if h == "" {
		return true
	}
	t, err := http.ParseTime(h)
	if err != nil {
		return true
	}
	if updated.After(t) {
		c.message(412, "412 Precondition Failed")
		return false
	}
	return true
}

// DELETE /runners/:id
func (c *ctx) deleteRunner() {
	r := c.runnerVar("id")
	if r == nil {
		return
	}
	if !c.user.admin {
		if len(r.projects) > 1 {
			c.forbidden("Runner associated with more than one project")
			return
		}
		if !c.acc.canUpdate(r) {
			c.forbidden("No access granted")
			return
		}
	}
	if !c.checkUnmodifiedSince(r.updatedAt) {
		return
	}
	c.st.deleteRunner(r)
	c.noContent()
}

type tokenResult struct {
	Token          string  `json:"token"`
	TokenExpiresAt *jsTime `json:"token_expires_at"`
}

type registrationResult struct {
	ID             int64   `json:"id"`
	Token          string  `json:"token"`
	TokenExpiresAt *jsTime `json:"token_expires_at"`
}

// POST /runners/:id/reset_authentication_token
func (c *ctx) resetRunnerAuthenticationToken() {
	r := c.runnerVar("id")
	if r == nil {
		return
	}
	if !c.acc.canUpdate(r) {
		c.forbidden("No access granted")
		return
	}
	c.st.issueToken(r)
	c.json(201, tokenResult{Token: r.token, TokenExpiresAt: tp(r.tokenExpiresAt)})
}

// ---- creation ------------------------------------------------------------------

// POST /user/runners
func (c *ctx) createUserRunner() {
	v := &validator{p: c.p}
	v.required("runner_type")
	typ, _ := v.enum("runner_type", runnerTypes)
	var scopeID int64
	switch typ {
	case typeGroup, typeProject:
		key := "group_id"
		if typ == typeProject {
			key = "project_id"
		}
		v.required(key)
		if n, present, null, err := c.p.integer(key); err != nil {
			v.add(err)
		} else if present && !null {
			scopeID = n
		}
	}
	a := c.parseRunnerAttrs(v, false)
	if v.failed() {
		c.errorf(400, v.message())
		return
	}
	r := &runner{typ: typ, runUntagged: true, accessLevel: "not_protected", tags: []string{},
		createdAt: c.now, updatedAt: c.now, creatorID: c.user.id}
	switch typ {
	case typeGroup:
		g := c.st.namespaces[scopeID]
		if g == nil || g.kind != "group" {
			c.badRequest("Missing/invalid group")
			return
		}
		if !c.user.admin && c.acc.group(g) < accessOwner {
			c.forbidden("Insufficient permissions")
			return
		}
		r.group = g
	case typeProject:
		p := c.st.projects[scopeID]
		if p == nil {
			c.badRequest("Missing/invalid project")
			return
		}
		if !c.user.admin && c.acc.project(p) < accessMaintainer {
			c.forbidden("Insufficient permissions")
			return
		}
		r.projects = []*project{p}
	default:
		if !c.user.admin {
			c.forbidden("Insufficient permissions")
			return
		}
	}
	a.apply(r)
	if errs := validateRunner(r); len(errs) > 0 {
		c.badRequest(toSentence(errs))
		return
	}
	c.st.addRunner(r)
	c.st.issueToken(r)
	c.json(201, registrationResult{ID: r.id, Token: r.token, TokenExpiresAt: tp(r.tokenExpiresAt)})
}

// POST /runners (registration with a registration token)
func (c *ctx) registerRunner() {
	v := &validator{p: c.p}
	v.required("token")
	token, _, _, err := c.p.str("token")
	v.add(err)
	a := c.parseRunnerAttrs(v, true)
	if _, present, null, err := c.p.str("maintainer_note"); err != nil {
		v.add(err)
	} else if present && !null && !a.noteSet {
		// The deprecated maintainer_note is used only when maintenance_note is absent.
		note, _, _, _ := c.p.str("maintainer_note")
		a.maintenanceNote, a.noteSet = strp(note), true
	}
	info, err := c.p.hash("info")
	v.add(err)
	if c.p.has("active") && c.p.has("paused") {
		v.add(fmt.Errorf("active, paused are mutually exclusive"))
	}
	if v.failed() {
		c.errorf(400, v.message())
		return
	}
	st := c.st
	r := &runner{runUntagged: true, accessLevel: "not_protected", tags: []string{}, registered: true,
		createdAt: c.now, updatedAt: c.now}
	switch {
	case token != "" && token == st.instanceRegToken:
		r.typ = typeInstance
	default:
		switch t := st.regTokens[token].(type) {
		case *project:
			r.typ, r.projects = typeProject, []*project{t}
		case *namespace:
			r.typ, r.group = typeGroup, t
		}
	}
	// With registration tokens disallowed, any non-empty token (valid or not)
	// is refused with 410, as RegisterRunnerService does.
	if !st.regEnabled && token != "" {
		c.message(410, "410 Gone - runner registration disallowed")
		return
	}
	if r.typ == "" {
		c.forbidden("invalid token supplied")
		return
	}
	a.apply(r)
	r.name = hashStr(info, "name")
	if errs := validateRunner(r); len(errs) > 0 {
		c.message(400, errorHash(errs))
		return
	}
	st.addRunner(r)
	st.issueToken(r)
	c.json(201, registrationResult{ID: r.id, Token: r.token, TokenExpiresAt: tp(r.tokenExpiresAt)})
}

// tokenRunner reads the required token param and resolves the runner; it
// answers 403 for unknown, reset or expired tokens.
func (c *ctx) tokenRunner() *runner {
	v := &validator{p: c.p}
	v.required("token")
	tok, _, _, err := c.p.str("token")
	v.add(err)
	if v.failed() {
		c.errorf(400, v.message())
		return nil
	}
	r := c.st.runnerForToken(tok)
	if r == nil {
		c.forbidden("")
	}
	return r
}

// DELETE /runners (by authentication token)
func (c *ctx) deleteRunnerByToken() {
	r := c.tokenRunner()
	if r == nil {
		return
	}
	if !c.checkUnmodifiedSince(r.updatedAt) {
		return
	}
	c.st.deleteRunner(r)
	c.noContent()
}

// legacySystemID is what GitLab records for runners that do not send a
// system_id (GitLab Runner < 15.11).
const legacySystemID = "<legacy>"

// POST /runners/verify
func (c *ctx) verifyRunner() {
	r := c.tokenRunner()
	if r == nil {
		return
	}
	sysID, present, null, err := c.p.str("system_id")
	if err != nil {
		c.errorf(400, err.Error())
		return
	}
	if !present || null || sysID == "" {
		if strings.HasPrefix(r.token, prefixCreated) {
			c.errorf(400, "system_id is missing")
			return
		}
		sysID = legacySystemID
	}
	info, err := c.p.hash("info")
	if err != nil {
		c.errorf(400, err.Error())
		return
	}
	ip := remoteIP(c.r)
	m := c.st.upsertManager(r, sysID, c.now)
	if info != nil {
		setIf(&m.version, hashStr(info, "version"))
		setIf(&m.revision, hashStr(info, "revision"))
		setIf(&m.platform, hashStr(info, "platform"))
		setIf(&m.architecture, hashStr(info, "architecture"))
		if n := hashStr(info, "name"); n != nil {
			r.name = n
		}
	}
	m.ipAddress = &ip
	c.json(200, registrationResult{ID: r.id, Token: r.token, TokenExpiresAt: tp(r.tokenExpiresAt)})
}

func setIf(dst **string, v *string) {
	if v != nil {
		*dst = v
	}
}

func remoteIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// upsertManager finds or creates the manager for systemID and marks it and
// the runner contacted at t.
func (st *state) upsertManager(r *runner, systemID string, t time.Time) *manager {
	var m *manager
	for _, x := range r.managers {
		if x.systemID == systemID {
			m = x
			break
		}
	}
	if m == nil {
		st.seqManager++
		m = &manager{id: st.seqManager, systemID: systemID, createdAt: t}
		r.managers = append(r.managers, m)
	}
	tt := t
	m.contactedAt = &tt
	if r.contactedAt == nil || r.contactedAt.Before(t) {
		r.contactedAt = &tt
	}
	return m
}

// POST /runners/reset_authentication_token (by current token)
func (c *ctx) resetRunnerAuthenticationTokenByToken() {
	r := c.tokenRunner()
	if r == nil {
		return
	}
	c.st.issueToken(r)
	c.json(201, tokenResult{Token: r.token, TokenExpiresAt: tp(r.tokenExpiresAt)})
}

type regTokenResult struct {
	Token string `json:"token"`
}

// POST /runners/reset_registration_token
func (c *ctx) resetInstanceRegistrationToken() {
	if !c.user.admin || !c.st.regEnabled {
		c.forbidden("")
		return
	}
	st := c.st
	st.instanceRegToken = randToken(prefixRegToken)
	c.json(201, regTokenResult{Token: st.instanceRegToken})
}

// POST /projects/:id/runners/reset_registration_token
func (c *ctx) resetProjectRegistrationToken() {
	p := c.findProject(c.vars["id"])
	if p == nil {
		return
	}
	if (!c.user.admin && c.acc.project(p) < accessMaintainer) || !c.st.regEnabled {
		c.forbidden("")
		return
	}
	delete(c.st.regTokens, p.regToken)
	p.regToken = randToken(prefixRegToken)
	c.st.regTokens[p.regToken] = p
	c.json(201, regTokenResult{Token: p.regToken})
}

// POST /groups/:id/runners/reset_registration_token
func (c *ctx) resetGroupRegistrationToken() {
	g := c.findGroup(c.vars["id"])
	if g == nil {
		return
	}
	if (!c.user.admin && c.acc.group(g) < accessOwner) || !c.st.regEnabled {
		c.forbidden("")
		return
	}
	delete(c.st.regTokens, g.regToken)
	g.regToken = randToken(prefixRegToken)
	c.st.regTokens[g.regToken] = g
	c.json(201, regTokenResult{Token: g.regToken})
}

// ---- project assignment ------------------------------------------------------

// POST /projects/:id/runners
func (c *ctx) assignRunnerToProject() {
	p := c.findProject(c.vars["id"])
	if p == nil {
		return
	}
	if !c.user.admin && c.acc.project(p) < accessMaintainer {
		c.forbidden("")
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
		// The text gitlab-runners-api.md specifies; some GitLab releases wrap it
		// as "Assign to ... - runner_error", so clients should match the core.
		c.message(400, "Validation failed: Runner projects runner has already been taken")
		return
	}
	r.projects = append(r.projects, p)
	r.updatedAt = c.now
	c.json(201, c.runnerOf(r))
}

// DELETE /projects/:id/runners/:runner_id
func (c *ctx) unassignRunnerFromProject() {
	p := c.findProject(c.vars["id"])
	if p == nil {
		return
	}
	if !c.user.admin && c.acc.project(p) < accessMaintainer {
		c.forbidden("")
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
	kept := r.projects[:0:0]
	for _, x := range r.projects {
		if x != p {
			kept = append(kept, x)
		}
	}
	r.projects = kept
	r.updatedAt = c.now
	c.noContent()
}
