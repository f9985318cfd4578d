package gitlab

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
)

// RunnerListScope picks one of GitLab's four runner list endpoints.
type RunnerListScope struct {
	// All selects GET /runners/all (administrators).
	All bool
	// Group (id or full path) selects GET /groups/:id/runners.
	Group string
	// Project (id or full path) selects GET /projects/:id/runners.
	Project string
}

func (s RunnerListScope) path() (string, error) {
	switch {
	case s.All:
		return "/runners/all", nil
	case s.Group != "":
		g, err := pathID("group", s.Group)
		return "/groups/" + g + "/runners", err
	case s.Project != "":
		p, err := pathID("project", s.Project)
		return "/projects/" + p + "/runners", err
	}
	return "/runners", nil
}

// EachRunnerPage reads a runner list one page at a time, in GitLab's order,
// and hands each page to yield before asking for the next; yield returning
// false stops without another request. It is for consumers that stream
// (terraform query) and may stop early; the List* functions, which need
// everything, fetch pages concurrently instead. Every request goes through
// the same retry and rate-limit handling as the rest of the client.
func (c *Client) EachRunnerPage(ctx context.Context, scope RunnerListScope, opts ListRunnersOptions, perPage int, yield func([]Runner) bool) error {
	path, err := scope.path()
	if err != nil {
		return err
	}
	if perPage <= 0 || perPage > maxPerPage {
		perPage = maxPerPage
	}
	// The same termination rules as the List* functions: an empty page
	// ends the listing, a next page must lie ahead, at most maxPages
	// pages, and missing headers mean "read on while pages are full".
	page := 1
	for {
		q := opts.query()
		q.Set("page", strconv.Itoa(page))
		q.Set("per_page", strconv.Itoa(perPage))
		var items listOf[Runner]
		res, err := c.do(ctx, request{method: http.MethodGet, path: path, query: q}, &items)
		if err != nil {
			return err
		}
		runners := items.values()
		if len(runners) == 0 || !yield(runners) {
			return nil
		}
		next, state := nextPage(res.header)
		switch state {
		case pageEnd:
			return nil
		case pageUnknown:
			size := perPage
			if n, ok := headerInt(res.header, "X-Per-Page"); ok && n > 0 {
				size = n
			}
			if len(runners) < size {
				return nil
			}
			next = page + 1
		}
		if next <= page {
			return fmt.Errorf("GET %s: %w: page %d names page %d as the next one; the pages loop or go backwards",
				routeTemplate(path), ErrPagination, page, next)
		}
		if next > c.maxPages {
			return fmt.Errorf("GET %s: %w: the listing has more than %d pages (max_pages); narrow it with filters",
				routeTemplate(path), ErrPagination, c.maxPages)
		}
		page = next
	}
}
