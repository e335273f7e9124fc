package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"authdeck/auth/sandbox"
	"authdeck/auth/secret"
	"authdeck/auth/store"
	"authdeck/internal/standin"
)

// TestMain lets the test binary stand in for the authdeck command, so tests
// can run real CLI processes side by side without building Fyne.
func TestMain(m *testing.M) {
	if os.Getenv("AUTHDECK_CLI_CHILD") == "1" {
		os.Exit(Run(os.Args[1:], Deps{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Version: "test"}))
	}
	os.Exit(m.Run())
}

// requireKeyring skips when no Secret Service is reachable, unless make
// test demands the real one.
func requireKeyring(t testing.TB) {
	t.Helper()
	k := secret.NewKeyring(t.TempDir())
	if err := k.Set("probe", "x"); err != nil {
		if os.Getenv("AUTHDECK_REQUIRE_KEYRING") == "1" {
			t.Fatalf("a real keyring is required (make test starts one): %v", err)
		}
		t.Skipf("no usable keyring: %v", err)
	}
	_ = k.Delete("probe")
}

func readTree(t testing.TB, dir string) string {
	t.Helper()
	var all strings.Builder
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(path)
			all.WriteString(path + "\n")
			all.Write(data)
		}
		return nil
	})
	return all.String()
}

// The foundation's "done when", on the real OS keyring.
func TestAddHeaderRemoveWithRealKeyring(t *testing.T) {
	requireKeyring(t)
	dir := t.TempDir()
	const token = "tok-3f9a1c.;$(touch pwned)"
	r := run(t, dir, nil, token+"\n", "add", "shop", "--provider", "vend", "--method", "token", "--param", "domain_prefix=myshop", "--secret-stdin")
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("add: %+v", r)
	}
	if strings.Contains(readTree(t, dir), "tok-3f9a1c") {
		t.Fatal("the token is in the config directory")
	}
	if got, err := secret.NewKeyring(dir).Get("connection/shop"); err != nil || !strings.Contains(got, "tok-3f9a1c") {
		t.Fatalf("keyring item: %q, %v", got, err)
	}
	r = run(t, dir, nil, "", "header", "shop")
	if r.code != 0 || r.stdout != "Authorization: Bearer "+token+"\n" {
		t.Fatalf("header: %+v", r)
	}
	r = run(t, dir, nil, "", "token", "shop")
	if r.stdout != token+"\n" {
		t.Fatalf("token: %+v", r)
	}
	r = run(t, dir, nil, "", "remove", "shop")
	if r.code != 0 {
		t.Fatalf("remove: %+v", r)
	}
	if _, err := secret.NewKeyring(dir).Get("connection/shop"); !errors.Is(err, secret.ErrNotFound) {
		t.Fatalf("secret still in the keyring after remove: %v", err)
	}
	if r := run(t, dir, nil, "", "list", "--json"); strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("list after remove: %+v", r)
	}
}

