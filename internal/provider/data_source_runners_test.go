package provider_test

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/acctest"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

// ---- helpers for the data source acceptance tests ---------------------------

// wordsRe matches a phrase in CLI output, where the CLI may wrap lines
// between any two words.
func wordsRe(phrase string) *regexp.Regexp {
	words := strings.Fields(phrase)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

// idsExact is the `ids` output for these runner ids, in the given order.
func idsExact(ids ...int64) knownvalue.Check {
	checks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		checks[i] = knownvalue.StringExact(strconv.FormatInt(id, 10))
	}
	return knownvalue.ListExact(checks)
}

func sortedIDs(ids ...int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// rfc3339 is how the provider renders GitLab timestamps: GitLab's own text,
// RFC 3339 in UTC with milliseconds.
func rfc3339(t time.Time) knownvalue.Check {
	return knownvalue.StringExact(t.UTC().Format("2006-01-02T15:04:05.000Z"))
}

func hclStrings(items ...string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func seedOne(t *testing.T, srv *gitlabsim.Server, seed gitlabsim.RunnerSeed) int64 {
	t.Helper()
	ids, err := srv.SeedRunners(seed, 1)
	if err != nil {
		t.Fatalf("seed runner: %v", err)
	}
	return ids[0]
}

func ptr[T any](v T) *T { return &v }

func checkIDs(address string, ids ...int64) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(address, tfjsonpath.New("ids"), idsExact(ids...))
}

// ---- gitlabci_runners ----------------------------------------------------------

// TestAccDataSourceRunners_filters seeds runners of every type and status,
// all carrying a tag no other test uses, and checks what each filter of
// GET /runners/all returns, object by object.
func TestAccDataSourceRunners_filters(t *testing.T) {
	tg := acctest.Get(t)
	srv := tg.RequireSim(t)
	group := tg.NewGroup(t, nil)
	project := tg.NewProject(t, group)
	tag := acctest.RandomName("tag")
	// Every runner gets an explicit created_at: a seed without one takes the
	// simulator's clock when it is stored, which is a millisecond or more
	// after `now` on a loaded machine.
	now := srv.Now().Truncate(time.Millisecond)

	online := seedOne(t, srv, gitlabsim.RunnerSeed{RunnerType: "instance_type", Description: "online", CreatedAt: &now,
		Tags: []string{tag, "docker"}, ContactedAt: ptr(now.Add(-time.Minute)), Version: "17.11.1"})
	offlineCreated := now.Add(-24 * time.Hour)
	offline := seedOne(t, srv, gitlabsim.RunnerSeed{RunnerType: "instance_type", Description: "offline",
		Tags: []string{tag}, CreatedAt: &offlineCreated, ContactedAt: ptr(now.Add(-3 * time.Hour)), Version: "18.0.0"})
	staleCreated := now.Add(-10 * 24 * time.Hour)
	stale := seedOne(t, srv, gitlabsim.RunnerSeed{RunnerType: "instance_type", Description: "stale",
		Tags: []string{tag}, CreatedAt: &staleCreated, ContactedAt: ptr(now.Add(-8 * 24 * time.Hour)), Version: "16.11.0"})
	never := seedOne(t, srv, gitlabsim.RunnerSeed{RunnerType: "instance_type", Description: "never", CreatedAt: &now, Tags: []string{tag}})
	paused := seedOne(t, srv, gitlabsim.RunnerSeed{RunnerType: "instance_type", Description: "paused", Paused: true, CreatedAt: &now,
		Tags: []string{tag, "docker"}, ContactedAt: ptr(now.Add(-time.Minute)), Version: "17.11.2"})
	groupRunner := seedOne(t, srv, gitlabsim.RunnerSeed{RunnerType: "group_type", GroupID: group.ID, Description: "group", CreatedAt: &now,
		Tags: []string{tag, "docker"}, ContactedAt: ptr(now.Add(-time.Minute))})
	projectRunner := seedOne(t, srv, gitlabsim.RunnerSeed{RunnerType: "project_type", ProjectID: project.ID,
		Description: "project", CreatedAt: &now, Tags: []string{tag}})
	t.Cleanup(func() {
		for _, id := range []int64{online, offline, stale, never, paused, groupRunner, projectRunner} {
			_ = tg.Client.DeleteRunner(acctest.Context(t), id)
		}
	})

	ds := func(name, filters string) string {
		return fmt.Sprintf("data \"gitlabci_runners\" %q {\n  all      = true\n  tag_list = %s\n%s}\n", name, hclStrings(tag), filters)
	}
	config := tg.ProviderConfig() +
		ds("everything", "") +
		ds("instance", "  type = \"instance_type\"\n") +
		ds("group_type", "  type = \"group_type\"\n") +
		ds("project_type", "  type = \"project_type\"\n") +
		ds("online", "  status = \"online\"\n") +
		ds("offline", "  status = \"offline\"\n") +
		ds("stale", "  status = \"stale\"\n") +
		ds("never", "  status = \"never_contacted\"\n") +
		ds("paused", "  paused = true\n") +
		ds("active", "  paused = false\n") +
		ds("v17_11", "  version_prefix = \"17.11\"\n") +
		ds("v18", "  version_prefix = \"18.\"\n") +
		ds("combined", "  type = \"instance_type\"\n  status = \"online\"\n  paused = false\n") +
		fmt.Sprintf("data \"gitlabci_runners\" \"two_tags\" {\n  all      = true\n  tag_list = %s\n}\n", hclStrings(tag, "docker")) +
		fmt.Sprintf("data \"gitlabci_runners\" \"nothing\" {\n  all      = true\n  tag_list = %s\n  version_prefix = \"99\"\n}\n", hclStrings(tag))

	obj := func(id int64, desc string, paused, shared bool, typ string, online knownvalue.Check, status string, created time.Time) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":                   knownvalue.Int64Exact(id),
			"description":          knownvalue.StringExact(desc),
			"name":                 knownvalue.Null(),
			"paused":               knownvalue.Bool(paused),
			"is_shared":            knownvalue.Bool(shared),
			"runner_type":          knownvalue.StringExact(typ),
			"online":               online,
			"status":               knownvalue.StringExact(status),
			"created_at":           rfc3339(created),
			"job_execution_status": knownvalue.StringExact("idle"),
		})
	}
	everything := knownvalue.ListExact([]knownvalue.Check{
		obj(online, "online", false, true, "instance_type", knownvalue.Bool(true), "online", now),
		obj(offline, "offline", false, true, "instance_type", knownvalue.Bool(false), "offline", offlineCreated),
		obj(stale, "stale", false, true, "instance_type", knownvalue.Bool(false), "stale", staleCreated),
		obj(never, "never", false, true, "instance_type", knownvalue.Null(), "never_contacted", now),
		obj(paused, "paused", true, true, "instance_type", knownvalue.Bool(true), "paused", now),
		obj(groupRunner, "group", false, false, "group_type", knownvalue.Bool(true), "online", now),
		obj(projectRunner, "project", false, false, "project_type", knownvalue.Null(), "never_contacted", now),
	})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.gitlabci_runners.everything", tfjsonpath.New("runners"), everything),
				checkIDs("data.gitlabci_runners.everything", online, offline, stale, never, paused, groupRunner, projectRunner),
				checkIDs("data.gitlabci_runners.instance", online, offline, stale, never, paused),
				checkIDs("data.gitlabci_runners.group_type", groupRunner),
				checkIDs("data.gitlabci_runners.project_type", projectRunner),
				// status=online means contacted within 2 hours, paused or not.
				checkIDs("data.gitlabci_runners.online", online, paused, groupRunner),
				// offline includes stale runners that were once contacted, never
				// the never-contacted ones.
				checkIDs("data.gitlabci_runners.offline", offline, stale),
				checkIDs("data.gitlabci_runners.stale", stale),
				checkIDs("data.gitlabci_runners.never", never, projectRunner),
				checkIDs("data.gitlabci_runners.paused", paused),
				checkIDs("data.gitlabci_runners.active", online, offline, stale, never, groupRunner, projectRunner),
				checkIDs("data.gitlabci_runners.v17_11", online, paused),
				checkIDs("data.gitlabci_runners.v18", offline),
				checkIDs("data.gitlabci_runners.combined", online),
				checkIDs("data.gitlabci_runners.two_tags", online, paused, groupRunner),
				statecheck.ExpectKnownValue("data.gitlabci_runners.nothing", tfjsonpath.New("runners"), knownvalue.ListExact([]knownvalue.Check{})),
				checkIDs("data.gitlabci_runners.nothing"),
			},
		}},
	})
}

