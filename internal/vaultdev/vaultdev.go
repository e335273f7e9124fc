//go:build unix

// Package vaultdev starts a real HashiCorp Vault dev server for a test: in
// memory, on a free loopback port, with its own root token and the KV
// version 2 mount secret/. The binary is $AUTHDECK_VAULT_BIN (make builds it
// with scripts/vault-build.sh), else the cached build, else vault on PATH;
// without one the test is skipped, unless AUTHDECK_REQUIRE_VAULT=1 says
// make set it up, and then it fails.
package vaultdev

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"authdeck/internal/standin"
)

// Server is a running dev server.
type Server struct {
	Addr  string // http://127.0.0.1:PORT
	Token string // the root token
	cmd   *exec.Cmd
}

// Binary finds the vault binary, or "" .
func Binary() string {
	if bin := os.Getenv("AUTHDECK_VAULT_BIN"); bin != "" {
		return bin
	}
	if home, err := os.UserHomeDir(); err == nil {
		bin := filepath.Join(home, ".cache", "authdeck", "vault-v1.21.0", "vault")
		if _, err := os.Stat(bin); err == nil {
			return bin
		}
	}
	if bin, err := exec.LookPath("vault"); err == nil {
		return bin
	}
	return ""
}

// Start starts a dev server that stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary()
	if bin == "" {
		if os.Getenv("AUTHDECK_REQUIRE_VAULT") == "1" {
			t.Fatal("no vault binary: AUTHDECK_VAULT_BIN is unset and scripts/vault-build.sh has not run")
		}
		t.Skip("no vault binary (make test builds one with scripts/vault-build.sh)")
	}
	tok := make([]byte, 12)
	_, _ = rand.Read(tok)
	s := &Server{Token: "root-" + hex.EncodeToString(tok)}
	port := standin.FreePort(t)
	s.Addr = "http://127.0.0.1:" + port
	// #nosec G204 -- the pinned Vault the Makefile built (AUTHDECK_VAULT_BIN), on a loopback port
	s.cmd = exec.Command(bin, "server", "-dev", "-dev-listen-address=127.0.0.1:"+port,
		"-dev-root-token-id="+s.Token, "-dev-no-store-token")
	s.cmd.Env = append(os.Environ(), "VAULT_DISABLE_MLOCK=true", "HOME="+t.TempDir())
	var log strings.Builder
	s.cmd.Stdout, s.cmd.Stderr = &log, &log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start vault: %v", err)
	}
	t.Cleanup(func() {
		_ = s.cmd.Process.Signal(syscall.SIGCONT)
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	})
	if err := s.wait(60 * time.Second); err != nil {
		t.Fatalf("vault dev server did not come up: %v\n%s", err, log.String())
	}
	return s
}

// wait polls the health endpoint until the server is unsealed and active.
func (s *Server) wait(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		resp, err := client.Get(s.Addr + "/v1/sys/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("no healthy answer at %s within %s", s.Addr, limit)
}

// Stop pauses the server (SIGSTOP): it keeps its port and answers nothing.
// It returns once every thread has stopped: the signal is acted on only
// when one of them next runs, and on a busy machine a thread the request
// woke answered it first (TestStoppedServerDoesNotHang failed 4 runs in 8).
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	tasks := fmt.Sprintf("/proc/%d/task", s.cmd.Process.Pid)
	if _, err := os.Stat(tasks); err != nil {
		return // no /proc here: the signal is all there is to wait on
	}
	for deadline := time.Now().Add(10 * time.Second); !allStopped(tasks); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the vault server did not stop within 10 s of SIGSTOP")
		}
	}
}

// allStopped says whether every thread under tasks (/proc/PID/task) is in
// the stopped state.
func allStopped(tasks string) bool {
	entries, err := os.ReadDir(tasks)
	if err != nil || len(entries) == 0 {
		return false
	}
	for _, e := range entries {
		stat, err := os.ReadFile(filepath.Join(tasks, e.Name(), "stat")) // #nosec G304 -- /proc of the test's own child
		if err != nil {
			return false
		}
		// pid (comm) STATE ...: comm may hold spaces and parentheses.
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 || i+2 >= len(stat) || (stat[i+2] != 'T' && stat[i+2] != 't') {
			return false
		}
	}
	return true
}

// Cont resumes a paused server.
func (s *Server) Cont(t testing.TB) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
}

// Port is the server's port.
func (s *Server) Port() string {
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(s.Addr, "http://"))
	return port
}
