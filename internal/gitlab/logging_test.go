package gitlab

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// TestLogsNeverContainSecrets drives requests whose headers, bodies and
// answers carry the user token, runner tokens and a registration token, with
// trace logging on, and checks that none of them reaches the log.
func TestLogsNeverContainSecrets(t *testing.T) {
	const (
		userToken   = "glpat-SeCrEtUsErToKeN1234"
		runnerToken = "glrt-t1_SeCrEtRuNnErToKeN12"
		newToken    = "glrt-t1_AnOtHeRsEcReTtOkEn9"
		regToken    = "GR1348941SeCrEtReGiStRaTiOn"
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/v4/user/runners", "/api/v4/runners":
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"id":1,"token":%q,"token_expires_at":null}`, runnerToken)
		case "/api/v4/runners/reset_authentication_token":
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"token":%q,"token_expires_at":null}`, newToken)
		case "/api/v4/runners/verify":
			// An error body that echoes a token must not leak either.
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `{"message":"403 Forbidden - token %s is invalid"}`, runnerToken)
		default:
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"401 Unauthorized"}`)
		}
	}))
	defer srv.Close()

	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(t.Context(), &buf)
	cfg := testConfig(srv.URL)
	cfg.Token = userToken
	c := newTestClient(t, cfg)

	if _, err := c.CreateUserRunner(ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeInstance}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RegisterRunner(ctx, RegisterRunnerOptions{Token: regToken}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ResetRunnerAuthenticationTokenByToken(ctx, runnerToken); err != nil {
		t.Fatal(err)
	}
	_, err := c.VerifyRunner(ctx, runnerToken, "s_1")
	if err == nil {
		t.Fatal("verify should fail")
	}
	if _, err := c.CurrentUser(ctx); !IsUnauthorized(err) {
		t.Fatalf("want 401, got %v", err)
	}

	logs := buf.String()
	if !strings.Contains(logs, "GitLab API request") || !strings.Contains(logs, "/user/runners") {
		t.Fatalf("expected request logs, got:\n%s", logs)
	}
	if !strings.Contains(logs, "GitLab API request body") {
		t.Fatalf("expected trace body logs, got:\n%s", logs)
	}
	for _, secret := range []string{userToken, runnerToken, newToken, regToken, "SeCrEt"} {
		if strings.Contains(logs, secret) {
			t.Fatalf("log contains secret %q:\n%s", secret, logs)
		}
	}
	// Error text ends up in Terraform's output and state-less logs too.
	if strings.Contains(err.Error(), "SeCrEt") {
		t.Fatalf("error text contains a token: %v", err)
	}
}

func TestRedactJSON(t *testing.T) {
	in := `{"id":1,"token":"glrt-abc","token_expires_at":"2025-01-01T00:00:00.000Z","runner":{"registration_token":"GR1348941x","password":"p"},"list":["glpat-xyz", 5], "n": 12345678901234567890}`
	got := redactJSON([]byte(in))
	for _, s := range []string{"glrt-abc", "GR1348941x", `"p"`, "glpat-xyz"} {
		if strings.Contains(got, s) {
			t.Fatalf("%q survived: %s", s, got)
		}
	}
	for _, s := range []string{`"token_expires_at":"2025-01-01T00:00:00.000Z"`, `"id":1`, `12345678901234567890`} {
		if !strings.Contains(got, s) {
			t.Fatalf("%q lost: %s", s, got)
		}
	}
	if got := redactJSON([]byte("token glrt-plain in text")); strings.Contains(got, "glrt-plain") {
		t.Fatalf("plain text: %s", got)
	}
}
