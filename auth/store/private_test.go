//go:build unix

package store

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// The config folder check is the one auth/private makes; this test pins the
// store's names for it (the core calls CheckPrivate from Open).
func TestCheckPrivateRefusesOthersFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "authdeck")
	if err := CheckPrivate(dir); err != nil {
		t.Fatalf("missing folder: %v", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := CheckPrivate(dir); err != nil {
		t.Fatalf("private folder: %v", err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	var npe *NotPrivateError
	if err := CheckPrivate(dir); !errors.As(err, &npe) || npe.Path != dir {
		t.Fatalf("world-writable folder: %v", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(dir, 4242, 4242); err != nil {
			t.Fatal(err)
		}
		if err := CheckPrivate(dir); !errors.As(err, &npe) {
			t.Fatalf("another user's folder: %v", err)
		}
	}
	file := filepath.Join(t.TempDir(), "f.json")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, 0o620); err != nil {
		t.Fatal(err)
	}
	if err := CheckPrivateFile(file); !errors.As(err, &npe) {
		t.Fatalf("group-writable file: %v", err)
	}
}
