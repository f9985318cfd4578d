// Package gitlabsim is an in-memory simulator of the GitLab 18.x REST API
// surface that manages CI runners (plus the user/group/project fixture
// endpoints tests need to build realistic ownership graphs).
//
// The simulator's value is fidelity: status codes, error bodies, null vs
// absent fields, token formats and pagination headers follow what a real
// GitLab 18.x answers, so a client that passes against it works against
// gitlab.com and self-managed GitLab 17.x/18.x. See README.md for the known
// deliberate differences.
package gitlabsim

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures a simulator instance.
type Options struct {
	AdminToken                string           // default "glpat-simulator-admin-token"
	RegistrationTokensEnabled bool             // GitLab 17+ default false
	TokenExpiration           time.Duration    // runner_token_expiration_interval; 0 = tokens never expire (token_expires_at null)
	Now                       func() time.Time // base clock, default time.Now; AdvanceClock adds an offset on top
	Faults                    FaultConfig
	Logf                      func(format string, args ...any) // optional request log
}

// DefaultAdminToken is the personal access token of user 1 (root) unless
// Options.AdminToken overrides it.
const DefaultAdminToken = "glpat-simulator-admin-token"

// Sim is the simulator. It implements http.Handler and is safe for
// concurrent use.
type Sim struct {
	opts Options
	base func() time.Time
	// clock offset in nanoseconds, added to base().
	offset atomic.Int64

	mu sync.RWMutex
	st *state

	faultMu  sync.Mutex
	rules    []*faultRuleState
	faultCfg FaultConfig
	rng      *rand.Rand
	rlStart  time.Time // start of the current throttle window
	rlCount  int
	// repeatFaults counts the faults in a row of each request key
	// (FaultConfig.MaxRepeatFaults).
	repeatFaults map[string]int

	statsMu sync.Mutex
	stats   Stats

	routeTable []route
	adminTable []adminRoute
}

// New returns a simulator with the initial state: user 1 "root" (admin) with
// a personal access token of scope api.
func New(opts Options) *Sim {
	if opts.AdminToken == "" {
		opts.AdminToken = DefaultAdminToken
	}
	s := &Sim{opts: opts, base: opts.Now}
	s.routeTable = apiRoutes()
	s.adminTable = adminRoutes()
	if s.base == nil {
		s.base = time.Now
	}
	s.st = newState(s)
	s.st.regEnabled = opts.RegistrationTokensEnabled
	s.st.tokenExp = opts.TokenExpiration
	s.st.bootstrap(opts.AdminToken)
	s.SetFaultConfig(opts.Faults)
	s.ResetStats()
	return s
}

// Now is the simulator's clock: Options.Now (or time.Now) plus every
// AdvanceClock offset, truncated to milliseconds like GitLab's JSON output.
func (s *Sim) Now() time.Time {
	return s.base().Add(time.Duration(s.offset.Load())).UTC().Truncate(time.Millisecond)
}

// AdvanceClock moves the simulator clock forward (or backward with a
// negative duration). Runner status is computed against this clock.
func (s *Sim) AdvanceClock(d time.Duration) { s.offset.Add(int64(d)) }

// SetRegistrationTokensEnabled toggles the instance setting
// allow_runner_registration_token (GitLab 17+ default: false).
func (s *Sim) SetRegistrationTokensEnabled(enabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.regEnabled = enabled
}

// SetTokenExpiration sets runner_token_expiration_interval for tokens issued
// from now on (0 = never expire). Existing tokens keep their expiry, as in
// GitLab where token_expires_at is stored when the token is issued.
func (s *Sim) SetTokenExpiration(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.tokenExp = d
}

func (s *Sim) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// Server is a simulator listening on a loopback port.
type Server struct {
	*Sim
	URL        string // "http://127.0.0.1:PORT", without /api/v4
	AdminToken string

	srv *http.Server
	ln  net.Listener
}

// Start starts a simulator on 127.0.0.1:0.
func Start(opts Options) (*Server, error) {
	return StartOn("127.0.0.1:0", opts)
}

// StartOn starts a simulator on the given address.
func StartOn(addr string, opts Options) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("gitlabsim: listen %s: %w", addr, err)
	}
	sim := New(opts)
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	server := &Server{Sim: sim, URL: "http://" + ln.Addr().String(), AdminToken: sim.opts.AdminToken, srv: srv, ln: ln}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			sim.logf("gitlabsim: serve: %v", err)
		}
	}()
	return server, nil
}

// Close stops the server, closing idle and active connections.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
	}
}
