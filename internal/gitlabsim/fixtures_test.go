package gitlabsim

import (
	"fmt"
	"testing"
)

func TestUserEndpoints(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("GET", "user", rootToken, nil), 200, fmt.Sprintf(`{"id":1,"username":"root","name":"Administrator","state":"active",
		"locked":false,"avatar_url":"%s","web_url":"http://example.com/root","created_at":"2025-05-03T00:00:00.000Z","bio":"",
		"email":"admin@example.com","is_admin":true}`, avatarURL("admin@example.com")))
	uid, tok := e.user("alice")
	// is_admin is only shown to admins.
	m := e.do("GET", "user", tok, nil).obj(t)
	if _, ok := m["is_admin"]; ok || m["username"] != "alice" || m["email"] != "alice@example.com" {
		t.Fatalf("alice sees %v", m)
	}
	if m := e.do("GET", fmt.Sprintf("users/%d", uid), rootToken, nil).obj(t); m["is_admin"] != false {
		t.Fatalf("admin view of alice: %v", m)
	}
	e.want(e.do("POST", "users", tok, map[string]any{"username": "x", "name": "x", "email": "x@x", "password": "p"}), 403, `{"message":"403 Forbidden"}`)
	e.want(e.do("POST", "users", rootToken, map[string]any{"password": "p"}), 400, `{"error":"email is missing, name is missing, username is missing"}`)
	e.want(e.do("POST", "users", rootToken, map[string]any{"username": "alice", "name": "A", "email": "other@example.com", "password": "p"}), 409, `{"message":"Username has already been taken"}`)
	e.want(e.do("POST", "users", rootToken, map[string]any{"username": "alice2", "name": "A", "email": "alice@example.com", "password": "p"}), 409, `{"message":"Email has already been taken"}`)
	r := e.do("POST", "users", rootToken, map[string]any{"username": "bob", "name": "Bob", "email": "bob@example.com", "password": "p", "admin": true})
	e.want(r, 201, "")
	if r.obj(t)["is_admin"] != true {
		t.Fatalf("admin flag: %s", r.body)
	}
	idsEq(t, "users?username=", e.do("GET", "users?username=ALICE", rootToken, nil).ids(t), []int64{uid})
	idsEq(t, "users?search=", e.do("GET", "users?search=LIC", rootToken, nil).ids(t), []int64{uid})
	idsEq(t, "users?search= by email", e.do("GET", "users?search=bob@example", rootToken, nil).ids(t), []int64{uid + 1})

	// Personal access tokens.
	pat := func(body map[string]any) *resp {
		return e.do("POST", fmt.Sprintf("users/%d/personal_access_tokens", uid), rootToken, body)
	}
	e.want(pat(map[string]any{"name": "x", "scopes": []string{"everything"}}), 400, `{"error":"scopes does not have a valid value"}`)
	e.want(pat(map[string]any{}), 400, `{"error":"name is missing, scopes is missing"}`)
	e.want(pat(map[string]any{"name": "x", "scopes": "api", "expires_at": "tomorrow"}), 400, `{"error":"expires_at is invalid"}`)
	e.want(e.do("POST", "users/999/personal_access_tokens", rootToken, map[string]any{"name": "x", "scopes": []string{"api"}}), 404, `{"message":"404 User Not Found"}`)
	e.want(e.do("POST", fmt.Sprintf("users/%d/personal_access_tokens", uid), tok, map[string]any{"name": "x", "scopes": []string{"api"}}), 403, `{"message":"403 Forbidden"}`)
	r = pat(map[string]any{"name": "ci", "scopes": []string{"read_api", "manage_runner"}})
	e.want(r, 201, "")
	m = r.obj(t)
	if m["expires_at"] != "2026-05-03" || m["active"] != true || m["user_id"] != float64(uid) || len(m["token"].(string)) != 26 {
		t.Fatalf("PAT answer: %v", m)
	}
	jsonEq(t, m["scopes"], `["read_api","manage_runner"]`)

	// Deleting a user invalidates their tokens.
	e.want(e.do("DELETE", fmt.Sprintf("users/%d", uid), tok, nil), 403, `{"message":"403 Forbidden"}`)
	e.want(e.do("DELETE", fmt.Sprintf("users/%d", uid), rootToken, nil), 204, "")
	e.want(e.do("GET", "user", tok, nil), 401, `{"message":"401 Unauthorized"}`)
	e.want(e.do("DELETE", fmt.Sprintf("users/%d", uid), rootToken, nil), 404, `{"message":"404 User Not Found"}`)
}

