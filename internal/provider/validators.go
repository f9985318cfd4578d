package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Validators shared by several resources and data sources.

// runnerTagValidator rejects tags GitLab would silently rewrite: it splits
// tag_list elements on commas and strips whitespace, so such tags would come
// back different from the configuration and diff forever.
type runnerTagValidator struct{}

var _ validator.String = runnerTagValidator{}

func (runnerTagValidator) Description(_ context.Context) string {
	return "a non-empty tag without commas and without leading or trailing whitespace"
}

func (v runnerTagValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (runnerTagValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := runnerTagProblem(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid runner tag", msg)
	}
}

// runnerTagProblem explains why GitLab would not store tag as given, or
// returns "".
func runnerTagProblem(tag string) string {
	switch {
	case strings.TrimSpace(tag) == "":
		return "Tags must not be empty or blank."
	case strings.Contains(tag, ","):
		return fmt.Sprintf("Tag %q contains a comma; GitLab splits tags on commas, so it would store %d tags. "+
			"Give each tag as its own element of tag_list.", tag, len(strings.Split(tag, ",")))
	case strings.TrimFunc(tag, unicode.IsSpace) != tag:
		return fmt.Sprintf("Tag %q has leading or trailing whitespace, which GitLab strips; write %q.",
			tag, strings.TrimFunc(tag, unicode.IsSpace))
	}
	return ""
}

// pathSegment is one component of a GitLab namespace or project path.
var pathSegment = regexp.MustCompile(`^[A-Za-z0-9_.][A-Za-z0-9_.\-]*$`)

// checkNamespaceRef accepts a positive numeric id or a full path of at
// least minSegments components (projects live in a namespace, so 2).
func checkNamespaceRef(kind, ref string, minSegments int) error {
	if ref == "" {
		return fmt.Errorf("the %s is empty; give its numeric id or full path", kind)
	}
	if isNumericID(ref) {
		if n, _ := strconv.ParseInt(ref, 10, 64); n < 1 {
			return fmt.Errorf("%s id %q must be positive", kind, ref)
		}
		return nil
	}
	if strings.TrimSpace(ref) != ref {
		return fmt.Errorf("%s %q has leading or trailing spaces", kind, ref)
	}
	parts := strings.Split(ref, "/")
	if len(parts) < minSegments {
		return fmt.Errorf("%s %q is neither a numeric id nor a full path such as group/%s", kind, ref, kind)
	}
	for _, p := range parts {
		if !pathSegment.MatchString(p) {
			return fmt.Errorf("%s path %q is not valid: each component must be non-empty and use only letters, "+
				"digits, '_', '-' and '.' (URL-encoding is done by the provider)", kind, ref)
		}
	}
	return nil
}

func checkProjectRef(ref string) error { return checkNamespaceRef("project", ref, 2) }
func checkGroupRef(ref string) error   { return checkNamespaceRef("group", ref, 1) }

// namespaceRefValidator validates a project or group reference at plan time.
type namespaceRefValidator struct {
	kind  string
	check func(string) error
}

func projectRefValidator() validator.String {
	return namespaceRefValidator{kind: "project", check: checkProjectRef}
}

func groupRefValidator() validator.String {
	return namespaceRefValidator{kind: "group", check: checkGroupRef}
}

func (v namespaceRefValidator) Description(_ context.Context) string {
	return fmt.Sprintf("must be a numeric %s id or a full %s path", v.kind, v.kind)
}

func (v namespaceRefValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v namespaceRefValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+v.kind+" reference", err.Error())
	}
}

// rotateBeforeValidator checks rotate_before at plan time with the same
// parser the plan uses.
type rotateBeforeValidator struct{}

func (rotateBeforeValidator) Description(_ context.Context) string {
	return "must be a non-negative Go duration such as 168h"
}

func (v rotateBeforeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (rotateBeforeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseRotateBefore(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid rotate_before", err.Error())
	}
}
