package gitlabsim

// These entities repeat, on purpose, the client's wire types
// (internal/gitlab/types.go): the simulator renders what GitLab's Grape
// entities (lib/api/entities/) expose and must not import the client's
// structs, or a misspelt JSON field name would be wrong on both sides and
// still pass every test. Tools reporting the two files as duplicates are
// expected to.

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// jsTime marshals like GitLab: ISO-8601 UTC with milliseconds.
type jsTime time.Time

const timeLayout = "2006-01-02T15:04:05.000Z"

func (t jsTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(timeLayout) + `"`), nil
}

func tp(t *time.Time) *jsTime {
	if t == nil {
		return nil
	}
	j := jsTime(*t)
	return &j
}

type userBasic struct {
	ID        int64  `json:"id"`
	Username  string `json:"username"`
	Name      string `json:"name"`
	State     string `json:"state"`
	Locked    bool   `json:"locked"`
	AvatarURL string `json:"avatar_url"`
	WebURL    string `json:"web_url"`
}

type userEntity struct {
	userBasic
	CreatedAt jsTime `json:"created_at"`
	Bio       string `json:"bio"`
	Email     string `json:"email,omitempty"`
	IsAdmin   *bool  `json:"is_admin,omitempty"`
}

func avatarURL(email string) string {
	sum := md5.Sum([]byte(strings.ToLower(strings.TrimSpace(email))))
	return "https://www.gravatar.com/avatar/" + hex.EncodeToString(sum[:]) + "?s=80&d=identicon"
}

func (c *ctx) userBasicOf(u *user) *userBasic {
	if u == nil {
		return nil
	}
	return &userBasic{ID: u.id, Username: u.username, Name: u.name, State: u.state,
		AvatarURL: avatarURL(u.email), WebURL: c.baseURL + "/" + u.username}
}

// userOf renders a user; is_admin and email only for admins and the user
// themself, as GitLab's UserWithAdmin / UserPublic entities do.
func (c *ctx) userOf(u *user) userEntity {
	e := userEntity{userBasic: *c.userBasicOf(u), CreatedAt: jsTime(u.createdAt)}
	if c.user != nil && (c.user.admin || c.user == u) {
		e.Email = u.email
	}
	if c.user != nil && c.user.admin {
		a := u.admin
		e.IsAdmin = &a
	}
	return e
}

type runnerEntity struct {
	ID                 int64      `json:"id"`
	Description        *string    `json:"description"`
	IPAddress          *string    `json:"ip_address"`
	Active             bool       `json:"active"`
	Paused             bool       `json:"paused"`
	IsShared           bool       `json:"is_shared"`
	RunnerType         string     `json:"runner_type"`
	Name               *string    `json:"name"`
	Online             *bool      `json:"online"`
	CreatedBy          *userBasic `json:"created_by,omitempty"`
	CreatedAt          jsTime     `json:"created_at"`
	Status             string     `json:"status"`
	JobExecutionStatus string     `json:"job_execution_status"`
}

type projectBrief struct {
	ID                int64  `json:"id"`
	Name              string `json:"name"`
	NameWithNamespace string `json:"name_with_namespace"`
	Path              string `json:"path"`
	PathWithNamespace string `json:"path_with_namespace"`
}

type groupBrief struct {
	ID     int64  `json:"id"`
	WebURL string `json:"web_url"`
	Name   string `json:"name"`
}

type runnerDetails struct {
	runnerEntity
	TagList         []string        `json:"tag_list"`
	RunUntagged     bool            `json:"run_untagged"`
	Locked          bool            `json:"locked"`
	MaximumTimeout  *int64          `json:"maximum_timeout"`
	AccessLevel     string          `json:"access_level"`
	Version         *string         `json:"version"`
	Revision        *string         `json:"revision"`
	Platform        *string         `json:"platform"`
	Architecture    *string         `json:"architecture"`
	ContactedAt     *jsTime         `json:"contacted_at"`
	MaintenanceNote *string         `json:"maintenance_note"`
	Projects        *[]projectBrief `json:"projects,omitempty"`
	Groups          []groupBrief    `json:"groups"`
}

func jobExecStatus(running bool) string {
	if running {
		return "active"
	}
	return "idle"
}

