package gitlab

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

// BenchmarkListAllRunners10k measures the client side of listing 10,000
// runners (100 pages of 100, fetched concurrently after the first): request
// building, retries bookkeeping, decoding. Pages are pre-rendered so the
// server costs almost nothing; see BenchmarkListAllRunners10kSim for the
// same against the simulator.
func BenchmarkListAllRunners10k(b *testing.B) {
	const n, per = 10_000, 100
	pages := make([][]byte, n/per+1)
	for p := 1; p <= n/per; p++ {
		items := make([]map[string]any, 0, per)
		for i := (p-1)*per + 1; i <= p*per; i++ {
			items = append(items, map[string]any{
				"id": i, "description": "runner " + strconv.Itoa(i), "ip_address": "", "active": true,
				"paused": false, "is_shared": true, "runner_type": "instance_type", "name": nil,
				"online": false, "status": "offline", "created_at": "2025-05-03T00:00:00.000Z",
				"job_execution_status": "idle",
				"created_by":           map[string]any{"id": 1, "username": "root", "name": "Administrator", "state": "active", "avatar_url": nil, "web_url": "http://x/root"},
			})
		}
		pages[p], _ = json.Marshal(items)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if p < 1 || p > n/per {
			p = n / per
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("X-Total", strconv.Itoa(n))
		h.Set("X-Total-Pages", strconv.Itoa(n/per))
		h.Set("X-Page", strconv.Itoa(p))
		if p < n/per {
			h.Set("X-Next-Page", strconv.Itoa(p+1))
		} else {
			h.Set("X-Next-Page", "")
		}
		w.Write(pages[p])
	}))
	defer srv.Close()
	c, err := NewClient(Config{BaseURL: srv.URL, Token: "glpat-bench", RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	benchListAll(b, c, n)
}

// BenchmarkListAllRunners10kSim lists 10,000 runners from the simulator
// (the largest list GitLab still counts, so pages 2..100 go concurrently).
func BenchmarkListAllRunners10kSim(b *testing.B) {
	srv, err := gitlabsim.Start(gitlabsim.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	if _, err := srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: RunnerTypeInstance, Description: "bench"}, 10_000); err != nil {
		b.Fatal(err)
	}
	c, err := NewClient(Config{BaseURL: srv.URL, Token: srv.AdminToken})
	if err != nil {
		b.Fatal(err)
	}
	benchListAll(b, c, 10_000)
}

// benchListAll lists all runners once per iteration and checks that the
// n of them (ids 1..n) all arrived.
func benchListAll(b *testing.B, c *Client, n int) {
	ctx := b.Context()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rs, err := c.ListAllRunners(ctx, ListRunnersOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if len(rs) != n || rs[n-1].ID != int64(n) {
			b.Fatalf("got %d runners", len(rs))
		}
	}
}
