package gitlab

// These wire types are written again, on purpose, as the simulator's
// entities (internal/gitlabsim/entities.go): the client decodes what GitLab
// documents and the simulator encodes what GitLab's Grape entities expose,
// each from GitLab's docs and source. Sharing one set of structs would let a
// misspelt JSON field name pass both sides' tests; two copies make the
// contract tests (sim_test.go) catch it. Tools reporting the two files as
// duplicates are expected to.

import (
	"bytes"
	"encoding/json"
	"time"
)

// Time is a GitLab timestamp. GitLab writes ISO-8601 UTC with milliseconds
// ("2025-05-03T00:00:00.000Z"); older releases and some entities omit the
// fraction or use an offset, so parsing accepts any RFC 3339 form.
type Time = time.Time

// Nullable is a request field that distinguishes "not sent" (zero value),
// "sent as null" and "sent with a value". GitLab clears maximum_timeout only
// when it receives an explicit null; omitting the field leaves it unchanged,
// and sending 0 is a validation error.
type Nullable[T any] struct {
	Set   bool
	Value *T
}

// Some returns a Nullable that sends v.
func Some[T any](v T) Nullable[T] { return Nullable[T]{Set: true, Value: &v} }

// Null returns a Nullable that sends an explicit JSON null.
func Null[T any]() Nullable[T] { return Nullable[T]{Set: true} }

// IsZero makes `omitzero` drop fields that were never set.
func (n Nullable[T]) IsZero() bool { return !n.Set }

// MarshalJSON writes null or the value.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if n.Value == nil {
		return []byte("null"), nil
	}
	return json.Marshal(*n.Value)
}

// UnmarshalJSON records that the field was present, null or not.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		n.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	n.Value = &v
	return nil
}

// Runner types, statuses and access levels as GitLab spells them.
const (
	RunnerTypeInstance = "instance_type"
	RunnerTypeGroup    = "group_type"
	RunnerTypeProject  = "project_type"

	AccessLevelNotProtected = "not_protected"
	AccessLevelRefProtected = "ref_protected"
)

// RunnerTypes, RunnerStatuses, AccessLevels and JobStatuses list the enum
// values GitLab accepts, for validators.
var (
	RunnerTypes    = []string{RunnerTypeInstance, RunnerTypeGroup, RunnerTypeProject}
	RunnerStatuses = []string{"online", "offline", "stale", "never_contacted"}
	AccessLevels   = []string{AccessLevelNotProtected, AccessLevelRefProtected}
	JobStatuses    = []string{"created", "pending", "running", "failed", "success", "canceled", "skipped", "waiting_for_resource", "manual", "scheduled", "preparing", "canceling"}
)

// UserBasic is GitLab's compact user entity (created_by, job user).
type UserBasic struct {
	ID        int64   `json:"id"`
	Username  string  `json:"username"`
	Name      string  `json:"name"`
	State     string  `json:"state"`
	AvatarURL *string `json:"avatar_url"`
	WebURL    string  `json:"web_url"`
}

// Runner is the entity returned by list endpoints and by assign.
type Runner struct {
	ID          int64   `json:"id"`
	Description string  `json:"description"`
	IPAddress   *string `json:"ip_address"`
	// Active is deprecated by GitLab; Paused is authoritative.
	Active             bool       `json:"active"`
	Paused             bool       `json:"paused"`
	IsShared           bool       `json:"is_shared"`
	RunnerType         string     `json:"runner_type"`
	Name               *string    `json:"name"`
	Online             *bool      `json:"online"`
	Status             string     `json:"status"`
	CreatedBy          *UserBasic `json:"created_by,omitempty"`
	CreatedAt          *Time      `json:"created_at"`
	JobExecutionStatus string     `json:"job_execution_status"`
}

// RunnerProject is an element of RunnerDetails.Projects; the first is the
// owner project of a project runner.
type RunnerProject struct {
	ID                int64  `json:"id"`
	Name              string `json:"name"`
	NameWithNamespace string `json:"name_with_namespace"`
	Path              string `json:"path"`
	PathWithNamespace string `json:"path_with_namespace"`
}

// RunnerGroup is an element of RunnerDetails.Groups.
type RunnerGroup struct {
	ID     int64  `json:"id"`
	WebURL string `json:"web_url"`
	Name   string `json:"name"`
}

