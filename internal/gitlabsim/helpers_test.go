package gitlabsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2025, 5, 3, 0, 0, 0, 0, time.UTC)

const rootToken = DefaultAdminToken

type env struct {
	t   *testing.T
	sim *Sim
}

func newEnv(t *testing.T, opts ...func(*Options)) *env {
	t.Helper()
	o := Options{Now: func() time.Time { return t0 }}
	for _, f := range opts {
		f(&o)
	}
	return &env{t: t, sim: New(o)}
}

type resp struct {
	code int
	hdr  http.Header
	body []byte
}

func (r *resp) String() string { return fmt.Sprintf("%d %s", r.code, r.body) }

func (r *resp) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("not a JSON object: %s (%v)", r.body, err)
	}
	return m
}

func (r *resp) arr(t *testing.T) []map[string]any {
	t.Helper()
	var a []map[string]any
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatalf("not a JSON array: %s (%v)", r.body, err)
	}
	return a
}

func (r *resp) ids(t *testing.T) []int64 {
	t.Helper()
	var out []int64
	for _, m := range r.arr(t) {
		out = append(out, int64(m["id"].(float64)))
	}
	return out
}

// multipartBody marks a body to be sent as multipart/form-data.
type multipartBody url.Values

// rawJSON is sent as-is with Content-Type application/json.
type rawJSON string

// do sends a request and fails the test when it cannot be built; see
// request.
func (e *env) do(method, path, token string, body any, hdrs ...string) *resp {
	e.t.Helper()
	r, err := request(e.sim, method, path, token, body, hdrs...)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// request sends a request to sim. body may be nil, url.Values (urlencoded
// form), multipartBody, rawJSON or anything else (marshalled to JSON); a path
// without a leading slash is relative to /api/v4/. It touches no testing.T,
// so goroutines can use it and report errors to the test goroutine.
func request(sim *Sim, method, path, token string, body any, hdrs ...string) (*resp, error) {
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case multipartBody:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, vs := range b {
			for _, v := range vs {
				_ = mw.WriteField(k, v)
			}
		}
		_ = mw.Close()
		rd, ct = &buf, mw.FormDataContentType()
	case rawJSON:
		rd, ct = strings.NewReader(string(b)), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		rd, ct = bytes.NewReader(j), "application/json"
	}
	if !strings.HasPrefix(path, "/") {
		path = "/api/v4/" + path
	}
	req := httptest.NewRequest(method, path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("PRIVATE-TOKEN", token)
	}
	for i := 0; i+1 < len(hdrs); i += 2 {
		req.Header.Set(hdrs[i], hdrs[i+1])
	}
	rec := httptest.NewRecorder()
	sim.ServeHTTP(rec, req)
	return &resp{code: rec.Code, hdr: rec.Header(), body: rec.Body.Bytes()}, nil
}

// want asserts the status and, when wantBody is not "", that the body is
// JSON-equal to wantBody.
func (e *env) want(r *resp, code int, wantBody string) {
	e.t.Helper()
	if r.code != code {
		e.t.Fatalf("status = %d, want %d; body %s", r.code, code, r.body)
	}
	if wantBody == "" {
		return
	}
	var got, want any
	if err := json.Unmarshal(r.body, &got); err != nil {
		e.t.Fatalf("body is not JSON: %q", r.body)
	}
	if err := json.Unmarshal([]byte(wantBody), &want); err != nil {
		e.t.Fatalf("bad wantBody %q: %v", wantBody, err)
	}
	if !reflect.DeepEqual(got, want) {
		e.t.Fatalf("body = %s\nwant   %s", r.body, wantBody)
	}
}

func (e *env) mustID(r *resp, code int) int64 {
	e.t.Helper()
	if r.code != code {
		e.t.Fatalf("status = %d, want %d; body %s", r.code, code, r.body)
	}
	return int64(r.obj(e.t)["id"].(float64))
}

// user creates a user and a personal access token with the given scopes.
func (e *env) user(name string, scopes ...string) (int64, string) {
	e.t.Helper()
	if len(scopes) == 0 {
		scopes = []string{"api"}
	}
	id := e.mustID(e.do("POST", "users", rootToken, map[string]any{
		"username": name, "name": strings.ToUpper(name[:1]) + name[1:], "email": name + "@example.com", "password": "s3cretpassw0rd",
	}), 201)
	r := e.do("POST", fmt.Sprintf("users/%d/personal_access_tokens", id), rootToken, map[string]any{"name": "t", "scopes": scopes})
	if r.code != 201 {
		e.t.Fatalf("create PAT: %s", r)
	}
	return id, r.obj(e.t)["token"].(string)
}

func (e *env) group(token, path string, parent int64) int64 {
	e.t.Helper()
	body := map[string]any{"name": strings.ToUpper(path[:1]) + path[1:], "path": path}
	if parent != 0 {
		body["parent_id"] = parent
	}
	return e.mustID(e.do("POST", "groups", token, body), 201)
}

func (e *env) project(token, path string, ns int64) int64 {
	e.t.Helper()
	body := map[string]any{"name": strings.ToUpper(path[:1]) + path[1:], "path": path}
	if ns != 0 {
		body["namespace_id"] = ns
	}
	return e.mustID(e.do("POST", "projects", token, body), 201)
}

func (e *env) member(kind string, id, userID int64, level int) {
	e.t.Helper()
	r := e.do("POST", fmt.Sprintf("%s/%d/members", kind, id), rootToken, map[string]any{"user_id": userID, "access_level": level})
	if r.code != 201 {
		e.t.Fatalf("add member: %s", r)
	}
}

// runner creates a runner with POST /user/runners as the given token.
func (e *env) runner(token string, body map[string]any) (int64, string) {
	e.t.Helper()
	r := e.do("POST", "user/runners", token, body)
	id := e.mustID(r, 201)
	return id, r.obj(e.t)["token"].(string)
}

func jsonEq(t *testing.T, got any, want string) {
	t.Helper()
	b, _ := json.Marshal(got)
	var g, w any
	_ = json.Unmarshal(b, &g)
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want %q", want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}