func (c *ctx) runnerOf(r *runner) runnerEntity {
	st := c.st
	// online? is `contacted_at && contacted_at > deadline` in Ruby, which is
	// nil (JSON null) for a runner that never contacted GitLab.
	var online *bool
	if r.contactedAt != nil {
		o := isOnline(r.contactedAt, c.now)
		online = &o
	}
	// GitLab exposes created_by only when the caller may read the creator;
	// with no creator (registered runners, deleted users) the ability check
	// runs against nil and fails, so the key is absent rather than null.
	var creator *userBasic
	if r.creatorID != 0 {
		creator = c.userBasicOf(st.users[r.creatorID])
	}
	return runnerEntity{
		ID: r.id, Description: r.description, IPAddress: nil,
		Active: !r.paused, Paused: r.paused, IsShared: r.typ == typeInstance, RunnerType: r.typ,
		Name: r.name, Online: online, CreatedBy: creator, CreatedAt: jsTime(r.createdAt),
		Status: st.restStatus(r, c.now), JobExecutionStatus: jobExecStatus(r.running > 0),
	}
}

func (c *ctx) runnerDetailsOf(r *runner, includeProjects bool) runnerDetails {
	d := runnerDetails{
		runnerEntity: c.runnerOf(r),
		TagList:      append([]string{}, r.tags...),
		RunUntagged:  r.runUntagged, Locked: r.locked, MaximumTimeout: r.maxTimeout,
		AccessLevel: r.accessLevel, ContactedAt: tp(r.contactedAt),
		Groups: []groupBrief{},
	}
	if m := r.latestManager(); m != nil {
		d.Version, d.Revision, d.Platform, d.Architecture = m.version, m.revision, m.platform, m.architecture
	}
	if c.acc.canUpdate(r) {
		d.MaintenanceNote = r.maintenanceNote
	}
	// Non-admins only see the projects and groups they are authorized for.
	if includeProjects {
		ps := []projectBrief{}
		for _, p := range r.projects {
			if c.acc.admin() || c.acc.project(p) > accessNone {
				ps = append(ps, projectBrief{ID: p.id, Name: p.name, NameWithNamespace: p.fullName, Path: p.path, PathWithNamespace: p.fullPath})
			}
		}
		d.Projects = &ps
	}
	if r.group != nil && (c.acc.admin() || c.acc.group(r.group) > accessNone) {
		d.Groups = append(d.Groups, groupBrief{ID: r.group.id, WebURL: c.baseURL + "/groups/" + r.group.fullPath, Name: r.group.name})
	}
	return d
}

type managerEntity struct {
	ID                 int64   `json:"id"`
	SystemID           string  `json:"system_id"`
	Version            *string `json:"version"`
	Revision           *string `json:"revision"`
	Platform           *string `json:"platform"`
	Architecture       *string `json:"architecture"`
	CreatedAt          jsTime  `json:"created_at"`
	ContactedAt        *jsTime `json:"contacted_at"`
	IPAddress          *string `json:"ip_address"`
	Status             string  `json:"status"`
	JobExecutionStatus string  `json:"job_execution_status"`
}

func (c *ctx) managerOf(r *runner, m *manager) managerEntity {
	running := false
	for _, j := range r.jobs {
		if j.status == "running" && j.systemID == m.systemID {
			running = true
			break
		}
	}
	return managerEntity{ID: m.id, SystemID: m.systemID, Version: m.version, Revision: m.revision,
		Platform: m.platform, Architecture: m.architecture, CreatedAt: jsTime(m.createdAt),
		ContactedAt: tp(m.contactedAt), IPAddress: m.ipAddress, Status: c.st.managerStatus(m, c.now),
		JobExecutionStatus: jobExecStatus(running)}
}

type namespaceEntity struct {
	ID        int64   `json:"id"`
	Name      string  `json:"name"`
	Path      string  `json:"path"`
	Kind      string  `json:"kind"`
	FullPath  string  `json:"full_path"`
	ParentID  *int64  `json:"parent_id"`
	AvatarURL *string `json:"avatar_url"`
	WebURL    string  `json:"web_url"`
}

func (c *ctx) namespaceOf(n *namespace) namespaceEntity {
	e := namespaceEntity{ID: n.id, Name: n.name, Path: n.path, Kind: n.kind, FullPath: n.fullPath}
	if n.parent != nil {
		id := n.parent.id
		e.ParentID = &id
	}
	if n.kind == "group" {
		e.WebURL = c.baseURL + "/groups/" + n.fullPath
	} else {
		e.WebURL = c.baseURL + "/" + n.fullPath
	}
	return e
}

