package provider

import (
	"context"
	"errors"
	"testing"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlab"
)

func TestUnitRunnerCreateKey(t *testing.T) {
	desc, other := "same", "other"
	pid, pid2 := int64(3), int64(4)
	tags := func(ts ...string) *[]string { return &ts }
	base := gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeProject, ProjectID: &pid,
		RunnerSettings: gitlab.RunnerSettings{Description: &desc, TagList: tags("a", "b")}}
	same := base
	same.TagList = tags("b", "a", "a")
	if runnerCreateKey(base) != runnerCreateKey(same) {
		t.Errorf("the tag set's order and repeats must not matter")
	}
	for name, mutate := range map[string]func(*gitlab.CreateUserRunnerOptions){
		"description": func(o *gitlab.CreateUserRunnerOptions) { o.Description = &other },
		"project":     func(o *gitlab.CreateUserRunnerOptions) { o.ProjectID = &pid2 },
		"tags":        func(o *gitlab.CreateUserRunnerOptions) { o.TagList = tags("a") },
		"type":        func(o *gitlab.CreateUserRunnerOptions) { o.RunnerType = gitlab.RunnerTypeGroup },
	} {
		o := base
		mutate(&o)
		if runnerCreateKey(o) == runnerCreateKey(base) {
			t.Errorf("a different %s must give a different create group", name)
		}
	}
}

func TestUnitRunnerClaims(t *testing.T) {
	pd := &ProviderData{}
	c := pd.runnerClaims()
	if c != pd.runnerClaims() {
		t.Fatal("one provider process must have one set of claims")
	}
	if !c.claim(7) || c.claim(7) || !c.isClaimed(7) || c.isClaimed(8) {
		t.Error("a runner id can be claimed once")
	}
	g := c.group(gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeInstance})
	if g != c.group(gitlab.CreateUserRunnerOptions{RunnerType: gitlab.RunnerTypeInstance}) {
		t.Error("the same request must map to the same create group")
	}
	c.addPending(g, 2)
	c.addPending(g, -1)
	if n := c.pending(g); n != 1 {
		t.Errorf("pending = %d, want 1", n)
	}
}

// A POST safe to repeat is sent again only while its outcome is unknown,
// at most `retries` more times.
func TestUnitRepeatWhileOutcomeUnknown(t *testing.T) {
	lost := errors.Join(gitlab.ErrOutcomeUnknown, errors.New("connection reset"))
	calls := 0
	_, err := repeatWhileOutcomeUnknown(context.Background(), &ProviderData{Retries: 0}, "test", func() (int, error) {
		calls++
		return 0, lost
	})
	if calls != 1 || !gitlab.IsOutcomeUnknown(err) {
		t.Errorf("retries = 0: %d calls, err %v; want 1 call and the lost answer", calls, err)
	}
	calls = 0
	_, err = repeatWhileOutcomeUnknown(context.Background(), &ProviderData{Retries: 3}, "test", func() (int, error) {
		calls++
		return 0, errors.New("403 Forbidden")
	})
	if calls != 1 || err == nil {
		t.Errorf("a definite error must not be repeated: %d calls", calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls = 0
	_, err = repeatWhileOutcomeUnknown(ctx, &ProviderData{Retries: 3}, "test", func() (int, error) {
		calls++
		return 0, lost
	})
	if calls != 1 || !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled wait must stop the retries: %d calls, err %v", calls, err)
	}
}