// TestAccDataSourceRunners_pagination lists 150 runners (two pages, counted
// by GitLab, fetched concurrently) and 10,050 runners (GitLab omits the
// totals above 10,000, so the pages are followed one by one) and checks every
// id arrives once, in order.
func TestAccDataSourceRunners_pagination(t *testing.T) {
	tg := acctest.Get(t)
	srv := tg.RequireSim(t)
	small, large := acctest.RandomName("tag"), acctest.RandomName("tag")
	smallIDs, err := srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: "instance_type", Tags: []string{small}}, 150)
	if err != nil {
		t.Fatal(err)
	}
	largeIDs, err := srv.SeedRunners(gitlabsim.RunnerSeed{RunnerType: "instance_type", Tags: []string{large}}, 10_050)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { deleteSeeded(t, tg, append(smallIDs, largeIDs...)) })

	config := tg.ProviderConfig() + fmt.Sprintf(`
data "gitlabci_runners" "small" {
  all      = true
  tag_list = [%q]
}

data "gitlabci_runners" "large" {
  all      = true
  tag_list = [%q]
}
`, small, large)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				checkIDs("data.gitlabci_runners.small", smallIDs...),
				statecheck.ExpectKnownValue("data.gitlabci_runners.small", tfjsonpath.New("runners"), knownvalue.ListSizeExact(150)),
				statecheck.ExpectKnownValue("data.gitlabci_runners.large", tfjsonpath.New("ids"), knownvalue.ListSizeExact(10_050)),
				statecheck.ExpectKnownValue("data.gitlabci_runners.large", tfjsonpath.New("ids").AtSliceIndex(0),
					knownvalue.StringExact(strconv.FormatInt(largeIDs[0], 10))),
				statecheck.ExpectKnownValue("data.gitlabci_runners.large", tfjsonpath.New("ids").AtSliceIndex(10_049),
					knownvalue.StringExact(strconv.FormatInt(largeIDs[10_049], 10))),
				// Every id, once, in GitLab's order.
				checkIDs("data.gitlabci_runners.large", largeIDs...),
				statecheck.ExpectKnownValue("data.gitlabci_runners.large", tfjsonpath.New("runners").AtSliceIndex(10_049).AtMapKey("id"),
					knownvalue.Int64Exact(largeIDs[10_049])),
			},
		}},
	})
}

