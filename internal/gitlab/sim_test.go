package gitlab

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// simEnv is a simulator plus an admin client with millisecond retry waits.
type simEnv struct {
	t     *testing.T
	srv   *gitlabsim.Server
	admin *Client
	ctx   context.Context
}

func newSimEnv(t *testing.T, opts gitlabsim.Options) *simEnv {
	t.Helper()
	srv, err := gitlabsim.Start(opts)
	if err != nil {
		t.Fatalf("gitlabsim.Start: %v", err)
	}
	t.Cleanup(srv.Close)
	cfg := testConfig(srv.URL)
	cfg.Token = srv.AdminToken
	cfg.MaxRetryAfter = 20 * time.Millisecond
	return &simEnv{t: t, srv: srv, admin: newTestClient(t, cfg), ctx: t.Context()}
}

// res lets a test write chk(client.Call(ctx, ...)).must(t).
type res[T any] struct {
	v   T
	err error
}

func chk[T any](v T, err error) res[T] { return res[T]{v, err} }

func (x res[T]) must(t *testing.T) T {
	t.Helper()
	if x.err != nil {
		t.Fatalf("unexpected error: %v", x.err)
	}
	return x.v
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// user creates a user with a token of the given scopes and returns a client
// acting as that user.
func (e *simEnv) user(name string, scopes ...string) (*User, *Client) {
	e.t.Helper()
	if len(scopes) == 0 {
		scopes = []string{"api"}
	}
	u := chk(e.admin.CreateUser(e.ctx, CreateUserOptions{
		Username: name, Name: strings.ToUpper(name), Email: name + "@example.com", ForceRandomPassword: true, SkipConfirmation: true,
	})).must(e.t)
	pat := chk(e.admin.CreatePersonalAccessToken(e.ctx, u.ID, name+"-token", scopes, "")).must(e.t)
	if pat.Token == "" || pat.UserID != u.ID {
		e.t.Fatalf("personal access token: %+v", pat)
	}
	return u, e.admin.WithToken(pat.Token)
}

// tree builds group "top", subgroup "top/sub" and projects "top/sub/app" and
// "top/other".
func (e *simEnv) tree() (top, sub *Group, app, other *Project) {
	e.t.Helper()
	top = chk(e.admin.CreateGroup(e.ctx, CreateGroupOptions{Name: "Top", Path: "top"})).must(e.t)
	sub = chk(e.admin.CreateGroup(e.ctx, CreateGroupOptions{Name: "Sub", Path: "sub", ParentID: &top.ID})).must(e.t)
	app = chk(e.admin.CreateProject(e.ctx, CreateProjectOptions{Name: "App", Path: "app", NamespaceID: &sub.ID})).must(e.t)
	other = chk(e.admin.CreateProject(e.ctx, CreateProjectOptions{Name: "Other", Path: "other", NamespaceID: &top.ID})).must(e.t)
	return
}

func TestSimFixtures(t *testing.T) {
	e := newSimEnv(t, gitlabsim.Options{})
	me := chk(e.admin.CurrentUser(e.ctx)).must(t)
	if !me.IsAdmin || me.ID != 1 {
		t.Fatalf("admin user: %+v", me)
	}
	top, sub, app, _ := e.tree()
	if sub.FullPath != "top/sub" || sub.ParentID == nil || *sub.ParentID != top.ID {
		t.Fatalf("subgroup: %+v", sub)
	}
	if g := chk(e.admin.GetGroup(e.ctx, "top/sub")).must(t); g.ID != sub.ID {
		t.Fatalf("GetGroup by full path: %+v", g)
	}
	p := chk(e.admin.GetProject(e.ctx, "top/sub/app")).must(t)
	if p.ID != app.ID || p.PathWithNamespace != "top/sub/app" || p.Namespace == nil || p.Namespace.FullPath != "top/sub" {
		t.Fatalf("GetProject by full path: %+v", p)
	}
	f := false
	p = chk(e.admin.EditProject(e.ctx, "top/sub/app", EditProjectOptions{SharedRunnersEnabled: &f})).must(t)
	if p.SharedRunnersEnabled {
		t.Fatal("EditProject did not disable shared runners")
	}

	u, uc := e.user("alice")
	if got := chk(uc.CurrentUser(e.ctx)).must(t); got.ID != u.ID || got.IsAdmin {
		t.Fatalf("alice: %+v", got)
	}
	noErr(t, e.admin.AddProjectMember(e.ctx, "top/sub/app", u.ID, AccessMaintainer))
	noErr(t, e.admin.AddGroupMember(e.ctx, "top", u.ID, AccessOwner))
	if _, err := uc.GetProject(e.ctx, "top/sub/app"); err != nil {
		t.Fatalf("member cannot see project: %v", err)
	}
	// Owner of "top" may create a group runner there.
	if _, err := uc.CreateUserRunner(e.ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeGroup, GroupID: &top.ID}); err != nil {
		t.Fatalf("group owner creating a group runner: %v", err)
	}

	noErr(t, e.admin.DeleteProject(e.ctx, "top/sub/app"))
	if _, err := e.admin.GetProject(e.ctx, "top/sub/app"); !IsNotFound(err) {
		t.Fatalf("deleted project: %v", err)
	}
	noErr(t, e.admin.DeleteGroup(e.ctx, "top/sub"))
	if _, err := e.admin.GetGroup(e.ctx, "top/sub"); !IsNotFound(err) {
		t.Fatalf("deleted group: %v", err)
	}
	noErr(t, e.admin.DeleteUser(e.ctx, u.ID))
	if _, err := uc.CurrentUser(e.ctx); !IsUnauthorized(err) {
		t.Fatalf("deleted user's token: %v", err)
	}
}

