package gitlabsim

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// GitLab stops counting above this many rows: X-Total, X-Total-Pages and
// rel="last" disappear and clients must follow X-Next-Page.
const countLimit = 10000

const (
	defaultPerPage = 20
	maxPerPage     = 100
)

// pagination reads page/per_page with Grape's coercion errors
// ("per_page is invalid") and Kaminari's clamping.
func (v *validator) pagination() (page, perPage int) {
	page, perPage = 1, defaultPerPage
	if n, present, null, err := v.p.integer("page"); err != nil {
		v.add(err)
	} else if present && !null && n > 1 {
		page = int(min(n, 1<<31))
	}
	if n, present, null, err := v.p.integer("per_page"); err != nil {
		v.add(err)
	} else if present && !null && n > 0 {
		perPage = int(min(n, maxPerPage))
	}
	return page, perPage
}

// paginate sets the offset-pagination headers for a list of total items and
// returns the [start, end) slice bounds of the requested page.
func (c *ctx) paginate(total, page, perPage int) (start, end int) {
	return c.paginateCounting(total, page, perPage, total <= countLimit)
}

// paginateCounting is paginate for lists GitLab may page without counting
// (Kaminari's without_count): counted false leaves out X-Total,
// X-Total-Pages and rel="last" whatever the size.
func (c *ctx) paginateCounting(total, page, perPage int, counted bool) (start, end int) {
	totalPages := max(1, (total+perPage-1)/perPage)
	start = min((page-1)*perPage, total)
	end = min(start+perPage, total)

	next, prev := "", ""
	if end < total {
		next = strconv.Itoa(page + 1)
	}
	if page > 1 && (!counted || page <= totalPages) {
		prev = strconv.Itoa(page - 1)
	}
	h := c.header
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(perPage))
	h.Set("X-Next-Page", next)
	h.Set("X-Prev-Page", prev)
	if counted {
		h.Set("X-Total", strconv.Itoa(total))
		h.Set("X-Total-Pages", strconv.Itoa(totalPages))
	}
	var links []string
	if prev != "" {
		links = append(links, c.pageLink(prev, perPage, "prev"))
	}
	if next != "" {
		links = append(links, c.pageLink(next, perPage, "next"))
	}
	links = append(links, c.pageLink("1", perPage, "first"))
	if counted {
		links = append(links, c.pageLink(strconv.Itoa(totalPages), perPage, "last"))
	}
	h.Set("Link", strings.Join(links, ", "))
	return start, end
}

func (c *ctx) pageLink(page string, perPage int, rel string) string {
	q := c.r.URL.Query()
	q.Del("private_token")
	q.Set("page", page)
	q.Set("per_page", strconv.Itoa(perPage))
	return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, c.baseURL, c.r.URL.EscapedPath(), q.Encode(), rel)
}

// keysetLink builds the rel="next" link of keyset pagination.
func (c *ctx) keysetLink(extra url.Values) string {
	q := c.r.URL.Query()
	q.Del("private_token")
	for k, v := range extra {
		q[k] = v
	}
	return fmt.Sprintf(`<%s%s?%s>; rel="next"`, c.baseURL, c.r.URL.EscapedPath(), q.Encode())
}
