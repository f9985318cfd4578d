package gitlab

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// request describes one API call; path is relative to the API root and
// already escaped ("/projects/a%2Fb/runners").
type request struct {
	method string
	path   string
	query  url.Values
	body   any
	// noAuth leaves out PRIVATE-TOKEN: the runner-token endpoints authenticate
	// with a token in the body, and a user token would only leak further.
	noAuth bool
	// doneStatuses are answers that mean "already done" when an earlier
	// attempt of an idempotent request may have been applied (a DELETE whose
	// response was lost is retried and then finds nothing to delete).
	doneStatuses []int
}

type result struct {
	status   int
	header   http.Header
	attempts int
	// alreadyDone is set when a retried request found its work already done.
	alreadyDone bool
}

const maxResponseBody = 64 << 20

var secretPatterns = []*regexp.Regexp{
	// runner authentication tokens (glrt-, glrt-t1_…, glrtr-), registration
	// tokens (GR1348941…), personal/project/group access tokens (glpat-).
	regexp.MustCompile(`glrtr?-[A-Za-z0-9_\-]+`),
	regexp.MustCompile(`GR1348941[A-Za-z0-9_\-]+`),
	regexp.MustCompile(`gl(pat|oat|dt|rt|ptt|ft|imt|agent|cbt|soat)-[A-Za-z0-9_\-]+`),
}

// logContext masks secrets in every log line written while serving a call.
func (c *Client) logContext(ctx context.Context) context.Context {
	if c.token != "" {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, c.token)
		ctx = tflog.MaskMessageStrings(ctx, c.token)
	}
	ctx = tflog.MaskAllFieldValuesRegexes(ctx, secretPatterns...)
	ctx = tflog.MaskMessageRegexes(ctx, secretPatterns...)
	return tflog.MaskFieldValuesWithFieldKeys(ctx, "token", "private_token", "authorization")
}

// do sends r with retries, decodes a 2xx body into out (when non-nil) and
// turns anything else into an error. It runs three steps: build the request,
// send it with the retry rules, check the answer.
func (c *Client) do(ctx context.Context, r request, out any) (*result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx = c.logContext(ctx)
	st := &callState{c: c, method: r.method, path: r.path}
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { st.gotConn.Store(true) },
	})
	req, err := c.buildRequest(ctx, r)
	if err != nil {
		return nil, err
	}
	resp, body, err := c.send(ctx, r, st, req) //nolint:bodyclose // send reads the body whole and closes it
	if err != nil {
		return nil, err
	}
	return c.check(ctx, r, st, resp, body, out)
}

