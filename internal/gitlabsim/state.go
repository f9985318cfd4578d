package gitlabsim

import (
	"crypto/rand"
	"encoding/base64"
	"sort"
	"strings"
	"time"
)

const (
	typeInstance = "instance_type"
	typeGroup    = "group_type"
	typeProject  = "project_type"

	onlineWindow = 2 * time.Hour
	staleWindow  = 7 * 24 * time.Hour

	maxTags       = 50
	maxTextLength = 1024
	maxNameLength = 256
	minTimeout    = 600
	// maximum_timeout is an int4 column (db/structure.sql ci_runners).
	maxInt4 = 1<<31 - 1
	minInt4 = -1 << 31

	// Token prefixes. GitLab 18 inserts a partition prefix ("t1_" instance,
	// "t2_" group, "t3_" project) into tokens of runners created with
	// POST /user/runners; runners registered with a registration token keep
	// the "glrtr-" prefix.
	prefixCreated    = "glrt-"
	prefixRegistered = "glrtr-"
	prefixRegToken   = "GR1348941"
	prefixPAT        = "glpat-"
)

type user struct {
	id        int64
	username  string
	name      string
	email     string
	admin     bool
	state     string
	createdAt time.Time
	ns        *namespace // personal namespace
}

type pat struct {
	id        int64
	user      *user
	name      string
	token     string
	scopes    []string
	expiresAt *time.Time // a date (midnight UTC); the token is expired from that instant on
	createdAt time.Time
	revoked   bool
}

type namespace struct {
	id          int64
	kind        string // "group" | "user"
	name        string
	path        string
	description string
	visibility  string
	parent      *namespace
	owner       *user // for user namespaces
	members     map[int64]int
	memberSince map[int64]time.Time
	createdAt   time.Time
	regToken    string
	fullPath    string
	fullName    string
	deleted     bool
}

type project struct {
	id            int64
	name          string
	path          string
	description   string
	visibility    string
	ns            *namespace
	members       map[int64]int
	memberSince   map[int64]time.Time
	sharedRunners bool
	groupRunners  bool
	createdAt     time.Time
	creatorID     int64
	regToken      string
	fullPath      string
	fullName      string
	deleted       bool
}

type manager struct {
	id           int64
	systemID     string
	version      *string
	revision     *string
	platform     *string
	architecture *string
	ipAddress    *string
	createdAt    time.Time
	contactedAt  *time.Time
}

type job struct {
	id         int64
	runner     *runner
	project    *project
	status     string
	stage      string
	name       string
	ref        string
	systemID   string
	createdAt  time.Time
	startedAt  *time.Time
	finishedAt *time.Time
	duration   *float64
	pipelineID int64
	userID     int64
	sha        string
	// failureReason is set for failed jobs only.
	failureReason string
}

type runner struct {
	id              int64
	typ             string
	group           *namespace
	projects        []*project             // first one is the owner project
	assignedAt      map[*project]time.Time // ci_runner_projects rows added after creation
	description     *string
	name            *string
	tags            []string
	paused          bool
	locked          bool
	runUntagged     bool
	accessLevel     string
	maxTimeout      *int64
	maintenanceNote *string
	createdAt       time.Time
	updatedAt       time.Time
	contactedAt     *time.Time
	creatorID       int64
	registered      bool // created with a registration token
	token           string
	tokenExpiresAt  *time.Time
	managers        []*manager
	jobs            []*job // ascending id
	running         int    // number of jobs in status running
}

type state struct {
	sim *Sim

	regEnabled bool
	tokenExp   time.Duration

	seqUser, seqPAT, seqNS, seqProject, seqRunner, seqManager, seqJob, seqPipeline int64

	users      map[int64]*user
	userByName map[string]*user
	pats       map[string]*pat

	namespaces map[int64]*namespace
	nsByPath   map[string]*namespace // lower-cased full path
	projects   map[int64]*project
	projByPath map[string]*project // lower-cased full path

	runners       []*runner // sorted by id ascending
	runnerByID    map[int64]*runner
	runnerByToken map[string]*runner
	jobByID       map[int64]*job

	instanceRegToken string
	regTokens        map[string]any // registration token -> *namespace | *project
}