// RunnerDetails is returned by GET and PUT /runners/:id.
type RunnerDetails struct {
	Runner
	TagList        []string `json:"tag_list"`
	RunUntagged    bool     `json:"run_untagged"`
	Locked         bool     `json:"locked"`
	MaximumTimeout *int64   `json:"maximum_timeout"`
	AccessLevel    string   `json:"access_level"`
	// Version..Architecture are deprecated since GitLab 17.0 and mirror the
	// most recently contacted runner manager.
	Version      *string `json:"version"`
	Revision     *string `json:"revision"`
	Platform     *string `json:"platform"`
	Architecture *string `json:"architecture"`
	ContactedAt  *Time   `json:"contacted_at"`
	// MaintenanceNote is null when the caller cannot update the runner.
	MaintenanceNote *string         `json:"maintenance_note"`
	Projects        []RunnerProject `json:"projects"`
	Groups          []RunnerGroup   `json:"groups"`
	// TokenExpiresAt appears only in late 18.x releases.
	TokenExpiresAt *Time `json:"token_expires_at,omitempty"`
}

// RunnerManager is an element of GET /runners/:id/managers.
type RunnerManager struct {
	ID                 int64   `json:"id"`
	SystemID           string  `json:"system_id"`
	Version            *string `json:"version"`
	Revision           *string `json:"revision"`
	Platform           *string `json:"platform"`
	Architecture       *string `json:"architecture"`
	CreatedAt          *Time   `json:"created_at"`
	ContactedAt        *Time   `json:"contacted_at"`
	IPAddress          *string `json:"ip_address"`
	Status             string  `json:"status"`
	JobExecutionStatus string  `json:"job_execution_status,omitempty"`
}

// JobProject, JobPipeline and Job describe GET /runners/:id/jobs elements.
type JobProject struct {
	ID                int64   `json:"id"`
	Description       *string `json:"description"`
	Name              string  `json:"name"`
	NameWithNamespace string  `json:"name_with_namespace"`
	Path              string  `json:"path"`
	PathWithNamespace string  `json:"path_with_namespace"`
	CreatedAt         *Time   `json:"created_at"`
}

type JobPipeline struct {
	ID     int64  `json:"id"`
	SHA    string `json:"sha"`
	Ref    string `json:"ref"`
	Status string `json:"status"`
}

type Job struct {
	ID             int64        `json:"id"`
	Status         string       `json:"status"`
	Stage          string       `json:"stage"`
	Name           string       `json:"name"`
	Ref            string       `json:"ref"`
	Tag            bool         `json:"tag"`
	Coverage       *float64     `json:"coverage"`
	CreatedAt      *Time        `json:"created_at"`
	StartedAt      *Time        `json:"started_at"`
	FinishedAt     *Time        `json:"finished_at"`
	Duration       *float64     `json:"duration"`
	QueuedDuration *float64     `json:"queued_duration"`
	User           *UserBasic   `json:"user"`
	Pipeline       *JobPipeline `json:"pipeline"`
	Project        *JobProject  `json:"project"`
	WebURL         string       `json:"web_url"`
}

// CreatedRunner answers POST /user/runners, POST /runners and POST /runners/verify.
type CreatedRunner struct {
	ID             int64  `json:"id"`
	Token          string `json:"token"`
	TokenExpiresAt *Time  `json:"token_expires_at"`
}

// RunnerToken answers both reset_authentication_token endpoints.
type RunnerToken struct {
	Token          string `json:"token"`
	TokenExpiresAt *Time  `json:"token_expires_at"`
}

// RegistrationToken answers the reset_registration_token endpoints.
type RegistrationToken struct {
	Token string `json:"token"`
}

// ListRunnersOptions are the filters shared by /runners, /runners/all,
// /groups/:id/runners and /projects/:id/runners. Empty values are not sent.
type ListRunnersOptions struct {
	Type          string
	Status        string
	Paused        *bool
	TagList       []string
	VersionPrefix string
	// Scope is deprecated by GitLab in favour of Type and Status.
	Scope string
}

// ListRunnerJobsOptions filters GET /runners/:id/jobs. MaxJobs bounds how
// many jobs are fetched in total (0 = no bound), since a runner's job list
// grows without limit.
type ListRunnerJobsOptions struct {
	Status   string
	SystemID string
	OrderBy  string
	Sort     string
	MaxJobs  int
}

// RunnerSettings are the runner attributes a runner's owner chooses: sent
// on creation (POST /user/runners, POST /runners) and changed with PUT
// /runners/:id. Only set fields are sent; GitLab keeps or defaults the
// others. MaximumTimeout can be sent as an explicit null, which clears it on
// update (GitLab rejects 0).
type RunnerSettings struct {
	Description     *string         `json:"description,omitempty"`
	Paused          *bool           `json:"paused,omitempty"`
	Locked          *bool           `json:"locked,omitempty"`
	RunUntagged     *bool           `json:"run_untagged,omitempty"`
	TagList         *[]string       `json:"tag_list,omitempty"`
	AccessLevel     *string         `json:"access_level,omitempty"`
	MaximumTimeout  Nullable[int64] `json:"maximum_timeout,omitzero"`
	MaintenanceNote *string         `json:"maintenance_note,omitempty"`
}

