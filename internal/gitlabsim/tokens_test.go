package gitlabsim

import (
	"fmt"
	"net/url"
	"regexp"
	"testing"
	"time"
)

var (
	createdTokenRe    = regexp.MustCompile(`^glrt-t([123])_[A-Za-z0-9_-]{20}$`)
	registeredTokenRe = regexp.MustCompile(`^glrtr-[A-Za-z0-9_-]{20}$`)
	regTokenRe        = regexp.MustCompile(`^GR1348941[A-Za-z0-9_-]{20}$`)
)

func TestAuthenticationTokenFormats(t *testing.T) {
	w := newWorld(t)
	for tok, part := range map[string]string{w.instTok: "1", w.gtopTok: "2", w.r1Tok: "3"} {
		m := createdTokenRe.FindStringSubmatch(tok)
		if m == nil || m[1] != part {
			t.Errorf("token %q: want glrt-t%s_ + 20 URL-safe chars", tok, part)
		}
	}
	if got, _ := w.sim.RunnerToken(w.r1); got != w.r1Tok {
		t.Fatalf("RunnerToken = %q", got)
	}
	for _, scope := range []struct {
		s  string
		id int64
	}{{"instance", 0}, {"group", w.top}, {"project", w.p1}} {
		if tok := w.sim.RegistrationToken(scope.s, scope.id); !regTokenRe.MatchString(tok) {
			t.Errorf("%s registration token %q", scope.s, tok)
		}
	}
	if w.sim.RegistrationToken("group", w.p1+1000) != "" {
		t.Error("unknown group has a registration token")
	}
}

func TestTokenExpirationAndReset(t *testing.T) {
	w := newWorld(t, func(o *Options) { o.TokenExpiration = 24 * time.Hour })
	r := w.do("POST", "user/runners", rootToken, map[string]any{"runner_type": "instance_type"})
	w.want(r, 201, "")
	m := r.obj(t)
	if m["token_expires_at"] != "2025-05-04T00:00:00.000Z" {
		t.Fatalf("token_expires_at = %v", m["token_expires_at"])
	}
	id, tok := int64(m["id"].(float64)), m["token"].(string)
	w.want(w.do("POST", "runners/verify", "", map[string]any{"token": tok, "system_id": "s_1"}), 200,
		fmt.Sprintf(`{"id":%d,"token":"%s","token_expires_at":"2025-05-04T00:00:00.000Z"}`, id, tok))

	// Reset by id: new token, old one refused.
	w.sim.AdvanceClock(time.Hour)
	r = w.do("POST", fmt.Sprintf("runners/%d/reset_authentication_token", id), rootToken, nil)
	w.want(r, 201, "")
	m = r.obj(t)
	tok2 := m["token"].(string)
	if tok2 == tok || !createdTokenRe.MatchString(tok2) || m["token_expires_at"] != "2025-05-04T01:00:00.000Z" || len(m) != 2 {
		t.Fatalf("reset answer %v", m)
	}
	w.want(w.do("POST", "runners/verify", "", map[string]any{"token": tok, "system_id": "s_1"}), 403, `{"message":"403 Forbidden"}`)

	// Reset with the current token.
	r = w.do("POST", "runners/reset_authentication_token", "", url.Values{"token": {tok2}})
	w.want(r, 201, "")
	tok3 := r.obj(t)["token"].(string)
	w.want(w.do("POST", "runners/reset_authentication_token", "", map[string]any{"token": tok2}), 403, `{"message":"403 Forbidden"}`)

	// Expired tokens are unknown tokens.
	w.sim.AdvanceClock(24 * time.Hour)
	w.want(w.do("POST", "runners/verify", "", map[string]any{"token": tok3, "system_id": "s_1"}), 403, `{"message":"403 Forbidden"}`)
	w.want(w.do("DELETE", "runners", "", map[string]any{"token": tok3}), 403, `{"message":"403 Forbidden"}`)
	w.want(w.do("POST", "runners/reset_authentication_token", "", map[string]any{"token": tok3}), 403, `{"message":"403 Forbidden"}`)

	// Changing the interval affects tokens issued afterwards; 0 means null.
	w.sim.SetTokenExpiration(0)
	r = w.do("POST", fmt.Sprintf("runners/%d/reset_authentication_token", id), rootToken, nil)
	w.want(r, 201, "")
	if v, ok := r.obj(t)["token_expires_at"]; !ok || v != nil {
		t.Fatalf("token_expires_at = %v (present %v), want null", v, ok)
	}
}

