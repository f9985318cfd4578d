package provider

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Converters between GitLab's JSON (pointers for nullable fields) and
// framework values. A nil pointer is always a null value, never a zero.

func stringValueOrNull(p *string) types.String {
	if p == nil {
		return types.StringNull()
	}
	return types.StringValue(*p)
}

func int64ValueOrNull(p *int64) types.Int64 {
	if p == nil {
		return types.Int64Null()
	}
	return types.Int64Value(*p)
}

func boolValueOrNull(p *bool) types.Bool {
	if p == nil {
		return types.BoolNull()
	}
	return types.BoolValue(*p)
}

func float64ValueOrNull(p *float64) types.Float64 {
	if p == nil {
		return types.Float64Null()
	}
	return types.Float64Value(*p)
}

// timeValueOrNull renders timestamps as RFC 3339 in UTC with the instant
// exactly as GitLab sent it. GitLab's JSON (ActiveSupport, time precision 3)
// writes milliseconds ("2026-12-01T22:57:46.515Z"), so the fraction always
// has at least three digits: the value then matches GitLab's own text. A
// configured non-UTC time zone makes GitLab write an offset; the value is
// still the same instant, in UTC.
func timeValueOrNull(t *time.Time) types.String {
	if t == nil || t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(formatTime(*t))
}

// gitlabTimeLayout is GitLab's rendering of a timestamp in UTC.
const gitlabTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// formatTime is the text of a timestamp in state: milliseconds, or every
// digit when the time is finer than that (never rounded).
func formatTime(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()%int(time.Millisecond) == 0 {
		return t.Format(gitlabTimeLayout)
	}
	return t.Format(time.RFC3339Nano)
}

// stringPointer returns nil for null or unknown values.
func stringPointer(v types.String) *string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	s := v.ValueString()
	return &s
}

func boolPointer(v types.Bool) *bool {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	b := v.ValueBool()
	return &b
}

func int64Pointer(v types.Int64) *int64 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	i := v.ValueInt64()
	return &i
}

// stringSetValue builds a set of strings; GitLab's tag order carries no
// meaning, and a set keeps it from ever causing a diff.
func stringSetValue(ctx context.Context, items []string) (types.Set, diag.Diagnostics) {
	if items == nil {
		items = []string{}
	}
	return types.SetValueFrom(ctx, types.StringType, items)
}

// stringsFromSet returns the sorted elements of a known set; nil when null.
func stringsFromSet(ctx context.Context, set types.Set) ([]string, diag.Diagnostics) {
	if set.IsNull() || set.IsUnknown() {
		return nil, nil
	}
	var out []string
	diags := set.ElementsAs(ctx, &out, false)
	sort.Strings(out)
	return out, diags
}

// idString formats a GitLab id for paths and import ids.
func idString(id int64) string { return strconv.FormatInt(id, 10) }

// isNumericID reports whether a project or group reference is an id rather
// than a full path; GitLab accepts both in the same path segment.
func isNumericID(s string) bool {
	if s == "" {
		return false
	}
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

// Terraform values without the framework layer, for the list outputs (see
// runnerListItemFromAPI).

func tfStringOrNull(p *string) tftypes.Value {
	if p == nil {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return tftypes.NewValue(tftypes.String, *p)
}

func tfBoolOrNull(p *bool) tftypes.Value {
	if p == nil {
		return tftypes.NewValue(tftypes.Bool, nil)
	}
	return tftypes.NewValue(tftypes.Bool, *p)
}

// tfTimeOrNull renders like timeValueOrNull.
func tfTimeOrNull(t *time.Time) tftypes.Value {
	return tfStringOrNull(stringPointer(timeValueOrNull(t)))
}

// nonEmpty maps a field GitLab omits on older releases (decoded as "") to nil.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// nonEmptyStringOrNull is nonEmpty for framework values.
func nonEmptyStringOrNull(s string) types.String { return stringValueOrNull(nonEmpty(s)) }

// presentStringPointer drops blank strings ("" or whitespace only), which
// GitLab's create endpoints would drop anyway (attributes_for_keys keeps only
// `present?` values): the request then says what GitLab will store.
func presentStringPointer(v types.String) *string {
	if p := stringPointer(v); p != nil && strings.TrimSpace(*p) != "" {
		return p
	}
	return nil
}

// objectListFromAPI converts a list of GitLab entities, one object each.
func objectListFromAPI[T any](typ types.ObjectType, items []T, object func(T) types.Object) types.List {
	values := make([]attr.Value, len(items))
	for i, item := range items {
		values[i] = object(item)
	}
	return types.ListValueMust(typ, values)
}
