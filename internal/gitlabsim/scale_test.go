package gitlabsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// bigSim seeds n runners spread over types, tags, status and versions.
func bigSim(tb testing.TB, n int) *Sim {
	tb.Helper()
	s := New(Options{Now: func() time.Time { return t0 }})
	s.mu.Lock()
	root := s.st.users[1]
	grp := s.st.createGroup("Big", "big", nil, root)
	prj := s.st.createProject("Big", "big", grp, root)
	s.mu.Unlock()
	g, p := grp.id, prj.id
	recent := t0.Add(-time.Hour)
	old := t0.Add(-5 * time.Hour)
	per := n / 4
	for i, seed := range []RunnerSeed{
		{RunnerType: "instance_type", Tags: []string{"a", "linux"}, ContactedAt: &recent, Version: "18.1.0"},
		{RunnerType: "group_type", GroupID: g, Tags: []string{"a"}, ContactedAt: &old, Version: "17.11.2"},
		{RunnerType: "project_type", ProjectID: p, Tags: []string{"b"}, Paused: true},
		{RunnerType: "project_type", ProjectID: p, Tags: []string{"a", "b"}, ContactedAt: &recent, Version: "18.0.0"},
	} {
		count := per
		if i == 3 {
			count = n - 3*per
		}
		if _, err := s.SeedRunners(seed, count); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// TestSeedAndListTenThousandRunners checks results only; how fast seeding
// and listing are is measured by BenchmarkSeedTenThousandRunners and
// BenchmarkListRunnersFilteredPaged, since wall-clock bounds in a test fail
// by chance on a loaded machine.
func TestSeedAndListTenThousandRunners(t *testing.T) {
	s := bigSim(t, 10000)
	if s.RunnerCount() != 10000 || len(s.RunnerIDs()) != 10000 {
		t.Fatalf("count %d", s.RunnerCount())
	}
	req := httptest.NewRequest("GET", "/api/v4/runners/all?tag_list=a&status=online&type=project_type&per_page=100&page=3", nil)
	req.Header.Set("PRIVATE-TOKEN", rootToken)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Header().Get("X-Total") != "2500" || rec.Header().Get("X-Total-Pages") != "25" {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
	if n := strings.Count(rec.Body.String(), `"runner_type":"project_type"`); n != 100 {
		t.Fatalf("page has %d runners", n)
	}
}

// TestConcurrentUse runs creates, updates and lists from several goroutines;
// they report failures over errs because only the test goroutine may fail
// the test.
func TestConcurrentUse(t *testing.T) {
	w := newWorld(t)
	before := w.sim.RunnerCount()
	var wg sync.WaitGroup
	const workers, per = 8, 25
	errs := make(chan error, workers*per*4)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			do := func(method, path string, body any, want int) *resp {
				r, err := request(w.sim, method, path, w.tok["pmaint"], body)
				if err == nil && r.code != want {
					err = fmt.Errorf("%s %s = %s, want %d", method, path, r, want)
				}
				if err != nil {
					errs <- err
					return nil
				}
				return r
			}
			for j := 0; j < per; j++ {
				r := do("POST", "user/runners", map[string]any{"runner_type": "project_type", "project_id": w.p1, "tag_list": fmt.Sprintf("w%d", i)}, 201)
				if r == nil {
					continue
				}
				var created struct{ ID int64 }
				if err := json.Unmarshal(r.body, &created); err != nil || created.ID == 0 {
					if err == nil {
						err = errors.New("no id")
					}
					errs <- fmt.Errorf("create answered %s: %w", r, err)
					continue
				}
				do("PUT", fmt.Sprintf("runners/%d", created.ID), map[string]any{"paused": j%2 == 0}, 200)
				do("GET", "runners?per_page=100", nil, 200)
				w.sim.AdvanceClock(time.Millisecond)
				_ = w.sim.Stats()
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := w.sim.RunnerCount(); got != before+workers*per {
		t.Fatalf("runner count %d, want %d", got, before+workers*per)
	}
	ids := w.sim.RunnerIDs()
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatal("ids not ascending/unique")
		}
	}
}

func BenchmarkSeedTenThousandRunners(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		bigSim(b, 10000)
	}
}

func BenchmarkListRunnersFilteredPaged(b *testing.B) {
	s := bigSim(b, 10000)
	paths := []string{
		"/api/v4/runners/all?tag_list=a&status=online&per_page=100&page=7",
		"/api/v4/runners/all?type=group_type&version_prefix=17&per_page=50&page=3",
		"/api/v4/runners?paused=false&per_page=100",
		"/api/v4/projects/1/runners?tag_list=a,b&per_page=20&page=10",
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("GET", paths[i%len(paths)], nil)
		req.Header.Set("PRIVATE-TOKEN", rootToken)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("%s: %d %s", paths[i%len(paths)], rec.Code, rec.Body)
		}
	}
}

func BenchmarkConcurrentCreates(b *testing.B) {
	s := New(Options{})
	body := `{"runner_type":"instance_type","description":"bench","tag_list":["a","b"]}`
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/api/v4/user/runners", strings.NewReader(body))
			req.Header.Set("PRIVATE-TOKEN", rootToken)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != 201 {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
}