func newState(s *Sim) *state {
	return &state{
		sim:           s,
		users:         map[int64]*user{},
		userByName:    map[string]*user{},
		pats:          map[string]*pat{},
		namespaces:    map[int64]*namespace{},
		nsByPath:      map[string]*namespace{},
		projects:      map[int64]*project{},
		projByPath:    map[string]*project{},
		runnerByID:    map[int64]*runner{},
		runnerByToken: map[string]*runner{},
		jobByID:       map[int64]*job{},
		regTokens:     map[string]any{},
	}
}

func (st *state) now() time.Time { return st.sim.Now() }

func (st *state) bootstrap(adminToken string) {
	root := st.createUser("root", "Administrator", "admin@example.com", true)
	st.seqPAT++
	st.pats[adminToken] = &pat{id: st.seqPAT, user: root, name: "simulator-admin", token: adminToken,
		scopes: []string{"api"}, createdAt: st.now()}
	st.instanceRegToken = randToken(prefixRegToken)
}

// randChars returns n URL-safe characters.
func randChars(n int) string {
	b := make([]byte, (n*6+7)/8+1)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}

func randToken(prefix string) string { return prefix + randChars(20) }

func (st *state) createUser(username, name, email string, admin bool) *user {
	st.seqUser++
	u := &user{id: st.seqUser, username: username, name: name, email: email, admin: admin, state: "active", createdAt: st.now()}
	st.seqNS++
	ns := &namespace{id: st.seqNS, kind: "user", name: name, path: username, owner: u, visibility: "private",
		members: map[int64]int{}, memberSince: map[int64]time.Time{}, createdAt: u.createdAt,
		fullPath: username, fullName: name}
	u.ns = ns
	st.users[u.id] = u
	st.userByName[strings.ToLower(username)] = u
	st.namespaces[ns.id] = ns
	st.nsByPath[strings.ToLower(ns.fullPath)] = ns
	return u
}

func (st *state) createGroup(name, path string, parent *namespace, creator *user) *namespace {
	st.seqNS++
	g := &namespace{id: st.seqNS, kind: "group", name: name, path: path, parent: parent, visibility: "private",
		members: map[int64]int{}, memberSince: map[int64]time.Time{}, createdAt: st.now(),
		regToken: randToken(prefixRegToken)}
	if parent != nil {
		g.fullPath = parent.fullPath + "/" + path
		g.fullName = parent.fullName + " / " + name
	} else {
		g.fullPath = path
		g.fullName = name
	}
	if creator != nil {
		g.members[creator.id] = accessOwner
		g.memberSince[creator.id] = g.createdAt
	}
	st.namespaces[g.id] = g
	st.nsByPath[strings.ToLower(g.fullPath)] = g
	st.regTokens[g.regToken] = g
	return g
}

func (st *state) createProject(name, path string, ns *namespace, creator *user) *project {
	st.seqProject++
	p := &project{id: st.seqProject, name: name, path: path, ns: ns, visibility: "private",
		members: map[int64]int{}, memberSince: map[int64]time.Time{}, sharedRunners: true, groupRunners: true,
		createdAt: st.now(), regToken: randToken(prefixRegToken),
		fullPath: ns.fullPath + "/" + path, fullName: ns.fullName + " / " + name}
	if creator != nil {
		// Group projects get no direct membership for their creator: access is
		// inherited from the group, as in Projects::CreateService.
		p.creatorID = creator.id
	}
	st.projects[p.id] = p
	st.projByPath[strings.ToLower(p.fullPath)] = p
	st.regTokens[p.regToken] = p
	return p
}

func isAncestor(anc, ns *namespace) bool {
	for n := ns; n != nil; n = n.parent {
		if n == anc {
			return true
		}
	}
	return false
}

