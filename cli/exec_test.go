package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/auth/secret"
	"authdeck/internal/standin"
)

// lockedBuffer is a buffer a child process and the test may use at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls until cond holds (a child's output arriving), or fails.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// connectedDemo adds a sandbox connection "demo" and signs it in through
// the stand-in browser; the sandbox keeps serving until the test ends.
func connectedDemo(t *testing.T, opts auth.Options) auth.Connection {
	t.Helper()
	opts.OpenBrowser = standin.Browser("approve")
	m, err := auth.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	ctx := context.Background()
	if _, err := m.Add(ctx, auth.AddRequest{Name: "demo", Provider: auth.SandboxID, Method: catalog.KindOAuth,
		Params: map[string]string{"port": standin.FreePort(t)}}); err != nil {
		t.Fatal(err)
	}
	c, err := m.Connect(ctx, "demo", auth.ConnectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) token(t *testing.T) string {
	t.Helper()
	r := f.run(t, "", "token", "demo")
	if r.code != 0 {
		t.Fatalf("token: %+v", r)
	}
	return strings.TrimSpace(r.stdout)
}

// exec gives the program the credential under the env snippet's names, or
// under the names --env chooses, and nothing else of it.
func TestExecGivesTheProgramItsCredential(t *testing.T) {
	f := newFixture(t)
	connectedDemo(t, f.options())
	tok := f.token(t)
	r := f.run(t, "", "exec", "demo", "--", "env")
	want := []string{"DEMO_TOKEN=" + tok, "AUTHDECK_DEMO_HEADER=Authorization: Bearer " + tok,
		"AUTHDECK_DEMO_EXPIRES_AT=" + f.clock.Now().Add(10*time.Minute).UTC().Format(time.RFC3339)}
	for _, w := range want {
		if r.code != 0 || !strings.Contains(r.stdout, w+"\n") {
			t.Fatalf("env lacks %q: %+v", w, r)
		}
	}
	r = f.run(t, "", "exec", "demo", "--env", "T=token", "--env", "H=authorization", "--env", "E=expires_at", "--", "env")
	if r.code != 0 || !strings.Contains(r.stdout, "\nT="+tok+"\n") || !strings.Contains(r.stdout, "\nH=Bearer "+tok+"\n") || strings.Contains(r.stdout, "DEMO_TOKEN") {
		t.Fatalf("--env: %+v", r)
	}
}

// The program's exit code is authdeck's (128+N for a signal); anything
// wrong before the start says what to do, uses the CLI's codes and starts
// nothing.
func TestExecExitCodesAndRefusals(t *testing.T) {
	f := newFixture(t)
	connectedDemo(t, f.options())
	marker := filepath.Join(t.TempDir(), "started")
	cases := []struct {
		args  []string
		code  int
		words string
	}{
		{[]string{"demo", "--", "sh", "-c", "exit 7"}, 7, ""},
		{[]string{"demo", "--", "sh", "-c", "kill -TERM $$"}, 128 + int(syscall.SIGTERM), ""},
		{[]string{"demo", "--", "/no/such/program"}, 127, "cannot run /no/such/program"},
		{[]string{"nosuch", "--", "touch", marker}, 1, "authdeck list"},
		{[]string{"demo", "touch", marker}, 2, "after --"},
		{[]string{"demo", "--env", "X=password", "--", "touch", marker}, 2, "FIELD is one of"},
		{[]string{"demo", "--env", "X=url", "--", "touch", marker}, 2, "--proxy demo"},
		{[]string{"demo", "Demo", "--", "touch", marker}, 2, "same variable names"},
		// The sandbox's tokens last 10 minutes: renewed, still too short.
		{[]string{"demo", "--min-valid", "20m", "--", "touch", marker}, 3, "ask for less with --min-valid"},
	}
	for _, c := range cases {
		r := f.run(t, "", append([]string{"exec"}, c.args...)...)
		if r.code != c.code || !strings.Contains(r.stderr, c.words) {
			t.Errorf("exec %v: %+v, want %d and %q", c.args, r, c.code, c.words)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Fatalf("exec %v started the program", c.args)
		}
	}
}

// A credential that runs out within --min-valid is renewed before the
// program starts; a pasted one that has expired is refused (exit 3).
func TestExecRenewsFirst(t *testing.T) {
	f := newFixture(t)
	connectedDemo(t, f.options())
	before := f.token(t)
	f.clock.Advance(7 * time.Minute) // 3 minutes left: inside the default 5m
	r := f.run(t, "", "exec", "demo", "--env", "T=token", "--env", "E=expires_at", "--", "env")
	if r.code != 0 || strings.Contains(r.stdout, "T="+before+"\n") || !strings.Contains(r.stdout, "E="+f.clock.Now().Add(10*time.Minute).UTC().Format(time.RFC3339)) {
		t.Fatalf("not renewed first: %+v", r)
	}
	past := f.clock.Now().Add(-time.Hour)
	f.add(t, auth.AddRequest{Name: "pasted", Provider: auth.SandboxID, Method: catalog.KindToken, Secret: "tok", ExpiresAt: &past})
	r = f.run(t, "", "exec", "pasted", "--", "true")
	if r.code != 3 || !strings.Contains(r.stderr, "expired") || !strings.Contains(r.stderr, "nothing was started") {
		t.Fatalf("expired pasted token: %+v", r)
	}
}

// In proxy mode the program never holds the token, and its requests keep
// working after the token it started with has expired: the proxy renews it.
func TestExecProxyOutlivesTheToken(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	f := newFixture(t)
	connectedDemo(t, f.options())
	first := f.token(t)
	gate := filepath.Join(t.TempDir(), "go")
	script := `env | grep -c sba_ ; curl -sS "$AUTHDECK_DEMO_URL/userinfo"; ` +
		`while [ ! -e '` + gate + `' ]; do sleep 0.05; done; curl -sS "$AUTHDECK_DEMO_URL/userinfo"; ` +
		`curl -sS -o /dev/null -w '%{http_code}\n' "${AUTHDECK_DEMO_URL%/*}/userinfo"`
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Run([]string{"exec", "--proxy", "demo", "--", "sh", "-c", script},
			Deps{Stdin: strings.NewReader(""), Stdout: out, Stderr: errOut, Options: f.options()})
	}()
	waitFor(t, "the first answer", func() bool { return strings.Count(out.String(), "\n") >= 2 })
	f.clock.Advance(11 * time.Minute) // the token the proxy held has expired
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	code := <-done
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if code != 0 || len(lines) != 4 || lines[0] != "0" || !strings.Contains(lines[1], `"sub"`) || !strings.Contains(lines[2], `"sub"`) || lines[3] != "403" {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	if f.token(t) == first {
		t.Fatal("the proxy did not renew the token")
	}
}

// INT, TERM and HUP sent to authdeck reach the program, whose exit code
// comes back: real processes, on the real keyring.
func TestExecForwardsSignals(t *testing.T) {
	requireKeyring(t)
	dir := t.TempDir()
	connectedDemo(t, auth.Options{ConfigDir: dir, Secrets: secret.NewKeyring(dir)})
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		script := fmt.Sprintf(`trap 'echo got %d; exit 42' %d; echo ready; while :; do sleep 0.05; done`, sig, sig)
		cmd := exec.Command(os.Args[0], "exec", "demo", "--", "sh", "-c", script)
		cmd.Env = append(os.Environ(), "AUTHDECK_CLI_CHILD=1", "AUTHDECK_CONFIG_DIR="+dir)
		stdout, _ := cmd.StdoutPipe()
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		rd := bufio.NewReader(stdout)
		if line, err := rd.ReadString('\n'); line != "ready\n" {
			t.Fatalf("%v: child said %q (%v); stderr %s", sig, line, err, errOut.String())
		}
		_ = cmd.Process.Signal(sig)
		rest, _ := io.ReadAll(rd)
		err := cmd.Wait()
		if cmd.ProcessState.ExitCode() != 42 || string(rest) != fmt.Sprintf("got %d\n", sig) {
			t.Fatalf("%v: exit %v, child said %q; stderr %s", sig, err, rest, errOut.String())
		}
	}
}

