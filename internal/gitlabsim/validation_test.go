package gitlabsim

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestUpdateRunnerValidation(t *testing.T) {
	w := newWorld(t)
	path := fmt.Sprintf("runners/%d", w.r1)
	long := strings.Repeat("x", 1025)
	var tags51 []string
	for i := 0; i < 51; i++ {
		tags51 = append(tags51, fmt.Sprintf("t%02d", i))
	}
	missing := `{"error":"description, active, paused, tag_list, run_untagged, locked, access_level, maximum_timeout, maintenance_note are missing, at least one parameter must be provided"}`
	cases := []struct {
		name string
		body any
		code int
		want string
	}{
		{"no field", map[string]any{}, 400, missing},
		{"only unknown fields", map[string]any{"foo": 1, "token": "x"}, 400, missing},
		{"bad access_level", map[string]any{"access_level": "everyone"}, 400, `{"error":"access_level does not have a valid value"}`},
		{"bad boolean", map[string]any{"paused": "maybe"}, 400, `{"error":"paused is invalid"}`},
		{"bad integer", map[string]any{"maximum_timeout": "ten"}, 400, `{"error":"maximum_timeout is invalid"}`},
		{"several errors joined", map[string]any{"locked": "x", "access_level": "y"}, 400, `{"error":"locked is invalid, access_level does not have a valid value"}`},
		{"active and paused", map[string]any{"active": true, "paused": true}, 400, `{"error":"active, paused are mutually exclusive"}`},
		{"timeout too small", map[string]any{"maximum_timeout": 599}, 400, `{"message":{"maximum_timeout":["needs to be at least 10 minutes"]}}`},
		{"description too long", map[string]any{"description": long}, 400, `{"message":{"description":["is too long (maximum is 1024 characters)"]}}`},
		{"note too long", map[string]any{"maintenance_note": long}, 400, `{"message":{"maintenance_note":["is too long (maximum is 1024 characters)"]}}`},
		{"51 tags", map[string]any{"tag_list": tags51}, 400, `{"message":{"tags_list":["Too many tags specified. Please limit the number of tags to 50"]}}`},
		{"untagged without tags", map[string]any{"run_untagged": false}, 400, `{"message":{"tags_list":["can not be empty when runner is not allowed to pick untagged jobs"]}}`},
		{"two model errors", map[string]any{"run_untagged": false, "maximum_timeout": 1}, 400,
			`{"message":{"tags_list":["can not be empty when runner is not allowed to pick untagged jobs"],"maximum_timeout":["needs to be at least 10 minutes"]}}`},
		{"timeout 600 ok", map[string]any{"maximum_timeout": 600}, 200, ""},
		{"1024 chars ok", map[string]any{"description": long[:1024]}, 200, ""},
		{"50 tags ok", map[string]any{"tag_list": tags51[:50]}, 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w.t = t
			before := w.do("GET", path, rootToken, nil).obj(t)
			r := w.do("PUT", path, rootToken, c.body)
			w.want(r, c.code, c.want)
			if c.code != 200 {
				after := w.do("GET", path, rootToken, nil).obj(t)
				jsonEq(t, after, string(must(marshalJSON(before))))
			}
		})
	}
	w.t = t
	// Unknown parameters are ignored alongside a real one.
	w.want(w.do("PUT", path, rootToken, map[string]any{"description": "ok", "bogus": []int{1}}), 200, "")
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestUpdateRunnerFields(t *testing.T) {
	w := newWorld(t)
	path := fmt.Sprintf("runners/%d", w.r1)
	get := func() map[string]any { return w.do("GET", path, rootToken, nil).obj(t) }

	w.want(w.do("PUT", path, rootToken, map[string]any{"maximum_timeout": 3600, "access_level": "ref_protected",
		"locked": true, "tag_list": []string{"zeta, alpha", "mid"}, "run_untagged": false, "description": "d", "maintenance_note": "n"}), 200, "")
	m := get()
	jsonEq(t, []any{m["maximum_timeout"], m["access_level"], m["locked"], m["tag_list"], m["run_untagged"], m["description"], m["maintenance_note"]},
		`[3600,"ref_protected",true,["alpha","mid","zeta"],false,"d","n"]`)

	// JSON null clears maximum_timeout (and counts as the one field given).
	w.want(w.do("PUT", path, rootToken, rawJSON(`{"maximum_timeout": null}`)), 200, "")
	if v, ok := get()["maximum_timeout"]; !ok || v != nil {
		t.Fatalf("maximum_timeout = %v, want null", v)
	}
	// Deprecated active maps to paused.
	w.want(w.do("PUT", path, rootToken, map[string]any{"active": false}), 200, "")
	if m := get(); m["paused"] != true || m["active"] != false {
		t.Fatalf("active=false -> %v/%v", m["paused"], m["active"])
	}
	// Form bodies: urlencoded and multipart, comma-separated tag_list.
	w.want(w.do("PUT", path, rootToken, url.Values{"paused": {"false"}, "tag_list": {"b,a, c"}}), 200, "")
	if m := get(); m["paused"] != false {
		t.Fatalf("form paused -> %v", m["paused"])
	} else {
		jsonEq(t, m["tag_list"], `["a","b","c"]`)
	}
	w.want(w.do("PUT", path, rootToken, multipartBody{"description": {"multi"}, "tag_list[]": {"x", "y,z"}}), 200, "")
	if m := get(); m["description"] != "multi" {
		t.Fatalf("multipart description -> %v", m["description"])
	} else {
		jsonEq(t, m["tag_list"], `["x","y","z"]`)
	}
	// Query-string parameters on a PUT.
	w.want(w.do("PUT", path+"?description=fromquery&run_untagged=true", rootToken, nil), 200, "")
	if m := get(); m["description"] != "fromquery" || m["run_untagged"] != true {
		t.Fatalf("query PUT -> %v", m)
	}
	// An empty tag_list removes every tag (allowed while run_untagged).
	w.want(w.do("PUT", path, rootToken, map[string]any{"tag_list": []string{}}), 200, "")
	jsonEq(t, get()["tag_list"], `[]`)
	// Missing runner after valid params: 404.
	w.want(w.do("PUT", "runners/9999", rootToken, map[string]any{"paused": true}), 404, `{"message":"404 Runner Not Found"}`)
	// Parameter errors come before the lookup.
	w.want(w.do("PUT", "runners/9999", rootToken, map[string]any{}), 400, "")
}

