package gitlab

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// limiter spaces attempts at least 1/rate apart (a token bucket of size one).
// A burst of one keeps the client predictable under GitLab's instance-wide
// throttle, which counts requests per user per minute rather than bursts.
type limiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func newLimiter(rps float64) *limiter {
	iv := time.Duration(float64(time.Second) / rps)
	if iv <= 0 {
		iv = 1
	}
	return &limiter{interval: iv}
}

// wait reserves the next slot and sleeps until it; a cancelled context gives
// the slot back only if nobody reserved a later one meanwhile.
func (l *limiter) wait(ctx context.Context) error {
	l.mu.Lock()
	now := time.Now()
	slot := l.next
	if slot.Before(now) {
		slot = now
	}
	l.next = slot.Add(l.interval)
	l.mu.Unlock()

	d := time.Until(slot)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		if l.next.Equal(slot.Add(l.interval)) {
			l.next = slot
		}
		l.mu.Unlock()
		return ctx.Err()
	}
}

type limitedTransport struct {
	next http.RoundTripper
	lim  *limiter
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.lim.wait(req.Context()); err != nil {
		return nil, err
	}
	return t.next.RoundTrip(req)
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the pool.
func (t *limitedTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
