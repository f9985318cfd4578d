package gitlabsim

// One runner by id: GET, PUT and DELETE /runners/:id, GET
// /runners/:id/managers, DELETE /runners by authentication token, and the
// runner attributes and model validations shared with creation
// (lib/api/ci/runners.rb, lib/api/ci/runner.rb, app/models/ci/runner.rb).

import (
	"bytes"
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
	nulls           nullAttrs
}

// nullAttrs records explicit JSON nulls that PUT /runners/:id hands to the
// model (declared_params(include_missing: false) keeps them).
type nullAttrs struct {
	active, locked, runUntagged, accessLevel bool
}

// blank is ActiveSupport's blank? for a string: empty or whitespace only.
func blank(s string) bool { return strings.TrimSpace(s) == "" }

// parseRunnerAttrs validates the runner attribute params shared by PUT
// /runners/:id, POST /user/runners and POST /runners, in Grape's declared
// order. withActive also reads the deprecated active flag. With create, the
// values are filtered like attributes_for_keys (lib/api/helpers.rb) does on
// the create endpoints: nil and blank values (present? false) are dropped,
// false is kept. Without it (PUT), values are kept as given, nulls included.
func (c *ctx) parseRunnerAttrs(v *validator, withActive, create bool) runnerAttrs {
	var a runnerAttrs
	p := c.p
	if s, present, null, err := p.str("description"); err != nil {
		v.add(err)
	} else if present && (!create || (!null && !blank(s))) {
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
		} else if present && !create {
			a.nulls.active = true
		}
	}
	if b, present, null, err := p.boolean("paused"); err != nil {
		v.add(err)
	} else if present && !null {
		a.paused = &b
	} else if present && !create {
		// lib/api/ci/runners.rb: params[:active] = !params.delete(:paused)
		// if params.include?(:paused); !nil is true, so null un-pauses.
		f := false
		a.paused = &f
	}
	if t, present, _, err := p.tags("tag_list"); err != nil {
		v.add(err)
	} else if present && (!create || len(t) > 0) {
		a.tags, a.tagsSet = t, true
	}
	if b, present, null, err := p.boolean("run_untagged"); err != nil {
		v.add(err)
	} else if present && !null {
		a.runUntagged = &b
	} else if present && !create {
		a.nulls.runUntagged = true
	}
	if b, present, null, err := p.boolean("locked"); err != nil {
		v.add(err)
	} else if present && !null {
		a.locked = &b
	} else if present && !create {
		a.nulls.locked = true
	}
	a.accessLevel, _ = v.enum("access_level", accessLevels)
	if _, present, null, _ := p.str("access_level"); present && null && !create {
		a.nulls.accessLevel = true
	}
	if n, present, null, err := p.integer("maximum_timeout"); err != nil {
		v.add(err)
	} else if present && (!create || !null) {
		a.maxTimeoutSet = true
		if !null {
			a.maxTimeout = &n
		}
	}
	if s, present, null, err := p.str("maintenance_note"); err != nil {
		v.add(err)
	} else if present && (!create || (!null && !blank(s))) {
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

// validateRunner runs Ci::Runner's model validations in their declaration
// order in app/models/ci/runner.rb (tag_constraints, name, description,
// access_level, maximum_timeout, then maintenance_note), which is the order
// of the error messages. nulls are explicit nulls from a PUT: a nil
// run_untagged is falsy for tag_constraints and a nil access_level is blank.
func validateRunner(r *runner, nulls nullAttrs) []fieldError {
	var errs []fieldError
	if (!r.runUntagged || nulls.runUntagged) && len(r.tags) == 0 {
		errs = append(errs, fieldError{"tags_list", "can not be empty when runner is not allowed to pick untagged jobs"})
	}
	if len(r.tags) > maxTags {
		errs = append(errs, fieldError{"tags_list", fmt.Sprintf("Too many tags specified. Please limit the number of tags to %d", maxTags)})
	}
	if r.name != nil && len([]rune(*r.name)) > maxNameLength {
		errs = append(errs, fieldError{"name", fmt.Sprintf("is too long (maximum is %d characters)", maxNameLength)})
	}
	if r.description != nil && len([]rune(*r.description)) > maxTextLength {
		errs = append(errs, fieldError{"description", "is too long (maximum is 1024 characters)"})
	}
	if nulls.accessLevel {
		errs = append(errs, fieldError{"access_level", "can't be blank"})
	}
	if r.maxTimeout != nil && *r.maxTimeout < minTimeout {
		errs = append(errs, fieldError{"maximum_timeout", "needs to be at least 10 minutes"})
	}
	if r.maintenanceNote != nil && len([]rune(*r.maintenanceNote)) > maxTextLength {
		errs = append(errs, fieldError{"maintenance_note", "is too long (maximum is 1024 characters)"})
	}
	return errs
}

// saveFails reports what the database refuses once the model is valid:
// NOT NULL columns set to null (db/structure.sql ci_runners: active, locked,
// run_untagged) and a maximum_timeout outside the int4 column
// (ActiveModel::RangeError). GitLab answers both with lib/api/api.rb's
// rescue_from :all, a 500.
func saveFails(r *runner, nulls nullAttrs) bool {
	if nulls.active || nulls.locked || nulls.runUntagged {
		return true
	}
	return r.maxTimeout != nil && (*r.maxTimeout > maxInt4 || *r.maxTimeout < minInt4)
}

// errorHash is ActiveModel::Errors#messages, rendered by
// render_validation_error!: attributes in the order their first error was
// added (a Ruby hash keeps insertion order).
func errorHash(errs []fieldError) orderedErrors { return orderedErrors(errs) }

type orderedErrors []fieldError

func (o orderedErrors) MarshalJSON() ([]byte, error) {
	var keys []string
	byKey := map[string][]string{}
	for _, e := range o {
		if _, ok := byKey[e.field]; !ok {
			keys = append(keys, e.field)
		}
		byKey[e.field] = append(byKey[e.field], e.msg)
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, _ := marshalJSON(k)
		vb, err := marshalJSON(byKey[k])
		if err != nil {
			return nil, err
		}
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

var humanAttr = map[string]string{
	"description": "Description", "tags_list": "Tags list", "maintenance_note": "Maintenance note",
	"maximum_timeout": "Maximum timeout", "access_level": "Access level", "name": "Name",
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
	a := c.parseRunnerAttrs(v, true, false)
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
	if errs := validateRunner(&next, a.nulls); len(errs) > 0 {
		c.message(400, errorHash(errs))
		return
	}
	if saveFails(&next, a.nulls) {
		c.message(500, "500 Internal Server Error")
		return
	}
	next.updatedAt = c.now
	*r = next
	// put ':id' presents RunnerDetails without the include_projects option,
	// so the projects key (exposed only if options[:include_projects]) is
	// absent from the response (lib/api/ci/runners.rb,
	// lib/api/entities/ci/runner_details.rb).
	c.json(200, c.runnerDetailsOf(r, false))
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
