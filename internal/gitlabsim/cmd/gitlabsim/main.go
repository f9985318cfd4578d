// Command gitlabsim runs the GitLab runners API simulator until interrupted.
//
//	go run ./internal/gitlabsim/cmd/gitlabsim -listen 127.0.0.1:8080
//
// It prints GITLAB_BASE_URL=..., GITLAB_API_URL=... and GITLAB_TOKEN=...
// lines that a script can eval or grep.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gitlabci-provider/terraform-provider-gitlabci/internal/gitlabsim"
)

func main() {
	var (
		listen          = flag.String("listen", "127.0.0.1:8080", "address to listen on")
		adminToken      = flag.String("admin-token", gitlabsim.DefaultAdminToken, "personal access token of user 1 (root, admin, scope api)")
		regTokens       = flag.Bool("registration-tokens", false, "allow runner registration tokens (GitLab 17+ default: disabled)")
		tokenExpiration = flag.Duration("token-expiration", 0, "runner authentication token expiration interval (0 = never)")
		rateLimit       = flag.Int("rate-limit", 0, "instance-wide requests per window before 429 (0 = off)")
		rateWindow      = flag.Duration("rate-limit-window", time.Minute, "rate limit window")
		errorRate       = flag.Float64("error-rate", 0, "probability of a 500/502/503 answer (request not applied)")
		latency         = flag.Duration("latency", 0, "latency added to every request")
		loseRate        = flag.Float64("lose-response-rate", 0, "probability that a request is applied but its connection closed without answer")
		seed            = flag.Int64("seed", 1, "random seed for the fault probabilities")
		quiet           = flag.Bool("quiet", false, "do not log requests")
	)
	flag.Parse()

	opts := gitlabsim.Options{
		AdminToken:                *adminToken,
		RegistrationTokensEnabled: *regTokens,
		TokenExpiration:           *tokenExpiration,
		Faults: gitlabsim.FaultConfig{RateLimit: *rateLimit, RateLimitWindow: *rateWindow, ErrorRate: *errorRate,
			Latency: *latency, LoseResponseRate: *loseRate, Seed: *seed},
	}
	logger := log.New(os.Stderr, "", log.LstdFlags|log.Lmicroseconds)
	if !*quiet {
		opts.Logf = logger.Printf
	}
	srv, err := gitlabsim.StartOn(*listen, opts)
	if err != nil {
		logger.Fatal(err)
	}
	fmt.Printf("GITLAB_BASE_URL=%s\n", srv.URL)
	fmt.Printf("GITLAB_API_URL=%s/api/v4\n", srv.URL)
	fmt.Printf("GITLAB_TOKEN=%s\n", srv.AdminToken)
	fmt.Printf("# admin API: %s/-/sim/ (stats, faults, clock, settings, runners, registration_token)\n", srv.URL)
	if *regTokens {
		fmt.Printf("GITLAB_RUNNER_REGISTRATION_TOKEN=%s\n", srv.RegistrationToken("instance", 0))
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	s := <-sig
	logger.Printf("gitlabsim: %v received, shutting down", s)
	srv.Close()
}
