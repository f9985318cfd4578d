package gitlabsim

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
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
// ("per_page is invalid"), the pagination params concern's
// except_values: [0] for per_page, and Kaminari's clamping (page <= 0 is 1,
// a negative per_page the default).
func (v *validator) pagination() (page, perPage int) {
	page, perPage = 1, defaultPerPage
	if n, present, null, err := v.p.integer("page"); err != nil {
		v.add(err)
	} else if present && !null && n > 1 {
		page = int(min(n, 1<<31))
	}
	if n, present, null, err := v.p.integer("per_page"); err != nil {
		v.add(err)
	} else if present && !null && n == 0 {
		v.add(fmt.Errorf("per_page has a value not allowed"))
	} else if present && !null && n > 0 {
		perPage = int(min(n, maxPerPage))
	}
	return page, perPage
}

// paginate sets the offset-pagination headers for a list of total items and
// returns the [start, end) slice bounds of the requested page. Lists above
// countLimit, and those paginated without_count (GET /runners/:id/jobs with
// system_id), carry no X-Total, X-Total-Pages or rel="last"
// (lib/gitlab/pagination/offset_header_builder.rb data_without_counts).
func (c *ctx) paginate(total, page, perPage int, withoutCount bool) (start, end int) {
	counted := !withoutCount && total <= countLimit
	totalPages := max(1, (total+perPage-1)/perPage)
	start = min((page-1)*perPage, total)
	end = min(start+perPage, total)

	next, prev := "", ""
	if end < total {
		next = strconv.Itoa(page + 1)
	}
	// Kaminari's prev_page is nil when the page is out of range: past the
	// last page (counted) or, without counts, when no row was loaded.
	if page > 1 && start < total {
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
		links = append(links, c.pageLink(prev, "prev"))
	}
	if next != "" {
		links = append(links, c.pageLink(next, "next"))
	}
	links = append(links, c.pageLink("1", "first"))
	if counted {
		links = append(links, c.pageLink(strconv.Itoa(totalPages), "last"))
	}
	h.Set("Link", strings.Join(links, ", "))
	return start, end
}

func (c *ctx) pageLink(page, rel string) string {
	return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, c.baseURL, c.r.URL.EscapedPath(), c.linkQuery(map[string]any{"page": page}), rel)
}

// keysetLink builds the rel="next" link of keyset pagination
// (lib/gitlab/pagination/keyset/header_builder.rb: params.merge(cursor:)).
func (c *ctx) keysetLink(cursor string) string {
	return fmt.Sprintf(`<%s%s?%s>; rel="next"`, c.baseURL, c.r.URL.EscapedPath(), c.linkQuery(map[string]any{"cursor": cursor}))
}

// Typed parameters whose coerced value differs from the text sent.
var (
	linkBoolParams = map[string]bool{"paused": true, "include_projects": true}
	linkIntParams  = map[string]bool{"page": true, "per_page": true}
)

// linkQuery rebuilds the query of a pagination link the way
// offset_header_builder.rb page_href does: Grape's params (the request's
// parameters after coercion, route parameters such as id, and declared
// defaults: page, per_page and the handler's c.linkDefaults) merged with
// override, rendered with Rails' Hash#to_query (arrays as key[]=, pieces
// sorted). per_page is echoed as sent, not as clamped. private_token is
// left out: echoing a secret into a header is a difference kept on purpose.
func (c *ctx) linkQuery(override map[string]any) string {
	m := map[string]any{"page": json.Number("1"), "per_page": json.Number(strconv.Itoa(defaultPerPage))}
	for k, v := range c.linkDefaults {
		m[k] = v
	}
	for k, v := range c.p.m {
		switch {
		case k == "tag_list":
			t, _, _, _ := c.p.tags(k)
			arr := make([]any, len(t))
			for i, s := range t {
				arr[i] = s
			}
			m[k] = arr
		case linkBoolParams[k]:
			if b, _, null, err := c.p.boolean(k); err == nil {
				if null {
					m[k] = nil
				} else {
					m[k] = b
				}
			} else {
				m[k] = v
			}
		case linkIntParams[k]:
			if n, _, null, err := c.p.integer(k); err == nil && !null {
				m[k] = json.Number(strconv.FormatInt(n, 10))
			} else {
				m[k] = v
			}
		default:
			m[k] = v
		}
	}
	for k, v := range c.vars {
		m[k] = v
	}
	delete(m, "private_token")
	for k, v := range override {
		m[k] = v
	}
	return toQuery(m)
}

// toQuery is Rails' Hash#to_query.
func toQuery(m map[string]any) string {
	var pieces []string
	for k, v := range m {
		pieces = append(pieces, valueToQuery(k, v))
	}
	sort.Strings(pieces)
	return strings.Join(pieces, "&")
}

func valueToQuery(key string, v any) string {
	switch x := v.(type) {
	case []any:
		if len(x) == 0 {
			return url.QueryEscape(key+"[]") + "="
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = valueToQuery(key+"[]", e)
		}
		return strings.Join(parts, "&")
	case map[string]any:
		var parts []string
		for k, e := range x {
			parts = append(parts, valueToQuery(key+"["+k+"]", e))
		}
		sort.Strings(parts)
		return strings.Join(parts, "&")
	}
	return url.QueryEscape(key) + "=" + url.QueryEscape(rubyToS(v))
}
