package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/groups":
			b, _ := io.ReadAll(r.Body)
			if r.Header.Get("PRIVATE-TOKEN") != "glpat-x" || r.Header.Get("Content-Type") != "application/json" ||
				string(b) != `{"name":"g"}` {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"id":12345678,"name":"g"}`)
		case "/verify":
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"message":"403 Forbidden"}`)
		}
	}))
	defer srv.Close()

	tests := []struct {
		name    string
		args    []string
		want    string
		wantErr string
	}{
		{"field", []string{"-token", "glpat-x", "-field", "id", "POST", srv.URL + "/groups", `{"name":"g"}`}, "12345678\n", ""},
		{"string field", []string{"-token", "glpat-x", "-field", "name", "POST", srv.URL + "/groups", `{"name":"g"}`}, "g\n", ""},
		{"body", []string{"-token", "glpat-x", "POST", srv.URL + "/groups", `{"name":"g"}`}, `{"id":12345678,"name":"g"}` + "\n", ""},
		{"unexpected status", []string{"POST", srv.URL + "/groups", `{"name":"g"}`}, "", "401 Unauthorized"},
		{"expected status", []string{"-field", "status", "-expect", "403", "POST", srv.URL + "/verify"}, "403\n", ""},
		{"expect mismatch", []string{"-expect", "200", "POST", srv.URL + "/verify"}, "", "403 Forbidden"},
		{"usage", []string{"GET"}, "", "usage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(tt.args, &out)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("output = %q, want %q", out.String(), tt.want)
			}
		})
	}
}
