//go:build unix

package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"authdeck/assets"
	"authdeck/auth/private"
)

// A FIFO named like a definition used to hang every command: it is refused
// at once.
func TestProvidersDRefusesAFIFO(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- problemFor(t, dir, path) }()
	select {
	case err := <-done:
		if !errors.Is(err, private.ErrNotRegular) {
			t.Fatalf("problem = %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("loading the catalog hangs on a FIFO")
	}
}

// A symbolic link in providers.d is followed only to a file that is itself
// private and regular.
func TestProvidersDLinkMustLeadToAPrivateFile(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	target := filepath.Join(elsewhere, "acme.json")
	write(t, elsewhere, "acme.json", `{"id":"acme","name":"Acme","methods":[{`+tokenMethod+`,"label":"x"}]}`)
	if err := os.Symlink(target, filepath.Join(dir, "acme.json")); err != nil {
		t.Fatal(err)
	}
	c, err := Load(assets.Providers, dir)
	if err != nil || len(c.Problems) > 0 {
		t.Fatalf("link to a private file: %v %v", err, c.Problems)
	}
	if err := os.Chmod(target, 0o622); err != nil {
		t.Fatal(err)
	}
	var pe *private.Error
	if err := problemFor(t, dir, filepath.Join(dir, "acme.json")); !errors.As(err, &pe) {
		t.Fatalf("link to a group-writable file: %v", err)
	}
}

// providers.d may be a symbolic link, but the folder it leads to must be
// private: one owned by another user is refused whole.
func TestProvidersDLinkedFolderMustBePrivate(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("giving a folder to another user needs root")
	}
	target := filepath.Join(t.TempDir(), "theirs")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, target, "acme.json", `{"id":"acme","name":"Acme","methods":[{`+tokenMethod+`,"label":"x"}]}`)
	if err := os.Chown(target, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "providers.d")
	if err := os.Symlink(target, dir); err != nil {
		t.Fatal(err)
	}
	var pe *private.Error
	if err := problemFor(t, dir, dir); !errors.As(err, &pe) || pe.Why != private.OtherOwner {
		t.Fatalf("a link to another user's folder: %v", err)
	}
}
