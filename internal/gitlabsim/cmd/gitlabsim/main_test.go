package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRunPrintsEnvAndServes(t *testing.T) {
	pr, pw := io.Pipe()
	stop := make(chan os.Signal, 1)
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"-listen", "127.0.0.1:0", "-quiet", "-admin-token", "glpat-test", "-registration-tokens"}, pw, io.Discard, stop)
		pw.Close()
	}()
	vars := map[string]string{}
	sc := bufio.NewScanner(pr)
	for len(vars) < 4 && sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok && !strings.HasPrefix(k, "#") {
			vars[k] = v
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if !strings.HasPrefix(vars["GITLAB_BASE_URL"], "http://127.0.0.1:") || vars["GITLAB_API_URL"] != vars["GITLAB_BASE_URL"]+"/api/v4" ||
		vars["GITLAB_TOKEN"] != "glpat-test" || !strings.HasPrefix(vars["GITLAB_RUNNER_REGISTRATION_TOKEN"], "GR1348941") {
		t.Fatalf("printed %v", vars)
	}
	req, _ := http.NewRequest("GET", vars["GITLAB_API_URL"]+"/user", nil)
	req.Header.Set("PRIVATE-TOKEN", "glpat-test")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET /user = %d", res.StatusCode)
	}
	stop <- syscall.SIGTERM
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("did not stop on SIGTERM")
	}
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("still serving after stop")
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	if err := run([]string{"-rate-limit", "many"}, io.Discard, io.Discard, nil); err == nil {
		t.Fatal("bad flag accepted")
	}
}
