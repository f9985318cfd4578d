package gitlabsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const apiPrefix = "/api/v4"

// authKind says how a route authenticates.
type authKind int

const (
	authUser   authKind = iota // personal access token required (401 otherwise)
	authRunner                 // runner/registration token in the body; no user
)

type route struct {
	name    string // the handler's name; see apiRoutes
	method  string
	pattern []string // literal segments or ":name"
	tmpl    string   // "GET /api/v4/runners/:id"
	auth    authKind
	write   bool
	extra   []string // scopes allowed besides api/read_api
	// class lists the allow_access_with_scope scopes of the route's Grape
	// class; insufficient_scope names them first, whether or not their if:
	// condition holds for the request (lib/api/api_guard.rb
	// scopes_registered_for_endpoint).
	class   []string
	handler func(*ctx)
}

// ctx carries one request through a handler. Handlers run under the state
// lock and only record their response; ServeHTTP writes it after unlocking.
type ctx struct {
	s       *Sim
	st      *state
	r       *http.Request
	vars    map[string]string
	p       *params
	user    *user
	acc     *accessCache
	now     time.Time
	baseURL string
	// linkDefaults are the handler's declared parameter defaults that
	// pagination links carry (Grape puts defaults into params).
	linkDefaults map[string]any

	status int
	header http.Header
	body   []byte
}

func (c *ctx) json(status int, v any) {
	b, err := marshalJSON(v)
	if err != nil {
		c.status = http.StatusInternalServerError
		c.body = []byte(`{"message":"500 Internal Server Error"}`)
		return
	}
	c.status = status
	c.header.Set("Content-Type", "application/json")
	c.body = b
}

// message answers {"message": msg}, GitLab's render_api_error! shape.
func (c *ctx) message(status int, msg any) { c.json(status, map[string]any{"message": msg}) }

// errorf answers {"error": msg}, the shape of Grape parameter errors.
func (c *ctx) errorf(status int, msg string) { c.json(status, map[string]string{"error": msg}) }

func (c *ctx) noContent() { c.status = http.StatusNoContent; c.body = nil }

func (c *ctx) forbidden(reason string) {
	if reason == "" {
		c.message(403, "403 Forbidden")
		return
	}
	c.message(403, "403 Forbidden - "+reason)
}

func (c *ctx) notFound(what string) { c.message(404, "404 "+what+" Not Found") }

func (c *ctx) badRequest(reason string) {
	c.message(400, "400 Bad request - "+reason)
}

func (c *ctx) unauthorized() { c.message(401, "401 Unauthorized") }

