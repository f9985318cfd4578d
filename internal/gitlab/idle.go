package gitlab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// ErrIdleTimeout matches a response whose body stopped arriving for longer
// than Config.ReadIdleTimeout. The bound is per read, not on the whole body,
// so a long answer that keeps flowing is never cut; a proxy or a GitLab that
// sends the headers and then stalls is.
var ErrIdleTimeout = errors.New("gitlab: response body stalled")

type idleTimeoutError struct{ d time.Duration }

func (e *idleTimeoutError) Error() string {
	return fmt.Sprintf("no data for %s while reading the response body (read_idle_timeout)", e.d)
}

func (e *idleTimeoutError) Is(target error) bool { return target == ErrIdleTimeout }

// idleTransport gives every response body an idle deadline: each read that
// returns data pushes it back, and when it passes the request is cancelled,
// which unblocks a read waiting on the connection.
type idleTransport struct {
	next      http.RoundTripper
	timeout   time.Duration
	afterFunc func(time.Duration, func()) idleTimer // nil: time.AfterFunc
}

// idleTimer is what the idle deadline needs of a *time.Timer.
type idleTimer interface {
	Reset(time.Duration) bool
	Stop() bool
}

func (t *idleTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel(nil)
		return resp, err
	}
	b := &idleBody{rc: resp.Body, timeout: t.timeout, cancel: cancel}
	fire := func() {
		b.fired.Store(true)
		cancel(&idleTimeoutError{t.timeout})
	}
	if t.afterFunc != nil {
		b.timer = t.afterFunc(t.timeout, fire)
	} else {
		b.timer = time.AfterFunc(t.timeout, fire)
	}
	resp.Body = b
	return resp, nil
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the pool.
func (t *idleTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

type idleBody struct {
	rc      io.ReadCloser
	timeout time.Duration
	timer   idleTimer
	fired   atomic.Bool
	cancel  context.CancelCauseFunc
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if b.fired.Load() {
		return n, &idleTimeoutError{b.timeout}
	}
	if n > 0 {
		b.timer.Reset(b.timeout)
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	err := b.rc.Close()
	b.cancel(nil)
	return err
}