// projectIdentity is Entities::ProjectIdentity
// (lib/api/entities/project_identity.rb): a job's project, and the first
// fields of every larger project entity, which inherit from it.
type projectIdentity struct {
	ID                int64   `json:"id"`
	Description       *string `json:"description"`
	Name              string  `json:"name"`
	NameWithNamespace string  `json:"name_with_namespace"`
	Path              string  `json:"path"`
	PathWithNamespace string  `json:"path_with_namespace"`
	CreatedAt         jsTime  `json:"created_at"`
}

func projectIdentityOf(p *project) projectIdentity {
	// A project without a description shows null, not "".
	var desc *string
	if p.description != "" {
		desc = strp(p.description)
	}
	return projectIdentity{ID: p.id, Description: desc, Name: p.name, NameWithNamespace: p.fullName, Path: p.path,
		PathWithNamespace: p.fullPath, CreatedAt: jsTime(p.createdAt)}
}

type projectEntity struct {
	projectIdentity
	DefaultBranch        string          `json:"default_branch"`
	Visibility           string          `json:"visibility"`
	WebURL               string          `json:"web_url"`
	Namespace            namespaceEntity `json:"namespace"`
	SharedRunnersEnabled bool            `json:"shared_runners_enabled"`
	GroupRunnersEnabled  bool            `json:"group_runners_enabled"`
	CreatorID            int64           `json:"creator_id"`
	Archived             bool            `json:"archived"`
}

func strp(s string) *string { return &s }

func (c *ctx) projectOf(p *project) projectEntity {
	return projectEntity{projectIdentity: projectIdentityOf(p), DefaultBranch: "main", Visibility: p.visibility,
		WebURL: c.baseURL + "/" + p.fullPath, Namespace: c.namespaceOf(p.ns),
		SharedRunnersEnabled: p.sharedRunners, GroupRunnersEnabled: p.groupRunners, CreatorID: p.creatorID}
}

type groupEntity struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Path        string `json:"path"`
	Description string `json:"description"`
	Visibility  string `json:"visibility"`
	FullName    string `json:"full_name"`
	FullPath    string `json:"full_path"`
	ParentID    *int64 `json:"parent_id"`
	WebURL      string `json:"web_url"`
	CreatedAt   jsTime `json:"created_at"`
}

func (c *ctx) groupOf(g *namespace) groupEntity {
	e := groupEntity{ID: g.id, Name: g.name, Path: g.path, Description: g.description, Visibility: g.visibility,
		FullName: g.fullName, FullPath: g.fullPath, WebURL: c.baseURL + "/groups/" + g.fullPath, CreatedAt: jsTime(g.createdAt)}
	if g.parent != nil {
		id := g.parent.id
		e.ParentID = &id
	}
	return e
}

type memberEntity struct {
	userBasic
	AccessLevel int     `json:"access_level"`
	CreatedAt   jsTime  `json:"created_at"`
	ExpiresAt   *string `json:"expires_at"`
}

type jobUser struct {
	userBasic
	CreatedAt   jsTime  `json:"created_at"`
	Bio         *string `json:"bio"`
	Location    *string `json:"location"`
	PublicEmail string  `json:"public_email"`
	Linkedin    string  `json:"linkedin"`
	Twitter     string  `json:"twitter"`
	WebsiteURL  string  `json:"website_url"`
	Org         *string `json:"organization"`
	// The rest of Entities::User (lib/api/entities/user.rb).
	Skype     string  `json:"skype"`
	Discord   string  `json:"discord"`
	JobTitle  string  `json:"job_title"`
	Pronouns  *string `json:"pronouns"`
	Bot       bool    `json:"bot"`
	WorkInfo  *string `json:"work_information"`
	Followers int     `json:"followers"`
	Following int     `json:"following"`
	LocalTime *string `json:"local_time"`
}

type jobCommit struct {
	ID             string   `json:"id"`
	ShortID        string   `json:"short_id"`
	Title          string   `json:"title"`
	CreatedAt      jsTime   `json:"created_at"`
	ParentIDs      []string `json:"parent_ids"`
	Message        string   `json:"message"`
	AuthorName     string   `json:"author_name"`
	AuthorEmail    string   `json:"author_email"`
	AuthoredDate   jsTime   `json:"authored_date"`
	CommitterName  string   `json:"committer_name"`
	CommitterEmail string   `json:"committer_email"`
	CommittedDate  jsTime   `json:"committed_date"`
	// trailers and extended_trailers are objects ({} without trailers).
	Trailers         map[string]string   `json:"trailers"`
	ExtendedTrailers map[string][]string `json:"extended_trailers"`
	WebURL           string              `json:"web_url"`
}