func TestCreateUserRunnerValidation(t *testing.T) {
	w := newWorld(t)
	cases := []struct {
		name string
		tok  string
		body any
		code int
		want string
	}{
		{"missing type", rootToken, map[string]any{}, 400, `{"error":"runner_type is missing"}`},
		{"bad type", rootToken, map[string]any{"runner_type": "shared"}, 400, `{"error":"runner_type does not have a valid value"}`},
		{"group without id", rootToken, map[string]any{"runner_type": "group_type"}, 400, `{"error":"group_id is missing"}`},
		{"project without id", rootToken, map[string]any{"runner_type": "project_type"}, 400, `{"error":"project_id is missing"}`},
		{"unknown group", rootToken, map[string]any{"runner_type": "group_type", "group_id": 9999}, 400, `{"message":"400 Bad request - Missing/invalid group"}`},
		{"unknown project", rootToken, map[string]any{"runner_type": "project_type", "project_id": 9999}, 400, `{"message":"400 Bad request - Missing/invalid project"}`},
		{"bad access level", rootToken, map[string]any{"runner_type": "instance_type", "access_level": "x"}, 400, `{"error":"access_level does not have a valid value"}`},
		{"instance by non-admin", w.tok["owner"], map[string]any{"runner_type": "instance_type"}, 403, `{"message":"403 Forbidden - Insufficient permissions"}`},
		{"group by maintainer", w.tok["gmaint"], map[string]any{"runner_type": "group_type", "group_id": w.top}, 403, `{"message":"403 Forbidden - Insufficient permissions"}`},
		{"project by developer", w.tok["dev"], map[string]any{"runner_type": "project_type", "project_id": w.p1}, 403, `{"message":"403 Forbidden - Insufficient permissions"}`},
		{"project by stranger", w.tok["stranger"], map[string]any{"runner_type": "project_type", "project_id": w.p1}, 403, `{"message":"403 Forbidden - Insufficient permissions"}`},
		{"timeout too small", rootToken, map[string]any{"runner_type": "instance_type", "maximum_timeout": 60}, 400, `{"message":"400 Bad request - Maximum timeout needs to be at least 10 minutes"}`},
		{"two model errors", rootToken, map[string]any{"runner_type": "instance_type", "maximum_timeout": 60, "run_untagged": false}, 400,
			`{"message":"400 Bad request - Tags list can not be empty when runner is not allowed to pick untagged jobs and Maximum timeout needs to be at least 10 minutes"}`},
		{"group by owner", w.tok["owner"], map[string]any{"runner_type": "group_type", "group_id": w.sub}, 201, ""},
		{"group by sub owner", w.tok["subowner"], map[string]any{"runner_type": "group_type", "group_id": w.sub}, 201, ""},
		{"project by maintainer", w.tok["pmaint"], map[string]any{"runner_type": "project_type", "project_id": w.p1}, 201, ""},
		{"form body", rootToken, url.Values{"runner_type": {"instance_type"}, "tag_list": {"a,b"}}, 201, ""},
	}
	for _, c := range cases {
		r := w.do("POST", "user/runners", c.tok, c.body)
		if r.code != c.code {
			t.Errorf("%s: %s, want %d", c.name, r, c.code)
			continue
		}
		if c.want != "" {
			w.want(r, c.code, c.want)
		}
	}
}