// ---- runners -------------------------------------------------------------

func (st *state) addRunner(r *runner) {
	st.seqRunner++
	r.id = st.seqRunner
	// ids are monotonic, so appending keeps st.runners sorted.
	st.runners = append(st.runners, r)
	st.runnerByID[r.id] = r
	if r.token != "" {
		st.runnerByToken[r.token] = r
	}
}

func (st *state) deleteRunner(r *runner) {
	i := sort.Search(len(st.runners), func(i int) bool { return st.runners[i].id >= r.id })
	if i < len(st.runners) && st.runners[i] == r {
		st.runners = append(st.runners[:i], st.runners[i+1:]...)
	}
	delete(st.runnerByID, r.id)
	if r.token != "" && st.runnerByToken[r.token] == r {
		delete(st.runnerByToken, r.token)
	}
	for _, j := range r.jobs {
		delete(st.jobByID, j.id)
	}
}

func (st *state) tokenPrefixFor(typ string, registered bool) string {
	if registered {
		return prefixRegistered
	}
	switch typ {
	case typeInstance:
		return prefixCreated + "t1_"
	case typeGroup:
		return prefixCreated + "t2_"
	default:
		return prefixCreated + "t3_"
	}
}

// issueToken gives the runner a new authentication token; the previous one
// stops working at once.
func (st *state) issueToken(r *runner) {
	if r.token != "" {
		delete(st.runnerByToken, r.token)
	}
	r.token = randToken(st.tokenPrefixFor(r.typ, r.registered))
	st.runnerByToken[r.token] = r
	if st.tokenExp > 0 {
		t := st.now().Add(st.tokenExp)
		r.tokenExpiresAt = &t
	} else {
		r.tokenExpiresAt = nil
	}
}

// runnerForToken resolves a runner authentication token; expired tokens are
// treated as unknown, as GitLab does.
func (st *state) runnerForToken(tok string) *runner {
	r := st.runnerByToken[tok]
	if r == nil {
		return nil
	}
	if r.tokenExpiresAt != nil && !st.now().Before(*r.tokenExpiresAt) {
		return nil
	}
	return r
}

func maxTime(a time.Time, b *time.Time) time.Time {
	if b != nil && b.After(a) {
		return *b
	}
	return a
}

func (st *state) isStale(created time.Time, contacted *time.Time, now time.Time) bool {
	return !maxTime(created, contacted).After(now.Add(-staleWindow))
}

func isOnline(contacted *time.Time, now time.Time) bool {
	return contacted != nil && contacted.After(now.Add(-onlineWindow))
}

// restStatus is Ci::Runner#deprecated_rest_status, the value of the REST
// "status" field.
func (st *state) restStatus(r *runner, now time.Time) string {
	switch {
	case st.isStale(r.createdAt, r.contactedAt, now):
		return "stale"
	case r.contactedAt == nil:
		return "never_contacted"
	case r.paused:
		return "paused"
	case isOnline(r.contactedAt, now):
		return "online"
	default:
		return "offline"
	}
}

func (st *state) managerStatus(m *manager, now time.Time) string {
	switch {
	case st.isStale(m.createdAt, m.contactedAt, now):
		return "stale"
	case m.contactedAt == nil:
		return "never_contacted"
	case isOnline(m.contactedAt, now):
		return "online"
	default:
		return "offline"
	}
}

func (r *runner) latestManager() *manager {
	var best *manager
	for _, m := range r.managers {
		if m.contactedAt == nil {
			if best == nil {
				best = m
			}
			continue
		}
		if best == nil || best.contactedAt == nil || m.contactedAt.After(*best.contactedAt) ||
			(m.contactedAt.Equal(*best.contactedAt) && m.id > best.id) {
			best = m
		}
	}
	return best
}

func (r *runner) ownerProject() *project {
	if len(r.projects) == 0 {
		return nil
	}
	return r.projects[0]
}

