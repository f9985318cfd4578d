package gitlab

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestNewClientBaseURL(t *testing.T) {
	ok := map[string]string{
		"https://gitlab.com":                  "https://gitlab.com/api/v4",
		"https://gitlab.com/":                 "https://gitlab.com/api/v4",
		"https://gitlab.com/api/v4":           "https://gitlab.com/api/v4",
		"https://gitlab.com/api/v4/":          "https://gitlab.com/api/v4",
		"http://127.0.0.1:8080":               "http://127.0.0.1:8080/api/v4",
		"https://example.com/gitlab":          "https://example.com/gitlab/api/v4",
		"https://example.com/gitlab/api/v4//": "https://example.com/gitlab/api/v4",
		"  https://gitlab.com  ":              "https://gitlab.com/api/v4",
	}
	for in, want := range ok {
		c, err := NewClient(Config{BaseURL: in})
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if c.BaseURL() != want {
			t.Errorf("%q: BaseURL() = %q, want %q", in, c.BaseURL(), want)
		}
	}
	bad := []string{"", "gitlab.com", "ftp://gitlab.com", "https://", "/api/v4", "https://user:pw@gitlab.com", "https://gitlab.com/?x=1", "://x"}
	for _, in := range bad {
		if _, err := NewClient(Config{BaseURL: in}); err == nil || !strings.Contains(err.Error(), "base_url") {
			t.Errorf("%q: want a base_url error, got %v", in, err)
		}
	}
}

func TestNewClientSettingErrors(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "x.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{CACertFile: filepath.Join(dir, "missing.pem")}, "cacert_file"},
		{Config{CACertFile: notPEM}, "cacert_file"},
		{Config{ClientCert: notPEM}, "client_cert and client_key"},
		{Config{ClientCert: notPEM, ClientKey: notPEM}, "client_cert/client_key"},
		{Config{RetryWaitMin: time.Minute, RetryWaitMax: time.Second}, "retry_wait_max"},
		{Config{RequestsPerSecond: -1}, "requests_per_second"},
	}
	for _, tc := range cases {
		tc.cfg.BaseURL = "https://gitlab.example.com"
		_, err := NewClient(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: want error naming %q, got %v", tc.cfg, tc.want, err)
		}
	}
}

func TestDefaults(t *testing.T) {
	c, err := NewClient(Config{BaseURL: "https://gitlab.com", Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if c.retries != DefaultRetries || c.retryWaitMin != time.Second || c.retryWaitMax != 30*time.Second ||
		c.maxRetryAfter != time.Minute || c.pageConc != 4 || c.userAgent != "terraform-provider-gitlabci/dev" {
		t.Fatalf("defaults: %+v", c)
	}
	c, _ = NewClient(Config{BaseURL: "https://gitlab.com"})
	if c.retries != 0 {
		t.Fatalf("Retries 0 means no retries, got %d", c.retries)
	}
}

func TestHeadersAndTokens(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]http.Header{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Method+" "+r.URL.Path] = r.Header.Clone()
		mu.Unlock()
		switch r.Method {
		case http.MethodPost:
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"id":1,"token":"glrt-abc","token_expires_at":null}`)
		case http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		default:
			fmt.Fprint(w, `{"id":1,"username":"root"}`)
		}
	}))
	defer srv.Close()
	cfg := testConfig(srv.URL)
	cfg.Token = "glpat-admin"
	cfg.UserAgent = "terraform-provider-gitlabci/1.2.3"
	cfg.Headers = map[string]string{"X-Extra": "yes", "Private-Token": "must-not-win"}
	c := newTestClient(t, cfg)
	ctx := t.Context()
	if _, err := c.CurrentUser(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WithToken("glpat-other").CurrentUser(ctx); err != nil {
		t.Fatal(err)
	}
	h := seen["GET /api/v4/user"]
	if h.Get("Private-Token") != "glpat-other" {
		t.Fatalf("WithToken: PRIVATE-TOKEN = %q", h.Get("Private-Token"))
	}
	if _, err := c.CurrentUser(ctx); err != nil {
		t.Fatal(err)
	}
	h = seen["GET /api/v4/user"]
	if h.Get("Private-Token") != "glpat-admin" || h.Get("User-Agent") != "terraform-provider-gitlabci/1.2.3" ||
		h.Get("X-Extra") != "yes" || h.Get("Accept") != "application/json" {
		t.Fatalf("headers: %v", h)
	}

	// Runner-token endpoints authenticate with the body token only.
	if _, err := c.RegisterRunner(ctx, RegisterRunnerOptions{Token: "GR1348941x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.VerifyRunner(ctx, "glrt-abc", "s_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ResetRunnerAuthenticationTokenByToken(ctx, "glrt-abc"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteRunnerByToken(ctx, "glrt-abc"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"POST /api/v4/runners", "POST /api/v4/runners/verify", "POST /api/v4/runners/reset_authentication_token", "DELETE /api/v4/runners"} {
		h, ok := seen[k]
		if !ok {
			t.Fatalf("%s not seen", k)
		}
		if v := h.Get("Private-Token"); v != "" {
			t.Errorf("%s sent PRIVATE-TOKEN %q", k, v)
		}
		if h.Get("Content-Type") != "application/json" {
			t.Errorf("%s: Content-Type %q", k, h.Get("Content-Type"))
		}
	}
	// The user token is sent on the user-token endpoints.
	if _, err := c.CreateUserRunner(ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeInstance}); err != nil {
		t.Fatal(err)
	}
	if seen["POST /api/v4/user/runners"].Get("Private-Token") != "glpat-admin" {
		t.Fatal("POST /user/runners without token")
	}
}

func TestEncodedPathsStayEncoded(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.RequestURI)
		mu.Unlock()
		switch r.Method {
		case http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case http.MethodPost:
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"token":"GR1348941example"}`)
		default:
			if strings.HasSuffix(r.URL.Path, "/runners") {
				fmt.Fprint(w, `[]`)
			} else {
				fmt.Fprint(w, `{"id":1}`)
			}
		}
	}))
	defer srv.Close()
	c := newTestClient(t, testConfig(srv.URL+"/api/v4/"))
	ctx := t.Context()
	tru := true
	if _, err := c.ListProjectRunners(ctx, "group/sub/my project", ListRunnersOptions{TagList: []string{"a", "b"}, Paused: &tru, Type: RunnerTypeGroup}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListGroupRunners(ctx, "group/sub", ListRunnersOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.UnassignRunnerFromProject(ctx, "group/sub/proj", 5); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetProject(ctx, "42"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ResetGroupRegistrationToken(ctx, "a/b"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"GET /api/v4/projects/group%2Fsub%2Fmy%20project/runners?page=1&paused=true&per_page=100&tag_list=a%2Cb&type=group_type",
		"GET /api/v4/groups/group%2Fsub/runners?page=1&per_page=100",
		"DELETE /api/v4/projects/group%2Fsub%2Fproj/runners/5",
		"GET /api/v4/projects/42",
		"POST /api/v4/groups/a%2Fb/runners/reset_registration_token",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("request lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := c.GetProject(ctx, " "); err == nil {
		t.Fatal("an empty project must be refused before sending")
	}
}

func TestRedirectOfPOSTIsNotFollowed(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere" {
			if r.Method == http.MethodPost {
				posts.Add(1)
			}
			fmt.Fprint(w, `{}`)
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	}))
	defer srv.Close()
	c := newTestClient(t, testConfig(srv.URL))
	_, err := c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
	if StatusCode(err) != http.StatusFound || posts.Load() != 0 {
		t.Fatalf("want the 302 as an error and no POST elsewhere, got %v (%d posts)", err, posts.Load())
	}
}

