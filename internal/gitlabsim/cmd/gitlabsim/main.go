// Command gitlabsim runs the GitLab runners API simulator until interrupted.
//
//	go run ./internal/gitlabsim/cmd/gitlabsim -listen 127.0.0.1:8080
//
// It prints GITLAB_BASE_URL=..., GITLAB_API_URL=... and GITLAB_TOKEN=...
// lines that a script can eval or grep, then serves until SIGINT/SIGTERM.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

func main() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	if err := run(os.Args[1:], os.Stdout, os.Stderr, sig); err != nil {
		fmt.Fprintln(os.Stderr, "gitlabsim:", err)
		os.Exit(2)
	}
}

// run starts the simulator with the given flags and blocks until stop
// delivers a signal.
func run(args []string, stdout, stderr io.Writer, stop <-chan os.Signal) error {
	fs := flag.NewFlagSet("gitlabsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		listen          = fs.String("listen", "127.0.0.1:8080", "address to listen on")
		adminToken      = fs.String("admin-token", gitlabsim.DefaultAdminToken, "personal access token of user 1 (root, admin, scope api)")
		regTokens       = fs.Bool("registration-tokens", false, "allow runner registration tokens (GitLab 17+ default: disabled)")
		tokenExpiration = fs.Duration("token-expiration", 0, "runner authentication token expiration interval (0 = never)")
		rateLimit       = fs.Int("rate-limit", 0, "instance-wide requests per window before 429 (0 = off)")
		rateWindow      = fs.Duration("rate-limit-window", time.Minute, "rate limit window")
		errorRate       = fs.Float64("error-rate", 0, "probability of a 500/502/503 answer (request not applied)")
		latency         = fs.Duration("latency", 0, "latency added to every request")
		loseRate        = fs.Float64("lose-response-rate", 0, "probability that a request is applied but its connection closed without answer")
		seed            = fs.Int64("seed", 1, "random seed for the fault probabilities")
		quiet           = fs.Bool("quiet", false, "do not log requests")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := gitlabsim.Options{
		AdminToken:                *adminToken,
		RegistrationTokensEnabled: *regTokens,
		TokenExpiration:           *tokenExpiration,
		Faults: gitlabsim.FaultConfig{RateLimit: *rateLimit, RateLimitWindow: *rateWindow, ErrorRate: *errorRate,
			Latency: *latency, LoseResponseRate: *loseRate, Seed: *seed},
	}
	logger := log.New(stderr, "", log.LstdFlags|log.Lmicroseconds)
	if !*quiet {
		opts.Logf = logger.Printf
	}
	srv, err := gitlabsim.StartOn(*listen, opts)
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(stdout, "GITLAB_BASE_URL=%s\n", srv.URL)
	fmt.Fprintf(stdout, "GITLAB_API_URL=%s/api/v4\n", srv.URL)
	fmt.Fprintf(stdout, "GITLAB_TOKEN=%s\n", srv.AdminToken)
	if *regTokens {
		fmt.Fprintf(stdout, "GITLAB_RUNNER_REGISTRATION_TOKEN=%s\n", srv.RegistrationToken("instance", 0))
	}
	fmt.Fprintf(stdout, "# admin API (no auth): %s/-/sim/stats, /-/sim/faults, /-/sim/clock, /-/sim/settings, /-/sim/runners\n", srv.URL)
	s := <-stop
	logger.Printf("gitlabsim: %v received, shutting down", s)
	return nil
}