func TestSimInstanceRunnerLifecycle(t *testing.T) {
	e := newSimEnv(t, gitlabsim.Options{})
	desc := "ci-1"
	created := chk(e.admin.CreateUserRunner(e.ctx, CreateUserRunnerOptions{
		RunnerType: RunnerTypeInstance,
		RunnerSettings: RunnerSettings{
			Description: &desc,
			TagList:     &[]string{"linux", "docker"},
		},
	})).must(t)
	if created.ID == 0 || !strings.HasPrefix(created.Token, "glrt-") || created.TokenExpiresAt != nil {
		t.Fatalf("created: %+v", created)
	}

	r := chk(e.admin.GetRunner(e.ctx, created.ID)).must(t)
	if r.Description != "ci-1" || r.RunnerType != RunnerTypeInstance || !r.IsShared || r.MaximumTimeout != nil ||
		r.ContactedAt != nil || r.Status != "never_contacted" || !r.RunUntagged || r.Locked || r.AccessLevel != AccessLevelNotProtected {
		t.Fatalf("GetRunner: %+v", r)
	}
	slices.Sort(r.TagList)
	if !slices.Equal(r.TagList, []string{"docker", "linux"}) {
		t.Fatalf("tags: %v", r.TagList)
	}

	// Set, then clear, maximum_timeout; an explicit null must reach GitLab.
	r = chk(e.admin.UpdateRunner(e.ctx, created.ID, UpdateRunnerOptions{RunnerSettings: RunnerSettings{MaximumTimeout: Some[int64](3600), Paused: new(true)}})).must(t)
	if r.MaximumTimeout == nil || *r.MaximumTimeout != 3600 || !r.Paused || r.Active {
		t.Fatalf("after update: %+v", r)
	}
	r = chk(e.admin.UpdateRunner(e.ctx, created.ID, UpdateRunnerOptions{RunnerSettings: RunnerSettings{MaximumTimeout: Null[int64]()}})).must(t)
	if r.MaximumTimeout != nil || !r.Paused {
		t.Fatalf("null must clear maximum_timeout and leave paused: %+v", r)
	}

	// GitLab's validation messages in both shapes.
	_, err := e.admin.UpdateRunner(e.ctx, created.ID, UpdateRunnerOptions{RunnerSettings: RunnerSettings{MaximumTimeout: Some[int64](60)}})
	if !errors.Is(err, ErrBadRequest) || !strings.HasSuffix(err.Error(), "maximum_timeout needs to be at least 10 minutes") {
		t.Fatalf("model error: %v", err)
	}
	_, err = e.admin.UpdateRunner(e.ctx, created.ID, UpdateRunnerOptions{})
	if !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), "at least one parameter must be provided") {
		t.Fatalf("empty update: %v", err)
	}
	_, err = e.admin.UpdateRunner(e.ctx, created.ID, UpdateRunnerOptions{RunnerSettings: RunnerSettings{AccessLevel: new("everyone")}})
	if !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), "access_level does not have a valid value") {
		t.Fatalf("enum error: %v", err)
	}

	// verify contacts the runner and creates a manager.
	v := chk(e.admin.VerifyRunner(e.ctx, created.Token, "s_abc123")).must(t)
	if v.ID != created.ID || v.Token != created.Token {
		t.Fatalf("verify: %+v", v)
	}
	ms := chk(e.admin.ListRunnerManagers(e.ctx, created.ID)).must(t)
	if len(ms) != 1 || ms[0].SystemID != "s_abc123" || ms[0].ContactedAt == nil {
		t.Fatalf("managers: %+v", ms)
	}
	if r = chk(e.admin.GetRunner(e.ctx, created.ID)).must(t); r.ContactedAt == nil {
		t.Fatal("verify must set contacted_at")
	}
	if _, err := e.admin.VerifyRunner(e.ctx, "glrt-notarealtoken0000000", "s_x"); !IsForbidden(err) {
		t.Fatalf("verify with a bad token: %v", err)
	}

	// Token resets: by id, then by token; the old token stops working.
	t1 := chk(e.admin.ResetRunnerAuthenticationToken(e.ctx, created.ID)).must(t)
	if t1.Token == created.Token || !strings.HasPrefix(t1.Token, "glrt-") {
		t.Fatalf("reset by id: %+v", t1)
	}
	if _, err := e.admin.VerifyRunner(e.ctx, created.Token, "s_abc123"); !IsForbidden(err) {
		t.Fatalf("old token still valid: %v", err)
	}
	t2 := chk(e.admin.ResetRunnerAuthenticationTokenByToken(e.ctx, t1.Token)).must(t)
	if t2.Token == t1.Token || t2.Token == "" {
		t.Fatalf("reset by token: %+v", t2)
	}
	if _, err := e.admin.ResetRunnerAuthenticationTokenByToken(e.ctx, t1.Token); !IsForbidden(err) {
		t.Fatalf("reset with a stale token: %v", err)
	}

	noErr(t, e.admin.DeleteRunner(e.ctx, created.ID))
	_, err = e.admin.GetRunner(e.ctx, created.ID)
	if !IsNotFound(err) || err.Error() != "GET /runners/"+itoa(created.ID)+": 404 Not Found: Runner Not Found" {
		t.Fatalf("after delete: %v", err)
	}
	if err := e.admin.DeleteRunner(e.ctx, created.ID); !IsNotFound(err) {
		t.Fatalf("second delete must be a plain 404: %v", err)
	}
}

