package cli

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"authdeck/auth"
	"authdeck/auth/secret"
	"authdeck/internal/standin"
)

// quickstartBlock is the shell block after the "<!-- quickstart -->" marker
// in the README.
func quickstartBlock(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "<!-- quickstart -->\n```sh\n")
	block, _, closed := strings.Cut(rest, "\n```")
	if !ok || !closed {
		t.Fatal("the README has no quickstart block after <!-- quickstart -->")
	}
	return strings.Split(block, "\n")
}

// The README's quickstart works exactly as written, in order, in a fresh
// shell with a fresh home and config folder, on the real keyring (issue
// 15.11). `authdeck` is this test binary behind a one-line wrapper; the
// browser is the stand-in that approves with curl. Each command must
// succeed before the next runs.
func TestQuickstartAsWritten(t *testing.T) {
	requireKeyring(t)
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	waitForPort(t, "127.0.0.1:17824") // the sandbox's default port, as the README uses it
	home := t.TempDir()
	bin := t.TempDir()
	wrapper := "#!/bin/sh\nAUTHDECK_CLI_CHILD=1 exec '" + os.Args[0] + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "authdeck"), []byte(wrapper), 0o700); err != nil {
		t.Fatal(err)
	}
	lines := quickstartBlock(t)
	var script strings.Builder
	// The harness around the commands: stop at the first failure, and never
	// leave a background sandbox holding the port behind.
	script.WriteString("set -e\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n")
	for i, line := range lines {
		fmt.Fprintf(&script, "%s\necho '== step %d done' >&2\n", line, i+1)
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-c", script.String())
	cmd.Dir = home
	cmd.Env = []string{
		"HOME=" + home, "PATH=" + bin + ":/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8",
		"BROWSER=" + writeBrowser(t, "approve"),
		"DBUS_SESSION_BUS_ADDRESS=" + os.Getenv("DBUS_SESSION_BUS_ADDRESS"),
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil || !strings.Contains(errOut.String(), fmt.Sprintf("== step %d done", len(lines))) {
			t.Fatalf("the quickstart stopped (%v)\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
		}
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		t.Fatalf("the quickstart hung\nstdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	}
	t.Logf("stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	for _, want := range []string{"OK", "Authorization: Bearer sba_", `"sub"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output lacks %q:\n%s", want, out.String())
		}
	}
	// It used a fresh config folder under the fresh home, and left its
	// secrets only in the keyring.
	dir := filepath.Join(home, ".config", "authdeck")
	if _, err := os.Stat(filepath.Join(dir, "connections.json")); err != nil {
		t.Fatalf("no config folder under the fresh home: %v", err)
	}
	m, err := auth.Open(auth.Options{ConfigDir: dir, Secrets: secret.NewKeyring(dir)})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	t.Cleanup(func() { _ = m.Remove(context.Background(), "demo") })
}

// waitForPort waits until nothing listens on addr (another test's sandbox
// may hold it for a while: make test runs packages side by side).
func waitForPort(t *testing.T, addr string) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		l, err := net.Listen("tcp", addr)
		if err == nil {
			l.Close()
			return
		}
	}
	t.Fatalf("%s stays in use: the quickstart needs it free", addr)
}

// authdeck sandbox serves the folder's demo provider until cancelled.
func TestSandboxCommandServesUntilCancelled(t *testing.T) {
	f := newFixture(t)
	port := standin.FreePort(t)
	b, _, errOut := testIO("")
	opts := &sandboxOptions{base: b, Port: fmt.Sprint(port), Retry: 10 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sandboxRun(ctx, opts, coreOf(f.manager(t))) }()
	url := fmt.Sprintf("http://127.0.0.1:%s/.well-known/authdeck-sandbox", port)
	var resp *http.Response
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err = http.Get(url); err == nil {
			break
		}
	}
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the sandbox does not answer: %v", err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("ended with %v", err)
	}
	if !strings.Contains(errOut.String(), fmt.Sprintf("listening on http://127.0.0.1:%s", port)) {
		t.Fatalf("stderr %q", errOut.String())
	}
	if _, err := http.Get(url); err == nil {
		t.Fatal("still answering after Ctrl+C")
	}
}

// The command-line program links no Fyne package, so that no command pays
// for the graphics stack's start-up (issue 15.1; make bench measures it).
func TestCommandLineLinksNoFyne(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	out, err := exec.Command(goTool, "list", "-tags", "migrated_fynedo", "-deps", "authdeck").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	if !strings.Contains(string(out), "authdeck/cli\n") {
		t.Fatalf("go list did not list the program's packages:\n%.300s", out)
	}
	for _, pkg := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(pkg, "fyne.io/") || strings.Contains(pkg, "go-gl/") {
			t.Fatalf("authdeck links %s", pkg)
		}
	}
}
