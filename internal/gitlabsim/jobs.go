package gitlabsim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// Ci::Build::AVAILABLE_STATUSES
var jobStatuses = []string{"created", "waiting_for_resource", "preparing", "waiting_for_callback", "pending",
	"running", "success", "failed", "canceling", "canceled", "skipped", "manual", "scheduled"}

// jobCursor is the simulator's keyset cursor: the id of the row the page
// continues from and the direction (GitLab's Keyset::Paginator encodes
// "_kd" n/p the same way; its cursor is just as opaque to clients).
type jobCursor struct {
	ID  int64  `json:"id"`
	Dir string `json:"_kd,omitempty"`
}

func encodeCursor(id int64, dir string) string {
	b, _ := json.Marshal(jobCursor{ID: id, Dir: dir})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (jobCursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return jobCursor{}, false
	}
	var cur jobCursor
	if json.Unmarshal(b, &cur) != nil || cur.ID <= 0 || (cur.Dir != "" && cur.Dir != "n" && cur.Dir != "p") {
		return jobCursor{}, false
	}
	return cur, true
}

// GET /runners/:id/jobs (lib/api/ci/runners.rb, app/finders/ci/runner_jobs_finder.rb)
func (c *ctx) listRunnerJobs() {
	v := &validator{p: c.p}
	if _, err := strconv.ParseInt(c.vars["id"], 10, 64); err != nil {
		v.add(fmt.Errorf("id is invalid"))
	}
	systemID, _, _, err := c.p.str("system_id")
	v.add(err)
	status, _ := v.enum("status", jobStatuses)
	orderBy, _ := v.enum("order_by", []string{"id"})
	sortDir, _ := v.enum("sort", []string{"asc", "desc"})
	if sortDir == "" {
		sortDir = "desc" // the sort param's Grape default
	}
	cursor, _, _, err := c.p.str("cursor")
	v.add(err)
	keyset := c.p.strOr("pagination", "") == "keyset"
	page, perPage := v.pagination()
	if v.failed() {
		c.errorf(400, v.message())
		return
	}
	r := c.permittedRunner("id", c.acc.canReadBuilds)
	if r == nil {
		return
	}
	// lib/gitlab/pagination/cursor_based_keyset.rb supports Ci::Build only
	// ordered { id: :desc }; the request's order is
	// { (order_by || :id) => (sort || :desc) }
	// (keyset/cursor_based_request_context.rb).
	if keyset && sortDir != "desc" {
		c.errorf(405, "Keyset pagination is not yet available for this type of request")
		return
	}
	var jobs []*job
	for _, j := range r.jobs {
		if status != "" && j.status != status {
			continue
		}
		if systemID != "" && j.systemID != systemID {
			continue
		}
		// Jobs are limited to projects where the caller is Reporter+.
		if !c.user.admin && c.acc.project(j.project) < accessReporter {
			continue
		}
		jobs = append(jobs, j)
	}
	// RunnerJobsFinder orders only for order_by=id; otherwise offset
	// pagination adds order(:id), ascending, and sort is ignored.
	desc := keyset || (orderBy == "id" && sortDir == "desc")
	if desc {
		sort.Slice(jobs, func(a, b int) bool { return jobs[a].id > jobs[b].id })
	}
	if keyset {
		c.keysetPage(jobs, cursor, perPage)
		return
	}
	c.linkDefaults = map[string]any{"sort": sortDir}
	// paginator_params: without_count when system_id is given.
	start, end := c.paginate(len(jobs), page, perPage, systemID != "")
	c.renderJobs(jobs[start:end])
}

// keysetPage renders one keyset page of jobs (sorted by id descending)
// with the headers of keyset/cursor_based_request_context.rb apply_headers:
// X-Next-Cursor and rel="next" when there is a next page, X-Prev-Cursor when
// there is a previous one (the page was reached with a cursor); no X-Per-Page
// or other offset headers.
func (c *ctx) keysetPage(jobs []*job, cursor string, perPage int) {
	before := false
	if cursor != "" {
		cur, ok := decodeCursor(cursor)
		if !ok {
			c.errorf(400, "cursor is invalid")
			return
		}
		if cur.Dir == "p" {
			// The page before the cursor row: the perPage rows just above it.
			i := sort.Search(len(jobs), func(i int) bool { return jobs[i].id <= cur.ID })
			lo := max(0, i-perPage)
			before = lo > 0
			jobs = jobs[lo:i]
			if len(jobs) > 0 {
				c.header.Set("X-Next-Cursor", encodeCursor(jobs[len(jobs)-1].id, "n"))
				c.header.Set("Link", c.keysetLink(encodeCursor(jobs[len(jobs)-1].id, "n")))
				if before {
					c.header.Set("X-Prev-Cursor", encodeCursor(jobs[0].id, "p"))
				}
			}
			c.renderJobs(jobs)
			return
		}
		i := sort.Search(len(jobs), func(i int) bool { return jobs[i].id < cur.ID })
		jobs = jobs[i:]
	}
	more := len(jobs) > perPage
	if more {
		jobs = jobs[:perPage]
	}
	if more && len(jobs) > 0 {
		next := encodeCursor(jobs[len(jobs)-1].id, "n")
		c.header.Set("Link", c.keysetLink(next))
		c.header.Set("X-Next-Cursor", next)
	}
	if cursor != "" && len(jobs) > 0 {
		c.header.Set("X-Prev-Cursor", encodeCursor(jobs[0].id, "p"))
	}
	c.renderJobs(jobs)
}

func (c *ctx) renderJobs(jobs []*job) {
	out := make([]jobEntity, 0, len(jobs))
	for _, j := range jobs {
		out = append(out, c.jobOf(j))
	}
	c.json(200, out)
}
