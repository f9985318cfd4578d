package gitlab

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRunnerDetailsNullsRoundTrip(t *testing.T) {
	const in = `{
		"id": 6, "description": "d", "ip_address": "", "active": true, "paused": false,
		"is_shared": false, "runner_type": "project_type", "name": null, "online": null,
		"status": "never_contacted", "created_at": "2025-05-03T00:00:00.000Z",
		"tag_list": [], "run_untagged": true, "locked": false, "maximum_timeout": null,
		"access_level": "not_protected", "version": null, "revision": null, "platform": null,
		"architecture": null, "contacted_at": null, "maintenance_note": null,
		"projects": [], "groups": [], "token_expires_at": null
	}`
	var rd RunnerDetails
	if err := json.Unmarshal([]byte(in), &rd); err != nil {
		t.Fatal(err)
	}
	if rd.MaximumTimeout != nil || rd.ContactedAt != nil || rd.TokenExpiresAt != nil || rd.Online != nil || rd.Name != nil || rd.MaintenanceNote != nil {
		t.Fatalf("nulls must decode to nil pointers: %+v", rd)
	}
	if rd.ID != 6 || rd.RunnerType != RunnerTypeProject || rd.CreatedAt == nil || !rd.CreatedAt.Equal(time.Date(2025, 5, 3, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("embedded Runner fields not decoded: %+v", rd.Runner)
	}
	out, err := json.Marshal(rd)
	if err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{`"maximum_timeout":null`, `"contacted_at":null`, `"online":null`} {
		if !strings.Contains(string(out), frag) {
			t.Errorf("re-encoded JSON lacks %s: %s", frag, out)
		}
	}
	var again RunnerDetails
	if err := json.Unmarshal(out, &again); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rd, again) {
		t.Fatalf("round trip changed the value:\n%+v\n%+v", rd, again)
	}

	// Values survive too, including GitLab's millisecond timestamps.
	const withValues = `{"id": 1, "maximum_timeout": 3600, "contacted_at": "2016-01-25T16:39:48.066Z", "token_expires_at": "2021-09-27T21:05:03.203Z"}`
	var v RunnerDetails
	if err := json.Unmarshal([]byte(withValues), &v); err != nil {
		t.Fatal(err)
	}
	if v.MaximumTimeout == nil || *v.MaximumTimeout != 3600 || v.ContactedAt == nil || v.ContactedAt.Nanosecond() != 66_000_000 || v.TokenExpiresAt == nil {
		t.Fatalf("values lost: %+v", v)
	}
}

func TestCreatedRunnerNullExpiry(t *testing.T) {
	var cr CreatedRunner
	if err := json.Unmarshal([]byte(`{"id":1,"token":"glrt-x","token_expires_at":null}`), &cr); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(cr)
	if !strings.Contains(string(out), `"token_expires_at":null`) || cr.TokenExpiresAt != nil {
		t.Fatalf("got %s", out)
	}
}

func TestUpdateRunnerOptionsNullable(t *testing.T) {
	cases := []struct {
		opts UpdateRunnerOptions
		want string
	}{
		{UpdateRunnerOptions{RunnerSettings: RunnerSettings{MaximumTimeout: Null[int64]()}}, `{"maximum_timeout":null}`},
		{UpdateRunnerOptions{RunnerSettings: RunnerSettings{MaximumTimeout: Some[int64](600)}}, `{"maximum_timeout":600}`},
		{UpdateRunnerOptions{RunnerSettings: RunnerSettings{Description: new("x")}}, `{"description":"x"}`},
		{UpdateRunnerOptions{RunnerSettings: RunnerSettings{TagList: &[]string{}}}, `{"tag_list":[]}`},
	}
	for _, tc := range cases {
		b, err := json.Marshal(tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("got %s want %s", b, tc.want)
		}
		var back UpdateRunnerOptions
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, tc.opts) {
			t.Errorf("round trip of %s: %+v != %+v", b, back, tc.opts)
		}
	}
	var absent UpdateRunnerOptions
	if err := json.Unmarshal([]byte(`{}`), &absent); err != nil || absent.MaximumTimeout.Set {
		t.Fatal("an absent field must stay unset")
	}
}

// TestUpdateRunnerSendsNullOnTheWire checks the body that actually leaves the
// client: an explicit null clears maximum_timeout in GitLab, omission keeps it.
func TestUpdateRunnerSendsNullOnTheWire(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, r.Method+" "+r.Header.Get("Content-Type")+" "+string(b))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id": 2, "maximum_timeout": null}`)
	}))
	defer srv.Close()
	c := newTestClient(t, testConfig(srv.URL))
	rd, err := c.UpdateRunner(t.Context(), 2, UpdateRunnerOptions{RunnerSettings: RunnerSettings{MaximumTimeout: Null[int64](), Paused: new(true)}})
	if err != nil {
		t.Fatal(err)
	}
	if rd.MaximumTimeout != nil {
		t.Fatal("maximum_timeout should be nil")
	}
	want := `PUT application/json {"paused":true,"maximum_timeout":null}`
	if len(bodies) != 1 || bodies[0] != want {
		t.Fatalf("sent %q, want %q", bodies, want)
	}
}

// The create, register and update bodies share RunnerSettings; embedding
// must leave the wire format as it was: the same flat keys, unset fields
// omitted, false, "" and [] sent as values.
func TestRunnerOptionsWireFormat(t *testing.T) {
	all := RunnerSettings{
		Description: new(""), Paused: new(false), Locked: new(true), RunUntagged: new(false),
		TagList: &[]string{}, AccessLevel: new("ref_protected"), MaximumTimeout: Some[int64](600),
		MaintenanceNote: new("n"),
	}
	settingsJSON := `"description":"","paused":false,"locked":true,"run_untagged":false,"tag_list":[],` +
		`"access_level":"ref_protected","maximum_timeout":600,"maintenance_note":"n"`
	pid := int64(7)
	cases := []struct {
		opts any
		want string
	}{
		{CreateUserRunnerOptions{RunnerType: RunnerTypeProject, ProjectID: &pid}, `{"runner_type":"project_type","project_id":7}`},
		{CreateUserRunnerOptions{RunnerType: RunnerTypeProject, ProjectID: &pid, RunnerSettings: all},
			`{"runner_type":"project_type","project_id":7,` + settingsJSON + `}`},
		{RegisterRunnerOptions{Token: "GR1348941x"}, `{"token":"GR1348941x"}`},
		{RegisterRunnerOptions{Token: "GR1348941x", RunnerSettings: all}, `{"token":"GR1348941x",` + settingsJSON + `}`},
		{UpdateRunnerOptions{}, `{}`},
		{UpdateRunnerOptions{RunnerSettings: all}, `{` + settingsJSON + `}`},
	}
	for _, tc := range cases {
		b, err := json.Marshal(tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		var got, want map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%T: got %s want %s", tc.opts, b, tc.want)
		}
	}
}
