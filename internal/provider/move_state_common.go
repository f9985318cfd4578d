package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// State moves from GitLab's official provider (gitlabhq/gitlab). The source
// state is read from its raw JSON rather than through a source schema: the
// official provider changed these schemas over the years (SDKv2 to framework,
// attributes added, list to set), and every version must keep moving, so
// unknown attributes are ignored and the few that matter are read with
// tolerance for the JSON types each version wrote.

// officialProviderAddresses are the registry addresses GitLab's provider is
// installed from: Terraform's registry and OpenTofu's mirror of it.
var officialProviderAddresses = []string{
	"registry.terraform.io/gitlabhq/gitlab",
	"registry.opentofu.org/gitlabhq/gitlab",
}

// isOfficialProvider compares a source provider address with the supported
// ones; hostnames and namespaces are case-insensitive in both CLIs.
func isOfficialProvider(addr string) bool {
	for _, a := range officialProviderAddresses {
		if strings.EqualFold(addr, a) {
			return true
		}
	}
	return false
}

// moveSource is the decoded source state of a move.
type moveSource map[string]json.RawMessage

// checkMoveSource accepts a move request from one of sourceTypes of the
// official provider and decodes its state, or reports an error naming what
// this target supports. It never returns a source without an error for an
// unsupported request: a silent skip would end in the framework's generic
// "Unable to Move Resource State".
func checkMoveSource(req resource.MoveStateRequest, target string, sourceTypes []string, diags *diag.Diagnostics) (moveSource, string) {
	supported := make([]string, len(sourceTypes))
	for i, t := range sourceTypes {
		supported[i] = "`" + t + "`"
	}
	what := fmt.Sprintf("%s accepts moves only from %s of GitLab's provider (%s).", target,
		strings.Join(supported, " or "), strings.Join(officialProviderAddresses, " or "))

	if !isOfficialProvider(req.SourceProviderAddress) {
		diags.AddError("Unsupported move source provider",
			fmt.Sprintf("Cannot move %s of provider %q to %s. %s Use an import block for runners managed any other way.",
				req.SourceTypeName, req.SourceProviderAddress, target, what))
		return nil, ""
	}
	typ := ""
	for _, t := range sourceTypes {
		if req.SourceTypeName == t {
			typ = t
		}
	}
	if typ == "" {
		diags.AddError("Unsupported move source resource type",
			fmt.Sprintf("Cannot move %s to %s. %s", req.SourceTypeName, target, what))
		return nil, ""
	}
	src, err := decodeMoveSource(req.SourceRawState)
	if err != nil {
		diags.AddError("Cannot read the state being moved",
			fmt.Sprintf("The state of %s (schema version %d) could not be read: %s. Remove it from the state "+
				"(`terraform state rm`) and import the object into %s instead.", typ, req.SourceSchemaVersion, err, target))
		return nil, ""
	}
	return src, typ
}

func decodeMoveSource(raw *tfprotov6.RawState) (moveSource, error) {
	if raw == nil {
		return nil, fmt.Errorf("the CLI sent no state")
	}
	if len(raw.JSON) == 0 {
		// Only state written before Terraform 0.12 is flatmap.
		return nil, fmt.Errorf("the CLI sent no JSON state (state from before Terraform 0.12 is not supported)")
	}
	dec := json.NewDecoder(bytes.NewReader(raw.JSON))
	dec.UseNumber()
	var src moveSource
	if err := dec.Decode(&src); err != nil {
		return nil, err
	}
	if src == nil {
		return nil, fmt.Errorf("the state is null")
	}
	return src, nil
}

// present reports whether the attribute exists and is not null.
func (s moveSource) present(name string) bool {
	v, ok := s[name]
	return ok && !bytes.Equal(bytes.TrimSpace(v), []byte("null"))
}

// str reads a string attribute; numbers are accepted (ids were numbers in
// some versions). nil when absent or null.
func (s moveSource) str(name string) (*string, error) {
	if !s.present(name) {
		return nil, nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(s[name]))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	switch t := v.(type) {
	case string:
		return &t, nil
	case json.Number:
		out := t.String()
		return &out, nil
	}
	return nil, fmt.Errorf("%s is not a string", name)
}

// integer reads a whole number, written as a JSON number or a numeric string.
func (s moveSource) integer(name string) (*int64, error) {
	p, err := s.str(name)
	if err != nil || p == nil {
		return nil, err
	}
	if strings.TrimSpace(*p) == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(*p), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(strings.TrimSpace(*p), 64)
		if ferr != nil || f != float64(int64(f)) {
			return nil, fmt.Errorf("%s = %s is not a whole number", name, *p)
		}
		n = int64(f)
	}
	return &n, nil
}

// boolean reads a bool, also accepting "true"/"false" strings.
func (s moveSource) boolean(name string) (*bool, error) {
	if !s.present(name) {
		return nil, nil
	}
	var b bool
	if err := json.Unmarshal(s[name], &b); err == nil {
		return &b, nil
	}
	var str string
	if err := json.Unmarshal(s[name], &str); err == nil {
		if v, perr := strconv.ParseBool(str); perr == nil {
			return &v, nil
		}
	}
	return nil, fmt.Errorf("%s is not a boolean", name)
}

// stringList reads a list or set of strings (both are JSON arrays), sorted.
func (s moveSource) stringList(name string) ([]string, error) {
	if !s.present(name) {
		return nil, nil
	}
	var out []string
	if err := json.Unmarshal(s[name], &out); err != nil {
		return nil, fmt.Errorf("%s is not a list of strings", name)
	}
	sort.Strings(out)
	return out, nil
}

// timestamp reads an RFC 3339 time and renders it like timeValueOrNull.
func (s moveSource) timestamp(name string) (*time.Time, error) {
	p, err := s.str(name)
	if err != nil || p == nil || *p == "" {
		return nil, err
	}
	t, err := time.Parse(time.RFC3339, *p)
	if err != nil {
		return nil, fmt.Errorf("%s = %q is not an RFC 3339 time", name, *p)
	}
	return &t, nil
}

// moveReader collects the first decoding error, so a converter reads every
// attribute in a row and reports once.
type moveReader struct {
	src moveSource
	err error
}

func (r *moveReader) keep(err error) {
	if r.err == nil && err != nil {
		r.err = err
	}
}

func (r *moveReader) str(name string) *string {
	v, err := r.src.str(name)
	r.keep(err)
	return v
}

func (r *moveReader) integer(name string) *int64 {
	v, err := r.src.integer(name)
	r.keep(err)
	return v
}

func (r *moveReader) boolean(name string) *bool {
	v, err := r.src.boolean(name)
	r.keep(err)
	return v
}

func (r *moveReader) stringList(name string) []string {
	v, err := r.src.stringList(name)
	r.keep(err)
	return v
}

func (r *moveReader) timestamp(name string) *time.Time {
	v, err := r.src.timestamp(name)
	r.keep(err)
	return v
}

// movePositive drops the zero the SDKv2 provider stored for unset numbers.
func movePositive(p *int64) *int64 {
	if p == nil || *p <= 0 {
		return nil
	}
	return p
}

// moveNonEmpty drops "" the SDKv2 provider stored for unset strings.
func moveNonEmpty(p *string) *string {
	if p == nil || *p == "" {
		return nil
	}
	return p
}
