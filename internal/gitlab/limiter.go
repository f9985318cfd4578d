package gitlab

import (
	"context"
	"net/http"
	"time"

	"golang.org/x/time/rate"
)

// newLimiter spaces attempts at least 1/rps apart: a token bucket of size
// one. A burst of one keeps the client predictable under GitLab's
// instance-wide throttle, which counts requests per user per minute rather
// than bursts.
func newLimiter(rps float64) *rate.Limiter {
	return rate.NewLimiter(rate.Limit(rps), 1)
}

// waitLimiter waits for the next slot. Unlike rate.Limiter.Wait it does not
// fail early when the slot lies beyond the context's deadline: the request
// then ends with the context's own error, as every other wait in the client
// does. A cancelled wait gives its slot back.
func waitLimiter(ctx context.Context, lim *rate.Limiter) error {
	r := lim.Reserve()
	d := r.Delay()
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.Cancel()
		return ctx.Err()
	}
}

type limitedTransport struct {
	next http.RoundTripper
	lim  *rate.Limiter
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := waitLimiter(req.Context(), t.lim); err != nil {
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