// authdeck connect --no-browser takes the address a browser on another
// machine landed on, pasted into the terminal: a wrong state is refused and
// the sign-in keeps waiting; a second connect meanwhile says one is waiting,
// where, and opens nothing.
func TestConnectTakesAPastedAddress(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "demo", Provider: auth.SandboxID, Method: catalog.KindOAuth, Params: map[string]string{"port": standin.FreePort(t)}})
	in, typing := io.Pipe()
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Run([]string{"connect", "demo", "--no-browser"}, Deps{Stdin: in, Stdout: out, Stderr: errOut, Options: f.options()})
	}()
	waitFor(t, "the sign-in address", func() bool { return strings.Contains(out.String(), "\n") })
	if n := strings.Count(errOut.String(), "paste that page's address here"); n != 1 {
		t.Fatalf("the prompt does not say to paste, in one line: %q", errOut.String())
	}
	second := f.run(t, "", "connect", "demo", "--no-browser")
	if second.code != 1 || second.stdout != "" || !strings.Contains(second.stderr, "already waiting") || !strings.Contains(second.stderr, fmt.Sprintf("process %d", os.Getpid())) {
		t.Fatalf("second connect: %+v", second)
	}
	landed := approveRemotely(t, strings.TrimSpace(out.String()))
	forged := strings.Replace(landed, "state=", "state=x", 1)
	fmt.Fprintln(typing, forged)
	waitFor(t, "the refusal", func() bool { return strings.Contains(errOut.String(), "still waiting") })
	fmt.Fprintln(typing, landed)
	select {
	case code := <-done:
		if code != 0 || !strings.Contains(errOut.String(), "Connected demo") {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("still waiting: %s", errOut.String())
	}
	_ = typing.Close()
	if r := f.run(t, "", "check", "demo"); r.code != 0 {
		t.Fatalf("check after the pasted sign-in: %+v", r)
	}
}

