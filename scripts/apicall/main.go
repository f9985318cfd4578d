// Command apicall is the minimal curl scripts/demo.sh uses for GitLab's REST
// API and the simulator's admin API, since a fresh machine may have no curl:
//
//	apicall [-token T] [-field NAME] [-expect STATUS] METHOD URL [JSON-BODY]
//
// It prints the response body, or one top-level JSON field of it (-field
// status prints the HTTP status code), and fails on an unexpected status:
// any non-2xx by default, anything but STATUS with -expect.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "apicall:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("apicall", flag.ContinueOnError)
	token := fs.String("token", "", "PRIVATE-TOKEN header (a personal access token)")
	field := fs.String("field", "", "print this top-level JSON field instead of the body (status: the HTTP status)")
	expect := fs.Int("expect", 0, "expected status (default: any 2xx)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 2 || fs.NArg() > 3 {
		return fmt.Errorf("usage: apicall [flags] METHOD URL [JSON-BODY]")
	}
	method, url, body := fs.Arg(0), fs.Arg(1), fs.Arg(2)
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if *token != "" {
		req.Header.Set("PRIVATE-TOKEN", *token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: reading the response: %w", method, url, err)
	}
	if (*expect == 0 && resp.StatusCode/100 != 2) || (*expect != 0 && resp.StatusCode != *expect) {
		return fmt.Errorf("%s %s: %s %s", method, url, resp.Status, bytes.TrimSpace(b))
	}
	switch *field {
	case "status":
		_, err = fmt.Fprintln(out, resp.StatusCode)
		return err
	case "":
		_, err = fmt.Fprintln(out, string(bytes.TrimSpace(b)))
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("%s %s: %w", method, url, err)
	}
	// encoding/json decodes every number as float64; GitLab's ids are
	// integers, which %.0f prints without an exponent.
	if v, ok := m[*field].(float64); ok {
		_, err = fmt.Fprintf(out, "%.0f\n", v)
	} else {
		_, err = fmt.Fprintln(out, m[*field])
	}
	return err
}
