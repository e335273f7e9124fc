package ui

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"authdeck/auth"
	"authdeck/auth/catalog"
)

// technical are the words docs/GLOSSARY.md lists, each with the plain
// twins one of which must stand in the same text.
var technical = []struct {
	word  *regexp.Regexp
	twins []string
}{
	{regexp.MustCompile(`\bAPI\b`), []string{"key", "service"}},
	{regexp.MustCompile(`(?i)\bcurl\b`), []string{"command"}},
	{regexp.MustCompile(`(?i)\bscopes?\b`), []string{"permission", "what Authdeck may do"}},
	{regexp.MustCompile(`(?i)\brefresh token\b`), []string{"renew"}},
	{regexp.MustCompile(`(?i)\b(oauth|openid connect)\b`), []string{"sign-in", "sign in"}},
	{regexp.MustCompile(`(?i)\bredirect\b`), []string{"address"}},
	{regexp.MustCompile(`(?i)\bissuer\b`), []string{"provider", "sign-in address"}},
	{regexp.MustCompile(`(?i)\bkeyring\b`), []string{"password store", "system keyring"}},
}

// plainTwinMissing returns the technical word in s that has no plain twin
// beside it, "" when there is none.
func plainTwinMissing(s string) string {
	for _, w := range technical {
		if !w.word.MatchString(s) {
			continue
		}
		ok := false
		for _, twin := range w.twins {
			ok = ok || strings.Contains(strings.ToLower(s), twin)
		}
		if !ok {
			return w.word.FindString(s)
		}
	}
	return ""
}

// Issue 21.11: the first screen, the list, the detail pane of a pasted key
// and of a browser sign-in, and the wizard's first steps never use a
// technical word without its plain twin.
func TestWindowTextHasPlainTwins(t *testing.T) {
	f := newFixture(t)
	look := func(screen string) {
		t.Helper()
		for _, s := range texts(f.a.win.Canvas()) {
			if w := plainTwinMissing(s); w != "" {
				t.Errorf("%s: %q uses %q without its plain twin (docs/GLOSSARY.md)", screen, s, w)
			}
		}
	}
	look("the first screen")
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", ExpiresAt: f.days(3)})
	f.add(t, auth.AddRequest{Name: "Sandbox demo", Provider: "sandbox", Method: catalog.KindOAuth,
		Params: map[string]string{"port": "1"}})
	f.reload()
	for _, name := range []string{"Key", "Sandbox demo"} {
		f.a.selectConnection(name)
		look("the detail pane of " + name)
	}
	f.a.showWizard("", "")
	look("the wizard's first step")
}

// Every remedy the core can name has words in this window, except the two
// the window answers with a question of its own (which definition, which
// value). The walk found "Share with team…" failing with no next step:
// the team store's remedy had no words here.
func TestEveryRemedyHasWindowWords(t *testing.T) {
	src, err := os.ReadFile("../auth/errors.go")
	if err != nil {
		t.Fatal(err)
	}
	asked := map[auth.Remedy]bool{auth.RemedyNone: true, auth.RemedyFixInput: true, auth.RemedyReplaceProvider: true, auth.RemedyChooseValue: true}
	found := 0
	for _, m := range regexp.MustCompile(`(?m)^\s+Remedy\w+\s+Remedy = "([a-z-]*)"`).FindAllStringSubmatch(string(src), -1) {
		found++
		r := auth.Remedy(m[1])
		if w := remedyWords(r, auth.Connection{Name: "Key"}); (w == "") != asked[r] {
			t.Errorf("remedy %q: window words %q", r, w)
		}
	}
	if found < 10 {
		t.Fatalf("read %d remedies from auth/errors.go: the test no longer sees them", found)
	}
}

func TestAllOKWordsCount(t *testing.T) {
	for n, want := range map[int]string{1: "The connection is OK", 2: "Both connections OK", 5: "All 5 connections OK"} {
		if got := allOKWords(n); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
}

// A pasted credential nobody has tried says so beside its green OK, and
// the account line says what to press; after a failed Check it does not
// blame the provider for not naming the account.
func TestUncheckedCredentialsSaySo(t *testing.T) {
	c := auth.Connection{Name: "shop", ProviderName: "Vend", Method: catalog.KindToken, Status: auth.StatusOK}
	if got := rowSubtitle(c); !strings.Contains(got, "not checked yet") {
		t.Errorf("row %q", got)
	}
	if got := accountWords(c); !strings.Contains(got, "press Check") {
		t.Errorf("account %q", got)
	}
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Secret: "t", Params: map[string]string{"domain_prefix": "s"}})
	f.reload()
	f.a.selectConnection("shop")
	if got := f.a.detail.status.Text; !strings.Contains(got, "not checked yet") {
		t.Errorf("the pane's heading %q", got)
	}
	c.LastCheck = &auth.Outcome{OK: false}
	if got := rowSubtitle(c); strings.Contains(got, "not checked yet") {
		t.Errorf("checked, row %q", got)
	}
	if got := accountWords(c); strings.Contains(got, "not reported by") {
		t.Errorf("after a failed check: %q", got)
	}
	c.LastCheck, c.Method = nil, catalog.KindOAuth
	if got := rowSubtitle(c); strings.Contains(got, "not checked yet") {
		t.Errorf("a browser sign-in has been tried by signing in: %q", got)
	}
}

// Every failing verdict of a check but "unexpected" ends with one thing to
// do, in the window's words; the check's own text only says what happened.
func TestEveryCheckVerdictSaysWhatToDo(t *testing.T) {
	src, err := os.ReadFile("../auth/view.go")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, m := range regexp.MustCompile(`(?m)^\s+Verdict\w+\s+Verdict = "([a-z-]+)"`).FindAllStringSubmatch(string(src), -1) {
		found++
		v := auth.Verdict(m[1])
		if v == auth.VerdictAccepted {
			continue
		}
		c := auth.Connection{Name: "shop", ProviderName: "Vend", Method: catalog.KindToken}
		got := checkWords(auth.CheckResult{Verdict: v, Message: "what happened"}, c)
		if !strings.HasPrefix(got, "What happened.") {
			t.Errorf("%s: the facts do not come first: %q", v, got)
		}
		if extra := strings.TrimPrefix(got, "What happened."); (extra == "") != (v == auth.VerdictUnexpected) {
			t.Errorf("%s: %q", v, got)
		}
	}
	if found < 8 {
		t.Fatalf("read %d verdicts from auth/view.go", found)
	}
	c := auth.Connection{Name: "shop", ProviderName: "Vend", Method: catalog.KindToken}
	if got := checkWords(auth.CheckResult{Verdict: auth.VerdictRejected, Message: "401: the token was rejected"}, c); !strings.Contains(got, "Replace key") {
		t.Errorf("a rejected key: %q", got)
	}
}

// Removing a key the provider already refused does not claim it still
// works there.
func TestRemoveDoesNotSayARefusedKeyWorks(t *testing.T) {
	c := auth.Connection{Name: "shop", ProviderName: "Vend", Method: catalog.KindToken, Status: auth.StatusOK}
	if !strings.Contains(removeAfterWords(c), "still works") {
		t.Fatalf("a working key: %q", removeAfterWords(c))
	}
	c.LastCheck = &auth.Outcome{OK: false, Rejected: true}
	if got := removeAfterWords(c); strings.Contains(got, "still works") {
		t.Errorf("a refused key: %q", got)
	}
}
