//go:build unix

package private

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// otherUID is a user that is neither root nor the one running the tests.
const otherUID = 4242

// chownOther gives path to otherUID; only root can, so other users skip.
func chownOther(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("giving a file to another user needs root")
	}
	if err := os.Lchown(path, otherUID, otherUID); err != nil {
		t.Fatal(err)
	}
}

func wantProblem(t *testing.T, err error, why Problem) {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) || pe.Why != why {
		t.Fatalf("err = %v, want a *private.Error with problem %d", err, why)
	}
}

func TestCheckDirRefusesAnotherUsersFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "authdeck")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := CheckDir(dir); err != nil {
		t.Fatalf("own private folder refused: %v", err)
	}
	chownOther(t, dir)
	err := CheckDir(dir)
	wantProblem(t, err, OtherOwner)
	if pe := err.(*Error); pe.Owner != otherUID || !pe.Dir {
		t.Fatalf("error = %+v", pe)
	}
}

func TestCheckDirRefusesWritableByOthers(t *testing.T) {
	for _, mode := range []os.FileMode{0o770, 0o707, 0o777, 0o775 | os.ModeSticky} {
		dir := filepath.Join(t.TempDir(), "authdeck")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		wantProblem(t, CheckDir(dir), Writable)
	}
	for _, mode := range []os.FileMode{0o700, 0o755, 0o750} {
		dir := t.TempDir()
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		if err := CheckDir(dir); err != nil {
			t.Errorf("mode %o refused: %v", mode, err)
		}
	}
}

func TestCheckDirMissingAndNotAFolder(t *testing.T) {
	if err := CheckDir(filepath.Join(t.TempDir(), "none")); err != nil {
		t.Fatalf("a missing folder is created private later, got %v", err)
	}
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := CheckDir(file); err == nil {
		t.Fatal("a file accepted as the config folder")
	}
}

func TestCheckFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.json")
	if err := os.WriteFile(path, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckFile(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, CheckFile(path), Writable)
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	chownOther(t, path)
	wantProblem(t, CheckFile(path), OtherOwner)
}

// A 100 MB (sparse) definition is refused from its size alone: reading it
// must not cost anything like its size in memory.
func TestReadFileRefusesAHugeFileWithoutReadingIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.json")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(100 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = ReadFile(path, 256<<10)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Fatalf("refusing the file allocated %d bytes", grew)
	}
}

func TestReadFileReadsASmallPrivateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ok.json")
	if err := os.WriteFile(path, []byte(`{"id":"x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	data, err := ReadFile(path, 10)
	if err != nil || string(data) != `{"id":"x"}` {
		t.Fatalf("ReadFile = %q, %v", data, err)
	}
	if _, err := ReadFile(path, 9); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("one byte over the limit: %v", err)
	}
}

// readWithin runs ReadFile and fails the test (instead of hanging it) when
// ReadFile has not returned after a generous wait.
func readWithin(t *testing.T, path string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := ReadFile(path, 256<<10)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("ReadFile hangs")
		return nil
	}
}

func TestReadFileRefusesAFIFOWithoutHanging(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo.json")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := readWithin(t, path); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("err = %v, want ErrNotRegular", err)
	}
}

// A symbolic link is followed, and what it leads to must pass the same
// rules: private, regular.
func TestReadFileChecksWhatALinkLeadsTo(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target.json")
	if err := os.WriteFile(target, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(link, 100); err != nil {
		t.Fatalf("a link to a private file refused: %v", err)
	}
	if err := os.Chmod(target, 0o646); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(link, 100)
	wantProblem(t, err, Writable)

	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	fifoLink := filepath.Join(dir, "fifo.json")
	if err := os.Symlink(fifo, fifoLink); err != nil {
		t.Fatal(err)
	}
	if err := readWithin(t, fifoLink); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("link to a FIFO: %v", err)
	}
	if err := os.Chmod(target, 0o600); err != nil {
		t.Fatal(err)
	}
	chownOther(t, target)
	_, err = ReadFile(link, 100)
	wantProblem(t, err, OtherOwner)
}

// A POSIX ACL that lets another user write shows in the group bits (they
// hold the ACL's mask), so it is refused like a group-writable folder.
func TestCheckDirRefusesAnACLGrantingWrite(t *testing.T) {
	setfacl, err := exec.LookPath("setfacl")
	if err != nil {
		t.Skip("setfacl is not installed (Debian package acl)")
	}
	dir := filepath.Join(t.TempDir(), "authdeck")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(setfacl, "-m", fmt.Sprintf("u:%d:rwx", otherUID), dir).CombinedOutput(); err != nil {
		t.Skipf("this file system takes no ACLs: %v %s", err, out)
	}
	wantProblem(t, CheckDir(dir), Writable)
}
