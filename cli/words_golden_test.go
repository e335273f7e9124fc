package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"authdeck/auth"
)

// failing is a core that fails every List with one error: what a command
// prints for each kind of problem, without a keyring, a network or a file
// in the state that causes it.
type failing struct {
	Service
	err error
}

func (f failing) List() ([]auth.Connection, error) { return nil, f.err }
func (f failing) Now() time.Time                   { return time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) }
func (f failing) Close()                           {}

// One error of every kind, as the core's edge hands it out.
var everyKind = []*auth.Error{
	{Kind: auth.KindInvalidInput, Input: auth.InputUser, Remedy: auth.RemedyFixInput, Msg: "Vinli needs the App ID"},
	{Kind: auth.KindNotFound, Connection: "shp", Input: auth.InputName, Remedy: auth.RemedySeeList, Msg: `there is no connection called "shp"`},
	{Kind: auth.KindNameTaken, Connection: "shop", Input: auth.InputName, Remedy: auth.RemedyChooseName, Msg: `a connection called "shop" exists already`},
	{Kind: auth.KindSignInTimedOut, Connection: "shop", Remedy: auth.RemedySignIn},
	{Kind: auth.KindTimedOut, Connection: "shop", Remedy: auth.RemedyRetry, Msg: "the provider did not answer in time"},
	{Kind: auth.KindDenied, Connection: "shop", Remedy: auth.RemedySignIn, Msg: "access was denied in the browser"},
	{Kind: auth.KindRefused, Connection: "shop", Detail: "invalid_grant", Msg: "Vend refused the refresh (invalid_grant)"},
	{Kind: auth.KindNotAHeader, Connection: "reports", Param: "api-key"},
	{Kind: auth.KindMissingParam, Input: auth.InputParam, Remedy: auth.RemedyFixInput, Params: []string{"domain_prefix"}, Msg: "Vend needs domain_prefix"},
	{Kind: auth.KindNewerFormat, Remedy: auth.RemedyUpdateApp, Msg: "connections.json was written by a newer Authdeck (format 9; this one reads up to 1)"},
	{Kind: auth.KindDamagedFile, Msg: "connections.json is damaged (unexpected end of JSON input)"},
	{Kind: auth.KindFailed, Connection: "books", Remedy: auth.RemedyWait, Msg: "sign in to Vinsight as ann@example.com: 429: too many sign-in attempts at vinsight.example: the provider cannot take a sign-in now"},
	{Kind: auth.KindNotPrivate, Remedy: auth.RemedyFixConfigFolder, Msg: "folder /home/ana/.config/authdeck can be changed by other users (mode 0777): Authdeck refuses it, as OpenSSH does for ~/.ssh, since they could send your credentials elsewhere"},
	{Kind: auth.KindKeyringDown, Remedy: auth.RemedyStartKeyring, Msg: "keyring read failed: no Secret Service keyring is running"},
	{Kind: auth.KindKeyringLocked, Remedy: auth.RemedyStartKeyring, Msg: "keyring read failed: the keyring is locked"},
	{Kind: auth.KindKeyringNoSession, Remedy: auth.RemedyStartKeyring, Msg: "keyring access failed: there is no D-Bus session, so the keyring (Secret Service) cannot be reached"},
	{Kind: auth.KindKeyringDamage, Connection: "shop", Remedy: auth.RemedyRemove, Msg: `the keyring item of "shop" is damaged`},
	{Kind: auth.KindKeyringTooBig, Connection: "shop", Msg: "keyring write failed: the secret is larger than this system's keyring accepts"},
}

// The words and exit code of every kind, held by a golden file
// (go test ./cli -run TestEveryKindWorded -update rewrites it): a change
// in what a person reads shows in review.
func TestEveryKindWorded(t *testing.T) {
	var b strings.Builder
	for _, e := range everyKind {
		f := &fixture{dir: t.TempDir(), service: failing{err: e}}
		r := f.run(t, "", "list")
		if r.stdout != "" || r.code == 0 {
			t.Errorf("%s: exit %d, stdout %q", e.Kind, r.code, r.stdout)
		}
		if strings.Contains(r.stderr, "%!") || !strings.HasPrefix(r.stderr, "authdeck: ") {
			t.Errorf("%s: %q", e.Kind, r.stderr)
		}
		fmt.Fprintf(&b, "%s (exit %d)\n%s\n", e.Kind, r.code, r.stderr)
	}
	goldenWords(t, "every-kind", b.String())
}

func goldenWords(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "words", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n got:\n%s\nwant:\n%s", path, got, want)
	}
}