func TestProvidersShowRoundTrips(t *testing.T) {
	dir := t.TempDir()
	r := run(t, dir, secret.NewMemory(), "", "providers", "show", "vend", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"https://secure.vendhq.com/connect"`) || !strings.Contains(r.stdout, `"https://{domain_prefix}.vendhq.com/api/1.0/token"`) {
		t.Fatalf("show: %+v", r)
	}
	// show > providers.d/vend.json, edited, replaces the built-in.
	edited := strings.Replace(r.stdout, `"name": "Vend"`, `"name": "Vend (staging)"`, 1)
	if err := os.MkdirAll(filepath.Join(dir, "providers.d"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "providers.d", "vend.json"), []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, dir, secret.NewMemory(), "", "providers", "--json")
	var rows []struct{ ID, Name, Source string }
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("providers --json: %v: %s", err, r.stdout)
	}
	if len(rows) != 5 || rows[2].ID != "vend" || rows[2].Name != "Vend (staging)" || r.stderr != "" {
		t.Fatalf("override not applied: %+v, stderr %q", rows, r.stderr)
	}
	// A broken file is reported, named, and hides nothing.
	_ = os.WriteFile(filepath.Join(dir, "providers.d", "bad.json"), []byte(`{"id":"bad"`), 0o600)
	r = run(t, dir, secret.NewMemory(), "", "providers")
	if r.code != 0 || !strings.Contains(r.stderr, "bad.json") || strings.Count(r.stdout, "\n") != 6 {
		t.Fatalf("with a bad file: %+v", r)
	}
}

// Bad input: one line on stderr starting "authdeck:", non-zero exit, no
// output, nothing stored changed.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	mem := secret.NewMemory()
	if r := run(t, dir, mem, "t", "add", "shop", "--provider", "vend", "--method", "token", "--param", "domain_prefix=shop", "--secret-stdin"); r.code != 0 {
		t.Fatalf("setup: %+v", r)
	}
	before := readTree(t, dir)
	// One scheme of exit codes (issue 15.9): 2 when the command line is
	// wrong, 1 when the command could not do its work.
	cases := []struct {
		name  string
		stdin string
		args  []string
		want  string
		code  int
	}{
		{"unknown provider", "t", []string{"add", "x", "--provider", "shopify", "--secret-stdin"}, `no provider "shopify"`, 2},
		{"duplicate", "t", []string{"add", "shop", "--provider", "vend", "--method", "token", "--param", "domain_prefix=shop", "--secret-stdin"}, "already exists", 1},
		{"bad date", "t", []string{"add", "x", "--provider", "vend", "--method", "token", "--param", "domain_prefix=shop", "--expires", "next tuesday", "--secret-stdin"}, "is not a date", 2},
		{"empty stdin", "", []string{"add", "x", "--provider", "vend", "--method", "token", "--param", "domain_prefix=shop", "--secret-stdin"}, "standard input was empty", 2},
		{"no secret flag", "", []string{"add", "x", "--provider", "vend", "--method", "token"}, "--secret-stdin", 2},
		{"unknown connection", "", []string{"header", "nope"}, `no connection called "nope"`, 1},
		{"missing provider flag", "", []string{"add", "x"}, "add needs --provider (see authdeck add --help)", 2},
		{"missing argument", "", []string{"header"}, "takes one connection name", 2},
		{"unknown command", "", []string{"lst"}, `unknown command "lst": did you mean list?`, 2},
		{"unknown flag", "", []string{"list", "--jsn"}, "unknown flag: --jsn", 2},
		{"bad param", "t", []string{"add", "x", "--provider", "vend", "--method", "token", "--param", "domain_prefix", "--secret-stdin"}, "KEY=VALUE", 2},
		{"bad format", "", []string{"snippet", "shop", "--format", "xml"}, "not a snippet format", 2},
		{"bad within", "", []string{"status", "--within", "soon"}, "--within", 2},
		{"bad date argument", "", []string{"expires", "shop", "soon"}, `"soon" is not a date: write it as YYYY-MM-DD`, 2},
		{"bad timeout", "", []string{"connect", "shop", "--timeout", "soon"}, "write seconds (90)", 2},
		{"replace without --secret-stdin", "k", []string{"replace", "shop"}, "--secret-stdin", 2},
		{"refresh a pasted token", "", []string{"refresh", "shop"}, "cannot refresh", 1},
		{"connect a pasted token", "", []string{"connect", "shop"}, "not a browser sign-in; run authdeck replace shop", 1},
		{"extra argument", "", []string{"header", "shop", "more"}, "takes one connection name", 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, dir, mem, tc.stdin, tc.args...)
			if r.code != tc.code || r.stdout != "" {
				t.Fatalf("exit %d (want %d), stdout %q, stderr %q", r.code, tc.code, r.stdout, r.stderr)
			}
			if !strings.HasPrefix(r.stderr, "authdeck: ") || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("stderr %q, want one authdeck: line mentioning %q", r.stderr, tc.want)
			}
			if readTree(t, dir) != before {
				t.Fatal("stored data changed")
			}
		})
	}
}

func TestListJSONAndStatus(t *testing.T) {
	dir := t.TempDir()
	mem := secret.NewMemory()
	in5days := time.Now().Add(5 * 24 * time.Hour).Format(time.RFC3339)
	for _, args := range [][]string{
		{"add", "key", "--provider", "vinsight", "--method", "api-key", "--expires", in5days, "--secret-stdin"},
		{"add", "shop", "--provider", "vend", "--method", "token", "--param", "domain_prefix=shop", "--secret-stdin"},
		{"add", "store", "--provider", "vend", "--client-id", "cid", "--secret-stdin"},
	} {
		if r := run(t, dir, mem, "s", args...); r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
	}
	r := run(t, dir, mem, "", "list", "--json")
	var items []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &items); err != nil || len(items) != 3 {
		t.Fatalf("list --json: %v: %s", err, r.stdout)
	}
	byName := map[string]map[string]any{}
	for _, it := range items {
		for _, field := range []string{"name", "provider", "method", "status", "expires_at", "scopes"} {
			if _, ok := it[field]; !ok {
				t.Fatalf("item without %q: %v", field, it)
			}
		}
		if _, ok := it["scopes"].([]any); !ok {
			t.Fatalf("scopes is not an array: %v", it)
		}
		byName[it["name"].(string)] = it
	}
	if byName["shop"]["expires_at"] != nil || byName["store"]["status"] != "needs-connect" || byName["key"]["status"] != "expiring" {
		t.Fatalf("unexpected items: %v", items)
	}
	if at, err := time.Parse(time.RFC3339, byName["key"]["expires_at"].(string)); err != nil || at.Unix() != mustParse(in5days).Unix() {
		t.Fatalf("expires_at %v: %v", byName["key"]["expires_at"], err)
	}
	if err := run(t, dir, mem, "", "remove", "store"); err.code != 0 {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		within string
		code   int
	}{{"3d", 0}, {"7d", 3}, {"120h", 3}, {"", 3}} { // "": the configured window, 7 days
		args := []string{"status"}
		if tc.within != "" {
			args = append(args, "--within", tc.within)
		}
		r := run(t, dir, mem, "", args...)
		if r.code != tc.code || !strings.Contains(r.stdout, "key") || !strings.Contains(r.stdout, "shop") {
			t.Errorf("status --within %s: exit %d, want %d: %+v", tc.within, r.code, tc.code, r)
		}
	}
}

func mustParse(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseWithin(t *testing.T) {
	for in, want := range map[string]time.Duration{"7d": 7 * 24 * time.Hour, "36h": 36 * time.Hour, "1d12h": 36 * time.Hour, "90m": 90 * time.Minute} {
		if got, err := parseWithin(in); err != nil || got != want {
			t.Errorf("parseWithin(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "d", "-1d", "7 days", "x1h"} {
		if _, err := parseWithin(bad); err == nil {
			t.Errorf("parseWithin(%q) accepted", bad)
		}
	}
}

func TestVersionFromMetadata(t *testing.T) {
	toml := "Website = \"x\"\n[Details]\n  Name = \"Authdeck\"\n  Version = \"1.2.3\"\n  Build = 7\n[Migrations]\n  Version = \"9\"\n"
	if got := VersionFromMetadata(toml); got != "1.2.3 (build 7)" {
		t.Fatalf("got %q", got)
	}
	if got := VersionFromMetadata(""); got != "dev" {
		t.Fatalf("got %q", got)
	}
}

// countRefreshes wraps a provider and counts refresh-token grants.
type countRefreshes struct {
	next http.Handler
	n    atomic.Int32
}

func (c *countRefreshes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/token" && r.Method == http.MethodPost {
		_ = r.ParseForm()
		if r.PostForm.Get("grant_type") == "refresh_token" {
			c.n.Add(1)
		}
	}
	c.next.ServeHTTP(w, r)
}

// startSandbox runs the demo provider with the config directory's signing
// key (kept in the real keyring, as the app does) and counts refreshes.
func startSandbox(t testing.TB, dir string) (port string, counter *countRefreshes) {
	t.Helper()
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i * 7)
	}
	kr := secret.NewKeyring(dir)
	if err := kr.Set("sandbox/signing-key", hex.EncodeToString(key)); err != nil {
		t.Fatal(err)
	}
	port = standin.FreePort(t)
	counter = &countRefreshes{next: sandbox.New(key, sandbox.Options{})}
	l, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: counter, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return port, counter
}

// writeBrowser writes the stand-in browser: a script that approves the
// consent page with curl and follows the redirect to the loopback callback.
func writeBrowser(t testing.TB, decision string) string {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	path := filepath.Join(t.TempDir(), "browser.sh")
	script := "#!/bin/sh\nexec curl -sS -L --max-time 20 --data decision=" + decision + " \"$1\" >/dev/null\n"
	if err := os.WriteFile(path, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

// sandboxDemo starts the sandbox for dir and adds the connection "demo",
// not yet signed in.
func sandboxDemo(t testing.TB, dir string) *countRefreshes {
	t.Helper()
	port, counter := startSandbox(t, dir)
	if r := run(t, dir, nil, "", "add", "demo", "--provider", "sandbox", "--param", "port="+port); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	return counter
}

// connect runs `authdeck connect` in process with $BROWSER set to the
// stand-in, against the real keyring.
func connectWith(t testing.TB, dir, decision string) result {
	t.Helper()
	t.Setenv("BROWSER", writeBrowser(t, decision))
	return run(t, dir, nil, "", "connect", "demo", "--timeout", "30s")
}

// `connect` against the sandbox with a curl stand-in browser stores a token
// in the real keyring; then N concurrent CLI processes reading the expired,
// rotating token cause exactly one refresh and all print the same token.
func TestConnectAndConcurrentProcessesRefreshOnce(t *testing.T) {
	requireKeyring(t)
	dir := t.TempDir()
	counter := sandboxDemo(t, dir)
	r := connectWith(t, dir, "approve")
	if r.code != 0 || !strings.Contains(r.stderr, "Signing in to the sandbox on this computer; its answer comes back to http://127.0.0.1:") ||
		strings.Contains(r.stderr, "register") || !strings.Contains(r.stderr, "Connected demo") {
		t.Fatalf("connect: %+v", r)
	}
	if r := run(t, dir, nil, "", "check", "demo"); r.code != 0 || !strings.Contains(r.stdout, "OK") {
		t.Fatalf("check: %+v", r)
	}
	before := run(t, dir, nil, "", "token", "demo").stdout

	// The token has expired (as if time had passed).
	st, _ := store.Open(dir)
	past := time.Now().Add(-time.Minute)
	if err := st.Update(context.Background(), func(c []store.Connection) ([]store.Connection, error) {
		c[0].ExpiresAt = &past
		return c, nil
	}); err != nil {
		t.Fatal(err)
	}
	const procs = 8
	outs := make([]string, procs)
	var wg sync.WaitGroup
	for i := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "token", "demo")
			cmd.Env = append(os.Environ(), "AUTHDECK_CLI_CHILD=1", "AUTHDECK_CONFIG_DIR="+dir)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Errorf("process %d: %v: %s", i, err, stderr.String())
			}
			outs[i] = string(out)
		}()
	}
	wg.Wait()
	if n := counter.n.Load(); n != 1 {
		t.Fatalf("%d refreshes across %d processes, want exactly 1", n, procs)
	}
	for _, out := range outs {
		if out != outs[0] || out == before || out == "" {
			t.Fatalf("processes printed different or stale tokens: %q", outs)
		}
	}
}

func TestConnectDeniedExitsNonZero(t *testing.T) {
	requireKeyring(t)
	dir := t.TempDir()
	sandboxDemo(t, dir)
	r := connectWith(t, dir, "deny")
	if r.code == 0 || !strings.Contains(r.stderr, "authdeck: ") || !strings.Contains(r.stderr, "denied") {
		t.Fatalf("connect after deny: %+v", r)
	}
	if r := run(t, dir, nil, "", "status"); r.code != 3 || !strings.Contains(r.stdout, "needs-connect") || !strings.Contains(r.stdout, "not signed in yet; run authdeck connect demo") {
		t.Fatalf("status: %+v", r)
	}
}

// `providers add --from-issuer` writes a definition from the provider's
// discovery document; `providers show` prints it, and a connection to it
// signs in as a public client with PKCE.
func TestProvidersAddFromIssuer(t *testing.T) {
	requireKeyring(t)
	dir := t.TempDir()
	port, _ := startSandbox(t, dir)
	issuer := "http://127.0.0.1:" + port
	r := run(t, dir, nil, "", "providers", "add", "acme", "--from-issuer", issuer)
	if r.code != 0 || strings.TrimSpace(r.stdout) != filepath.Join(dir, "providers.d", "acme.json") {
		t.Fatalf("providers add: %+v", r)
	}
	r = run(t, dir, nil, "", "providers", "show", "acme", "--json")
	for _, want := range []string{`"authorize_url": "` + issuer + `/authorize"`, `"token_url": "` + issuer + `/token"`, `"check_url": "` + issuer + `/userinfo"`, `"pkce": true`} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("show lacks %s:\n%s", want, r.stdout)
		}
	}
	if r := run(t, dir, nil, "", "add", "acme1", "--provider", "acme", "--client-id", "cli-test"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	t.Setenv("BROWSER", writeBrowser(t, "approve"))
	if r := run(t, dir, nil, "", "connect", "acme1", "--timeout", "30s"); r.code != 0 {
		t.Fatalf("connect: %+v", r)
	}
	if r := run(t, dir, nil, "", "check", "acme1"); r.code != 0 || !strings.Contains(r.stdout, "OK") {
		t.Fatalf("check: %+v", r)
	}
	if r := run(t, dir, nil, "", "providers", "add", "bad", "--from-issuer", "http://example.com"); r.code == 0 || !strings.Contains(r.stderr, "https") {
		t.Fatalf("a plain-http issuer was accepted: %+v", r)
	}
}
