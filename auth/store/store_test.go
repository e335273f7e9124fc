package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestUpdateWritesPrivateFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "authdeck")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(context.Background(), func(c []Connection) ([]Connection, error) {
		return append(c, Connection{Name: "shop", Provider: "vend", Method: "token", CreatedAt: time.Unix(0, 0).UTC()}), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, s.Path(): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", path, fi.Mode().Perm(), want)
		}
	}
	conns, err := s.Load()
	if err != nil || len(conns) != 1 || conns[0].Name != "shop" {
		t.Fatalf("Load = %+v, %v", conns, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// A failing update writes nothing.
func TestUpdateFailureWritesNothing(t *testing.T) {
	s, _ := Open(t.TempDir())
	add := func(name string) error {
		return s.Update(context.Background(), func(c []Connection) ([]Connection, error) {
			return append(c, Connection{Name: name}), nil
		})
	}
	if err := add("a"); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(s.Path())
	err := s.Update(context.Background(), func(c []Connection) ([]Connection, error) {
		return nil, fmt.Errorf("refused")
	})
	if err == nil {
		t.Fatal("Update returned no error")
	}
	after, _ := os.ReadFile(s.Path())
	if string(before) != string(after) {
		t.Fatal("a failed update changed the file")
	}
}

// A file from a newer Authdeck is refused and never overwritten; a damaged
// or foreign file is refused with words that say what to do.
func TestLoadRefusesWhatItCannotRead(t *testing.T) {
	cases := map[string]struct{ content, want string }{
		"newer":   {`{"version": 2, "connections": []}`, "newer Authdeck"},
		"damaged": {`{"version": 1, "connections": [`, "damaged"},
		"foreign": {`{"hello": "world"}`, "no format version"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, _ := Open(t.TempDir())
			if err := os.WriteFile(s.Path(), []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Load(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load err = %v, want it to mention %q", err, tc.want)
			}
			err := s.Update(context.Background(), func(c []Connection) ([]Connection, error) { return c, nil })
			if err == nil {
				t.Fatal("Update succeeded on a file it cannot read")
			}
			if got, _ := os.ReadFile(s.Path()); string(got) != tc.content {
				t.Fatalf("the file was overwritten: %s", got)
			}
		})
	}
}

// Concurrent read-modify-write cycles lose nothing.
func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	s, _ := Open(t.TempDir())
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Update(context.Background(), func(c []Connection) ([]Connection, error) {
				return append(c, Connection{Name: fmt.Sprint("c", i)}), nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	conns, err := s.Load()
	if err != nil || len(conns) != 20 {
		t.Fatalf("got %d connections (%v), want 20", len(conns), err)
	}
}

func TestSecretKeyIsPerName(t *testing.T) {
	if (Connection{Name: "a"}).SecretKey() == (Connection{Name: "b"}).SecretKey() {
		t.Fatal("two connections share a keyring item")
	}
}

// A metadata file others may change is refused like the folder it is in.
func TestOpenRefusesAMetadataFileOthersCanChange(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(`{"version":1,"connections":[]}`), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, FileName), 0o666); err != nil {
		t.Fatal(err)
	}
	var refused *NotPrivateError
	if _, err := Open(dir); !errors.As(err, &refused) {
		t.Fatalf("Open = %v, want a refusal of the world-writable file", err)
	}
	if err := os.Chmod(filepath.Join(dir, FileName), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err != nil {
		t.Fatalf("Open of a private folder: %v", err)
	}
}
