// Package bench holds performance benchmarks that exercise the provider the
// way Terraform does (through the plugin protocol) against the simulator.
// They print numbers and never fail on speed; see README.md and run.sh.
package bench