func TestRunnerTokenEndpoints(t *testing.T) {
	w := newWorld(t)
	w.want(w.do("POST", "runners/verify", "", map[string]any{}), 400, `{"error":"token is missing"}`)
	w.want(w.do("DELETE", "runners", "", map[string]any{}), 400, `{"error":"token is missing"}`)
	// verify without system_id files the call under <legacy>: see
	// TestFidelityRunnerTokenHeartbeat.
	// verify creates a manager, marks the runner contacted and feeds the
	// deprecated version fields of RunnerDetails.
	w.sim.AdvanceClock(-30 * time.Minute)
	w.want(w.do("POST", "runners/verify", "", map[string]any{"token": w.r1Tok, "system_id": "s_old",
		"info": map[string]any{"version": "17.0.0", "revision": "aaaa", "platform": "linux", "architecture": "arm64"}}), 200, "")
	w.sim.AdvanceClock(30 * time.Minute)
	w.want(w.do("POST", "runners/verify", "", url.Values{"token": {w.r1Tok}, "system_id": {"s_new"},
		"info[version]": {"18.1.0"}, "info[revision]": {"bbbb"}, "info[platform]": {"linux"}, "info[architecture]": {"amd64"}}), 200, "")
	m := w.do("GET", fmt.Sprintf("runners/%d", w.r1), rootToken, nil).obj(t)
	jsonEq(t, []any{m["version"], m["revision"], m["platform"], m["architecture"], m["contacted_at"], m["status"], m["online"]},
		`["18.1.0","bbbb","linux","amd64","2025-05-03T00:00:00.000Z","online",true]`)
	r := w.do("GET", fmt.Sprintf("runners/%d/managers", w.r1), rootToken, nil)
	w.want(r, 200, `[
		{"id":1,"system_id":"s_old","version":"17.0.0","revision":"aaaa","platform":"linux","architecture":"arm64",
		 "created_at":"2025-05-02T23:30:00.000Z","contacted_at":"2025-05-02T23:30:00.000Z","ip_address":"192.0.2.1","status":"online","job_execution_status":"idle"},
		{"id":2,"system_id":"s_new","version":"18.1.0","revision":"bbbb","platform":"linux","architecture":"amd64",
		 "created_at":"2025-05-03T00:00:00.000Z","contacted_at":"2025-05-03T00:00:00.000Z","ip_address":"192.0.2.1","status":"online","job_execution_status":"idle"}]`)
	if _, ok := r.hdr["X-Total"]; ok {
		t.Error("managers must not be paginated")
	}
	// version_prefix filters on managers' versions.
	idsEq(t, "version_prefix=17.0", w.do("GET", "runners/all?version_prefix=17.0", rootToken, nil).ids(t), []int64{w.r1})
	// Deleting by token.
	r = w.do("DELETE", "runners", "", map[string]any{"token": w.r1Tok})
	w.want(r, 204, "")
	w.want(w.do("GET", fmt.Sprintf("runners/%d", w.r1), rootToken, nil), 404, "")
	w.want(w.do("POST", "runners/verify", "", map[string]any{"token": w.r1Tok, "system_id": "s"}), 403, `{"message":"403 Forbidden"}`)
}

func TestRegistrationTokensDisabledByDefault(t *testing.T) {
	w := newWorld(t)
	gone := `{"message":"410 Gone - runner registration disallowed"}`
	for _, tok := range []string{w.sim.RegistrationToken("instance", 0), w.sim.RegistrationToken("group", w.top),
		w.sim.RegistrationToken("project", w.p1), "GR1348941notarealtoken"} {
		w.want(w.do("POST", "runners", "", map[string]any{"token": tok}), 410, gone)
	}
	w.want(w.do("POST", "runners", "", map[string]any{}), 400, `{"error":"token is missing"}`)
	w.want(w.do("POST", "runners/reset_registration_token", rootToken, nil), 403, `{"message":"403 Forbidden"}`)
	w.want(w.do("POST", fmt.Sprintf("projects/%d/runners/reset_registration_token", w.p1), rootToken, nil), 403, `{"message":"403 Forbidden"}`)
	w.want(w.do("POST", fmt.Sprintf("groups/%d/runners/reset_registration_token", w.top), rootToken, nil), 403, `{"message":"403 Forbidden"}`)
}

