package gitlabsim

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestRunnerJobs(t *testing.T) {
	w := newWorld(t)
	at := func(d time.Duration) *time.Time { x := t0.Add(d); return &x }
	add := func(j JobSeed) int64 {
		id, err := w.sim.AddJob(w.r12, j)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	j1 := add(JobSeed{ProjectID: w.p1, Status: "success", SystemID: "s_a", CreatedAt: at(-10 * time.Minute),
		StartedAt: at(-9 * time.Minute), FinishedAt: at(-7 * time.Minute), Name: "build", Stage: "build"})
	j2 := add(JobSeed{ProjectID: w.p2, Status: "failed", SystemID: "s_b"})
	j3 := add(JobSeed{ProjectID: w.p1, Status: "running", SystemID: "s_b"})
	j4 := add(JobSeed{ProjectID: w.p1, Status: "canceled", SystemID: "s_a"})
	path := fmt.Sprintf("runners/%d/jobs", w.r12)

	idsEq(t, "admin default order", w.do("GET", path, rootToken, nil).ids(t), []int64{j1, j2, j3, j4})
	// pmaint maintains p1 only: p2's job is hidden.
	idsEq(t, "pmaint", w.do("GET", path, w.tok["pmaint"], nil).ids(t), []int64{j1, j3, j4})
	idsEq(t, "status", w.do("GET", path+"?status=running", rootToken, nil).ids(t), []int64{j3})
	idsEq(t, "system_id", w.do("GET", path+"?system_id=s_a", rootToken, nil).ids(t), []int64{j1, j4})
	idsEq(t, "order desc (default sort)", w.do("GET", path+"?order_by=id", rootToken, nil).ids(t), []int64{j4, j3, j2, j1})
	idsEq(t, "order asc", w.do("GET", path+"?order_by=id&sort=asc", rootToken, nil).ids(t), []int64{j1, j2, j3, j4})

	for q, want := range map[string]string{
		"?sort=asc":          `{"error":"order_by is missing"}`,
		"?status=bogus":      `{"error":"status does not have a valid value"}`,
		"?order_by=name":     `{"error":"order_by does not have a valid value"}`,
		"?order_by=id&sort=": `{"error":"sort does not have a valid value"}`,
	} {
		w.want(w.do("GET", path+q, rootToken, nil), 400, want)
	}
	w.want(w.do("GET", path, w.tok["dev"], nil), 403, `{"message":"403 Forbidden - No access granted"}`)
	w.want(w.do("GET", fmt.Sprintf("runners/%d/jobs", w.inst), w.tok["owner"], nil), 403, `{"message":"403 Forbidden - No access granted"}`)
	w.want(w.do("GET", fmt.Sprintf("runners/%d/jobs", w.inst), rootToken, nil), 200, `[]`)
	w.want(w.do("GET", fmt.Sprintf("runners/%d/jobs", w.gtop), w.tok["gmaint"], nil), 200, `[]`)
	w.want(w.do("GET", "runners/9999/jobs", rootToken, nil), 404, `{"message":"404 Runner Not Found"}`)

	// Entity of the first job, exactly.
	r := w.do("GET", path+"?system_id=s_a&order_by=id&sort=asc&per_page=1", rootToken, nil)
	// With system_id GitLab pages without counting (lib/api/ci/runners.rb).
	if _, counted := r.hdr["X-Total"]; counted || r.hdr.Get("X-Next-Page") != "2" {
		t.Fatalf("jobs pagination headers: %v", r.hdr)
	}
	m := r.arr(t)[0]
	sha := m["commit"].(map[string]any)["id"].(string)
	if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(sha) {
		t.Fatalf("sha %q", sha)
	}
	delete(m, "commit")
	jsonEq(t, m, fmt.Sprintf(`{"id":%d,"status":"success","stage":"build","name":"build","ref":"main","tag":false,"coverage":null,
		"allow_failure":false,"created_at":"2025-05-02T23:50:00.000Z","started_at":"2025-05-02T23:51:00.000Z",
		"finished_at":"2025-05-02T23:53:00.000Z","erased_at":null,"duration":120,"queued_duration":60,
		"user":{"id":1,"username":"root","name":"Administrator","state":"active","locked":false,"avatar_url":"%s",
		  "web_url":"http://example.com/root","created_at":"2025-05-03T00:00:00.000Z","bio":null,"location":null,
		  "public_email":"","linkedin":"","twitter":"","website_url":"","organization":null},
		"pipeline":{"id":1,"project_id":%d,"sha":"%s","ref":"main","status":"success"},
		"web_url":"http://example.com/top/sub/p1/-/jobs/%d",
		"project":{"id":%d,"description":null,"name":"P1","name_with_namespace":"Top / Sub / P1","path":"p1",
		  "path_with_namespace":"top/sub/p1","created_at":"2025-05-03T00:00:00.000Z"}}`,
		j1, avatarURL("admin@example.com"), w.p1, sha, j1, w.p1))

	// Keyset pagination: id descending, follow the next link's cursor.
	var seen []int64
	next := path + "?pagination=keyset&per_page=3"
	for i := 0; next != "" && i < 5; i++ {
		r := w.do("GET", next, rootToken, nil)
		w.want(r, 200, "")
		seen = append(seen, r.ids(t)...)
		next = ""
		if l := r.hdr.Get("Link"); l != "" {
			u := strings.TrimSuffix(strings.TrimPrefix(strings.Split(l, ";")[0], "<"), ">")
			pu, err := url.Parse(u)
			if err != nil {
				t.Fatal(err)
			}
			next = pu.RequestURI()
		}
	}
	idsEq(t, "keyset", seen, []int64{j4, j3, j2, j1})
	w.want(w.do("GET", path+"?pagination=keyset&cursor=notbase64!", rootToken, nil), 400, "")

	// Managers' job_execution_status follows running jobs of their system_id.
	for _, sys := range []string{"s_a", "s_b"} {
		if _, err := w.sim.AddManager(w.r12, ManagerSeed{SystemID: sys, Version: "18.0.0"}); err != nil {
			t.Fatal(err)
		}
	}
	mg := w.do("GET", fmt.Sprintf("runners/%d/managers", w.r12), rootToken, nil).arr(t)
	if mg[0]["job_execution_status"] != "idle" || mg[1]["job_execution_status"] != "active" {
		t.Fatalf("managers: %v", mg)
	}
}