// apiRoutes is the public API's route table. Each entry's name is its
// handler's name and the name of the internal/gitlab Client method that calls
// the endpoint, with a lower-case first letter, so an endpoint is found under
// one name in the client, here and in the handler (getUser has no client
// method: only the simulator's own tests read single users).
func apiRoutes() []route {
	const write = true
	rs := []route{
		// runners
		{name: "listRunners", method: "GET", pattern: seg("runners"), handler: (*ctx).listRunners},
		{name: "listAllRunners", method: "GET", pattern: seg("runners/all"), handler: (*ctx).listAllRunners},
		{name: "registerRunner", method: "POST", pattern: seg("runners"), auth: authRunner, write: write, handler: (*ctx).registerRunner},
		{name: "deleteRunnerByToken", method: "DELETE", pattern: seg("runners"), auth: authRunner, write: write, handler: (*ctx).deleteRunnerByToken},
		{name: "verifyRunner", method: "POST", pattern: seg("runners/verify"), auth: authRunner, write: write, handler: (*ctx).verifyRunner},
		{name: "resetRunnerAuthenticationTokenByToken", method: "POST", pattern: seg("runners/reset_authentication_token"), auth: authRunner, write: write, handler: (*ctx).resetRunnerAuthenticationTokenByToken},
		{name: "resetInstanceRegistrationToken", method: "POST", pattern: seg("runners/reset_registration_token"), write: write, handler: (*ctx).resetInstanceRegistrationToken},
		{name: "getRunner", method: "GET", pattern: seg("runners/:id"), extra: []string{"manage_runner"}, handler: (*ctx).getRunner},
		{name: "updateRunner", method: "PUT", pattern: seg("runners/:id"), extra: []string{"manage_runner"}, write: write, handler: (*ctx).updateRunner},
		{name: "deleteRunner", method: "DELETE", pattern: seg("runners/:id"), extra: []string{"manage_runner"}, write: write, handler: (*ctx).deleteRunner},
		{name: "listRunnerJobs", method: "GET", pattern: seg("runners/:id/jobs"), extra: []string{"manage_runner"}, handler: (*ctx).listRunnerJobs},
		{name: "listRunnerManagers", method: "GET", pattern: seg("runners/:id/managers"), extra: []string{"manage_runner"}, handler: (*ctx).listRunnerManagers},
		{name: "resetRunnerAuthenticationToken", method: "POST", pattern: seg("runners/:id/reset_authentication_token"), extra: []string{"manage_runner"}, write: write, handler: (*ctx).resetRunnerAuthenticationToken},
		{name: "createUserRunner", method: "POST", pattern: seg("user/runners"), extra: []string{"create_runner"}, write: write, handler: (*ctx).createUserRunner},
		{name: "listProjectRunners", method: "GET", pattern: seg("projects/:id/runners"), handler: (*ctx).listProjectRunners},
		{name: "assignRunnerToProject", method: "POST", pattern: seg("projects/:id/runners"), write: write, handler: (*ctx).assignRunnerToProject},
		{name: "unassignRunnerFromProject", method: "DELETE", pattern: seg("projects/:id/runners/:runner_id"), write: write, handler: (*ctx).unassignRunnerFromProject},
		{name: "resetProjectRegistrationToken", method: "POST", pattern: seg("projects/:id/runners/reset_registration_token"), write: write, handler: (*ctx).resetProjectRegistrationToken},
		{name: "listGroupRunners", method: "GET", pattern: seg("groups/:id/runners"), handler: (*ctx).listGroupRunners},
		{name: "resetGroupRegistrationToken", method: "POST", pattern: seg("groups/:id/runners/reset_registration_token"), write: write, handler: (*ctx).resetGroupRegistrationToken},
		// fixtures
		{name: "currentUser", method: "GET", pattern: seg("user"), extra: []string{"read_user"}, handler: (*ctx).currentUser},
		{name: "listUsers", method: "GET", pattern: seg("users"), extra: []string{"read_user"}, handler: (*ctx).listUsers},
		{name: "getUser", method: "GET", pattern: seg("users/:id"), extra: []string{"read_user"}, handler: (*ctx).getUser},
		{name: "createUser", method: "POST", pattern: seg("users"), write: write, handler: (*ctx).createUser},
		{name: "deleteUser", method: "DELETE", pattern: seg("users/:id"), write: write, handler: (*ctx).deleteUser},
		{name: "createPersonalAccessToken", method: "POST", pattern: seg("users/:id/personal_access_tokens"), write: write, handler: (*ctx).createPersonalAccessToken},
		{name: "listProjects", method: "GET", pattern: seg("projects"), handler: (*ctx).listProjects},
		{name: "createProject", method: "POST", pattern: seg("projects"), write: write, handler: (*ctx).createProject},
		{name: "getProject", method: "GET", pattern: seg("projects/:id"), handler: (*ctx).getProject},
		{name: "editProject", method: "PUT", pattern: seg("projects/:id"), write: write, handler: (*ctx).editProject},
		{name: "deleteProject", method: "DELETE", pattern: seg("projects/:id"), write: write, handler: (*ctx).deleteProject},
		{name: "addProjectMember", method: "POST", pattern: seg("projects/:id/members"), write: write, handler: (*ctx).addProjectMember},
		{name: "listGroups", method: "GET", pattern: seg("groups"), handler: (*ctx).listGroups},
		{name: "createGroup", method: "POST", pattern: seg("groups"), write: write, handler: (*ctx).createGroup},
		{name: "getGroup", method: "GET", pattern: seg("groups/:id"), handler: (*ctx).getGroup},
		{name: "deleteGroup", method: "DELETE", pattern: seg("groups/:id"), write: write, handler: (*ctx).deleteGroup},
		{name: "addGroupMember", method: "POST", pattern: seg("groups/:id/members"), write: write, handler: (*ctx).addGroupMember},
	}
	for i := range rs {
		rs[i].tmpl = rs[i].method + " " + apiPrefix + "/" + strings.Join(rs[i].pattern, "/")
		rs[i].class = classScopes[rs[i].name]
	}
	return rs
}