func TestSimProjectAndGroupRunners(t *testing.T) {
	e := newSimEnv(t, gitlabsim.Options{})
	top, _, app, other := e.tree()
	maint, mc := e.user("maint")
	noErr(t, e.admin.AddProjectMember(e.ctx, "top/sub/app", maint.ID, AccessMaintainer))
	noErr(t, e.admin.AddProjectMember(e.ctx, "top/other", maint.ID, AccessMaintainer))

	pr := chk(mc.CreateUserRunner(e.ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeProject, ProjectID: &app.ID, RunnerSettings: RunnerSettings{Description: new("proj")}})).must(t)
	gr := chk(e.admin.CreateUserRunner(e.ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeGroup, GroupID: &top.ID, RunnerSettings: RunnerSettings{Description: new("grp")}})).must(t)
	ir := chk(e.admin.CreateUserRunner(e.ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeInstance, RunnerSettings: RunnerSettings{Description: new("inst")}})).must(t)

	d := chk(mc.GetRunner(e.ctx, pr.ID)).must(t)
	if len(d.Projects) != 1 || d.Projects[0].ID != app.ID || d.RunnerType != RunnerTypeProject {
		t.Fatalf("project runner: %+v", d)
	}

	// Assign by full path (encoded on the wire), list by full path.
	a := chk(mc.AssignRunnerToProject(e.ctx, "top/other", pr.ID)).must(t)
	if a.ID != pr.ID {
		t.Fatalf("assign: %+v", a)
	}
	_, err := mc.AssignRunnerToProject(e.ctx, "top/other", pr.ID)
	if !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), "has already been taken") {
		t.Fatalf("second assign: %v", err)
	}
	ids := func(rs []Runner) []int64 {
		var out []int64
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	rs := chk(mc.ListProjectRunners(e.ctx, "top/other", ListRunnersOptions{Type: RunnerTypeProject})).must(t)
	if !slices.Equal(ids(rs), []int64{pr.ID}) {
		t.Fatalf("project runners of top/other: %v", ids(rs))
	}
	rs = chk(e.admin.ListProjectRunners(e.ctx, itoa(other.ID), ListRunnersOptions{})).must(t)
	if !slices.Contains(ids(rs), ir.ID) || !slices.Contains(ids(rs), gr.ID) || !slices.Contains(ids(rs), pr.ID) {
		t.Fatalf("all runners of top/other: %v", ids(rs))
	}
	noErr(t, mc.UnassignRunnerFromProject(e.ctx, "top/other", pr.ID))
	rs = chk(mc.ListProjectRunners(e.ctx, "top/other", ListRunnersOptions{Type: RunnerTypeProject})).must(t)
	if len(rs) != 0 {
		t.Fatalf("after unassign: %v", ids(rs))
	}
	if err := e.admin.UnassignRunnerFromProject(e.ctx, "top/sub/app", pr.ID); !IsForbidden(err) ||
		!strings.Contains(err.Error(), "cannot unassign a runner from the owner project") {
		t.Fatalf("unassign from owner project: %v", err)
	}

	// Group runners by full path, with filters.
	rs = chk(e.admin.ListGroupRunners(e.ctx, "top/sub", ListRunnersOptions{Type: RunnerTypeGroup})).must(t)
	if !slices.Equal(ids(rs), []int64{gr.ID}) {
		t.Fatalf("group runners of top/sub: %v", ids(rs))
	}

	// /runners lists what the caller manages; /runners/all is admin only.
	rs = chk(mc.ListRunners(e.ctx, ListRunnersOptions{})).must(t)
	if !slices.Equal(ids(rs), []int64{pr.ID}) {
		t.Fatalf("maintainer's runners: %v", ids(rs))
	}
	if _, err := mc.ListAllRunners(e.ctx, ListRunnersOptions{}); !IsForbidden(err) {
		t.Fatalf("non-admin /runners/all: %v", err)
	}
	all := chk(e.admin.ListAllRunners(e.ctx, ListRunnersOptions{})).must(t)
	if !slices.Equal(ids(all), []int64{pr.ID, gr.ID, ir.ID}) {
		t.Fatalf("all runners in id order: %v", ids(all))
	}
	tru := true
	noErr(t, func() error {
		_, err := e.admin.UpdateRunner(e.ctx, gr.ID, UpdateRunnerOptions{RunnerSettings: RunnerSettings{Paused: &tru, TagList: &[]string{"a", "b", "c"}}})
		return err
	}())
	if rs = chk(e.admin.ListAllRunners(e.ctx, ListRunnersOptions{Paused: &tru})).must(t); !slices.Equal(ids(rs), []int64{gr.ID}) {
		t.Fatalf("paused filter: %v", ids(rs))
	}
	if rs = chk(e.admin.ListAllRunners(e.ctx, ListRunnersOptions{TagList: []string{"a", "c"}})).must(t); !slices.Equal(ids(rs), []int64{gr.ID}) {
		t.Fatalf("tag_list filter: %v", ids(rs))
	}
	if rs = chk(e.admin.ListAllRunners(e.ctx, ListRunnersOptions{TagList: []string{"a", "zzz"}})).must(t); len(rs) != 0 {
		t.Fatalf("tag_list needs all tags: %v", ids(rs))
	}

	// Permission errors.
	_, other2 := e.user("stranger")
	if _, err := other2.GetRunner(e.ctx, pr.ID); !IsForbidden(err) {
		t.Fatalf("stranger GetRunner: %v", err)
	}
	if _, err := other2.CreateUserRunner(e.ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeInstance}); !IsForbidden(err) || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("stranger create instance runner: %v", err)
	}
	if _, err := e.admin.CreateUserRunner(e.ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeGroup, GroupID: new(int64(99999))}); !errors.Is(err, ErrBadRequest) ||
		!strings.Contains(err.Error(), "Missing/invalid group") {
		t.Fatalf("bad group: %v", err)
	}
	if _, err := mc.ListProjectRunners(e.ctx, "top/nope", ListRunnersOptions{}); !IsNotFound(err) || !strings.Contains(err.Error(), "Project Not Found") {
		t.Fatalf("missing project: %v", err)
	}

	// Scopes: a read_api token cannot write.
	reader, ro := e.user("reader", "read_api")
	noErr(t, e.admin.AddProjectMember(e.ctx, "top/sub/app", reader.ID, AccessMaintainer))
	if _, err := ro.GetRunner(e.ctx, pr.ID); err != nil {
		t.Fatalf("read_api GET: %v", err)
	}
	_, err = ro.UpdateRunner(e.ctx, pr.ID, UpdateRunnerOptions{RunnerSettings: RunnerSettings{Description: new("x")}})
	if !IsForbidden(err) || !strings.Contains(err.Error(), "insufficient_scope") {
		t.Fatalf("read_api PUT: %v", err)
	}
	bad := e.admin.WithToken("glpat-doesnotexist000000")
	if _, err := bad.ListRunners(e.ctx, ListRunnersOptions{}); !IsUnauthorized(err) {
		t.Fatalf("bad token: %v", err)
	}
}

