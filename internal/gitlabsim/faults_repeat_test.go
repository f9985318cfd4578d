package gitlabsim

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// statusesOf sends the same request n times and returns the status codes.
func (l *live) statusesOf(n int, method, path string, body any) []int {
	l.t.Helper()
	out := make([]int, n)
	for i := range out {
		res, _, err := l.do(method, path, body)
		if err != nil {
			l.t.Fatalf("%s %s #%d: %v", method, path, i+1, err)
		}
		out[i] = res.StatusCode
	}
	return out
}

// MaxRepeatFaults bounds the faults in a row of one request, whatever rule
// or probability would fault it, and leaves everything else alone.
func TestMaxRepeatFaults(t *testing.T) {
	t.Run("periodic rule", func(t *testing.T) {
		l := startLive(t, Options{Faults: FaultConfig{MaxRepeatFaults: 2}})
		l.srv.InjectFault(FaultRule{Path: "/api/v4/user", Kind: FaultError500, Every: 1})
		if got, want := l.statusesOf(6, "GET", "/api/v4/user", nil), []int{500, 500, 200, 500, 500, 200}; !slices.Equal(got, want) {
			t.Fatalf("GET /user: %v, want %v", got, want)
		}
		// Another URI is another request with its own count, even on the
		// same path.
		l.statusesOf(1, "GET", "/api/v4/user", nil) // 500, /user's first in a row
		if got, want := l.statusesOf(3, "GET", "/api/v4/user?x=1", nil), []int{500, 500, 200}; !slices.Equal(got, want) {
			t.Fatalf("GET /user?x=1: %v, want %v", got, want)
		}
		if got, want := l.statusesOf(2, "GET", "/api/v4/user", nil), []int{500, 200}; !slices.Equal(got, want) {
			t.Fatalf("GET /user after another URI: %v, want %v", got, want)
		}
	})

	t.Run("bodies tell requests apart", func(t *testing.T) {
		l := startLive(t, Options{Faults: FaultConfig{MaxRepeatFaults: 1}})
		l.srv.InjectFault(FaultRule{Method: "POST", Path: "/api/v4/user/runners", Kind: FaultError500, Every: 1})
		a := map[string]any{"runner_type": "instance_type", "description": "a"}
		b := map[string]any{"runner_type": "instance_type", "description": "b"}
		if got, want := l.statusesOf(1, "POST", "/api/v4/user/runners", a), []int{500}; !slices.Equal(got, want) {
			t.Fatalf("a: %v", got)
		}
		// b was never faulted: its first attempt is, a's second is spared.
		if got, want := l.statusesOf(1, "POST", "/api/v4/user/runners", b), []int{500}; !slices.Equal(got, want) {
			t.Fatalf("b: %v", got)
		}
		if got, want := l.statusesOf(1, "POST", "/api/v4/user/runners", a), []int{201}; !slices.Equal(got, want) {
			t.Fatalf("a again: %v, want %v", got, want)
		}
		if n := l.runnerCount(); n != 1 {
			t.Fatalf("%d runners, want 1 (only the spared POST is applied)", n)
		}
	})

	t.Run("spared requests still count for periodic rules but do not use up counted rules", func(t *testing.T) {
		l := startLive(t, Options{Faults: FaultConfig{MaxRepeatFaults: 1}})
		l.srv.InjectFaults(
			FaultRule{Path: "/api/v4/user", Kind: FaultError502, Count: 2},
			FaultRule{Path: "/api/v4/user", Kind: FaultError500, Every: 3},
		)
		// 1: count rule (502); 2: spared, the count rule keeps its second
		// hit; 3: count rule again, and the periodic rule's third request;
		// 4: spared; 5, 6: nothing left but the periodic rule, which fires on
		// its sixth request.
		if got, want := l.statusesOf(6, "GET", "/api/v4/user", nil), []int{502, 200, 502, 200, 200, 500}; !slices.Equal(got, want) {
			t.Fatalf("GET /user: %v, want %v", got, want)
		}
	})

	t.Run("probabilistic faults", func(t *testing.T) {
		l := startLive(t, Options{Faults: FaultConfig{ErrorRate: 1, MaxRepeatFaults: 3, Seed: 7}})
		got := l.statusesOf(8, "GET", "/api/v4/user", nil)
		for i, c := range got {
			if spared := i%4 == 3; spared != (c == 200) {
				t.Fatalf("GET /user: %v, want three 5xx then a 200, twice", got)
			}
		}
	})

	t.Run("the throttle is not a fault", func(t *testing.T) {
		l := startLive(t, Options{Faults: FaultConfig{RateLimit: 1, MaxRepeatFaults: 1}})
		if got, want := l.statusesOf(4, "GET", "/api/v4/user", nil), []int{200, 429, 429, 429}; !slices.Equal(got, want) {
			t.Fatalf("GET /user: %v, want %v", got, want)
		}
	})

	t.Run("off by default", func(t *testing.T) {
		l := startLive(t, Options{})
		l.srv.InjectFault(FaultRule{Path: "/api/v4/user", Kind: FaultError500, Every: 1})
		for i, c := range l.statusesOf(10, "GET", "/api/v4/user", nil) {
			if c != 500 {
				t.Fatalf("request %d: %d, want 500", i+1, c)
			}
		}
	})

	t.Run("admin API", func(t *testing.T) {
		l := startLive(t, Options{})
		b := l.mustDo("PUT", "/-/sim/faults/config", map[string]any{"max_repeat_faults": 4}, 200)
		var cfg FaultConfig
		if err := json.Unmarshal(b, &cfg); err != nil || cfg.MaxRepeatFaults != 4 {
			t.Fatalf("PUT answered %s (%v)", b, err)
		}
		if b := l.mustDo("GET", "/-/sim/faults/config", nil, 200); !strings.Contains(string(b), `"max_repeat_faults":4`) {
			t.Fatalf("GET answered %s", b)
		}
	})
}
