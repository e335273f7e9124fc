package private

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadFileReadsOnce: a large file (connections.json of 1,000
// connections is about 370 KB) is read into one buffer of its size, not
// grown from nothing copy after copy (issue 22), and read whole.
func TestReadFileReadsOnce(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "big.json")
	want := strings.Repeat("0123456789abcdef", 370<<10/16)
	if err := os.WriteFile(path, []byte(want), 0o600); err != nil {
		t.Fatal(err)
	}
	var got []byte
	allocs := testing.AllocsPerRun(5, func() {
		var err error
		if got, err = ReadFile(path, 1<<20); err != nil {
			t.Fatal(err)
		}
	})
	if string(got) != want {
		t.Fatalf("read %d bytes, want the file's %d", len(got), len(want))
	}
	if allocs > 12 {
		t.Errorf("ReadFile of a 370 KB file allocated %.0f times: it should size its buffer from the file", allocs)
	}
}