func TestRegistrationWithTokens(t *testing.T) {
	w := newWorld(t, func(o *Options) { o.RegistrationTokensEnabled = true })
	register := func(tok string, extra map[string]any) *resp {
		body := map[string]any{"token": tok}
		for k, v := range extra {
			body[k] = v
		}
		return w.do("POST", "runners", "", body)
	}
	w.want(register("GR1348941nope", nil), 403, `{"message":"403 Forbidden - invalid token supplied"}`)
	w.want(register(w.sim.RegistrationToken("project", w.p1), map[string]any{"active": true, "paused": true}), 400,
		`{"error":"active, paused are mutually exclusive"}`)
	w.want(register(w.sim.RegistrationToken("project", w.p1), map[string]any{"maximum_timeout": 10}), 400,
		`{"message":{"maximum_timeout":["needs to be at least 10 minutes"]}}`)

	for _, c := range []struct {
		scope string
		id    int64
		typ   string
	}{{"instance", 0, "instance_type"}, {"group", w.sub, "group_type"}, {"project", w.p1, "project_type"}} {
		r := register(w.sim.RegistrationToken(c.scope, c.id), map[string]any{
			"description": "reg-" + c.scope, "tag_list": "x,y", "run_untagged": false, "locked": true, "access_level": "ref_protected",
			"maximum_timeout": 900, "maintainer_note": "old-note", "paused": true,
			"info": map[string]any{"name": "gitlab-runner", "version": "18.0.0", "platform": "linux"},
		})
		w.want(r, 201, "")
		m := r.obj(t)
		if !registeredTokenRe.MatchString(m["token"].(string)) || len(m) != 3 {
			t.Fatalf("%s: answer %v", c.scope, m)
		}
		d := w.do("GET", fmt.Sprintf("runners/%v", m["id"]), rootToken, nil).obj(t)
		jsonEq(t, []any{d["runner_type"], d["description"], d["tag_list"], d["run_untagged"], d["locked"], d["access_level"],
			d["maximum_timeout"], d["maintenance_note"], d["paused"], d["name"], d["version"]},
			fmt.Sprintf(`["%s","reg-%s",["x","y"],false,true,"ref_protected",900,"old-note",true,"gitlab-runner",null]`, c.typ, c.scope))
		if _, ok := d["created_by"]; ok {
			t.Errorf("%s: registered runner has created_by %v", c.scope, d["created_by"])
		}
		switch c.typ {
		case "group_type":
			jsonEq(t, d["groups"].([]any)[0].(map[string]any)["id"], fmt.Sprint(w.sub))
		case "project_type":
			jsonEq(t, d["projects"].([]any)[0].(map[string]any)["id"], fmt.Sprint(w.p1))
		}
		// Registered (glrtr-) runners may verify without a system_id.
		w.want(w.do("POST", "runners/verify", "", map[string]any{"token": m["token"]}), 200, "")
		mg := w.do("GET", fmt.Sprintf("runners/%v/managers", m["id"]), rootToken, nil).arr(t)
		if len(mg) != 1 || mg[0]["system_id"] != "<legacy>" {
			t.Fatalf("managers after legacy verify: %v", mg)
		}
	}

	// Resetting registration tokens.
	old := w.sim.RegistrationToken("project", w.p1)
	w.want(w.do("POST", fmt.Sprintf("projects/%d/runners/reset_registration_token", w.p1), w.tok["dev"], nil), 403, `{"message":"403 Forbidden"}`)
	r := w.do("POST", fmt.Sprintf("projects/%d/runners/reset_registration_token", w.p1), w.tok["pmaint"], nil)
	w.want(r, 201, "")
	if m := r.obj(t); len(m) != 1 || !regTokenRe.MatchString(m["token"].(string)) || m["token"] == old {
		t.Fatalf("project reset: %v", m)
	}
	w.want(register(old, nil), 403, `{"message":"403 Forbidden - invalid token supplied"}`)
	w.want(register(r.obj(t)["token"].(string), nil), 201, "")

	w.want(w.do("POST", fmt.Sprintf("groups/%d/runners/reset_registration_token", w.top), w.tok["gmaint"], nil), 403, `{"message":"403 Forbidden"}`)
	w.want(w.do("POST", fmt.Sprintf("groups/%d/runners/reset_registration_token", w.top), w.tok["owner"], nil), 201, "")
	w.want(w.do("POST", "groups/9999/runners/reset_registration_token", rootToken, nil), 404, `{"message":"404 Group Not Found"}`)
	w.want(w.do("POST", "runners/reset_registration_token", w.tok["owner"], nil), 403, `{"message":"403 Forbidden"}`)
	oldInst := w.sim.RegistrationToken("instance", 0)
	r = w.do("POST", "runners/reset_registration_token", rootToken, nil)
	w.want(r, 201, "")
	if r.obj(t)["token"] == oldInst || w.sim.RegistrationToken("instance", 0) != r.obj(t)["token"] {
		t.Fatal("instance token not reset")
	}
	// Switching registration off again: 410 even for a valid token.
	w.sim.SetRegistrationTokensEnabled(false)
	w.want(register(w.sim.RegistrationToken("instance", 0), nil), 410, `{"message":"410 Gone - runner registration disallowed"}`)
}
