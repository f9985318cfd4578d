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
}

type adminSettings struct {
	RegistrationTokensEnabled bool   `json:"registration_tokens_enabled"`
	TokenExpiration           string `json:"token_expiration"`
}

func adminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func adminError(w http.ResponseWriter, status int, err error) {
	adminJSON(w, status, map[string]string{"error": err.Error()})
}

func decodeBody(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil
	}
	return json.Unmarshal(b, v)
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

func (s *Sim) serveAdmin(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/-/sim"), "/"), "/")
	key := r.Method + " " + strings.Join(parts, "/")
	if len(parts) >= 2 && parts[0] == "runners" {
		if _, err := strconv.ParseInt(parts[1], 10, 64); err == nil {
			parts2 := append([]string{"runners", ":id"}, parts[2:]...)
			key = r.Method + " " + strings.Join(parts2, "/")
		}
	}
	switch key {
	case "GET stats":
		adminJSON(w, 200, s.Stats())
	case "POST stats/reset":
		s.ResetStats()
		w.WriteHeader(204)
	case "POST faults":
		s.adminInjectFaults(w, r)
	case "DELETE faults":
		s.ClearFaults()
		w.WriteHeader(204)
	case "GET faults/config":
		adminJSON(w, 200, s.FaultConfig())
	case "PUT faults/config":
		var cfg FaultConfig
		if err := decodeBody(r, &cfg); err != nil {
			adminError(w, 400, err)
			return
		}
		s.SetFaultConfig(cfg)
		adminJSON(w, 200, s.FaultConfig())
	case "GET clock":
		adminJSON(w, 200, s.clockInfo())
	case "POST clock":
		var body struct {
			Advance string `json:"advance"`
		}
		if err := decodeBody(r, &body); err != nil {
			adminError(w, 400, err)
			return
		}
		d, err := time.ParseDuration(body.Advance)
		if err != nil {
			adminError(w, 400, fmt.Errorf("advance: %w", err))
			return
		}
		s.AdvanceClock(d)
		adminJSON(w, 200, s.clockInfo())
	case "GET settings":
		adminJSON(w, 200, s.settings())
	case "PUT settings":
		var body struct {
			RegistrationTokensEnabled *bool   `json:"registration_tokens_enabled"`
			TokenExpiration           *string `json:"token_expiration"`
		}
		if err := decodeBody(r, &body); err != nil {
			adminError(w, 400, err)
			return
		}
		if body.TokenExpiration != nil {
			var d time.Duration
			if *body.TokenExpiration != "" {
				var err error
				if d, err = time.ParseDuration(*body.TokenExpiration); err != nil {
					adminError(w, 400, fmt.Errorf("token_expiration: %w", err))
					return
				}
			}
			s.SetTokenExpiration(d)
		}
		if body.RegistrationTokensEnabled != nil {
			s.SetRegistrationTokensEnabled(*body.RegistrationTokensEnabled)
		}
		adminJSON(w, 200, s.settings())
	case "POST runners":
		var b adminRunnerSeed
		if err := decodeBody(r, &b); err != nil {
			adminError(w, 400, err)
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
			adminError(w, 400, err)
			return
		}
		adminJSON(w, 201, map[string][]int64{"ids": ids})
	case "POST runners/:id/managers":
		id, _ := strconv.ParseInt(parts[1], 10, 64)
		var b adminManagerSeed
		if err := decodeBody(r, &b); err != nil {
			adminError(w, 400, err)
			return
		}
		mid, err := s.AddManager(id, ManagerSeed(b))
		if err != nil {
			adminError(w, 404, err)
			return
		}
		adminJSON(w, 201, map[string]int64{"id": mid})
	case "POST runners/:id/jobs":
		id, _ := strconv.ParseInt(parts[1], 10, 64)
		var b adminJobSeed
		if err := decodeBody(r, &b); err != nil {
			adminError(w, 400, err)
			return
		}
		jid, err := s.AddJob(id, JobSeed(b))
		if err != nil {
			adminError(w, 400, err)
			return
		}
		adminJSON(w, 201, map[string]int64{"id": jid})
	case "PUT runners/:id":
		id, _ := strconv.ParseInt(parts[1], 10, 64)
		var b struct {
			ContactedAt *time.Time `json:"contacted_at"`
		}
		if err := decodeBody(r, &b); err != nil {
			adminError(w, 400, err)
			return
		}
		if err := s.SetRunnerContactedAt(id, b.ContactedAt); err != nil {
			adminError(w, 404, err)
			return
		}
		adminJSON(w, 200, map[string]any{"id": id, "contacted_at": tp(b.ContactedAt)})
	case "GET runners/:id/token":
		id, _ := strconv.ParseInt(parts[1], 10, 64)
		tok, ok := s.RunnerToken(id)
		if !ok {
			adminError(w, 404, fmt.Errorf("runner %d not found", id))
			return
		}
		adminJSON(w, 200, map[string]string{"token": tok})
	case "GET registration_token":
		scope := r.URL.Query().Get("scope")
		if scope == "" {
			scope = "instance"
		}
		id, _ := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
		tok := s.RegistrationToken(scope, id)
		if tok == "" {
			adminError(w, 404, fmt.Errorf("no registration token for %s %d", scope, id))
			return
		}
		adminJSON(w, 200, map[string]string{"token": tok})
	default:
		adminError(w, 404, fmt.Errorf("unknown admin endpoint %s %s", r.Method, r.URL.Path))
	}
}

func (s *Sim) clockInfo() map[string]string {
	return map[string]string{"now": s.Now().Format(timeLayout), "offset": time.Duration(s.offset.Load()).String()}
}