// CreateUserRunnerOptions is the body of POST /user/runners.
type CreateUserRunnerOptions struct {
	RunnerType string `json:"runner_type"`
	GroupID    *int64 `json:"group_id,omitempty"`
	ProjectID  *int64 `json:"project_id,omitempty"`
	RunnerSettings
}

// RunnerInfo is the optional `info` hash of POST /runners.
type RunnerInfo struct {
	Name         string `json:"name,omitempty"`
	Version      string `json:"version,omitempty"`
	Revision     string `json:"revision,omitempty"`
	Platform     string `json:"platform,omitempty"`
	Architecture string `json:"architecture,omitempty"`
}

// RegisterRunnerOptions is the body of the legacy POST /runners, which
// authenticates with a registration token instead of a user token.
type RegisterRunnerOptions struct {
	Token string      `json:"token"`
	Info  *RunnerInfo `json:"info,omitempty"`
	RunnerSettings
}

// UpdateRunnerOptions is the body of PUT /runners/:id. Only set fields are
// sent; MaximumTimeout can be sent as an explicit null to clear it.
type UpdateRunnerOptions struct {
	RunnerSettings
}

// User is GitLab's user entity as the fixture endpoints return it.
type User struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
	State    string `json:"state"`
	IsAdmin  bool   `json:"is_admin"`
	WebURL   string `json:"web_url"`
}

// CreateUserOptions is the body of POST /users (admin).
type CreateUserOptions struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Password string `json:"password,omitempty"`
	// ForceRandomPassword stands in for Password; GitLab needs one of them.
	ForceRandomPassword bool `json:"force_random_password,omitempty"`
	Admin               bool `json:"admin,omitempty"`
	SkipConfirmation    bool `json:"skip_confirmation,omitempty"`
}

// PersonalAccessToken answers POST /users/:id/personal_access_tokens.
type PersonalAccessToken struct {
	ID        int64    `json:"id"`
	Name      string   `json:"name"`
	Scopes    []string `json:"scopes"`
	Token     string   `json:"token"`
	ExpiresAt string   `json:"expires_at"`
	UserID    int64    `json:"user_id"`
}

// Namespace is the namespace block of a project.
type Namespace struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Path     string `json:"path"`
	Kind     string `json:"kind"`
	FullPath string `json:"full_path"`
}

// Project is the subset of GitLab's project entity the provider needs.
type Project struct {
	ID                   int64      `json:"id"`
	Name                 string     `json:"name"`
	Path                 string     `json:"path"`
	PathWithNamespace    string     `json:"path_with_namespace"`
	NameWithNamespace    string     `json:"name_with_namespace"`
	Namespace            *Namespace `json:"namespace"`
	SharedRunnersEnabled bool       `json:"shared_runners_enabled"`
	GroupRunnersEnabled  bool       `json:"group_runners_enabled"`
	WebURL               string     `json:"web_url"`
	// RunnersToken is the project's registration token, returned only to
	// Maintainers and administrators (lib/api/entities/project.rb); nil
	// when GitLab did not return it.
	RunnersToken *string `json:"runners_token,omitempty"`
}

// CreateProjectOptions is the body of POST /projects.
type CreateProjectOptions struct {
	Name        string `json:"name"`
	Path        string `json:"path,omitempty"`
	NamespaceID *int64 `json:"namespace_id,omitempty"`
	Visibility  string `json:"visibility,omitempty"`
}

// EditProjectOptions is the body of PUT /projects/:id (runner settings only).
type EditProjectOptions struct {
	SharedRunnersEnabled *bool `json:"shared_runners_enabled,omitempty"`
	GroupRunnersEnabled  *bool `json:"group_runners_enabled,omitempty"`
}

// Group is the subset of GitLab's group entity the provider needs.
type Group struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Path     string `json:"path"`
	FullPath string `json:"full_path"`
	ParentID *int64 `json:"parent_id"`
	WebURL   string `json:"web_url"`
	// RunnersToken is the group's registration token, returned only to
	// Owners and administrators (lib/api/entities/group_detail.rb); nil
	// when GitLab did not return it.
	RunnersToken *string `json:"runners_token,omitempty"`
}

// CreateGroupOptions is the body of POST /groups.
type CreateGroupOptions struct {
	Name       string `json:"name"`
	Path       string `json:"path"`
	ParentID   *int64 `json:"parent_id,omitempty"`
	Visibility string `json:"visibility,omitempty"`
}

// Access levels for memberships.
const (
	AccessGuest      = 10
	AccessReporter   = 20
	AccessDeveloper  = 30
	AccessMaintainer = 40
	AccessOwner      = 50
)