// classScopes: lib/api/ci/runners.rb registers manage_runner (accepted only
// on /runners/:id paths), lib/api/user_runners.rb create_runner and
// lib/api/users.rb read_user (accepted only for GET and HEAD).
var classScopes = func() map[string][]string {
	m := map[string][]string{}
	for _, n := range []string{"listRunners", "listAllRunners", "resetInstanceRegistrationToken", "getRunner", "updateRunner",
		"deleteRunner", "listRunnerJobs", "listRunnerManagers", "resetRunnerAuthenticationToken", "listProjectRunners",
		"assignRunnerToProject", "unassignRunnerFromProject", "resetProjectRegistrationToken", "listGroupRunners",
		"resetGroupRegistrationToken"} {
		m[n] = []string{"manage_runner"}
	}
	m["createUserRunner"] = []string{"create_runner"}
	for _, n := range []string{"currentUser", "listUsers", "getUser", "createUser", "deleteUser", "createPersonalAccessToken"} {
		m[n] = []string{"read_user"}
	}
	return m
}()

// RouteInfo describes one endpoint of the simulated API.
type RouteInfo struct {
	Name   string // handler name: the internal/gitlab Client method, lower-case first letter
	Method string // "GET"
	Path   string // path template, "/api/v4/runners/:id"
}

// Routes lists the simulated API endpoints in route-table order.
func Routes() []RouteInfo {
	rs := apiRoutes()
	out := make([]RouteInfo, len(rs))
	for i, r := range rs {
		out[i] = RouteInfo{Name: r.name, Method: r.method, Path: apiPrefix + "/" + strings.Join(r.pattern, "/")}
	}
	return out
}

func seg(p string) []string { return strings.Split(p, "/") }