func TestSimRegistrationTokens(t *testing.T) {
	e := newSimEnv(t, gitlabsim.Options{})
	_, _, app, _ := e.tree()

	// Disabled by default since GitLab 17.0.
	_, err := e.admin.RegisterRunner(e.ctx, RegisterRunnerOptions{Token: "GR1348941whatever"})
	if !IsGone(err) || err.Error() != "POST /runners: 410 Gone: runner registration disallowed" || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("disabled registration: %v", err)
	}
	if _, err := e.admin.ResetInstanceRegistrationToken(e.ctx); err == nil {
		t.Fatal("instance registration token reset must fail while disabled")
	}

	e.srv.SetRegistrationTokensEnabled(true)
	it := chk(e.admin.ResetInstanceRegistrationToken(e.ctx)).must(t)
	gt := chk(e.admin.ResetGroupRegistrationToken(e.ctx, "top/sub")).must(t)
	pt := chk(e.admin.ResetProjectRegistrationToken(e.ctx, "top/sub/app")).must(t)
	for _, tok := range []string{it.Token, gt.Token, pt.Token} {
		if !strings.HasPrefix(tok, "GR1348941") {
			t.Fatalf("registration token %q", tok)
		}
	}
	if e.srv.RegistrationToken("project", app.ID) != pt.Token {
		t.Fatal("project registration token not the one returned")
	}

	tags := []string{"x"}
	reg := chk(e.admin.RegisterRunner(e.ctx, RegisterRunnerOptions{
		Token: pt.Token,
		Info:  &RunnerInfo{Name: "legacy-runner", Version: "17.0.0", Platform: "linux", Architecture: "amd64"},
		RunnerSettings: RunnerSettings{
			Description:    new("legacy"),
			TagList:        &tags,
			RunUntagged:    new(false),
			MaximumTimeout: Some[int64](900),
		},
	})).must(t)
	if reg.ID == 0 || !strings.HasPrefix(reg.Token, "glrtr-") {
		t.Fatalf("register: %+v", reg)
	}
	d := chk(e.admin.GetRunner(e.ctx, reg.ID)).must(t)
	if d.RunnerType != RunnerTypeProject || d.Description != "legacy" || d.RunUntagged || d.MaximumTimeout == nil || *d.MaximumTimeout != 900 ||
		len(d.Projects) != 1 || d.Projects[0].ID != app.ID {
		t.Fatalf("registered runner: %+v", d)
	}
	if _, err := e.admin.RegisterRunner(e.ctx, RegisterRunnerOptions{Token: "GR1348941wrong"}); !IsForbidden(err) || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("bad registration token: %v", err)
	}

	// Legacy tokens may be verified without system_id.
	chk(e.admin.VerifyRunner(e.ctx, reg.Token, "")).must(t)

	noErr(t, e.admin.DeleteRunnerByToken(e.ctx, reg.Token))
	if _, err := e.admin.GetRunner(e.ctx, reg.ID); !IsNotFound(err) {
		t.Fatalf("deleted by token: %v", err)
	}
	if err := e.admin.DeleteRunnerByToken(e.ctx, reg.Token); !IsForbidden(err) {
		t.Fatalf("unknown token: %v", err)
	}
}

