package gitlab

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The limiter is a bucket of one: the first attempt goes at once, every
// later one at least 1/rps after the previous, and idle time does not build
// up a burst.
func TestLimiterSpacing(t *testing.T) {
	lim := newLimiter(20)
	t0 := time.Unix(1_700_000_000, 0)
	if !lim.AllowN(t0, 1) {
		t.Fatal("first attempt held back")
	}
	if lim.AllowN(t0.Add(49*time.Millisecond), 1) {
		t.Fatal("second attempt allowed before its 50ms slot")
	}
	if !lim.AllowN(t0.Add(50*time.Millisecond), 1) {
		t.Fatal("second attempt held back at its slot")
	}
	later := t0.Add(time.Hour)
	if !lim.AllowN(later, 1) || lim.AllowN(later, 1) {
		t.Fatal("an hour of idling must allow exactly one attempt at once")
	}
}

// A wait cancelled by its context gives its slot back, so a request that
// gave up does not delay the next one.
func TestLimiterCancelledWaitGivesSlotBack(t *testing.T) {
	lim := newLimiter(0.001) // one slot per 1000 s
	if err := waitLimiter(t.Context(), lim); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := waitLimiter(ctx, lim); !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	// Without the give-back the next slot would be 2000 s away.
	if d := lim.Reserve().Delay(); d > 1000*time.Second {
		t.Fatalf("next slot in %s; the cancelled wait kept its slot", d)
	}
}
