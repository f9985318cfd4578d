package gitlabsim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The admin API lives under /-/sim/ (a prefix GitLab never uses), needs no
// authentication and is never subject to faults or counted in Stats.

type adminRunnerSeed struct {
	RunnerType      string     `json:"runner_type"`
	GroupID         int64      `json:"group_id"`
	ProjectID       int64      `json:"project_id"`
	Description     string     `json:"description"`
	Tags            []string   `json:"tags"`
	TagList         []string   `json:"tag_list"`
	Paused          bool       `json:"paused"`
	Locked          bool       `json:"locked"`
	RunUntagged     *bool      `json:"run_untagged"`
	AccessLevel     string     `json:"access_level"`
	MaximumTimeout  *int64     `json:"maximum_timeout"`
	MaintenanceNote string     `json:"maintenance_note"`
	CreatedAt       *time.Time `json:"created_at"`
	ContactedAt     *time.Time `json:"contacted_at"`
	Version         string     `json:"version"`
	CreatorID       int64      `json:"creator_id"`
	Count           int        `json:"count"`
}

type adminManagerSeed struct {
	SystemID     string     `json:"system_id"`
	Version      string     `json:"version"`
	Revision     string     `json:"revision"`
	Platform     string     `json:"platform"`
	Architecture string     `json:"architecture"`
	IPAddress    string     `json:"ip_address"`
	CreatedAt    *time.Time `json:"created_at"`
	ContactedAt  *time.Time `json:"contacted_at"`
}