// buildRequest encodes r's body and sets the URL and headers.
func (c *Client) buildRequest(ctx context.Context, r request) (*retryablehttp.Request, error) {
	u := c.baseStr + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var payload []byte
	if r.body != nil {
		var err error
		payload, err = json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("%s %s: encoding request: %w", r.method, r.path, err)
		}
	}
	var rawBody any
	if payload != nil {
		rawBody = payload
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, u, rawBody)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	// url.Parse keeps the escaped form of "group%2Fproject" in RawPath, so
	// the request line carries %2F as GitLab requires; make sure of it.
	if req.URL.RawPath == "" && strings.Contains(r.path, "%") {
		if p, perr := url.PathUnescape(c.base.Path + r.path); perr == nil {
			req.URL.Path = p
			req.URL.RawPath = c.base.EscapedPath() + r.path
		}
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	for k, v := range c.headers {
		req.Header[k] = append([]string(nil), v...)
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.noAuth {
		req.Header.Del("Private-Token")
	} else if c.token != "" {
		req.Header.Set("Private-Token", c.token)
	}
	if payload != nil {
		tflog.Trace(ctx, "GitLab API request body", map[string]any{
			"method": r.method, "path": r.path, "body": redactJSON(payload),
		})
	}
	return req, nil
}

// send runs req under the retry rules and reads the final answer's body. A
// POST whose outcome was lost comes back as an outcomeUnknownError.
func (c *Client) send(ctx context.Context, r request, st *callState, req *retryablehttp.Request) (*http.Response, []byte, error) {
	hc := c.httpClient
	if !idempotent(r.method) {
		hc = c.freshClient
	}
	rc := &retryablehttp.Client{
		HTTPClient:   hc,
		RetryMax:     c.retries,
		RetryWaitMin: c.retryWaitMin,
		RetryWaitMax: c.retryWaitMax,
		CheckRetry:   st.checkRetry,
		Backoff:      st.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		RequestLogHook: func(_ retryablehttp.Logger, hr *http.Request, attempt int) {
			st.gotConn.Store(false)
			st.attempts = attempt + 1
			st.started = time.Now()
			tflog.Debug(hr.Context(), "GitLab API request", map[string]any{
				"method": r.method, "path": hr.URL.RequestURI(), "attempt": attempt + 1,
			})
		},
	}

	resp, err := rc.Do(req)
	if err != nil {
		if resp != nil {
			drain(resp)
		}
		if st.unknown {
			tflog.Warn(ctx, "GitLab API request outcome unknown; not retried", map[string]any{
				"method": r.method, "path": r.path, "error": err.Error(),
			})
			return nil, nil, &outcomeUnknownError{method: r.method, path: r.path, cause: err}
		}
		return nil, nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		// The status line arrived, so GitLab acted on the request; only a
		// 2xx to a POST could have created something, and its body is gone.
		if r.method == http.MethodPost && resp.StatusCode/100 == 2 {
			return nil, nil, &outcomeUnknownError{method: r.method, path: r.path, cause: fmt.Errorf("reading response: %w", err), applied: true}
		}
		return nil, nil, fmt.Errorf("%s %s: reading response: %w", r.method, r.path, err)
	}
	return resp, body, nil
}

// check turns a non-2xx answer into an error (or into "already done" for a
// retried idempotent request) and decodes a 2xx body into out.
func (c *Client) check(ctx context.Context, r request, st *callState, resp *http.Response, body []byte, out any) (*result, error) {
	res := &result{status: resp.StatusCode, header: resp.Header, attempts: st.attempts}
	fields := map[string]any{
		"method": r.method, "path": r.path, "status": resp.StatusCode,
		"attempts": st.attempts, "duration_ms": time.Since(st.started).Milliseconds(),
	}
	if id := resp.Header.Get("X-Request-Id"); id != "" {
		fields["request_id"] = id
	}
	tflog.Debug(ctx, "GitLab API response", fields)

	if resp.StatusCode/100 != 2 {
		// "Not found" and the other "already done" answers are believed only
		// from GitLab itself: an HTML 404 from a proxy or a maintenance page
		// says nothing about the runner, and taking it for "gone" would drop
		// the runner from the state and create a duplicate on the next apply.
		if resp.StatusCode == http.StatusNotFound || containsInt(r.doneStatuses, resp.StatusCode) {
			if !isGitLabAnswer(resp, body) {
				re := newResponseError(r, resp, body, "not GitLab's own error answer (GitLab answers with a JSON message); "+
					"a proxy, load balancer or maintenance page may be in the way")
				tflog.Warn(ctx, "GitLab API answer is not from GitLab", map[string]any{
					"method": r.method, "path": r.path, "status": resp.StatusCode, "error": re.Error(),
				})
				return nil, re
			}
		}
		if st.maybeApplied && containsInt(r.doneStatuses, resp.StatusCode) {
			tflog.Debug(ctx, "GitLab API request had already been applied by a lost attempt", fields)
			res.alreadyDone = true
			return res, nil
		}
		return nil, c.apiError(ctx, r, st, resp, body)
	}
	if out != nil {
		if err := decodeAnswer(body, out, resp.Header); err != nil {
			re := newResponseError(r, resp, body, err.Error())
			tflog.Warn(ctx, "GitLab API answer cannot be used", map[string]any{
				"method": r.method, "path": r.path, "status": resp.StatusCode, "error": re.Error(),
			})
			// GitLab applied the POST (it answered 2xx) but what it made,
			// the new runner's id and token, is lost: for the caller this
			// is the same as a lost response.
			if r.method == http.MethodPost {
				return nil, &outcomeUnknownError{method: r.method, path: r.path, cause: re, applied: true}
			}
			return nil, re
		}
	}
	return res, nil
}

// apiError builds the *APIError for a non-2xx answer; a POST answered 5xx
// may have been applied and is wrapped as outcome unknown.
func (c *Client) apiError(ctx context.Context, r request, st *callState, resp *http.Response, body []byte) error {
	apiErr := &APIError{
		Method:     r.method,
		Path:       r.path,
		StatusCode: resp.StatusCode,
		Message:    redactString(parseErrorMessage(body, resp.Header.Get("Content-Type"))),
		Body:       truncate(redactJSON(body), maxErrorBody),
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		apiErr.RetryAfter, _ = serverWait(resp.Header, c.now())
	}
	tflog.Debug(ctx, "GitLab API error", map[string]any{
		"method": r.method, "path": r.path, "status": resp.StatusCode, "message": apiErr.Message,
	})
	if r.method == http.MethodPost && resp.StatusCode >= 500 {
		return &outcomeUnknownError{method: r.method, path: r.path, cause: apiErr}
	}
	if st.waitTooLong > 0 {
		return &retryWaitError{apiErr: apiErr, wait: st.waitTooLong, limit: c.maxRetryWait}
	}
	return apiErr
}

// callState carries one call's retry decisions across its attempts.
type callState struct {
	c      *Client
	method string
	path   string

	gotConn  atomic.Bool // set by httptrace once a connection was obtained
	attempts int
	started  time.Time
	nextWait time.Duration
	// unknown: a POST was (possibly) sent and its outcome was lost.
	unknown bool
	// maybeApplied: an earlier attempt of an idempotent request may have
	// been applied although it failed.
	maybeApplied bool
	// waitTooLong is the server-requested wait that made the client give
	// up, when it exceeded MaxRetryWait.
	waitTooLong time.Duration
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// checkRetry implements the retry rules: idempotent requests are retried on
// network errors, 5xx and 429; a POST only on 429 and on errors that prove
// nothing was sent, because GitLab has no idempotency keys and a retried
// POST /user/runners would create a second runner.
func (st *callState) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if err != nil {
		sent := st.gotConn.Load() && !isDialError(err)
		if sent {
			if st.method == http.MethodPost {
				st.unknown = true
				return false, nil
			}
			st.maybeApplied = true
		}
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if isPermanentTransportError(err) {
			return false, nil
		}
		return st.schedule(ctx, nil, fmt.Sprintf("network error: %v", err))
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		// Rack::Attack rejects before the request reaches the API, so even
		// a POST is safe to repeat.
		return st.schedule(ctx, resp, "429 Too Many Requests")
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		if st.method == http.MethodPost {
			return false, nil
		}
		st.maybeApplied = true
		return st.schedule(ctx, resp, resp.Status)
	}
	return false, nil
}

// schedule picks the wait before the next attempt and refuses to retry when
// the caller's deadline would expire during it: the last answer is then more
// useful than "context deadline exceeded".
func (st *callState) schedule(ctx context.Context, resp *http.Response, reason string) (bool, error) {
	c := st.c
	if st.attempts > c.retries {
		return false, nil
	}
	wait := time.Duration(0)
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := serverWait(resp.Header, c.now()); ok {
			if d > c.maxRetryWait {
				// Sleeping for minutes or hours inside one Terraform
				// operation helps no one; GitLab's answer says when to
				// come back.
				st.waitTooLong = d
				tflog.Warn(ctx, "GitLab API request not retried: GitLab asks to wait longer than max_retry_wait", map[string]any{
					"method": st.method, "path": st.path, "reason": reason, "wait": d.String(), "max_retry_wait": c.maxRetryWait.String(),
				})
				return false, nil
			}
			wait = min(d, c.maxRetryAfter)
		}
	}
	if wait <= 0 {
		wait = jitterBackoff(c.retryWaitMin, c.retryWaitMax, st.attempts-1)
	}
	if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
		tflog.Debug(ctx, "GitLab API request not retried: deadline before next attempt", map[string]any{
			"method": st.method, "path": st.path, "reason": reason, "wait": wait.String(),
		})
		return false, nil
	}
	st.nextWait = wait
	tflog.Debug(ctx, "GitLab API request will be retried", map[string]any{
		"method": st.method, "path": st.path, "reason": reason, "wait": wait.String(), "attempt": st.attempts,
	})
	return true, nil
}

