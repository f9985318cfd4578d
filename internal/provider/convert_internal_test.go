package provider

import (
	"encoding/json"
	"testing"
	"time"
)

// TestUnitTimeValueKeepsGitLabsFraction: GitLab's JSON writes timestamps
// with milliseconds (ActiveSupport's default time precision, 3), in UTC
// unless the instance has another time zone configured. State keeps the
// instant exactly, as GitLab's text for UTC.
func TestUnitTimeValueKeepsGitLabsFraction(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`"2026-12-01T22:57:46.515Z"`, "2026-12-01T22:57:46.515Z"},
		{`"2026-12-01T22:57:46.000Z"`, "2026-12-01T22:57:46.000Z"},
		{`"2026-12-01T22:57:46Z"`, "2026-12-01T22:57:46.000Z"},
		{`"2026-12-01T22:57:46.5Z"`, "2026-12-01T22:57:46.500Z"},
		{`"2026-12-02T00:57:46.515+02:00"`, "2026-12-01T22:57:46.515Z"},
		{`"2026-12-01T22:57:46.515123Z"`, "2026-12-01T22:57:46.515123Z"},
	} {
		var tm time.Time
		if err := json.Unmarshal([]byte(tc.in), &tm); err != nil {
			t.Fatal(err)
		}
		got := timeValueOrNull(&tm).ValueString()
		if got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.in, got, tc.want)
		}
		back, err := time.Parse(time.RFC3339Nano, got)
		if err != nil || !back.Equal(tm) {
			t.Errorf("%s: %s is not the same instant (%v)", tc.in, got, err)
		}
	}
	if !timeValueOrNull(nil).IsNull() || !timeValueOrNull(&time.Time{}).IsNull() {
		t.Error("a missing time must be null")
	}
}
