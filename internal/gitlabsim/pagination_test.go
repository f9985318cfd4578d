package gitlabsim

import (
	"fmt"
	"strings"
	"testing"
)

func seedN(t testing.TB, s *Sim, n int, seed RunnerSeed) []int64 {
	t.Helper()
	if seed.RunnerType == "" {
		seed.RunnerType = "instance_type"
	}
	ids, err := s.SeedRunners(seed, n)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func hdrs(r *resp, keys ...string) string {
	var parts []string
	for _, k := range keys {
		v, ok := r.hdr[k]
		if !ok {
			parts = append(parts, k+"=<absent>")
			continue
		}
		parts = append(parts, k+"="+strings.Join(v, ","))
	}
	return strings.Join(parts, " ")
}

func TestOffsetPaginationHeaders(t *testing.T) {
	e := newEnv(t)
	seedN(t, e.sim, 45, RunnerSeed{})
	base := "http://example.com/api/v4/runners/all"
	keys := []string{"X-Page", "X-Per-Page", "X-Next-Page", "X-Prev-Page", "X-Total", "X-Total-Pages"}
	cases := []struct {
		query, headers, link string
		n                    int
		first                int64
	}{
		{"", "X-Page=1 X-Per-Page=20 X-Next-Page=2 X-Prev-Page= X-Total=45 X-Total-Pages=3",
			`<` + base + `?page=2&per_page=20>; rel="next", <` + base + `?page=1&per_page=20>; rel="first", <` + base + `?page=3&per_page=20>; rel="last"`, 20, 1},
		{"?page=2", "X-Page=2 X-Per-Page=20 X-Next-Page=3 X-Prev-Page=1 X-Total=45 X-Total-Pages=3",
			`<` + base + `?page=1&per_page=20>; rel="prev", <` + base + `?page=3&per_page=20>; rel="next", <` + base + `?page=1&per_page=20>; rel="first", <` + base + `?page=3&per_page=20>; rel="last"`, 20, 21},
		{"?page=3", "X-Page=3 X-Per-Page=20 X-Next-Page= X-Prev-Page=2 X-Total=45 X-Total-Pages=3",
			`<` + base + `?page=2&per_page=20>; rel="prev", <` + base + `?page=1&per_page=20>; rel="first", <` + base + `?page=3&per_page=20>; rel="last"`, 5, 41},
		{"?page=9", "X-Page=9 X-Per-Page=20 X-Next-Page= X-Prev-Page= X-Total=45 X-Total-Pages=3",
			`<` + base + `?page=1&per_page=20>; rel="first", <` + base + `?page=3&per_page=20>; rel="last"`, 0, 0},
		{"?per_page=500&type=instance_type", "X-Page=1 X-Per-Page=100 X-Next-Page= X-Prev-Page= X-Total=45 X-Total-Pages=1",
			// offset_header_builder.rb page_href echoes params[:per_page] as sent.
			`<` + base + `?page=1&per_page=500&type=instance_type>; rel="first", <` + base + `?page=1&per_page=500&type=instance_type>; rel="last"`, 45, 1},
		{"?per_page=10&page=0", "X-Page=1 X-Per-Page=10 X-Next-Page=2 X-Prev-Page= X-Total=45 X-Total-Pages=5", "", 10, 1},
		{"?status=online", "X-Page=1 X-Per-Page=20 X-Next-Page= X-Prev-Page= X-Total=0 X-Total-Pages=1",
			`<` + base + `?page=1&per_page=20&status=online>; rel="first", <` + base + `?page=1&per_page=20&status=online>; rel="last"`, 0, 0},
	}
	for _, c := range cases {
		r := e.do("GET", "runners/all"+c.query, rootToken, nil)
		e.want(r, 200, "")
		if got := hdrs(r, keys...); got != c.headers {
			t.Errorf("%q headers:\n got %s\nwant %s", c.query, got, c.headers)
		}
		if c.link != "" && r.hdr.Get("Link") != c.link {
			t.Errorf("%q Link:\n got %s\nwant %s", c.query, r.hdr.Get("Link"), c.link)
		}
		ids := r.ids(t)
		if len(ids) != c.n || (c.n > 0 && ids[0] != c.first) {
			t.Errorf("%q: %d items starting at %v, want %d starting at %d", c.query, len(ids), ids, c.n, c.first)
		}
	}
	e.want(e.do("GET", "runners/all?per_page=abc", rootToken, nil), 400, `{"error":"per_page is invalid"}`)
	e.want(e.do("GET", "runners/all?page=abc", rootToken, nil), 400, `{"error":"page is invalid"}`)
	e.want(e.do("GET", "runners/all?page=x&per_page=y", rootToken, nil), 400, `{"error":"page is invalid, per_page is invalid"}`)
}

func TestPaginationAboveCountLimit(t *testing.T) {
	e := newEnv(t)
	seedN(t, e.sim, 10001, RunnerSeed{Tags: []string{"big"}})
	r := e.do("GET", "runners/all?per_page=100", rootToken, nil)
	e.want(r, 200, "")
	if got := hdrs(r, "X-Page", "X-Per-Page", "X-Next-Page", "X-Prev-Page", "X-Total", "X-Total-Pages"); got !=
		"X-Page=1 X-Per-Page=100 X-Next-Page=2 X-Prev-Page= X-Total=<absent> X-Total-Pages=<absent>" {
		t.Errorf("headers: %s", got)
	}
	if l := r.hdr.Get("Link"); strings.Contains(l, `rel="last"`) || !strings.Contains(l, `rel="next"`) || !strings.Contains(l, `rel="first"`) {
		t.Errorf("Link: %s", l)
	}
	r = e.do("GET", "runners/all?per_page=100&page=101", rootToken, nil)
	if got := hdrs(r, "X-Next-Page", "X-Prev-Page", "X-Total"); got != "X-Next-Page= X-Prev-Page=100 X-Total=<absent>" {
		t.Errorf("last page headers: %s", got)
	}
	if n := len(r.ids(t)); n != 1 {
		t.Errorf("last page has %d items", n)
	}
	// Exactly 10,000 matching rows are still counted.
	e2 := newEnv(t)
	seedN(t, e2.sim, 10000, RunnerSeed{})
	r = e2.do("GET", "runners/all?per_page=100", rootToken, nil)
	if got := hdrs(r, "X-Total", "X-Total-Pages"); got != "X-Total=10000 X-Total-Pages=100" {
		t.Errorf("10k: %s", got)
	}
}

func TestListOrderIsIDAscending(t *testing.T) {
	w := newWorld(t)
	// Make a later runner "newer" in every other respect; order stays by id.
	w.want(w.do("PUT", fmt.Sprintf("runners/%d", w.inst), rootToken, map[string]any{"description": "zzz"}), 200, "")
	ids := w.do("GET", "runners/all", rootToken, nil).ids(t)
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("not ascending: %v", ids)
		}
	}
}
