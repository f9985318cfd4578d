package gitlabsim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// RunnerSeed describes runners created directly in the simulator state
// (bypassing the API) for tests and the demo.
type RunnerSeed struct {
	RunnerType      string // instance_type | group_type | project_type
	GroupID         int64  // for group_type
	ProjectID       int64  // owner project for project_type
	Description     string
	Tags            []string
	Paused, Locked  bool
	RunUntagged     *bool  // default true
	AccessLevel     string // default not_protected
	MaximumTimeout  *int64
	MaintenanceNote string
	CreatedAt       *time.Time // default Now()
	ContactedAt     *time.Time // default nil (never contacted)
	Version         string     // if set, a manager with this version (system_id "s_seed<id>") is created, contacted at ContactedAt
	CreatorID       int64      // default 1 (root)
}

// SeedRunners creates n identical runners and returns their ids. Seeded
// runners get a glrt- token like runners created with POST /user/runners.
func (s *Sim) SeedRunners(seed RunnerSeed, n int) ([]int64, error) {
	if n <= 0 {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	now := s.Now()
	var group *namespace
	var proj *project
	switch seed.RunnerType {
	case typeInstance:
	case typeGroup:
		group = st.namespaces[seed.GroupID]
		if group == nil || group.kind != "group" {
			return nil, fmt.Errorf("gitlabsim: group %d not found", seed.GroupID)
		}
	case typeProject:
		proj = st.projects[seed.ProjectID]
		if proj == nil {
			return nil, fmt.Errorf("gitlabsim: project %d not found", seed.ProjectID)
		}
	default:
		return nil, fmt.Errorf("gitlabsim: invalid runner type %q", seed.RunnerType)
	}
	accessLevel := seed.AccessLevel
	if accessLevel == "" {
		accessLevel = "not_protected"
	}
	if !contains(accessLevels, accessLevel) {
		return nil, fmt.Errorf("gitlabsim: invalid access level %q", accessLevel)
	}
	runUntagged := true
	if seed.RunUntagged != nil {
		runUntagged = *seed.RunUntagged
	}
	creator := seed.CreatorID
	if creator == 0 {
		creator = 1
	}
	created, contacted := seedTimeOr(seed.CreatedAt, now), seedTime(seed.ContactedAt)
	tags := normalizeTags(seed.Tags)
	template := runner{typ: seed.RunnerType, group: group, tags: tags, paused: seed.Paused, locked: seed.Locked,
		runUntagged: runUntagged, accessLevel: accessLevel, maxTimeout: seed.MaximumTimeout,
		createdAt: created, updatedAt: created, contactedAt: contacted, creatorID: creator}
	if seed.Description != "" {
		template.description = strp(seed.Description)
	}
	if seed.MaintenanceNote != "" {
		template.maintenanceNote = strp(seed.MaintenanceNote)
	}
	if errs := validateRunner(&template, nullAttrs{}); len(errs) > 0 {
		return nil, fmt.Errorf("gitlabsim: invalid runner seed: %s", toSentence(errs))
	}
	if saveFails(&template, nullAttrs{}) {
		return nil, fmt.Errorf("gitlabsim: invalid runner seed: maximum_timeout outside int4")
	}
	ids := make([]int64, 0, n)
	for i := 0; i < n; i++ {
		r := template
		r.tags = append([]string{}, tags...)
		if proj != nil {
			r.projects = []*project{proj}
		}
		st.addRunner(&r)
		st.issueToken(&r)
		if seed.Version != "" {
			st.seqManager++
			v := seed.Version
			r.managers = []*manager{{id: st.seqManager, systemID: fmt.Sprintf("s_seed%d", r.id), version: &v,
				createdAt: created, contactedAt: contacted}}
		}
		ids = append(ids, r.id)
	}
	return ids, nil
}

// ManagerSeed describes a runner manager added with AddManager.
type ManagerSeed struct {
	SystemID, Version, Revision, Platform, Architecture, IPAddress string
	CreatedAt, ContactedAt                                         *time.Time
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// AddManager adds a runner manager (or replaces the one with the same
// system id) and moves the runner's contacted_at forward if the manager's is
// later.
func (s *Sim) AddManager(runnerID int64, m ManagerSeed) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	r, err := st.seededRunner(runnerID)
	if err != nil {
		return 0, err
	}
	if m.SystemID == "" {
		m.SystemID = "s_" + randHex(6)
	}
	created, contacted := seedTimeOr(m.CreatedAt, s.Now()), seedTime(m.ContactedAt)
	mgr := &manager{systemID: m.SystemID, version: optStr(m.Version), revision: optStr(m.Revision),
		platform: optStr(m.Platform), architecture: optStr(m.Architecture), ipAddress: optStr(m.IPAddress),
		createdAt: created, contactedAt: contacted}
	replaced := false
	for i, x := range r.managers {
		if x.systemID == m.SystemID {
			mgr.id = x.id
			r.managers[i] = mgr
			replaced = true
		}
	}
	if !replaced {
		st.seqManager++
		mgr.id = st.seqManager
		r.managers = append(r.managers, mgr)
	}
	if contacted != nil && (r.contactedAt == nil || r.contactedAt.Before(*contacted)) {
		t := *contacted
		r.contactedAt = &t
	}
	return mgr.id, nil
}

// JobSeed describes a job added with AddJob.
type JobSeed struct {
	ProjectID                        int64 // default: the runner's owner project
	Status, Stage, Name, Ref         string
	SystemID                         string
	CreatedAt, StartedAt, FinishedAt *time.Time
	Duration                         *float64
	PipelineID                       int64 // default: a new pipeline id
	UserID                           int64 // default 1 (root)
	// FailureReason of a failed job (Ci::Build failure_reason enum);
	// default script_failure. Ignored for other statuses.
	FailureReason string
}

func randHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// AddJob records a job processed by the runner.
func (s *Sim) AddJob(runnerID int64, j JobSeed) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	r, err := st.seededRunner(runnerID)
	if err != nil {
		return 0, err
	}
	p := st.projects[j.ProjectID]
	if j.ProjectID == 0 {
		p = r.ownerProject()
	}
	if p == nil {
		return 0, fmt.Errorf("gitlabsim: project %d not found (instance and group runners need JobSeed.ProjectID)", j.ProjectID)
	}
	if j.Status == "" {
		j.Status = "success"
	}
	if !contains(jobStatuses, j.Status) {
		return 0, fmt.Errorf("gitlabsim: invalid job status %q", j.Status)
	}
	def := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	created := seedTimeOr(j.CreatedAt, s.Now())
	if j.PipelineID == 0 {
		st.seqPipeline++
		j.PipelineID = st.seqPipeline
	} else if j.PipelineID > st.seqPipeline {
		st.seqPipeline = j.PipelineID
	}
	if j.UserID == 0 {
		j.UserID = 1
	}
	if j.Status == "failed" && j.FailureReason == "" {
		j.FailureReason = "script_failure"
	}
	if j.Status != "failed" {
		j.FailureReason = ""
	}
	st.seqJob++
	jb := &job{failureReason: j.FailureReason, id: st.seqJob, runner: r, project: p, status: j.Status, stage: def(j.Stage, "test"),
		name: def(j.Name, "test"), ref: def(j.Ref, "main"), systemID: j.SystemID, createdAt: created,
		startedAt: j.StartedAt, finishedAt: j.FinishedAt, duration: j.Duration, pipelineID: j.PipelineID,
		userID: j.UserID, sha: randHex(20)}
	r.jobs = append(r.jobs, jb)
	st.jobByID[jb.id] = jb
	if jb.status == "running" {
		r.running++
	}
	return jb.id, nil
}

