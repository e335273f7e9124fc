package ui

import (
	"os"
	"strings"
	"testing"

	"authdeck/auth"
)

// Issue 22: the keyring's problems stay apart all the way to the window:
// only an unreachable or locked keyring is fixed by starting or unlocking
// it, and none reads as another.
func TestKeyringProblemsReadApart(t *testing.T) {
	seen := map[string]auth.Kind{}
	for _, tc := range []struct {
		e      *auth.Error
		want   string
		unlock bool
	}{
		{&auth.Error{Kind: auth.KindKeyringDown, Remedy: auth.RemedyStartKeyring}, "could not reach your system keyring", true},
		{&auth.Error{Kind: auth.KindKeyringLocked, Remedy: auth.RemedyStartKeyring}, "locked", true},
		{&auth.Error{Kind: auth.KindKeyringNoSession, Remedy: auth.RemedyStartKeyring}, "no desktop session bus", true},
		{&auth.Error{Kind: auth.KindKeyringDamage, Remedy: auth.RemedyRemove}, "damaged", false},
		{&auth.Error{Kind: auth.KindKeyringTooBig}, "larger than", false},
	} {
		got := plain(tc.e)
		if !strings.Contains(got, tc.want) || strings.Contains(got, "unlock") != tc.unlock {
			t.Errorf("%s reads %q", tc.e.Kind, got)
		}
		if k, dup := seen[got]; dup {
			t.Errorf("%s and %s read the same: %q", k, tc.e.Kind, got)
		}
		seen[got] = tc.e.Kind
	}
}

// A config folder others can change reads, in the window, as the core's
// fact and then the window's one remedy (no command, no flag).
func TestNotPrivateFolderReadsInWindowWords(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	_, err := auth.Open(auth.Options{ConfigDir: dir})
	if e, ok := auth.AsError(err); !ok || e.Kind != auth.KindNotPrivate {
		t.Fatalf("the core: %v", err)
	}
	got := strings.ToLower(plain(err))
	if !strings.Contains(got, "can be changed by other users") || !strings.Contains(got, "make the configuration folder your own") ||
		strings.Contains(got, "chmod") || strings.Contains(got, "authdeck_config_dir") {
		t.Errorf("the window says %q", got)
	}
}
