package filelock

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestHelperProcess is run as a child process: it takes the lock, appends a
// start and an end line to a log with a pause between, and exits.
func TestHelperProcess(t *testing.T) {
	lockPath, logPath := os.Getenv("FILELOCK_LOCK"), os.Getenv("FILELOCK_LOG")
	if lockPath == "" {
		return
	}
	l, err := Acquire(context.Background(), lockPath)
	if err != nil {
		os.Exit(2)
	}
	appendLine(logPath, "start "+strconv.Itoa(os.Getpid()))
	time.Sleep(20 * time.Millisecond)
	appendLine(logPath, "end "+strconv.Itoa(os.Getpid()))
	_ = l.Unlock()
	os.Exit(0)
}

func appendLine(path, line string) {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		os.Exit(3)
	}
	defer f.Close()
	_, _ = f.WriteString(line + "\n")
}

// Processes holding the lock never overlap: every "start" is followed by the
// same process's "end".
func TestExclusiveAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	lockPath, logPath := filepath.Join(dir, "x.lock"), filepath.Join(dir, "log")
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=TestHelperProcess")
			cmd.Env = append(os.Environ(), "FILELOCK_LOCK="+lockPath, "FILELOCK_LOG="+logPath)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("child: %v: %s", err, out)
			}
		}()
	}
	wg.Wait()
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := splitLines(string(data))
	if len(lines) != 12 {
		t.Fatalf("got %d lines, want 12:\n%s", len(lines), data)
	}
	for i := 0; i < len(lines); i += 2 {
		if lines[i][:6] != "start " || lines[i+1] != "end "+lines[i][6:] {
			t.Fatalf("critical sections overlap at line %d:\n%s", i, data)
		}
	}
}

func TestAcquireHonoursContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	held, err := Acquire(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	// flock locks belong to the open file description, so a second open in
	// the same process contends like another process would.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := Acquire(ctx, path); err == nil {
		t.Fatal("second Acquire succeeded while the lock was held")
	}
	if err := held.Unlock(); err != nil {
		t.Fatal(err)
	}
	again, err := Acquire(context.Background(), path)
	if err != nil {
		t.Fatalf("Acquire after Unlock: %v", err)
	}
	_ = again.Unlock()
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}