// jobPipeline is Entities::Ci::PipelineBasic (lib/api/entities/ci/pipeline_basic.rb).
type jobPipeline struct {
	ID        int64  `json:"id"`
	IID       int64  `json:"iid"`
	ProjectID int64  `json:"project_id"`
	SHA       string `json:"sha"`
	Ref       string `json:"ref"`
	Status    string `json:"status"`
	Source    string `json:"source"`
	CreatedAt jsTime `json:"created_at"`
	UpdatedAt jsTime `json:"updated_at"`
	WebURL    string `json:"web_url"`
}

type jobEntity struct {
	ID             int64       `json:"id"`
	Status         string      `json:"status"`
	Stage          string      `json:"stage"`
	Name           string      `json:"name"`
	Ref            string      `json:"ref"`
	Tag            bool        `json:"tag"`
	Coverage       *float64    `json:"coverage"`
	AllowFailure   bool        `json:"allow_failure"`
	CreatedAt      jsTime      `json:"created_at"`
	StartedAt      *jsTime     `json:"started_at"`
	FinishedAt     *jsTime     `json:"finished_at"`
	ErasedAt       *jsTime     `json:"erased_at"`
	Duration       *float64    `json:"duration"`
	QueuedDuration *float64    `json:"queued_duration"`
	User           *jobUser    `json:"user"`
	Commit         jobCommit   `json:"commit"`
	Pipeline       jobPipeline `json:"pipeline"`
	// FailureReason is exposed only for failed jobs (job_basic.rb: if: job.failed?).
	FailureReason string          `json:"failure_reason,omitempty"`
	WebURL        string          `json:"web_url"`
	Project       projectIdentity `json:"project"`
}

// pipelineStatus derives a plausible pipeline status from its job.
func pipelineStatus(jobStatus string) string {
	switch jobStatus {
	case "created", "waiting_for_resource", "preparing", "pending", "running", "success", "failed", "canceled",
		"skipped", "manual", "scheduled", "canceling":
		return jobStatus
	}
	return "running"
}

func (c *ctx) jobOf(j *job) jobEntity {
	p := j.project
	e := jobEntity{ID: j.id, Status: j.status, Stage: j.stage, Name: j.name, Ref: j.ref,
		CreatedAt: jsTime(j.createdAt), StartedAt: tp(j.startedAt), FinishedAt: tp(j.finishedAt), Duration: j.duration,
		Commit: jobCommit{ID: j.sha, ShortID: j.sha[:8], Title: "Update configuration", CreatedAt: jsTime(j.createdAt),
			ParentIDs: []string{}, Message: "Update configuration", AuthoredDate: jsTime(j.createdAt), CommittedDate: jsTime(j.createdAt),
			Trailers: map[string]string{}, ExtendedTrailers: map[string][]string{},
			WebURL: fmt.Sprintf("%s/%s/-/commit/%s", c.baseURL, p.fullPath, j.sha)},
		// Pipelines are not modelled per project, so iid is the pipeline id.
		Pipeline: jobPipeline{ID: j.pipelineID, IID: j.pipelineID, ProjectID: p.id, SHA: j.sha, Ref: j.ref,
			Status: pipelineStatus(j.status), Source: "push", CreatedAt: jsTime(j.createdAt), UpdatedAt: jsTime(j.createdAt),
			WebURL: fmt.Sprintf("%s/%s/-/pipelines/%d", c.baseURL, p.fullPath, j.pipelineID)},
		FailureReason: j.failureReason,
		WebURL:        fmt.Sprintf("%s/%s/-/jobs/%d", c.baseURL, p.fullPath, j.id),
		Project:       projectIdentityOf(p),
	}
	if j.startedAt != nil {
		q := j.startedAt.Sub(j.createdAt).Seconds()
		e.QueuedDuration = &q
		if e.Duration == nil {
			end := c.now
			if j.finishedAt != nil {
				end = *j.finishedAt
			}
			d := end.Sub(*j.startedAt).Seconds()
			e.Duration = &d
		}
	}
	if u := c.st.users[j.userID]; u != nil {
		e.User = &jobUser{userBasic: *c.userBasicOf(u), CreatedAt: jsTime(u.createdAt)}
		e.Commit.AuthorName, e.Commit.AuthorEmail = u.name, u.email
		e.Commit.CommitterName, e.Commit.CommitterEmail = u.name, u.email
	}
	return e
}
