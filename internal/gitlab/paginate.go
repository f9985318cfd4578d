package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

const maxPerPage = 100

// ErrPagination matches a listing whose pagination cannot be followed to a
// complete result: the pages loop or go backwards, or the listing has more
// than Config.MaxPages pages.
var ErrPagination = errors.New("gitlab: pagination cannot be followed")

// paginate fetches every page of a GitLab offset-paginated list, in GitLab's
// order. maxItems > 0 stops once that many items are in hand.
//
// GitLab sends X-Total and X-Total-Pages only while the total is at most
// 10,000 (lib/gitlab/pagination/offset_pagination.rb); then the remaining
// pages are fetched concurrently, but never more of them than X-Total and
// the page size allow. Above that both totals are omitted and the only way
// forward is X-Next-Page (or the Link header), one page at a time. When a
// proxy strips or mangles these headers the listing goes on, one page at a
// time, while the pages come back full. An empty page always ends a listing,
// and no listing reads more than MaxPages pages.
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
	tooMany := func() error {
		return fmt.Errorf("GET %s: %w: the listing has more than %d pages (max_pages); narrow it with filters",
			routeTemplate(path), ErrPagination, c.maxPages)
	}

	all, res, err := fetch(ctx, 1)
	if err != nil {
		return nil, err
	}
	if all == nil {
		all = []T{}
	}
	if len(all) == 0 || enough(len(all)) {
		return clip(all), nil
	}
	// GitLab may serve fewer items per page than asked (a lower
	// max_per_page on the instance); it says so in X-Per-Page.
	size := perPage
	if n, ok := headerInt(res.header, "X-Per-Page"); ok && n > 0 {
		size = n
	}

	// GitLab sends both totals or neither; one without the other has been
	// through something that mangles headers, and is not trusted to plan
	// concurrent fetches.
	total, okPages := headerInt(res.header, "X-Total-Pages")
	items, okItems := headerInt(res.header, "X-Total")
	if okPages && okItems {
		last := min(total, (items+size-1)/size)
		if maxItems > 0 {
			last = min(last, (maxItems+size-1)/size)
		}
		if last <= 1 {
			return clip(all), nil
		}
		if last > c.maxPages {
			return nil, tooMany()
		}
		pages, err := fetchConcurrently(ctx, c.pageConc, 2, last, fetch)
		if err != nil {
			return nil, err
		}
		for _, p := range pages {
			if len(p) == 0 {
				break
			}
			all = append(all, p...)
		}
		return clip(all), nil
	}

	current := 1
	page, h := all, res.header
	for !enough(len(all)) {
		next, state := nextPage(h)
		switch state {
		case pageEnd:
			return clip(all), nil
		case pageUnknown:
			// Headers missing or mangled: a full page may have a successor.
			if len(page) < size {
				return clip(all), nil
			}
			next = current + 1
		}
		if next <= current {
			return nil, fmt.Errorf("GET %s: %w: page %d names page %d as the next one; the pages loop or go backwards",
				routeTemplate(path), ErrPagination, current, next)
		}
		if next > c.maxPages {
			return nil, tooMany()
		}
		var r *result
		page, r, err = fetch(ctx, next)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			return clip(all), nil
		}
		all = append(all, page...)
		current, h = next, r.header
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

// What the headers of a page say about the next one.
const (
	pageNext    = iota // there is a next page
	pageEnd            // this is the last page
	pageUnknown        // no usable header: proxies strip or mangle them
)

// nextPage reads X-Next-Page (empty on the last page) and falls back to the
// Link header for proxies that strip X- headers.
func nextPage(h http.Header) (int, int) {
	if _, present := h[http.CanonicalHeaderKey("X-Next-Page")]; present {
		v := strings.TrimSpace(h.Get("X-Next-Page"))
		if v == "" {
			return 0, pageEnd
		}
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return n, pageNext
		}
		return 0, pageUnknown
	}
	links := h.Values("Link")
	if len(links) == 0 {
		return 0, pageUnknown
	}
	sawRel := false
	for _, link := range links {
		for _, part := range strings.Split(link, ",") {
			segs := strings.Split(part, ";")
			if len(segs) < 2 {
				continue
			}
			isNext := false
			for _, s := range segs[1:] {
				s = strings.TrimSpace(s)
				if strings.HasPrefix(strings.ToLower(s), "rel=") {
					sawRel = true
				}
				if strings.EqualFold(s, `rel="next"`) {
					isNext = true
				}
			}
			if !isNext {
				continue
			}
			raw := strings.Trim(strings.TrimSpace(segs[0]), "<>")
			u, err := url.Parse(raw)
			if err != nil {
				return 0, pageUnknown
			}
			if n, err := strconv.Atoi(u.Query().Get("page")); err == nil && n > 0 {
				return n, pageNext
			}
			return 0, pageUnknown
		}
	}
	// GitLab's Link always has rel="first" and rel="last"; without next it
	// marks the last page. A Link without any rel says nothing.
	if sawRel {
		return 0, pageEnd
	}
	return 0, pageUnknown
}
