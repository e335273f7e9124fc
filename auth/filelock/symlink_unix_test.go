//go:build unix

package filelock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A lock file that is a symbolic link is refused and what it points at is
// neither created nor locked: before, Acquire followed it, so a link planted
// in the config folder made Authdeck create files wherever it pointed.
func TestAcquireRefusesASymlinkedLockFile(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing")
	if err := os.WriteFile(existing, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"to an existing file": existing, "dangling": filepath.Join(dir, "created-elsewhere")} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "connections.json.lock")
			if err := os.Symlink(target, path); err != nil {
				t.Fatal(err)
			}
			l, err := Acquire(context.Background(), path)
			if err == nil {
				_ = l.Unlock()
				t.Fatal("a symlinked lock file was locked")
			}
			if !errors.Is(err, ErrNotPlain) {
				t.Fatalf("err = %v, want ErrNotPlain", err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "created-elsewhere")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the link's target was created: %v", err)
	}
	if data, _ := os.ReadFile(existing); string(data) != "keep" {
		t.Fatalf("the link's target changed: %q", data)
	}
}

// A FIFO in place of the lock file is refused at once, not waited on.
func TestAcquireRefusesAFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Acquire(context.Background(), path)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotPlain) {
			t.Fatalf("err = %v, want ErrNotPlain", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Acquire hangs on a FIFO")
	}
}
