package gitlab

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// pathID escapes a numeric id or a full path ("group/sub/project") for use as
// one path segment. GitLab routes ":id" as a single segment, so the slashes
// must stay encoded as %2F on the wire.
func pathID(kind, id string) (string, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return "", errors.New("gitlab: empty " + kind + " id or path")
	}
	return url.PathEscape(id), nil
}

// groupPath and projectPath build "/groups/:id<suffix>" and
// "/projects/:id<suffix>" from an id or a full path.
func groupPath(group, suffix string) (string, error) { return namespacePath("group", group, suffix) }
func projectPath(project, suffix string) (string, error) {
	return namespacePath("project", project, suffix)
}

func namespacePath(kind, ref, suffix string) (string, error) {
	id, err := pathID(kind, ref)
	if err != nil {
		return "", err
	}
	return "/" + kind + "s/" + id + suffix, nil
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// doInto sends r and decodes GitLab's 2xx answer into a new T.
func doInto[T any](ctx context.Context, c *Client, r request) (*T, error) {
	var out T
	if _, err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// doAt is doInto for a request whose path comes from groupPath or
// projectPath, so a bad reference fails before anything is sent.
func doAt[T any](ctx context.Context, c *Client, path string, perr error, r request) (*T, error) {
	if perr != nil {
		return nil, perr
	}
	r.path = path
	return doInto[T](ctx, c, r)
}

// doAtNoBody sends a request built as for doAt and discards the answer.
func doAtNoBody(ctx context.Context, c *Client, path string, perr error, r request) error {
	if perr != nil {
		return perr
	}
	r.path = path
	_, err := c.do(ctx, r, nil)
	return err
}

// deleteIdempotent deletes path; notThere is GitLab's answer once the thing
// is gone, which counts as success when a lost attempt may have deleted it.
func deleteIdempotent(ctx context.Context, c *Client, path string, perr error, notThere int) error {
	return doAtNoBody(ctx, c, path, perr, request{method: http.MethodDelete, doneStatuses: []int{notThere}})
}