func TestSimRunnerJobs(t *testing.T) {
	e := newSimEnv(t, gitlabsim.Options{})
	_, _, app, _ := e.tree()
	ids, err := e.srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: RunnerTypeProject, ProjectID: app.ID}, 1)
	noErr(t, err)
	id := ids[0]
	var want []int64
	for i := 0; i < 230; i++ {
		st := "success"
		if i%10 == 0 {
			st = "running"
		}
		jid, err := e.srv.AddJob(id, gitlabsim.JobSeed{Status: st, SystemID: "s_1"})
		noErr(t, err)
		want = append(want, jid)
	}
	// order_by=id sort=asc keeps creation order.
	jobs := chk(e.admin.ListRunnerJobs(e.ctx, id, ListRunnerJobsOptions{OrderBy: "id", Sort: "asc"})).must(t)
	if len(jobs) != 230 {
		t.Fatalf("got %d jobs", len(jobs))
	}
	for i, j := range jobs {
		if j.ID != want[i] {
			t.Fatalf("job %d: id %d, want %d", i, j.ID, want[i])
		}
	}
	if jobs[0].Project == nil || jobs[0].Project.ID != app.ID || jobs[0].Pipeline == nil {
		t.Fatalf("job entity: %+v", jobs[0])
	}

	e.srv.ResetStats()
	jobs = chk(e.admin.ListRunnerJobs(e.ctx, id, ListRunnerJobsOptions{MaxJobs: 5, OrderBy: "id", Sort: "desc"})).must(t)
	if len(jobs) != 5 || jobs[0].ID != want[229] || jobs[4].ID != want[225] {
		t.Fatalf("newest 5: %v", jobs)
	}
	if n := e.srv.Stats().ByRoute["GET /api/v4/runners/:id/jobs"]; n != 1 {
		t.Fatalf("MaxJobs 5 took %d requests", n)
	}

	e.srv.ResetStats()
	jobs = chk(e.admin.ListRunnerJobs(e.ctx, id, ListRunnerJobsOptions{MaxJobs: 150})).must(t)
	if len(jobs) != 150 {
		t.Fatalf("MaxJobs 150: %d", len(jobs))
	}
	if n := e.srv.Stats().ByRoute["GET /api/v4/runners/:id/jobs"]; n != 2 {
		t.Fatalf("MaxJobs 150 took %d requests, want 2", n)
	}

	running := chk(e.admin.ListRunnerJobs(e.ctx, id, ListRunnerJobsOptions{Status: "running"})).must(t)
	if len(running) != 23 {
		t.Fatalf("running jobs: %d", len(running))
	}
	for _, j := range running {
		if j.Status != "running" {
			t.Fatalf("status filter leaked %q", j.Status)
		}
	}
	if r := chk(e.admin.GetRunner(e.ctx, id)).must(t); r.JobExecutionStatus != "active" {
		t.Fatalf("job_execution_status with running jobs: %q", r.JobExecutionStatus)
	}
}

func TestSimManagersAndNulls(t *testing.T) {
	e := newSimEnv(t, gitlabsim.Options{})
	ids, err := e.srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: RunnerTypeInstance}, 1)
	noErr(t, err)
	id := ids[0]
	if ms := chk(e.admin.ListRunnerManagers(e.ctx, id)).must(t); ms == nil || len(ms) != 0 {
		t.Fatalf("no managers must be an empty, non-nil list: %#v", ms)
	}
	now := time.Now().UTC()
	_, err = e.srv.AddManager(id, gitlabsim.ManagerSeed{SystemID: "s_a", Version: "18.0.0", Platform: "linux", ContactedAt: &now})
	noErr(t, err)
	_, err = e.srv.AddManager(id, gitlabsim.ManagerSeed{SystemID: "s_b"})
	noErr(t, err)
	ms := chk(e.admin.ListRunnerManagers(e.ctx, id)).must(t)
	if len(ms) != 2 || ms[0].SystemID != "s_a" || ms[0].Version == nil || *ms[0].Version != "18.0.0" || ms[0].ContactedAt == nil {
		t.Fatalf("managers: %+v", ms)
	}
	if ms[1].Version != nil || ms[1].ContactedAt != nil || ms[1].Architecture != nil {
		t.Fatalf("null manager fields must stay nil: %+v", ms[1])
	}
	d := chk(e.admin.GetRunner(e.ctx, id)).must(t)
	if d.ContactedAt == nil || d.Version == nil || *d.Version != "18.0.0" || d.Status != "online" || d.Online == nil || !*d.Online {
		t.Fatalf("runner after manager contact: %+v", d)
	}
	e.srv.AdvanceClock(3 * time.Hour)
	if d = chk(e.admin.GetRunner(e.ctx, id)).must(t); d.Status != "offline" || *d.Online {
		t.Fatalf("3h later: %s %v", d.Status, *d.Online)
	}
	if rs := chk(e.admin.ListAllRunners(e.ctx, ListRunnersOptions{Status: "offline"})).must(t); len(rs) != 1 || rs[0].ID != id {
		t.Fatalf("status filter: %+v", rs)
	}
	e.srv.AdvanceClock(8 * 24 * time.Hour)
	if d = chk(e.admin.GetRunner(e.ctx, id)).must(t); d.Status != "stale" {
		t.Fatalf("8 days later: %s", d.Status)
	}
}