func TestGroupAndProjectEndpoints(t *testing.T) {
	e := newEnv(t)
	uid, tok := e.user("alice")
	_, otherTok := e.user("eve")

	// Groups.
	r := e.do("POST", "groups", tok, map[string]any{"name": "Team", "path": "team"})
	e.want(r, 201, `{"id":4,"name":"Team","path":"team","description":"","visibility":"private","full_name":"Team",
		"full_path":"team","parent_id":null,"web_url":"http://example.com/groups/team","created_at":"2025-05-03T00:00:00.000Z"}`)
	team := int64(r.obj(t)["id"].(float64))
	sub := e.group(tok, "sub", team)
	e.want(e.do("GET", "groups/team%2Fsub", tok, nil), 200, "")
	if m := e.do("GET", fmt.Sprintf("groups/%d", sub), tok, nil).obj(t); m["full_path"] != "team/sub" || m["parent_id"] != float64(team) {
		t.Fatalf("subgroup %v", m)
	}
	e.want(e.do("GET", "groups/team", otherTok, nil), 404, `{"message":"404 Group Not Found"}`)
	e.want(e.do("POST", "groups", tok, map[string]any{"name": "Team"}), 400, `{"error":"path is missing"}`)
	e.want(e.do("POST", "groups", tok, map[string]any{"name": "Team", "path": "team"}), 400, `{"message":{"path":["has already been taken"]}}`)
	e.want(e.do("POST", "groups", otherTok, map[string]any{"name": "X", "path": "x", "parent_id": team}), 404, `{"message":"404 Group Not Found"}`)
	idsEq(t, "alice's groups", e.do("GET", "groups", tok, nil).ids(t), []int64{sub, team})
	idsEq(t, "eve's groups", e.do("GET", "groups", otherTok, nil).ids(t), nil)

	// Projects: in a group, in the personal namespace, by path.
	r = e.do("POST", "projects", tok, map[string]any{"name": "My App", "namespace_id": sub})
	e.want(r, 201, "")
	m := r.obj(t)
	pid := int64(m["id"].(float64))
	jsonEq(t, []any{m["path"], m["path_with_namespace"], m["name_with_namespace"], m["namespace"], m["shared_runners_enabled"], m["group_runners_enabled"], m["web_url"]},
		fmt.Sprintf(`["my-app","team/sub/my-app","Team / Sub / My App",{"id":%d,"name":"Sub","path":"sub","kind":"group","full_path":"team/sub",
		"parent_id":%d,"avatar_url":null,"web_url":"http://example.com/groups/team/sub"},true,true,"http://example.com/team/sub/my-app"]`, sub, team))
	personal := e.do("POST", "projects", tok, map[string]any{"path": "mine"})
	e.want(personal, 201, "")
	if ns := personal.obj(t)["namespace"].(map[string]any); ns["kind"] != "user" || ns["full_path"] != "alice" {
		t.Fatalf("personal namespace %v", ns)
	}
	e.want(e.do("GET", "projects/team%2Fsub%2Fmy-app", tok, nil), 200, "")
	e.want(e.do("GET", "projects/alice%2Fmine", tok, nil), 200, "")
	e.want(e.do("GET", fmt.Sprintf("projects/%d", pid), otherTok, nil), 404, `{"message":"404 Project Not Found"}`)
	e.want(e.do("POST", "projects", tok, map[string]any{}), 400, `{"error":"name, path are missing, at least one parameter must be provided"}`)
	e.want(e.do("POST", "projects", tok, map[string]any{"name": "My App", "namespace_id": sub}), 400, `{"message":{"name":["has already been taken"],"path":["has already been taken"]}}`)
	e.want(e.do("POST", "projects", otherTok, map[string]any{"name": "Z", "namespace_id": sub}), 404, `{"message":"404 Namespace Not Found"}`)
	idsEq(t, "alice's projects", e.do("GET", "projects", tok, nil).ids(t), []int64{pid + 1, pid})

	// PUT toggles runner inheritance.
	r = e.do("PUT", fmt.Sprintf("projects/%d", pid), tok, map[string]any{"shared_runners_enabled": false, "group_runners_enabled": false})
	e.want(r, 200, "")
	if m := r.obj(t); m["shared_runners_enabled"] != false || m["group_runners_enabled"] != false {
		t.Fatalf("PUT project %v", m)
	}
	e.want(e.do("PUT", fmt.Sprintf("projects/%d", pid), tok, map[string]any{"shared_runners_enabled": "perhaps"}), 400, `{"error":"shared_runners_enabled is invalid"}`)

	// Members: inherited access works for the project below.
	eveID := int64(e.do("GET", "users?username=eve", rootToken, nil).arr(t)[0]["id"].(float64))
	e.want(e.do("POST", fmt.Sprintf("groups/%d/members", team), otherTok, map[string]any{"user_id": eveID, "access_level": 40}), 404, "")
	e.want(e.do("POST", fmt.Sprintf("groups/%d/members", team), tok, map[string]any{"user_id": eveID, "access_level": 45}), 400, `{"error":"access_level does not have a valid value"}`)
	e.want(e.do("POST", fmt.Sprintf("groups/%d/members", team), tok, map[string]any{"access_level": 40}), 400, `{"error":"user_id is missing"}`)
	r = e.do("POST", fmt.Sprintf("groups/%d/members", team), tok, map[string]any{"user_id": eveID, "access_level": 40})
	e.want(r, 201, "")
	if m := r.obj(t); m["access_level"] != float64(40) || m["username"] != "eve" {
		t.Fatalf("member %v", m)
	}
	e.want(e.do("POST", fmt.Sprintf("groups/%d/members", team), tok, map[string]any{"user_id": eveID, "access_level": 30}), 409, `{"message":"Member already exists"}`)
	e.want(e.do("GET", fmt.Sprintf("projects/%d/runners", pid), otherTok, nil), 200, "[]")
	// A Maintainer cannot grant Owner.
	_, malTok := e.user("mallory")
	malID := int64(e.do("GET", "users?username=mallory", rootToken, nil).arr(t)[0]["id"].(float64))
	e.want(e.do("POST", fmt.Sprintf("projects/%d/members", pid), otherTok, map[string]any{"user_id": malID, "access_level": 50}), 403, `{"message":"403 Forbidden"}`)
	e.want(e.do("POST", fmt.Sprintf("projects/%d/members", pid), otherTok, map[string]any{"user_id": "mallory", "access_level": 30}), 201, "")
	e.want(e.do("GET", fmt.Sprintf("projects/%d", pid), malTok, nil), 200, "")
	e.want(e.do("POST", fmt.Sprintf("projects/%d/members", pid), otherTok, map[string]any{"user_id": 999, "access_level": 30}), 404, `{"message":"404 User Not Found"}`)

	// Deletes answer 202 like GitLab.
	e.want(e.do("DELETE", fmt.Sprintf("projects/%d", pid), otherTok, nil), 403, `{"message":"403 Forbidden"}`)
	e.want(e.do("DELETE", fmt.Sprintf("projects/%d", pid), tok, nil), 202, `{"message":"202 Accepted"}`)
	e.want(e.do("GET", fmt.Sprintf("projects/%d", pid), tok, nil), 404, `{"message":"404 Project Not Found"}`)
	e.want(e.do("DELETE", "groups/team", tok, nil), 202, `{"message":"202 Accepted"}`)
	e.want(e.do("GET", fmt.Sprintf("groups/%d", sub), tok, nil), 404, `{"message":"404 Group Not Found"}`)
	_ = uid
}