type adminJobSeed struct {
	ProjectID  int64      `json:"project_id"`
	Status     string     `json:"status"`
	Stage      string     `json:"stage"`
	Name       string     `json:"name"`
	Ref        string     `json:"ref"`
	SystemID   string     `json:"system_id"`
	CreatedAt  *time.Time `json:"created_at"`
	StartedAt  *time.Time `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	Duration   *float64   `json:"duration"`
	PipelineID int64      `json:"pipeline_id"`
	UserID     int64      `json:"user_id"`
	// FailureReason is Ci::Build#failure_reason of a failed job.
	FailureReason string `json:"failure_reason"`
}

type adminSettings struct {
	RegistrationTokensEnabled bool   `json:"registration_tokens_enabled"`
	TokenExpiration           string `json:"token_expiration"`
}

// adminRoute is one endpoint of the admin API. Pattern segments are literals
// or ":id", which matches a numeric runner id.
type adminRoute struct {
	name    string // the handler's name
	method  string
	pattern []string
	handler func(*Sim, adminReq)
}

// adminReq carries one admin request to its handler.
type adminReq struct {
	w  http.ResponseWriter
	r  *http.Request
	id int64 // the :id segment, for routes that have one
}

// adminRoutes is the admin API's route table, as apiRoutes is the public one.
func adminRoutes() []adminRoute {
	return []adminRoute{
		{name: "adminStats", method: "GET", pattern: seg("stats"), handler: (*Sim).adminStats},
		{name: "adminResetStats", method: "POST", pattern: seg("stats/reset"), handler: (*Sim).adminResetStats},
		{name: "adminInjectFault", method: "POST", pattern: seg("faults"), handler: (*Sim).adminInjectFault},
		{name: "adminClearFaults", method: "DELETE", pattern: seg("faults"), handler: (*Sim).adminClearFaults},
		{name: "adminFaultConfig", method: "GET", pattern: seg("faults/config"), handler: (*Sim).adminFaultConfig},
		{name: "adminSetFaultConfig", method: "PUT", pattern: seg("faults/config"), handler: (*Sim).adminSetFaultConfig},
		{name: "adminClock", method: "GET", pattern: seg("clock"), handler: (*Sim).adminClock},
		{name: "adminAdvanceClock", method: "POST", pattern: seg("clock"), handler: (*Sim).adminAdvanceClock},
		{name: "adminSettings", method: "GET", pattern: seg("settings"), handler: (*Sim).adminSettings},
		{name: "adminUpdateSettings", method: "PUT", pattern: seg("settings"), handler: (*Sim).adminUpdateSettings},
		{name: "adminSeedRunners", method: "POST", pattern: seg("runners"), handler: (*Sim).adminSeedRunners},
		{name: "adminSetRunnerContactedAt", method: "PUT", pattern: seg("runners/:id"), handler: (*Sim).adminSetRunnerContactedAt},
		{name: "adminAddManager", method: "POST", pattern: seg("runners/:id/managers"), handler: (*Sim).adminAddManager},
		{name: "adminAddJob", method: "POST", pattern: seg("runners/:id/jobs"), handler: (*Sim).adminAddJob},
		{name: "adminRunnerToken", method: "GET", pattern: seg("runners/:id/token"), handler: (*Sim).adminRunnerToken},
		{name: "adminRegistrationToken", method: "GET", pattern: seg("registration_token"), handler: (*Sim).adminRegistrationToken},
	}
}

// match reports whether the route serves method and the path segments, and
// the :id segment's value.
func (rt *adminRoute) match(method string, parts []string) (id int64, ok bool) {
	if rt.method != method || len(rt.pattern) != len(parts) {
		return 0, false
	}
	for i, p := range rt.pattern {
		if p != ":id" {
			if p != parts[i] {
				return 0, false
			}
			continue
		}
		n, err := strconv.ParseInt(parts[i], 10, 64)
		if err != nil {
			return 0, false
		}
		id = n
	}
	return id, true
}

func (s *Sim) serveAdmin(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/-/sim"), "/"), "/")
	for i := range s.adminTable {
		if id, ok := s.adminTable[i].match(r.Method, parts); ok {
			s.adminTable[i].handler(s, adminReq{w: w, r: r, id: id})
			return
		}
	}
	adminError(w, 404, fmt.Errorf("unknown admin endpoint %s %s", r.Method, r.URL.Path))
}

func adminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func adminError(w http.ResponseWriter, status int, err error) {
	adminJSON(w, status, map[string]string{"error": err.Error()})
}

func (a adminReq) json(status int, v any) { adminJSON(a.w, status, v) }

func (a adminReq) fail(status int, err error) { adminError(a.w, status, err) }

// decode reads the JSON body into v (an empty body leaves v as it is) and
// answers 400 when it is not valid.
func (a adminReq) decode(v any) bool {
	b, err := io.ReadAll(io.LimitReader(a.r.Body, maxBody))
	if err == nil && len(strings.TrimSpace(string(b))) > 0 {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		a.fail(400, err)
		return false
	}
	return true
}

func (s *Sim) settings() adminSettings {
	s.mu.RLock()
	defer s.mu.RUnlock()
	exp := ""
	if s.st.tokenExp > 0 {
		exp = s.st.tokenExp.String()
	}
	return adminSettings{RegistrationTokensEnabled: s.st.regEnabled, TokenExpiration: exp}
}

// GET /-/sim/stats
func (s *Sim) adminStats(a adminReq) { a.json(200, s.Stats()) }

// POST /-/sim/stats/reset
func (s *Sim) adminResetStats(a adminReq) {
	s.ResetStats()
	a.w.WriteHeader(204)
}

// POST /-/sim/faults takes one rule or a JSON list of rules (all or none).
func (s *Sim) adminInjectFault(a adminReq) { s.adminInjectFaults(a.w, a.r) }

// DELETE /-/sim/faults
func (s *Sim) adminClearFaults(a adminReq) {
	s.ClearFaults()
	a.w.WriteHeader(204)
}

// GET /-/sim/faults/config
func (s *Sim) adminFaultConfig(a adminReq) { a.json(200, s.FaultConfig()) }

// PUT /-/sim/faults/config
func (s *Sim) adminSetFaultConfig(a adminReq) {
	var cfg FaultConfig
	if !a.decode(&cfg) {
		return
	}
	s.SetFaultConfig(cfg)
	a.json(200, s.FaultConfig())
}

// GET /-/sim/clock
func (s *Sim) adminClock(a adminReq) { a.json(200, s.clockInfo()) }

// POST /-/sim/clock
func (s *Sim) adminAdvanceClock(a adminReq) {
	var body struct {
		Advance string `json:"advance"`
	}
	if !a.decode(&body) {
		return
	}
	d, err := time.ParseDuration(body.Advance)
	if err != nil {
		a.fail(400, fmt.Errorf("advance: %w", err))
		return
	}
	s.AdvanceClock(d)
	a.json(200, s.clockInfo())
}

// GET /-/sim/settings
func (s *Sim) adminSettings(a adminReq) { a.json(200, s.settings()) }

// PUT /-/sim/settings
func (s *Sim) adminUpdateSettings(a adminReq) {
	var body struct {
		RegistrationTokensEnabled *bool   `json:"registration_tokens_enabled"`
		TokenExpiration           *string `json:"token_expiration"`
	}
	if !a.decode(&body) {
		return
	}
	if body.TokenExpiration != nil {
		var d time.Duration
		if *body.TokenExpiration != "" {
			var err error
			if d, err = time.ParseDuration(*body.TokenExpiration); err != nil {
				a.fail(400, fmt.Errorf("token_expiration: %w", err))
				return
			}
		}
		s.SetTokenExpiration(d)
	}
	if body.RegistrationTokensEnabled != nil {
		s.SetRegistrationTokensEnabled(*body.RegistrationTokensEnabled)
	}
	a.json(200, s.settings())
}

// POST /-/sim/runners
func (s *Sim) adminSeedRunners(a adminReq) {
	var b adminRunnerSeed
	if !a.decode(&b) {
		return
	}
	if b.Count <= 0 {
		b.Count = 1
	}
	tags := b.Tags
	if len(tags) == 0 {
		tags = b.TagList
	}
	ids, err := s.SeedRunners(RunnerSeed{RunnerType: b.RunnerType, GroupID: b.GroupID, ProjectID: b.ProjectID,
		Description: b.Description, Tags: tags, Paused: b.Paused, Locked: b.Locked, RunUntagged: b.RunUntagged,
		AccessLevel: b.AccessLevel, MaximumTimeout: b.MaximumTimeout, MaintenanceNote: b.MaintenanceNote,
		CreatedAt: b.CreatedAt, ContactedAt: b.ContactedAt, Version: b.Version, CreatorID: b.CreatorID}, b.Count)
	if err != nil {
		a.fail(400, err)
		return
	}
	a.json(201, map[string][]int64{"ids": ids})
}

// PUT /-/sim/runners/:id
func (s *Sim) adminSetRunnerContactedAt(a adminReq) {
	var b struct {
		ContactedAt *time.Time `json:"contacted_at"`
	}
	if !a.decode(&b) {
		return
	}
	if err := s.SetRunnerContactedAt(a.id, b.ContactedAt); err != nil {
		a.fail(404, err)
		return
	}
	a.json(200, map[string]any{"id": a.id, "contacted_at": tp(b.ContactedAt)})
}

// POST /-/sim/runners/:id/managers
func (s *Sim) adminAddManager(a adminReq) {
	var b adminManagerSeed
	if !a.decode(&b) {
		return
	}
	mid, err := s.AddManager(a.id, ManagerSeed(b))
	if err != nil {
		a.fail(404, err)
		return
	}
	a.json(201, map[string]int64{"id": mid})
}

// POST /-/sim/runners/:id/jobs
func (s *Sim) adminAddJob(a adminReq) {
	var b adminJobSeed
	if !a.decode(&b) {
		return
	}
	jid, err := s.AddJob(a.id, JobSeed(b))
	if err != nil {
		a.fail(400, err)
		return
	}
	a.json(201, map[string]int64{"id": jid})
}

// GET /-/sim/runners/:id/token
func (s *Sim) adminRunnerToken(a adminReq) {
	tok, ok := s.RunnerToken(a.id)
	if !ok {
		a.fail(404, fmt.Errorf("runner %d not found", a.id))
		return
	}
	a.json(200, map[string]string{"token": tok})
}

// GET /-/sim/registration_token?scope=instance|group|project&id=N
func (s *Sim) adminRegistrationToken(a adminReq) {
	scope := a.r.URL.Query().Get("scope")
	if scope == "" {
		scope = "instance"
	}
	id, _ := strconv.ParseInt(a.r.URL.Query().Get("id"), 10, 64)
	tok := s.RegistrationToken(scope, id)
	if tok == "" {
		a.fail(404, fmt.Errorf("no registration token for %s %d", scope, id))
		return
	}
	a.json(200, map[string]string{"token": tok})
}

func (s *Sim) clockInfo() map[string]string {
	return map[string]string{"now": s.Now().Format(timeLayout), "offset": time.Duration(s.offset.Load()).String()}
}
