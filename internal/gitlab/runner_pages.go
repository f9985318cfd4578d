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
	page := 1
	for {
		q := opts.query()
		q.Set("page", strconv.Itoa(page))
		q.Set("per_page", strconv.Itoa(perPage))
		var items []Runner
		res, err := c.do(ctx, request{method: http.MethodGet, path: path, query: q}, &items)
		if err != nil {
			return err
		}
		if len(items) > 0 && !yield(items) {
			return nil
		}
		next, ok := nextPage(res.header)
		if !ok {
			// A proxy may strip X-Next-Page and Link but keep the totals.
			total, known := headerInt(res.header, "X-Total-Pages")
			if !known || total <= page {
				return nil
			}
			next = page + 1
		}
		if next <= page {
			return fmt.Errorf("GET %s: pagination went backwards (page %d after %d)", path, next, page)
		}
		page = next
	}
}
