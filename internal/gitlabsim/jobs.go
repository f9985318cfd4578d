package gitlabsim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
)

// Ci::Build::AVAILABLE_STATUSES
var jobStatuses = []string{"created", "waiting_for_resource", "preparing", "waiting_for_callback", "pending",
	"running", "success", "failed", "canceling", "canceled", "skipped", "manual", "scheduled"}

type jobCursor struct {
	ID int64 `json:"id"`
}

func encodeCursor(id int64) string {
	b, _ := json.Marshal(jobCursor{ID: id})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	var cur jobCursor
	if json.Unmarshal(b, &cur) != nil || cur.ID <= 0 {
		return 0, false
	}
	return cur.ID, true
}

// GET /runners/:id/jobs
func (c *ctx) listRunnerJobs() {
	v := &validator{p: c.p}
	if _, err := strconv.ParseInt(c.vars["id"], 10, 64); err != nil {
		v.add(fmt.Errorf("id is invalid"))
	}
	systemID, _, _, err := c.p.str("system_id")
	v.add(err)
	status, _ := v.enum("status", jobStatuses)
	orderBy, _ := v.enum("order_by", []string{"id"})
	sortDir, sortGiven := v.enum("sort", []string{"asc", "desc"})
	cursor, _, _, err := c.p.str("cursor")
	v.add(err)
	keyset := c.p.strOr("pagination", "") == "keyset"
	page, perPage := v.pagination()
	// GitLab's Runners API docs say sort requires order_by
	// (https://docs.gitlab.com/api/runners/#list-jobs-processed-by-a-runner);
	// the simulator enforces it, real GitLab silently ignores such a sort.
	if sortGiven && orderBy == "" {
		v.add(fmt.Errorf("order_by is missing"))
	}
	if v.failed() {
		c.errorf(400, v.message())
		return
	}
	r := c.permittedRunner("id", c.acc.canReadBuilds)
	if r == nil {
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
	desc := orderBy == "id" && sortDir != "asc"
	if keyset {
		desc = orderBy != "id" || sortDir != "asc"
	}
	if desc {
		sort.Slice(jobs, func(a, b int) bool { return jobs[a].id > jobs[b].id })
	}
	if keyset {
		if cursor != "" {
			last, ok := decodeCursor(cursor)
			if !ok {
				c.errorf(400, "cursor is invalid")
				return
			}
			i := sort.Search(len(jobs), func(i int) bool {
				if desc {
					return jobs[i].id < last
				}
				return jobs[i].id > last
			})
			jobs = jobs[i:]
		}
		c.header.Set("X-Per-Page", strconv.Itoa(perPage))
		if len(jobs) > perPage {
			jobs = jobs[:perPage]
			next := encodeCursor(jobs[len(jobs)-1].id)
			c.header.Set("Link", c.keysetLink(url.Values{"cursor": {next}, "per_page": {strconv.Itoa(perPage)}}))
			c.header.Set("X-Next-Cursor", next)
		}
		c.renderJobs(jobs)
		return
	}
	// lib/api/ci/runners.rb pages a system_id-filtered list without_count.
	start, end := c.paginateCounting(len(jobs), page, perPage, systemID == "" && len(jobs) <= countLimit)
	c.renderJobs(jobs[start:end])
}

func (c *ctx) renderJobs(jobs []*job) {
	out := make([]jobEntity, 0, len(jobs))
	for _, j := range jobs {
		out = append(out, c.jobOf(j))
	}
	c.json(200, out)
}
