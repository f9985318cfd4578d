package acctest

import "testing"

func TestNormalizeBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://gitlab.example.com":                   "https://gitlab.example.com",
		"https://gitlab.example.com/":                  "https://gitlab.example.com",
		"https://gitlab.example.com/api/v4":            "https://gitlab.example.com",
		"https://gitlab.example.com/api/v4/":           "https://gitlab.example.com",
		" https://gitlab.example.com/gitlab/api/v4// ": "https://gitlab.example.com/gitlab",
		"http://127.0.0.1:8080/gitlab/":                "http://127.0.0.1:8080/gitlab",
	} {
		if got := NormalizeBaseURL(in); got != want {
			t.Errorf("NormalizeBaseURL(%q) = %q, want %q", in, got, want)
		}
	}
}