// splitPath splits the escaped path into unescaped segments so that a
// URL-encoded full path such as "group%2Fsub%2Fproj" stays one segment.
func splitPath(escaped string) []string {
	parts := strings.Split(strings.Trim(escaped, "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	return parts
}

// match finds the route for method and segments. Literal segments beat
// parameters (so /runners/all is not /runners/:id).
func (s *Sim) match(method string, segs []string) (rt *route, vars map[string]string) {
	best := -1
	for i := range s.routeTable {
		r := &s.routeTable[i]
		if len(r.pattern) != len(segs) {
			continue
		}
		score, ok := 0, true
		for j, p := range r.pattern {
			if strings.HasPrefix(p, ":") {
				if segs[j] == "" {
					ok = false
					break
				}
				continue
			}
			if p != segs[j] {
				ok = false
				break
			}
			score++
		}
		if !ok {
			continue
		}
		if r.method != method && (method != "HEAD" || r.method != "GET") {
			continue
		}
		if score > best {
			best, rt = score, r
		}
	}
	if rt == nil {
		return nil, nil
	}
	vars = map[string]string{}
	for j, p := range rt.pattern {
		if strings.HasPrefix(p, ":") {
			vars[p[1:]] = segs[j]
		}
	}
	return rt, vars
}

// allowedScopes lists the token scopes GitLab accepts for the request, in
// the order its insufficient_scope error reports them.
func allowedScopes(rt *route, method string) []string {
	sc := []string{"api"}
	if method == "GET" || method == "HEAD" {
		sc = append(sc, "read_api")
	}
	for _, e := range rt.extra {
		if e == "read_user" && method != "GET" && method != "HEAD" {
			continue
		}
		sc = append(sc, e)
	}
	return sc
}

// authenticate resolves the personal access token (PRIVATE-TOKEN header,
// Authorization: Bearer, or private_token query parameter) and checks its
// scopes. It returns false after recording the error response.
func (c *ctx) authenticate(rt *route) bool {
	tok := c.r.Header.Get("Private-Token")
	if tok == "" {
		if a := c.r.Header.Get("Authorization"); len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
			tok = strings.TrimSpace(a[7:])
		}
	}
	if tok == "" {
		tok = c.r.URL.Query().Get("private_token")
	}
	if tok == "" {
		c.unauthorized()
		return false
	}
	t := c.st.pats[tok]
	if t == nil || c.st.users[t.user.id] != t.user {
		c.unauthorized()
		return false
	}
	if t.revoked {
		c.json(401, map[string]string{"error": "invalid_token", "error_description": "Token was revoked. You have to re-authorize from the user."})
		return false
	}
	if t.expiresAt != nil && !c.now.Before(*t.expiresAt) {
		c.json(401, map[string]string{"error": "invalid_token", "error_description": "Token is expired. You can either do re-authorization or token refresh."})
		return false
	}
	allowed := allowedScopes(rt, c.r.Method)
	ok := false
	for _, have := range t.scopes {
		for _, want := range allowed {
			if have == want {
				ok = true
			}
		}
	}
	if !ok {
		scope := strings.Join(append(append([]string{}, rt.class...), "api", "read_api"), " ")
		c.header.Set("WWW-Authenticate", `Bearer realm="Protected by OAuth 2.0", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token.", scope="`+scope+`"`)
		c.json(403, map[string]string{"error": "insufficient_scope",
			"error_description": "The request requires higher privileges than provided by the access token.", "scope": scope})
		return false
	}
	c.user = t.user
	return true
}

func requestBaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		scheme = p
	}
	return scheme + "://" + r.Host
}

// apiResponse is what ServeHTTP writes once the handler is done.
type apiResponse struct {
	status int
	header http.Header
	body   []byte
}

// serveAPI runs the matched route's handler under the state lock and returns
// the response to write.
func (s *Sim) serveAPI(r *http.Request, rt *route, vars map[string]string, body []byte) apiResponse {
	if rt == nil {
		// lib/api/api.rb ends with route :any, '*path' answering 404, which
		// Grape's router prefers to a 405 for a path known under another
		// method.
		return jsonResponse(404, map[string]string{"error": "404 Not Found"})
	}
	r.Body = readCloser(body)
	c := &ctx{s: s, r: r, vars: vars, header: http.Header{}, baseURL: requestBaseURL(r)}
	p, perr := parseParams(r)
	c.p = p
	if rt.write {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	c.st = s.st
	c.now = s.Now()
	if rt.auth == authUser && !c.authenticate(rt) {
		return c.response()
	}
	c.acc = c.st.newAccess(c.user)
	if perr != nil {
		if errors.Is(perr, errBadJSON) {
			c.errorf(400, invalidMessageBody)
		} else {
			c.errorf(400, "Bad request body")
		}
		return c.response()
	}
	rt.handler(c)
	if c.status == 0 {
		c.message(500, "500 Internal Server Error")
	}
	return c.response()
}

func (c *ctx) response() apiResponse {
	return apiResponse{status: c.status, header: c.header, body: c.body}
}

// marshalJSON encodes like Ruby's JSON: no HTML escaping of <, > and &.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func jsonResponse(status int, v any) apiResponse {
	b, _ := marshalJSON(v)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return apiResponse{status: status, header: h, body: b}
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func readCloser(b []byte) nopCloser { return nopCloser{bytes.NewReader(b)} }

// intVar parses a numeric path parameter; Grape answers "<name> is invalid".
func (c *ctx) intVar(name string) (int64, bool) {
	n, err := strconv.ParseInt(c.vars[name], 10, 64)
	if err != nil {
		c.errorf(400, name+" is invalid")
		return 0, false
	}
	return n, true
}