func TestCreateUserRunnerDefaults(t *testing.T) {
	w := newWorld(t)
	r := w.do("POST", "user/runners", w.tok["pmaint"], map[string]any{"runner_type": "project_type", "project_id": w.p1})
	w.want(r, 201, "")
	cr := r.obj(t)
	if len(cr) != 3 || cr["token_expires_at"] != nil {
		t.Fatalf("create response %v: want exactly id, token, token_expires_at=null", cr)
	}
	id := int64(cr["id"].(float64))
	m := w.do("GET", fmt.Sprintf("runners/%d", id), w.tok["pmaint"], nil).obj(t)
	for k, want := range map[string]any{"locked": false, "run_untagged": true, "access_level": "not_protected",
		"paused": false, "active": true, "is_shared": false, "runner_type": "project_type", "description": nil,
		"maximum_timeout": nil, "contacted_at": nil, "status": "never_contacted", "online": nil, "name": nil,
		"ip_address": nil, "job_execution_status": "idle", "version": nil, "created_at": "2025-05-03T00:00:00.000Z"} {
		if v, ok := m[k]; !ok || fmt.Sprint(v) != fmt.Sprint(want) {
			t.Errorf("%s = %v (present %v), want %v", k, v, ok, want)
		}
	}
	jsonEq(t, m["created_by"], fmt.Sprintf(`{"id":%d,"username":"pmaint","name":"Pmaint","state":"active","locked":false,
		"avatar_url":"%s","web_url":"http://example.com/pmaint"}`, w.uid["pmaint"], avatarURL("pmaint@example.com")))
	if _, ok := m["token"]; ok {
		t.Fatal("RunnerDetails exposes token")
	}
}

func TestParametersFromAnySource(t *testing.T) {
	w := newWorld(t)
	// POST parameters in the query string, JSON overriding the query.
	r := w.do("POST", "/api/v4/user/runners?runner_type=instance_type&description=fromquery", rootToken, map[string]any{"description": "fromjson"})
	w.want(r, 201, "")
	m := w.do("GET", fmt.Sprintf("runners/%v", r.obj(t)["id"]), rootToken, nil).obj(t)
	if m["description"] != "fromjson" || m["runner_type"] != "instance_type" {
		t.Fatalf("merged params: %v %v", m["description"], m["runner_type"])
	}
	// Multipart POST with an array tag_list.
	r = w.do("POST", "user/runners", rootToken, multipartBody{"runner_type": {"project_type"}, "project_id": {fmt.Sprint(w.p1)}, "tag_list[]": {"m2", "m1"}})
	w.want(r, 201, "")
	m = w.do("GET", fmt.Sprintf("runners/%v", r.obj(t)["id"]), rootToken, nil).obj(t)
	jsonEq(t, m["tag_list"], `["m1","m2"]`)
	// Malformed JSON.
	w.want(w.do("POST", "user/runners", rootToken, rawJSON(`{"runner_type":`)), 400, "")
	// HEAD behaves like GET without a body.
	r = w.do("HEAD", "runners/all", rootToken, nil)
	if r.code != 200 || r.hdr.Get("X-Total") != "8" || len(r.body) != 0 {
		t.Fatalf("HEAD: %s %v", r, r.hdr)
	}
}
