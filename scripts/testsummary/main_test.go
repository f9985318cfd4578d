package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	stream := strings.Join([]string{
		`{"Action":"run","Package":"p","Test":"TestOK"}`,
		`{"Action":"pass","Package":"p","Test":"TestOK"}`,
		`{"Action":"output","Package":"p","Test":"TestBad","Output":"    x_test.go:4: boom\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestBad"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"    a_test.go:1: needs TF_ACC\n"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"--- SKIP: TestA (0.00s)\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"p","Test":"TestB","Output":"    b_test.go:9: needs TF_ACC\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestB"}`,
		`{"Action":"output","Package":"p","Output":"FAIL\tp\t0.1s\n"}`,
		`{"Action":"fail","Package":"p"}`,
		`not json: a line from the build`,
	}, "\n")
	var out bytes.Buffer
	if code := summarize(strings.NewReader(stream), &out, "unit"); code != 1 {
		t.Fatalf("exit status %d, want 1 for a failed test", code)
	}
	got := out.String()
	for _, want := range []string{
		"unit: 1 passed, 1 failed, 2 skipped\n",
		"skipped TestA: needs TF_ACC\n",
		"skipped TestB: needs TF_ACC\n",
		"--- FAIL: TestBad\n    x_test.go:4: boom",
		"not json: a line from the build",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if !strings.HasSuffix(got, "unit: 1 passed, 1 failed, 2 skipped\n") {
		t.Errorf("the counts must be the closing line:\n%s", got)
	}
}

func TestSummarizeGroupsCommonSkipReasons(t *testing.T) {
	var b strings.Builder
	for _, name := range []string{"TestD", "TestC", "TestB", "TestA"} {
		b.WriteString(`{"Action":"output","Package":"p","Test":"` + name + `","Output":"    z_test.go:3: acceptance only\n"}` + "\n")
		b.WriteString(`{"Action":"skip","Package":"p","Test":"` + name + `"}` + "\n")
	}
	b.WriteString(`{"Action":"pass","Package":"p"}` + "\n")
	var out bytes.Buffer
	if code := summarize(strings.NewReader(b.String()), &out, "unit"); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
	if !strings.Contains(out.String(), "skipped 4 tests (TestA, TestB, TestC, ...): acceptance only\n") {
		t.Errorf("skips not grouped:\n%s", out.String())
	}
}
