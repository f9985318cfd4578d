package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// maxRunesValidator limits a string to max characters. GitLab's length
// validations count characters, while stringvalidator.LengthAtMost counts
// bytes and would reject a valid 1024-character description in Japanese.
type maxRunesValidator struct {
	max int
}

var _ validator.String = maxRunesValidator{}

func (v maxRunesValidator) Description(_ context.Context) string {
	return fmt.Sprintf("at most %d characters", v.max)
}

func (v maxRunesValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v maxRunesValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if n := utf8.RuneCountInString(req.ConfigValue.ValueString()); n > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Value too long",
			fmt.Sprintf("%s is %d characters long; GitLab accepts at most %d.", req.Path, n, v.max))
	}
}

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
