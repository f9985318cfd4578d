package gitlabsim

import (
	"fmt"
	"testing"
)

func TestSmokeRunnerLifecycle(t *testing.T) {
	e := newEnv(t)
	g := e.group(rootToken, "grp", 0)
	p := e.project(rootToken, "proj", g)
	id, tok := e.runner(rootToken, map[string]any{"runner_type": "project_type", "project_id": p, "description": "d", "tag_list": "b,a"})
	if len(tok) != len("glrt-t3_")+20 || tok[:8] != "glrt-t3_" {
		t.Fatalf("token %q", tok)
	}
	r := e.do("GET", fmt.Sprintf("runners/%d", id), rootToken, nil)
	e.want(r, 200, "")
	t.Logf("%s", r.body)
	r = e.do("PUT", fmt.Sprintf("runners/%d", id), rootToken, map[string]any{"paused": true, "maximum_timeout": 3600})
	e.want(r, 200, "")
	t.Logf("%s", r.body)
	r = e.do("GET", "runners/all?per_page=1", rootToken, nil)
	e.want(r, 200, "")
	t.Logf("%v %s", r.hdr, r.body)
	r = e.do("DELETE", fmt.Sprintf("runners/%d", id), rootToken, nil)
	e.want(r, 204, "")
}