const routeCreate = "POST /api/v4/user/runners"

// TestSimLostPOSTIsNotRetried is the duplicate-runner scenario: GitLab
// creates the runner, the answer is lost. The client must not send the POST
// again, and must say that the outcome is unknown.
func TestSimLostPOSTIsNotRetried(t *testing.T) {
	e := newSimEnv(t, gitlabsim.Options{})
	e.srv.InjectFault(gitlabsim.FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: gitlabsim.FaultLoseResponse, Count: 1})
	before := e.srv.RunnerCount()
	_, err := e.admin.CreateUserRunner(e.ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeInstance, RunnerSettings: RunnerSettings{Description: new("lost")}})
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("want ErrOutcomeUnknown, got %v", err)
	}
	st := e.srv.Stats()
	if st.ByRoute[routeCreate] != 1 || st.Faults[gitlabsim.FaultLoseResponse] != 1 {
		t.Fatalf("POST sent %d times (faults %v); want exactly once", st.ByRoute[routeCreate], st.Faults)
	}
	if e.srv.RunnerCount() != before+1 {
		t.Fatalf("runner count %d -> %d: the lost request was applied once", before, e.srv.RunnerCount())
	}
	// The provider can find what was created.
	rs := chk(e.admin.ListAllRunners(e.ctx, ListRunnersOptions{})).must(t)
	if len(rs) != 1 || rs[0].Description != "lost" {
		t.Fatalf("runners: %+v", rs)
	}
}

func TestSimConnResetPOSTIsOutcomeUnknown(t *testing.T) {
	// Closed before GitLab applied it, but the client cannot know that.
	e := newSimEnv(t, gitlabsim.Options{})
	e.srv.InjectFault(gitlabsim.FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: gitlabsim.FaultConnReset, Count: 1})
	_, err := e.admin.CreateUserRunner(e.ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("want ErrOutcomeUnknown, got %v", err)
	}
	if n := e.srv.Stats().ByRoute[routeCreate]; n > 1 {
		t.Fatalf("POST sent %d times", n)
	}
	if e.srv.RunnerCount() != 0 {
		t.Fatalf("conn reset must not apply: %d runners", e.srv.RunnerCount())
	}
}

func TestSimPOST5xxIsOutcomeUnknown(t *testing.T) {
	for _, kind := range []gitlabsim.FaultKind{gitlabsim.FaultError500, gitlabsim.FaultError502, gitlabsim.FaultError503} {
		t.Run(string(kind), func(t *testing.T) {
			e := newSimEnv(t, gitlabsim.Options{})
			e.srv.InjectFault(gitlabsim.FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: kind, Count: 1})
			_, err := e.admin.CreateUserRunner(e.ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
			var ae *APIError
			if !errors.Is(err, ErrOutcomeUnknown) || !errors.As(err, &ae) || ae.StatusCode < 500 {
				t.Fatalf("want ErrOutcomeUnknown with a 5xx APIError, got %v", err)
			}
			if n := e.srv.Stats().ByRoute[routeCreate]; n != 1 {
				t.Fatalf("POST sent %d times", n)
			}
		})
	}
}

func TestSimGETRetriedAfterFaults(t *testing.T) {
	e := newSimEnv(t, gitlabsim.Options{})
	ids, err := e.srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: RunnerTypeInstance}, 1)
	noErr(t, err)
	path := "/api/v4/runners/" + itoa(ids[0])
	e.srv.InjectFault(gitlabsim.FaultRule{Method: "GET", Path: path, Kind: gitlabsim.FaultLoseResponse, Count: 1})
	e.srv.InjectFault(gitlabsim.FaultRule{Method: "GET", Path: path, Kind: gitlabsim.FaultConnReset, Count: 1})
	e.srv.InjectFault(gitlabsim.FaultRule{Method: "GET", Path: path, Kind: gitlabsim.FaultError502, Count: 1})
	e.srv.ResetStats()
	r := chk(e.admin.GetRunner(e.ctx, ids[0])).must(t)
	if r.ID != ids[0] {
		t.Fatalf("got %+v", r)
	}
	st := e.srv.Stats()
	if n := st.ByRoute["GET /api/v4/runners/:id"]; n != 4 {
		t.Fatalf("GET sent %d times, want 4 (3 faults + success); stats %+v", n, st)
	}
}

