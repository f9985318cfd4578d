package gitlabsim

// One runner by id: GET, PUT and DELETE /runners/:id, GET
// /runners/:id/managers, DELETE /runners by authentication token, and the
// runner attributes and model validations shared with creation
// (lib/api/ci/runners.rb, lib/api/ci/runner.rb, app/models/ci/runner.rb).

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

var (
	runnerTypes  = []string{typeInstance, typeGroup, typeProject}
	accessLevels = []string{"not_protected", "ref_protected"}
)

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
	if r := c.permittedRunner("id", c.acc.canRead); r != nil {
		c.json(200, c.runnerDetailsOf(r, include))
	}
}

// GET /runners/:id/managers
func (c *ctx) listRunnerManagers() {
	r := c.permittedRunner("id", c.acc.canRead)
	if r == nil {
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

// dropBlank forgets blank strings, as the create endpoints do: they pass
// only present values on (lib/api/helpers.rb attributes_for_keys keeps a key
// when `value.present?`, and "" or whitespace is not present). PUT stores
// what it is given.
func (a *runnerAttrs) dropBlank() {
	if a.description != nil && strings.TrimSpace(*a.description) == "" {
		a.description, a.descriptionSet = nil, false
	}
	if a.maintenanceNote != nil && strings.TrimSpace(*a.maintenanceNote) == "" {
		a.maintenanceNote, a.noteSet = nil, false
	}
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
	r := c.permittedRunner("id", c.acc.canUpdate)
	if r == nil {
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