// unassign removes p from the runner's projects, keeping the order (so the
// owner project stays first unless it is p). It copies, never aliasing the
// old slice.
func (r *runner) unassign(p *project) {
	kept := r.projects[:0:0]
	for _, x := range r.projects {
		if x != p {
			kept = append(kept, x)
		}
	}
	r.projects = kept
	delete(r.assignedAt, p)
}

// assign adds p to the runner's projects at t.
func (r *runner) assign(p *project, t time.Time) {
	if r.assignedAt == nil {
		r.assignedAt = map[*project]time.Time{}
	}
	r.assignedAt[p] = t
	r.projects = append(r.projects[:len(r.projects):len(r.projects)], p)
}

// assignmentTime is when the runner's ci_runner_projects row for p was
// last written: its assignment, or the runner's creation for the owner
// project.
func (r *runner) assignmentTime(p *project) time.Time {
	if t, ok := r.assignedAt[p]; ok {
		return t
	}
	return r.createdAt
}

func (r *runner) hasProject(p *project) bool {
	for _, x := range r.projects {
		if x == p {
			return true
		}
	}
	return false
}

// normalizeTags strips, drops blanks and duplicates, and sorts: GitLab
// returns tags in its own order, never the input order.
func normalizeTags(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, t := range in {
		for _, part := range strings.Split(t, ",") {
			part = strings.TrimSpace(part)
			if part == "" || seen[part] {
				continue
			}
			seen[part] = true
			out = append(out, part)
		}
	}
	sort.Strings(out)
	return out
}

func (r *runner) hasAllTags(tags []string) bool {
	for _, t := range tags {
		found := false
		for _, x := range r.tags {
			if x == t {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// ---- deletion cascades ----------------------------------------------------

// removeProject deletes a project. Like GitLab, project runners move their
// ownership to the oldest remaining association and are deleted when no
// project is left.
func (st *state) removeProject(p *project) {
	p.deleted = true
	delete(st.projects, p.id)
	delete(st.projByPath, strings.ToLower(p.fullPath))
	delete(st.regTokens, p.regToken)
	var doomed []*runner
	for _, r := range st.runners {
		if r.typ != typeProject || !r.hasProject(p) {
			continue
		}
		r.unassign(p)
		if len(r.projects) == 0 {
			doomed = append(doomed, r)
		}
	}
	for _, r := range doomed {
		st.deleteRunner(r)
	}
}

// removeGroup deletes a group with its subgroups, projects and group runners.
func (st *state) removeGroup(g *namespace) {
	var subgroups []*namespace
	for _, n := range st.namespaces {
		if n.kind == "group" && isAncestor(g, n) {
			subgroups = append(subgroups, n)
		}
	}
	for _, p := range st.projects {
		if isAncestor(g, p.ns) {
			st.removeProject(p)
		}
	}
	var doomed []*runner
	for _, r := range st.runners {
		if r.typ == typeGroup && isAncestor(g, r.group) {
			doomed = append(doomed, r)
		}
	}
	for _, r := range doomed {
		st.deleteRunner(r)
	}
	for _, n := range subgroups {
		n.deleted = true
		delete(st.namespaces, n.id)
		delete(st.nsByPath, strings.ToLower(n.fullPath))
		delete(st.regTokens, n.regToken)
	}
}

func (st *state) removeUser(u *user) {
	for _, p := range st.projects {
		if p.ns == u.ns {
			st.removeProject(p)
		}
		delete(p.members, u.id)
	}
	for _, n := range st.namespaces {
		delete(n.members, u.id)
	}
	for tok, t := range st.pats {
		if t.user == u {
			delete(st.pats, tok)
		}
	}
	delete(st.namespaces, u.ns.id)
	delete(st.nsByPath, strings.ToLower(u.ns.fullPath))
	delete(st.users, u.id)
	delete(st.userByName, strings.ToLower(u.username))
	// Runners keep existing with their creator gone (created_by becomes null).
}