// SetRunnerContactedAt sets (or with nil clears) a runner's contacted_at.
func (s *Sim) SetRunnerContactedAt(runnerID int64, t *time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.st.seededRunner(runnerID)
	if err != nil {
		return err
	}
	r.contactedAt = seedTime(t)
	return nil
}

// seededRunner is the runner a seeding helper was asked to change.
func (st *state) seededRunner(id int64) (*runner, error) {
	if r := st.runnerByID[id]; r != nil {
		return r, nil
	}
	return nil, fmt.Errorf("gitlabsim: runner %d not found", id)
}

// seedTime copies a seeded time in UTC at the millisecond precision of
// GitLab's JSON; nil stays nil.
func seedTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	tt := t.UTC().Truncate(time.Millisecond)
	return &tt
}

// seedTimeOr is seedTime with a default for nil.
func seedTimeOr(t *time.Time, def time.Time) time.Time {
	if t := seedTime(t); t != nil {
		return *t
	}
	return def
}

// RunnerCount returns the number of runners.
func (s *Sim) RunnerCount() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.st.runners)
}

// RunnerIDs returns every runner id in ascending order.
func (s *Sim) RunnerIDs() []int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]int64, len(s.st.runners))
	for i, r := range s.st.runners {
		ids[i] = r.id
	}
	return ids
}

// RunnerToken returns the runner's current authentication token (tests only:
// no GitLab endpoint reads it back).
func (s *Sim) RunnerToken(runnerID int64) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.st.runnerByID[runnerID]
	if r == nil {
		return "", false
	}
	return r.token, true
}

// RegistrationToken returns the registration token of the instance
// (scope "instance"), a group or a project; "" when the scope is unknown.
func (s *Sim) RegistrationToken(scope string, id int64) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	switch scope {
	case "instance":
		return s.st.instanceRegToken
	case "group":
		if g := s.st.namespaces[id]; g != nil && g.kind == "group" {
			return g.regToken
		}
	case "project":
		if p := s.st.projects[id]; p != nil {
			return p.regToken
		}
	}
	return ""
}