func (st *callState) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	return st.nextWait
}

// jitterBackoff doubles from lo up to hi and draws uniformly from the upper
// half, so concurrent page fetchers that fail together do not retry together.
func jitterBackoff(lo, hi time.Duration, attempt int) time.Duration {
	d := lo
	for i := 0; i < attempt && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

// serverWait reads Retry-After (seconds or HTTP date) and, failing that,
// RateLimit-Reset, which GitLab sends as a Unix timestamp.
func serverWait(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	if v := strings.TrimSpace(h.Get("RateLimit-Reset")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			// The IETF draft uses delta-seconds; GitLab a timestamp.
			if n < 1_000_000_000 {
				return time.Duration(n) * time.Second, true
			}
			return max(time.Unix(n, 0).Sub(now), 0), true
		}
	}
	return 0, false
}

// isDialError reports errors that happen before a connection exists, which
// prove the request never left the client.
func isDialError(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	return false
}

// isPermanentTransportError reports errors a retry cannot fix.
func isPermanentTransportError(err error) bool {
	var (
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalidErr  x509.CertificateInvalidError
		verifyErr   *tls.CertificateVerificationError
		recordErr   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &unknownAuth), errors.As(err, &hostErr), errors.As(err, &invalidErr),
		errors.As(err, &verifyErr), errors.As(err, &recordErr):
		return true
	}
	var ue *url.Error
	if errors.As(err, &ue) && strings.Contains(ue.Error(), "unsupported protocol scheme") {
		return true
	}
	return false
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// redactJSON replaces the values of secret-looking keys ("token",
// "registration_token", "password", …) anywhere in a JSON document. Runner
// tokens come back in create/verify/reset answers and must not reach logs or
// error messages. Non-JSON input is returned with token patterns masked.
func redactJSON(b []byte) string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return redactString(string(b))
	}
	v = redactValue(v)
	out, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(out)
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if secretKey(k) {
				if val != nil {
					t[k] = "***"
				}
				continue
			}
			t[k] = redactValue(val)
		}
		return t
	case []any:
		for i := range t {
			t[i] = redactValue(t[i])
		}
		return t
	case string:
		return redactString(t)
	}
	return v
}

func redactString(s string) string {
	for _, re := range secretPatterns {
		s = re.ReplaceAllString(s, "***")
	}
	return s
}

func secretKey(k string) bool {
	k = strings.ToLower(k)
	if strings.HasSuffix(k, "_at") || strings.HasSuffix(k, "_id") {
		return false // token_expires_at, token_id are not secrets
	}
	return strings.Contains(k, "token") || strings.Contains(k, "password") || strings.Contains(k, "secret")
}