// writeCert writes a fresh self-signed certificate and key as PEM files.
func writeCert(t *testing.T, dir, name string, isCA bool, hosts ...string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IsCA:         isCA, BasicConstraintsValid: true,
		DNSNames: hosts,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ = x509.ParseCertificate(der)
	kb, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, cert
}

func TestTLSSettings(t *testing.T) {
	dir := t.TempDir()
	srvCertFile, srvKeyFile, _ := writeCert(t, dir, "server", true, "127.0.0.1", "localhost")
	cliCertFile, cliKeyFile, _ := writeCert(t, dir, "client", false)
	srvPair, err := tls.LoadX509KeyPair(srvCertFile, srvKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		cn := ""
		if len(r.TLS.PeerCertificates) > 0 {
			cn = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		fmt.Fprintf(w, `{"id":1,"username":%q}`, cn)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{srvPair}, ClientAuth: tls.RequestClientCert}
	srv.StartTLS()
	defer srv.Close()
	base := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	ctx := t.Context()

	// Unknown CA: fails, and a certificate error is not retried.
	cfg := testConfig(base)
	cfg.Retries = 3
	c := newTestClient(t, cfg)
	_, err = c.CurrentUser(ctx)
	var uae x509.UnknownAuthorityError
	var verr *tls.CertificateVerificationError
	if err == nil || (!errors.As(err, &uae) && !errors.As(err, &verr)) {
		t.Fatalf("want a certificate error, got %v", err)
	}

	// CA file: trusted.
	cfg.CACertFile = srvCertFile
	c = newTestClient(t, cfg)
	u, err := c.CurrentUser(ctx)
	if err != nil || u.Username != "" {
		t.Fatalf("with cacert_file: %v %+v", err, u)
	}

	// Client certificate presented.
	cfg.ClientCert, cfg.ClientKey = cliCertFile, cliKeyFile
	c = newTestClient(t, cfg)
	if u, err = c.CurrentUser(ctx); err != nil || u.Username != "client" {
		t.Fatalf("mutual TLS: %v %+v", err, u)
	}

	// Insecure skips verification.
	c = newTestClient(t, Config{BaseURL: base, Insecure: true})
	if _, err = c.CurrentUser(ctx); err != nil {
		t.Fatalf("insecure: %v", err)
	}
	if hits.Load() != 3 {
		t.Fatalf("hits = %d, want 3 (no request passes an untrusted handshake)", hits.Load())
	}
}
