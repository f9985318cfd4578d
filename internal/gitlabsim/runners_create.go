package gitlabsim

// Creating runners: POST /user/runners (lib/api/user_runners.rb), POST
// /runners with a registration token and POST /runners/verify
// (lib/api/ci/runner.rb).

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

type registrationResult struct {
	ID             int64   `json:"id"`
	Token          string  `json:"token"`
	TokenExpiresAt *jsTime `json:"token_expires_at"`
}

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
	a.dropBlank() // lib/api/user_runners.rb attributes_for_keys
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
	a.dropBlank() // lib/api/ci/runner.rb attributes_for_keys
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