func TestSimPUTAndDELETERetried(t *testing.T) {
	e := newSimEnv(t, gitlabsim.Options{})
	ids, err := e.srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: RunnerTypeInstance}, 1)
	noErr(t, err)
	path := "/api/v4/runners/" + itoa(ids[0])
	e.srv.InjectFault(gitlabsim.FaultRule{Method: "PUT", Path: path, Kind: gitlabsim.FaultLoseResponse, Count: 1})
	d := chk(e.admin.UpdateRunner(e.ctx, ids[0], UpdateRunnerOptions{RunnerSettings: RunnerSettings{Description: new("again")}})).must(t)
	if d.Description != "again" {
		t.Fatalf("PUT: %+v", d)
	}
	// The DELETE is applied, its answer lost; the retry finds nothing: done.
	e.srv.InjectFault(gitlabsim.FaultRule{Method: "DELETE", Path: path, Kind: gitlabsim.FaultLoseResponse, Count: 1})
	e.srv.ResetStats()
	noErr(t, e.admin.DeleteRunner(e.ctx, ids[0]))
	if n := e.srv.Stats().ByRoute["DELETE /api/v4/runners/:id"]; n != 2 || e.srv.RunnerCount() != 0 {
		t.Fatalf("DELETE sent %d times, %d runners left", n, e.srv.RunnerCount())
	}

	// Same for DELETE /runners (by token), whose "nothing to delete" is 403.
	cr := chk(e.admin.CreateUserRunner(e.ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})).must(t)
	e.srv.InjectFault(gitlabsim.FaultRule{Method: "DELETE", Path: "/api/v4/runners", Kind: gitlabsim.FaultLoseResponse, Count: 1})
	e.srv.ResetStats()
	noErr(t, e.admin.DeleteRunnerByToken(e.ctx, cr.Token))
	if n := e.srv.Stats().ByRoute["DELETE /api/v4/runners"]; n != 2 || e.srv.RunnerCount() != 0 {
		t.Fatalf("DELETE by token sent %d times, %d runners left", n, e.srv.RunnerCount())
	}

	// And for unassigning a runner from a project.
	_, _, app, _ := e.tree()
	pr := chk(e.admin.CreateUserRunner(e.ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeProject, ProjectID: &app.ID})).must(t)
	chk(e.admin.AssignRunnerToProject(e.ctx, "top/other", pr.ID)).must(t)
	// The simulator matches fault paths against the decoded path.
	e.srv.InjectFault(gitlabsim.FaultRule{Method: "DELETE", Path: "/api/v4/projects/top/other/runners/" + itoa(pr.ID), Kind: gitlabsim.FaultLoseResponse, Count: 1})
	e.srv.ResetStats()
	noErr(t, e.admin.UnassignRunnerFromProject(e.ctx, "top/other", pr.ID))
	if n := e.srv.Stats().ByRoute["DELETE /api/v4/projects/:id/runners/:runner_id"]; n != 2 {
		t.Fatalf("unassign sent %d times (%v)", n, e.srv.Stats().ByRoute)
	}
	if d := chk(e.admin.GetRunner(e.ctx, pr.ID)).must(t); len(d.Projects) != 1 {
		t.Fatalf("projects after unassign: %+v", d.Projects)
	}
}

func TestSimRateLimitedPOSTIsRetried(t *testing.T) {
	e := newSimEnv(t, gitlabsim.Options{})
	e.srv.InjectFault(gitlabsim.FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: gitlabsim.FaultRateLimit, Count: 2, RetryAfter: 1})
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(e.ctx, &logs)
	cr := chk(e.admin.CreateUserRunner(ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})).must(t)
	if cr.ID == 0 {
		t.Fatal("no runner")
	}
	st := e.srv.Stats()
	if st.ByRoute[routeCreate] != 3 || st.Faults[gitlabsim.FaultRateLimit] != 2 || e.srv.RunnerCount() != 1 {
		t.Fatalf("stats %+v, runners %d", st, e.srv.RunnerCount())
	}
	// MaxRetryAfter (20ms in this env) caps Retry-After: 1.
	if w := retryWaits(t, &logs); !slices.Equal(w, []string{"20ms", "20ms"}) {
		t.Fatalf("waits before the retries: %v; want two capped waits of 20ms", w)
	}
}

// TestSimInstanceThrottle runs the simulator's Rack::Attack-like throttle
// against a concurrent listing: every 429 is waited out and retried, and the
// result is still complete and ordered. The simulator's clock stands still
// except that each 429 moves it on by one throttle window, so the throttle
// is certain to trigger (six pages, three requests per window) and never
// depends on how fast the machine is.
func TestSimInstanceThrottle(t *testing.T) {
	frozen := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := newSimEnv(t, gitlabsim.Options{Now: func() time.Time { return frozen }})
	_, err := e.srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: RunnerTypeInstance}, 600)
	noErr(t, err)
	const window = time.Minute
	e.srv.SetFaultConfig(gitlabsim.FaultConfig{RateLimit: 3, RateLimitWindow: window})
	e.srv.ResetStats()
	cfg := testConfig(e.srv.URL)
	cfg.Token = e.srv.AdminToken
	cfg.Retries = 20
	cfg.MaxRetryAfter = 5 * time.Millisecond
	cfg.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err == nil && resp.StatusCode == http.StatusTooManyRequests {
			e.srv.AdvanceClock(window)
		}
		return resp, err
	})}
	c := newTestClient(t, cfg)
	rs := chk(c.ListAllRunners(e.ctx, ListRunnersOptions{})).must(t)
	if len(rs) != 600 {
		t.Fatalf("got %d", len(rs))
	}
	for i := 1; i < len(rs); i++ {
		if rs[i].ID <= rs[i-1].ID {
			t.Fatalf("order broken at %d", i)
		}
	}
	st := e.srv.Stats()
	throttled := st.Faults[gitlabsim.FaultRateLimit]
	if throttled == 0 {
		t.Fatal("the throttle never triggered; the test proves nothing")
	}
	if n := st.ByRoute["GET /api/v4/runners/all"]; n != 6+throttled {
		t.Fatalf("%d requests for 6 pages and %d 429s: something was not retried or retried twice", n, throttled)
	}
}