// deleteSeeded removes seeded runners so the shared simulator does not keep
// 10,000 runners for every later list request of other tests.
func deleteSeeded(t *testing.T, tg *acctest.Target, ids []int64) {
	for _, id := range ids {
		if err := tg.Client.DeleteRunner(acctest.Context(t), id); err != nil && !gitlab.IsNotFound(err) {
			t.Logf("cleanup: delete runner %d: %v", id, err)
			return
		}
	}
}

// TestAccDataSourceRunners_nonAdmin: GET /runners for a user who manages no
// runner is an empty list, and all = true (GET /runners/all) is refused
// with the permission it needs.
func TestAccDataSourceRunners_nonAdmin(t *testing.T) {
	tg := acctest.Get(t)
	_, token := tg.NewUser(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: tg.ProviderConfigWithToken(token) + `data "gitlabci_runners" "mine" {}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.gitlabci_runners.mine", tfjsonpath.New("runners"), knownvalue.ListExact([]knownvalue.Check{})),
					checkIDs("data.gitlabci_runners.mine"),
				},
			},
			{
				Config:      tg.ProviderConfigWithToken(token) + "data \"gitlabci_runners\" \"all\" {\n  all = true\n}\n",
				ExpectError: wordsRe("The token's user is not an administrator (GET /runners/all needs an administrator;"),
			},
		},
	})
}

// TestAccDataSourceRunners_validation: bad filters fail at plan time with
// the attribute named, before any request.
func TestAccDataSourceRunners_validation(t *testing.T) {
	tg := acctest.Get(t)
	step := func(body, want string) resource.TestStep {
		return resource.TestStep{
			Config:      tg.ProviderConfig() + "data \"gitlabci_runners\" \"bad\" {\n" + body + "\n}\n",
			ExpectError: regexp.MustCompile(want),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(`type = "shared"`, `(?s)Attribute type value must be one of.*instance_type`),
			step(`status = "paused"`, `(?s)Attribute status value must be one of.*never_contacted`),
			step(`version_prefix = "v17"`, `(?s)version_prefix.*must be digits separated by dots`),
			step(`tag_list = ["docker,amd64"]`, `(?s)tag_list.*contains a comma`),
			step(`tag_list = [" docker"]`, `(?s)tag_list.*has leading or trailing whitespace`),
		},
	})
}
