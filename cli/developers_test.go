package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readmeBlock is the shell block after "<!-- developers: NAME -->" in the
// README.
func readmeBlock(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "<!-- developers: "+name+" -->\n```sh\n")
	block, _, closed := strings.Cut(rest, "\n```")
	if !ok || !closed {
		t.Fatalf("the README has no block after <!-- developers: %s -->", name)
	}
	return block
}

// The README's "For developers" patterns work as written, against the
// sandbox provider, in a fresh shell with a fresh home, on the real
// keyring: exec, the proxy (with exec and on its own) and the sign-in from
// a machine without a browser, where this test is the other machine's
// browser and the person pasting its address.
func TestDevelopersReadme(t *testing.T) {
	requireKeyring(t)
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	waitForPort(t, "127.0.0.1:17824")
	home, bin := t.TempDir(), t.TempDir()
	wrapper := "#!/bin/sh\nAUTHDECK_CLI_CHILD=1 exec '" + os.Args[0] + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "authdeck"), []byte(wrapper), 0o700); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"HOME=" + home, "PATH=" + bin + ":/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8",
		"BROWSER=" + writeBrowser(t, "approve"),
		"DBUS_SESSION_BUS_ADDRESS=" + os.Getenv("DBUS_SESSION_BUS_ADDRESS"),
	}
	script := "set -e\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n" + readmeBlock(t, "exec") + "\n" + readmeBlock(t, "proxy") + "\n"
	cmd := exec.Command("bash", "--noprofile", "--norc", "-c", script)
	cmd.Dir, cmd.Env = home, env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := runFor(cmd, 90*time.Second); err != nil || strings.Count(out.String(), `"sub"`) != 3 {
		t.Fatalf("exec and proxy blocks: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
	}
	remote := exec.Command("bash", "--noprofile", "--norc", "-c", readmeBlock(t, "remote"))
	remote.Dir, remote.Env = home, env
	remote.Stderr = &errOut
	stdin, _ := remote.StdinPipe()
	stdout, _ := remote.StdoutPipe()
	if err := remote.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		authorizeURL, _ := bufio.NewReader(stdout).ReadString('\n')
		fmt.Fprintln(stdin, approveRemotely(t, strings.TrimSpace(authorizeURL)))
		_, _ = io.Copy(io.Discard, stdout)
		done <- remote.Wait()
	}()
	select {
	case err := <-done:
		if err != nil || !strings.Contains(errOut.String(), "Connected demo") {
			t.Fatalf("remote block: %v\nstderr:\n%s", err, errOut.String())
		}
	case <-time.After(60 * time.Second):
		_ = remote.Process.Kill()
		t.Fatalf("the remote sign-in hung\nstderr:\n%s", errOut.String())
	}
}

// runFor runs cmd, killing it after d.
func runFor(cmd *exec.Cmd, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		return fmt.Errorf("hung: %w", ctx.Err())
	}
}