func checkAscending(t *testing.T, rs []Runner, want []int64) {
	t.Helper()
	if len(rs) != len(want) {
		t.Fatalf("got %d runners, want %d", len(rs), len(want))
	}
	for i := range rs {
		if rs[i].ID != want[i] {
			t.Fatalf("runner %d: id %d, want %d (GitLab's order must be kept)", i, rs[i].ID, want[i])
		}
	}
}

func TestSimPaginationBelow10k(t *testing.T) {
	e := newSimEnv(t, gitlabsim.Options{})
	ids, err := e.srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: RunnerTypeInstance, Description: "p"}, 250)
	noErr(t, err)
	e.srv.ResetStats()
	// Page 1 first (it tells the page count), then pages 2 and 3 together:
	// they meet at a rendezvous that a sequential client never reaches.
	tr := &pageFlightTransport{next: http.DefaultTransport, f: newFlight(2)}
	cfg := testConfig(e.srv.URL)
	cfg.Token = e.srv.AdminToken
	cfg.HTTPClient = &http.Client{Transport: tr}
	rs := chk(newTestClient(t, cfg).ListAllRunners(e.ctx, ListRunnersOptions{})).must(t)
	checkAscending(t, rs, ids)
	st := e.srv.Stats()
	if st.Requests != 3 || st.ByRoute["GET /api/v4/runners/all"] != 3 {
		t.Fatalf("250 runners took %d requests (%v), want 3 pages of 100", st.Requests, st.ByRoute)
	}
	if !tr.f.metAll() || tr.f.max.Load() != 2 {
		t.Fatalf("pages 2 and 3 were not fetched together (max in flight %d)", tr.f.max.Load())
	}
	if got := tr.events[:2]; !slices.Equal(got, []string{"ask 1", "done 1"}) {
		t.Fatalf("requests %v: page 1 must be answered before later pages are asked", tr.events)
	}

	// Exactly one page: no second request.
	e2 := newSimEnv(t, gitlabsim.Options{})
	ids, err = e2.srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: RunnerTypeInstance}, 100)
	noErr(t, err)
	e2.srv.ResetStats()
	checkAscending(t, chk(e2.admin.ListAllRunners(e2.ctx, ListRunnersOptions{})).must(t), ids)
	if n := e2.srv.Stats().Requests; n != 1 {
		t.Fatalf("100 runners took %d requests", n)
	}
}

func TestSimPaginationAbove10k(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 10,050 runners")
	}
	e := newSimEnv(t, gitlabsim.Options{})
	ids, err := e.srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: RunnerTypeInstance}, 10_050)
	noErr(t, err)

	// The simulator must omit the totals like GitLab does.
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v4/runners/all?per_page=100", nil)
	req.Header.Set("PRIVATE-TOKEN", e.srv.AdminToken)
	resp, err := http.DefaultClient.Do(req)
	noErr(t, err)
	resp.Body.Close()
	if _, ok := resp.Header["X-Total-Pages"]; ok || resp.Header.Get("X-Next-Page") != "2" {
		t.Fatalf("above 10,000 the totals must be absent: %v", resp.Header)
	}

	e.srv.ResetStats()
	rs := chk(e.admin.ListAllRunners(e.ctx, ListRunnersOptions{})).must(t)
	checkAscending(t, rs, ids)
	if n := e.srv.Stats().ByRoute["GET /api/v4/runners/all"]; n != 101 {
		t.Fatalf("10,050 runners took %d requests, want 101", n)
	}
}

func TestSimSearchLists(t *testing.T) {
	e := newSimEnv(t, gitlabsim.Options{})
	top, sub, app, other := e.tree()
	u, _ := e.user("sweepme")

	groups := chk(e.admin.ListGroups(e.ctx, "sub")).must(t)
	if len(groups) != 1 || groups[0].ID != sub.ID {
		t.Fatalf("ListGroups(sub): %+v", groups)
	}
	// GitLab orders groups by name by default: "Sub" before "Top".
	if groups := chk(e.admin.ListGroups(e.ctx, "")).must(t); len(groups) != 2 || groups[1].ID != top.ID {
		t.Fatalf("ListGroups(): %+v", groups)
	}
	projects := chk(e.admin.ListProjects(e.ctx, "oth")).must(t)
	if len(projects) != 1 || projects[0].ID != other.ID {
		t.Fatalf("ListProjects(oth): %+v (app %d)", projects, app.ID)
	}
	users := chk(e.admin.ListUsers(e.ctx, "sweep")).must(t)
	if len(users) != 1 || users[0].ID != u.ID {
		t.Fatalf("ListUsers(sweep): %+v", users)
	}
}
