package gitlab

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

const maxPerPage = 100

// paginate fetches every page of a GitLab offset-paginated list, in GitLab's
// order. maxItems > 0 stops once that many items are in hand.
//
// GitLab sends X-Total-Pages only while the total is at most 10,000; then
// the remaining pages are fetched concurrently. Above that the totals are
// omitted and the only way forward is X-Next-Page, one page at a time.
func paginate[T any](ctx context.Context, c *Client, path string, q url.Values, maxItems int) ([]T, error) {
	perPage := maxPerPage
	if maxItems > 0 && maxItems < perPage {
		perPage = maxItems
	}
	pageQuery := func(page int) url.Values {
		v := url.Values{}
		for k, vals := range q {
			v[k] = vals
		}
		v.Set("page", strconv.Itoa(page))
		v.Set("per_page", strconv.Itoa(perPage))
		return v
	}
	fetch := func(ctx context.Context, page int) ([]T, *result, error) {
		var items listOf[T]
		res, err := c.do(ctx, request{method: http.MethodGet, path: path, query: pageQuery(page)}, &items)
		if err != nil {
			return nil, nil, err
		}
		return items.values(), res, nil
	}
	enough := func(n int) bool { return maxItems > 0 && n >= maxItems }
	clip := func(items []T) []T {
		if maxItems > 0 && len(items) > maxItems {
			return items[:maxItems]
		}
		return items
	}

	all, res, err := fetch(ctx, 1)
	if err != nil {
		return nil, err
	}
	if all == nil {
		all = []T{}
	}
	if enough(len(all)) {
		return clip(all), nil
	}

	if total, ok := headerInt(res.header, "X-Total-Pages"); ok {
		last := total
		if maxItems > 0 {
			last = min(last, (maxItems+perPage-1)/perPage)
		}
		if last <= 1 {
			return clip(all), nil
		}
		pages, err := fetchConcurrently(ctx, c.pageConc, 2, last, fetch)
		if err != nil {
			return nil, err
		}
		for _, p := range pages {
			all = append(all, p...)
		}
		return clip(all), nil
	}

	current := 1
	next, ok := nextPage(res.header)
	for ok && !enough(len(all)) {
		if next <= current {
			return nil, fmt.Errorf("GET %s: pagination went backwards (page %d after %d)", path, next, current)
		}
		items, r, err := fetch(ctx, next)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		current = next
		next, ok = nextPage(r.header)
	}
	return clip(all), nil
}

// fetchConcurrently fetches pages first..last with at most conc in flight
// and returns them in page order; the first error cancels the rest.
func fetchConcurrently[T any](ctx context.Context, conc, first, last int, fetch func(context.Context, int) ([]T, *result, error)) ([][]T, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := last - first + 1
	out := make([][]T, n)
	pages := make(chan int)
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for w := 0; w < min(conc, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range pages {
				items, _, err := fetch(ctx, p)
				if err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					return
				}
				out[p-first] = items
			}
		}()
	}
feed:
	for p := first; p <= last; p++ {
		select {
		case pages <- p:
		case <-ctx.Done():
			break feed
		}
	}
	close(pages)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func headerInt(h http.Header, key string) (int, bool) {
	v := strings.TrimSpace(h.Get(key))
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// nextPage reads X-Next-Page (empty on the last page) and falls back to the
// Link header for proxies that strip X- headers.
func nextPage(h http.Header) (int, bool) {
	if _, present := h[http.CanonicalHeaderKey("X-Next-Page")]; present {
		return headerInt(h, "X-Next-Page")
	}
	for _, link := range h.Values("Link") {
		for _, part := range strings.Split(link, ",") {
			segs := strings.Split(part, ";")
			if len(segs) < 2 {
				continue
			}
			isNext := false
			for _, s := range segs[1:] {
				if strings.EqualFold(strings.TrimSpace(s), `rel="next"`) {
					isNext = true
				}
			}
			if !isNext {
				continue
			}
			raw := strings.Trim(strings.TrimSpace(segs[0]), "<>")
			u, err := url.Parse(raw)
			if err != nil {
				continue
			}
			if n, err := strconv.Atoi(u.Query().Get("page")); err == nil && n > 0 {
				return n, true
			}
		}
	}
	return 0, false
}
