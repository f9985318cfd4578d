package gitlab

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
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
	return &simEnv{t: t, srv: srv, admin: newTestClient(t, cfg), ctx: context.Background()}
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
		RunnerType: RunnerTypeInstance, Description: &desc, TagList: &[]string{"linux", "docker"},
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
	r = chk(e.admin.UpdateRunner(e.ctx, created.ID, UpdateRunnerOptions{MaximumTimeout: Some[int64](3600), Paused: new(true)})).must(t)
	if r.MaximumTimeout == nil || *r.MaximumTimeout != 3600 || !r.Paused || r.Active {
		t.Fatalf("after update: %+v", r)
	}
	r = chk(e.admin.UpdateRunner(e.ctx, created.ID, UpdateRunnerOptions{MaximumTimeout: Null[int64]()})).must(t)
	if r.MaximumTimeout != nil || !r.Paused {
		t.Fatalf("null must clear maximum_timeout and leave paused: %+v", r)
	}

	// GitLab's validation messages in both shapes.
	_, err := e.admin.UpdateRunner(e.ctx, created.ID, UpdateRunnerOptions{MaximumTimeout: Some[int64](60)})
	if !errors.Is(err, ErrBadRequest) || !strings.HasSuffix(err.Error(), "maximum_timeout needs to be at least 10 minutes") {
		t.Fatalf("model error: %v", err)
	}
	_, err = e.admin.UpdateRunner(e.ctx, created.ID, UpdateRunnerOptions{})
	if !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), "at least one parameter must be provided") {
		t.Fatalf("empty update: %v", err)
	}
	_, err = e.admin.UpdateRunner(e.ctx, created.ID, UpdateRunnerOptions{AccessLevel: new("everyone")})
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

	pr := chk(mc.CreateUserRunner(e.ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeProject, ProjectID: &app.ID, Description: new("proj")})).must(t)
	gr := chk(e.admin.CreateUserRunner(e.ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeGroup, GroupID: &top.ID, Description: new("grp")})).must(t)
	ir := chk(e.admin.CreateUserRunner(e.ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeInstance, Description: new("inst")})).must(t)

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
		_, err := e.admin.UpdateRunner(e.ctx, gr.ID, UpdateRunnerOptions{Paused: &tru, TagList: &[]string{"a", "b", "c"}})
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
	_, err = ro.UpdateRunner(e.ctx, pr.ID, UpdateRunnerOptions{Description: new("x")})
	if !IsForbidden(err) || !strings.Contains(err.Error(), "insufficient_scope") {
		t.Fatalf("read_api PUT: %v", err)
	}
	bad := e.admin.WithToken("glpat-doesnotexist000000")
	if _, err := bad.ListRunners(e.ctx, ListRunnersOptions{}); !IsUnauthorized(err) {
		t.Fatalf("bad token: %v", err)
	}
}