// approveRemotely is the browser on the other machine: it approves and
// stops at the redirect to 127.0.0.1, returning that address.
func approveRemotely(t *testing.T, authorizeURL string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(authorizeURL, url.Values{"decision": {"approve"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("no redirect from the consent page: %d", resp.StatusCode)
	}
	return loc.String()
}

// A locked keyring stops exec before anything starts, with the words that
// say to unlock it.
func TestExecWithALockedKeyringStartsNothing(t *testing.T) {
	dir := t.TempDir()
	if r := run(t, dir, secret.NewMemory(), "tok", "add", "shop", "--provider", "vend", "--method", "token", "--param", "domain_prefix=shop", "--secret-stdin"); r.code != 0 {
		t.Fatalf("setup: %+v", r)
	}
	marker := filepath.Join(t.TempDir(), "started")
	for _, args := range [][]string{{"exec", "shop", "--", "touch", marker}, {"exec", "--proxy", "shop", "--", "touch", marker}} {
		r := run(t, dir, lockedKeyring{}, "", args...)
		if r.code != 1 || !strings.Contains(r.stderr, "unlock it") {
			t.Errorf("%v: %+v", args, r)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Fatalf("%v started the program", args)
		}
	}
}

// exec and proxy fill their options from the command line; everything
// after -- is the program's, flags included.
func TestExecAndProxyFillTheirOptions(t *testing.T) {
	d := &Deps{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	var got *execOptions
	cmd := newCmdExec(d, func(o *execOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"demo", "--min-valid", "30m", "--env", "T=token", "--proxy", "api", "--", "prog", "--min-valid", "-x"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Names, ",") != "demo" || strings.Join(got.Proxies, ",") != "api" || got.MinValid != 30*time.Minute ||
		strings.Join(got.Env, ",") != "T=token" || strings.Join(got.Command, " ") != "prog --min-valid -x" {
		t.Fatalf("%+v", got)
	}
	var p *proxyOptions
	pc := newCmdProxy(d, func(o *proxyOptions) error { p = o; return nil })
	pc.SetArgs([]string{"demo", "--port", "8899"})
	if err := pc.Execute(); err != nil || p.Name != "demo" || p.Port != 8899 {
		t.Fatalf("proxy: %+v %v", p, err)
	}
}
