package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/auth/render"
	"authdeck/auth/secret"
	"authdeck/internal/fakeclock"
	"authdeck/internal/standin"
	"authdeck/internal/vaultdev"
)

type fixture struct {
	dir   string // the config folder
	a     *App
	m     *auth.Manager
	clock *fakeclock.Clock
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	fa := test.NewTempApp(t)
	f := &fixture{clock: fakeclock.New(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)), dir: t.TempDir()}
	m, err := auth.Open(auth.Options{
		ConfigDir: f.dir, Secrets: secret.NewMemory(),
		Now: f.clock.Now, OpenBrowser: standin.Browser("approve"),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	f.m = m
	f.a = New(fa, m)
	t.Cleanup(f.a.Stop)
	f.a.wait()
	f.a.win.Resize(fyne.NewSize(800, 600))
	return f
}

func (f *fixture) add(t *testing.T, req auth.AddRequest) {
	t.Helper()
	if _, err := f.m.Add(context.Background(), req); err != nil {
		t.Fatalf("add %s: %v", req.Name, err)
	}
}

func (f *fixture) reload() {
	f.a.reload()
	f.a.wait()
}

// row returns the list row that shows name.
func (f *fixture) row(t *testing.T, name string) *connectionRow {
	t.Helper()
	for _, r := range f.a.list.rows {
		if r.name == name {
			return r
		}
	}
	t.Fatalf("no row shows %q (visible: %d)", name, len(f.a.list.visible))
	return nil
}

func (f *fixture) days(n float64) *time.Time {
	at := f.clock.Now().Add(time.Duration(n * float64(24*time.Hour)))
	return &at
}

func TestListShowsCountdownsAndColoursFollowTheClock(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Vinsight key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k1", ExpiresAt: f.days(3)})
	f.add(t, auth.AddRequest{Name: "Vend shop", Provider: "vend", Method: catalog.KindToken, Secret: "t1",
		Params: map[string]string{"domain_prefix": "shop"}, ExpiresAt: f.days(30)})
	f.add(t, auth.AddRequest{Name: "Old key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k2", ExpiresAt: f.days(-2)})
	f.add(t, auth.AddRequest{Name: "Forever", Provider: "vend", Method: catalog.KindToken, Secret: "t2",
		Params: map[string]string{"domain_prefix": "shop"}})
	f.reload()

	want := []struct {
		name, countdown string
		color           fyne.ThemeColorName
	}{
		{"Old key", "expired 2 days ago", theme.ColorNameError},
		{"Vinsight key", "expires in 3 days", theme.ColorNameWarning},
		{"Vend shop", "expires in 30 days", theme.ColorNameSuccess},
		{"Forever", "no expiry", theme.ColorNameSuccess},
	}
	for i, w := range want {
		if got := f.a.list.visible[i].Name; got != w.name {
			t.Errorf("row %d is %q, want %q (soonest expiry first)", i, got, w.name)
		}
		r := f.row(t, w.name)
		if r.countdown.Text != w.countdown || r.color != w.color {
			t.Errorf("%s shows %q in %s, want %q in %s", w.name, r.countdown.Text, r.color, w.countdown, w.color)
		}
	}

	// A tick without the clock moving redraws nothing. The count of
	// redraws is the tick's cost, which no rendered markup shows: count the
	// rows the tick would redraw instead, and redraw only those.
	if ids := f.a.list.changed(f.clock.Now()); len(ids) != 0 {
		t.Errorf("an idle tick redrew %d rows", len(ids))
	}

	// 23 days and an hour later: the key has expired, the Vend token is
	// inside the 7-day threshold. Only the rows the tick picks are redrawn,
	// so a changed row it missed would show its old text.
	f.clock.Advance(23*24*time.Hour + time.Hour)
	ids := f.a.list.changed(f.clock.Now())
	for _, id := range ids {
		f.a.list.list.RefreshItem(id)
	}
	if r := f.row(t, "Vinsight key"); r.countdown.Text != "expired 20 days ago" || r.color != theme.ColorNameError {
		t.Errorf("Vinsight key shows %q in %s after 23 days", r.countdown.Text, r.color)
	}
	if r := f.row(t, "Vend shop"); r.countdown.Text != "expires in 6 days" || r.color != theme.ColorNameWarning {
		t.Errorf("Vend shop shows %q in %s after 23 days", r.countdown.Text, r.color)
	}
	if len(ids) != 3 {
		t.Errorf("the tick redrew %d rows, want the 3 whose text changed", len(ids))
	}

	// A lower threshold in the settings turns it green again.
	f.a.setExpiringWithin(3)
	if r := f.row(t, "Vend shop"); r.color != theme.ColorNameSuccess {
		t.Errorf("with a 3-day threshold Vend shop is %s", r.color)
	}
	if got := f.a.m.Settings().ExpiringDays(); got != 3 {
		t.Errorf("threshold stored as %d", got)
	}
}

func TestSearchAndFilter(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Alpha", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", ExpiresAt: f.days(2)})
	f.add(t, auth.AddRequest{Name: "Beta", Provider: "vend", Method: catalog.KindToken, Secret: "t", Params: map[string]string{"domain_prefix": "b"}})
	f.reload()
	test.Type(f.a.list.search, "vend")
	if len(f.a.list.visible) != 1 || f.a.list.visible[0].Name != "Beta" {
		t.Errorf("search for vend shows %v", names(f.a.list.visible))
	}
	f.a.list.search.SetText("")
	f.a.list.filter.SetSelected(statusWord(auth.StatusExpiring))
	if len(f.a.list.visible) != 1 || f.a.list.visible[0].Name != "Alpha" {
		t.Errorf("expiring filter shows %v", names(f.a.list.visible))
	}
	f.a.list.search.SetText("nothing like this")
	if f.a.list.none.Hidden {
		t.Error("no note when nothing matches")
	}
}

func names(cs []auth.Connection) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func TestWizardSignsInToTheSandboxAndEndsWithAGreenRow(t *testing.T) {
	f := newFixture(t)
	if len(f.a.body.Objects) != 1 || f.a.body.Objects[0] != f.a.empty {
		t.Fatal("an empty config does not show the empty state")
	}
	f.a.showWizard("", "")
	w := f.a.wizard
	if w == nil {
		t.Fatal("no wizard")
	}
	if !w.next.Disabled() {
		t.Error("Next is enabled before a provider is chosen")
	}
	w.providerPick.SetSelected("Sandbox (demo)")
	test.Tap(w.next)
	if w.step != stepMethod {
		t.Fatalf("at step %d after choosing the provider", w.step)
	}
	if w.methodPick.Selected != "Try the whole sign-in with the built-in demo provider (no account needed)" {
		t.Errorf("method preselected: %q", w.methodPick.Selected)
	}
	test.Tap(w.next)
	if w.step != stepFields || w.next.Text != "Connect" {
		t.Fatalf("at step %d with %q", w.step, w.next.Text)
	}
	if !strings.Contains(w.redirectURI, "/callback/sandbox") {
		t.Errorf("redirect URI %q", w.redirectURI)
	}
	if w.name.Text != "Sandbox demo" {
		t.Errorf("proposed name %q", w.name.Text)
	}
	// A name the store refuses is said in words, on the same step.
	w.name.SetText("  ")
	w.params["port"].SetText(standin.FreePort(t))
	test.Tap(w.next)
	f.a.wait()
	if w.step != stepFields || !w.fieldErr.Visible() || !strings.Contains(w.fieldErr.Text, "needs a name") {
		t.Fatalf("bad name: step %d, error %q", w.step, w.fieldErr.Text)
	}
	w.name.SetText("Sandbox demo")
	test.Tap(w.next)
	f.a.wait()
	if f.a.wizard != nil {
		t.Fatalf("the wizard is still open: %q %q", w.waitText.Text, w.waitErr.Text)
	}
	r := f.row(t, "Sandbox demo")
	if r.color != theme.ColorNameSuccess {
		t.Errorf("the new row is %s (%q)", r.color, r.countdown.Text)
	}
	if f.a.selected != "Sandbox demo" || f.a.detail.conn.Name != "Sandbox demo" {
		t.Errorf("selected %q", f.a.selected)
	}
	if f.a.body.Objects[0] != f.a.split {
		t.Error("the empty state is still shown")
	}
}

func TestWizardCancelLeavesARetry(t *testing.T) {
	f := newFixture(t)
	f.m.Close()
	var opened sync.WaitGroup
	opened.Add(1)
	// A browser that never answers: the person walks away.
	m, err := auth.Open(auth.Options{ConfigDir: t.TempDir(), Secrets: secret.NewMemory(), Now: f.clock.Now,
		OpenBrowser: func(string) error { opened.Done(); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	a := New(test.NewTempApp(t), m)
	a.wait()
	a.win.Resize(fyne.NewSize(800, 600))
	a.showWizard(auth.SandboxID, catalog.KindOAuth)
	w := a.wizard
	w.params["port"].SetText(standin.FreePort(t))
	test.Tap(w.next)
	opened.Wait()
	// The waiting step is up (set before the sign-in started).
	test.Tap(w.close) // Cancel
	a.wait()
	if !strings.HasPrefix(w.waitErr.Text, "Cancelled.") || !w.next.Visible() || w.next.Text != "Try again" {
		t.Errorf("after cancel: %q, next %q visible %v", w.waitErr.Text, w.next.Text, w.next.Visible())
	}
}

func TestCopyHeaderAndClearTheClipboardLater(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Vend shop", Provider: "vend", Method: catalog.KindToken, Secret: "tok123",
		Params: map[string]string{"domain_prefix": "shop"}})
	f.reload()
	f.a.selectConnection("Vend shop")
	cb := f.a.fyne.Clipboard()

	f.a.detail.copyFormat(render.FormatHeader)
	f.a.wait()
	if got := cb.Content(); got != "Authorization: Bearer tok123" {
		t.Fatalf("clipboard holds %q", got)
	}
	if got := f.a.statusBar.Text; got != "Copied — the clipboard will be cleared in 45 s" {
		t.Errorf("status bar says %q", got)
	}
	f.clock.Advance(44 * time.Second)
	f.a.tick()
	if got := cb.Content(); got == "" {
		t.Errorf("the clipboard was cleared after 44 s")
	}
	f.clock.Advance(time.Second)
	f.a.tick()
	if got := cb.Content(); got != "" {
		t.Errorf("after 45 s the clipboard still holds %q", got)
	}

	// Something the person copied since is theirs: it stays.
	f.a.detail.copyFormat(render.FormatToken)
	f.a.wait()
	if got := cb.Content(); got != "tok123" {
		t.Fatalf("token copy put %q", got)
	}
	cb.SetContent("my own notes")
	f.clock.Advance(45 * time.Second)
	f.a.tick()
	if got := cb.Content(); got != "my own notes" {
		t.Errorf("clearing overwrote the person's clipboard: %q", got)
	}

	// The token is masked until revealed.
	if f.a.detail.secret.Text != masked {
		t.Errorf("token shown unasked: %q", f.a.detail.secret.Text)
	}
	test.Tap(f.a.detail.reveal)
	f.a.wait()
	if f.a.detail.secret.Text != "tok123" {
		t.Errorf("revealed %q", f.a.detail.secret.Text)
	}
	f.a.selectConnection("") // another selection hides it again
}

func TestFailuresAreShownInWords(t *testing.T) {
	f := newFixture(t)
	port := standin.FreePort(t)
	f.add(t, auth.AddRequest{Name: "Demo token", Provider: "sandbox", Method: catalog.KindToken, Secret: "not-a-real-token",
		Params: map[string]string{"port": port}})
	f.reload()
	f.a.selectConnection("Demo token")
	test.Tap(f.a.detail.checkBtn)
	f.a.wait()
	d := f.a.detail
	if !d.errText.Visible() || d.errText.Text == "" {
		t.Fatal("a rejected token shows no error")
	}
	t.Logf("check of a bad token says: %s", d.errText.Text)
	if strings.Contains(d.errText.Text, "not-a-real-token") {
		t.Error("the error shows the secret")
	}
	if d.progress.Visible() || d.checkBtn.Disabled() {
		t.Error("progress still shown after the check ended")
	}

	// A pasted credential with a date that is not one.
	f.a.showWizard("vinsight", catalog.KindAPIKey)
	w := f.a.wizard
	w.secret.SetText("key")
	w.expires.SetText("next year")
	test.Tap(w.next)
	if !w.fieldErr.Visible() || !strings.Contains(w.fieldErr.Text, "YYYY-MM-DD") {
		t.Errorf("bad date says %q", w.fieldErr.Text)
	}
}

func TestExpiryNotificationsOncePerChange(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Soon", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", ExpiresAt: f.days(8)})
	test.AssertNotificationSent(t, nil, f.reload) // still 8 days: nothing

	f.clock.Advance(24*time.Hour + time.Second)
	test.AssertNotificationSent(t, &fyne.Notification{
		Title:   "Soon expires in 6 days",
		Content: "This credential expires soon: get a new one from Vinsight and use Replace key… to paste the new one. If its expiry was only extended, set the new date with Edit expiry.",
	}, f.a.tick)
	test.AssertNotificationSent(t, nil, f.a.tick) // once, not every second

	f.clock.Advance(7 * 24 * time.Hour)
	test.AssertNotificationSent(t, &fyne.Notification{
		Title:   "Soon has expired",
		Content: "This credential has expired: get a new one from Vinsight and use Replace key… to paste the new one. If its expiry was only extended, set the new date with Edit expiry.",
	}, f.a.tick)

	// A restart remembers what was said.
	a2 := New(f.a.fyne, f.m)
	a2.wait()
	test.AssertNotificationSent(t, nil, a2.tick)
}

func TestReport(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", ExpiresAt: f.days(2)})
	f.add(t, auth.AddRequest{Name: "Vend", Provider: "vend", Method: catalog.KindToken, Secret: "t", Params: map[string]string{"domain_prefix": "s"}})
	f.reload()
	rows := reportRows(f.a.conns, f.clock.Now(), f.a.within)
	csv := string(reportCSV(rows))
	wantCSV := "name,provider,method,account,owner,note,status,expires_at,expiry_estimated,what_to_do\n" +
		"Key,Vinsight,api-key,,,,expiring,2026-03-03T12:00:00Z,false,Get a new key from Vinsight and paste it with Replace key… in Authdeck.\n" +
		"Vend,Vend,token,,,,ok,,false,Nothing.\n"
	if csv != wantCSV {
		t.Errorf("CSV:\n%s\nwant:\n%s", csv, wantCSV)
	}
	js := string(reportJSON(rows))
	if !strings.Contains(js, `"expires_at": null`) || !strings.Contains(js, `"status": "expiring"`) {
		t.Errorf("JSON:\n%s", js)
	}
	if txt := reportText(f.a.conns, f.clock.Now(), f.a.within); !strings.Contains(txt, "Expiring soon (expires in 2 days)") {
		t.Errorf("text:\n%s", txt)
	}
}

// The wizard asks only for what the person must type: Vend's store address
// arrives with the browser sign-in, but a pasted personal token needs it.
func TestWizardAsksForStoreOnlyWhenTheSignInCannotTellIt(t *testing.T) {
	f := newFixture(t)
	f.a.showWizard("vend", catalog.KindOAuth)
	if _, asked := f.a.wizard.params["domain_prefix"]; asked {
		t.Error("the browser sign-in asks for the store address Vend sends back")
	}
	test.Tap(f.a.wizard.close)
	f.a.showWizard("vend", catalog.KindToken)
	if _, asked := f.a.wizard.params["domain_prefix"]; !asked {
		t.Error("a pasted personal token does not ask for the store address")
	}
}

// Ctrl+N opens the wizard, Ctrl+F focuses the search, Ctrl+C copies the
// selected connection's header.
func TestKeyboardShortcuts(t *testing.T) {
	f := newFixture(t)
	if _, err := f.m.Add(f.a.ctx(), auth.AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "tok-123"}); err != nil {
		t.Fatal(err)
	}
	f.a.reload()
	f.a.wait()
	// The test driver's canvas does not dispatch shortcuts: run what the
	// window registers for each key combination.
	press := func(s fyne.Shortcut) {
		for _, sc := range f.a.shortcuts() {
			if sc.keys.ShortcutName() == s.ShortcutName() {
				sc.do()
				f.a.wait()
				return
			}
		}
		t.Fatalf("no shortcut %s", s.ShortcutName())
	}
	press(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault})
	if f.a.win.Canvas().Focused() != f.a.list.search {
		t.Error("Ctrl+F did not focus the search")
	}
	f.a.list.list.Select(0)
	f.a.wait()
	f.a.win.Canvas().Unfocus() // a focused text field keeps Ctrl+C for itself
	press(&fyne.ShortcutCopy{})
	if got := f.a.fyne.Clipboard().Content(); got != "Authorization: Bearer tok-123" {
		t.Errorf("Ctrl+C copied %q", got)
	}
	press(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault})
	if f.a.wizard == nil {
		t.Error("Ctrl+N did not open the wizard")
	}
}

// Reconnect from the detail pane waits no longer than a sign-in from the
// wizard or the command line, shows the time left, and then says what to do.
func TestReconnectGivesUpWithTheSignInTimeout(t *testing.T) {
	f := newFixture(t)
	f.m.Close()
	opened := make(chan struct{}, 1)
	m, err := auth.Open(auth.Options{ConfigDir: t.TempDir(), Secrets: secret.NewMemory(), Now: f.clock.Now,
		OpenBrowser: func(string) error { opened <- struct{}{}; return nil }}) // nobody approves
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	a := New(test.NewTempApp(t), m)
	a.wait()
	if a.signIn != auth.SignInTimeout {
		t.Fatalf("the window waits %v for a sign-in, the command line %v", a.signIn, auth.SignInTimeout)
	}
	a.signIn = 300 * time.Millisecond
	if _, err := m.Add(context.Background(), auth.AddRequest{Name: "demo", Provider: auth.SandboxID,
		Params: map[string]string{"port": standin.FreePort(t)}}); err != nil {
		t.Fatal(err)
	}
	a.reload()
	a.wait()
	a.selectConnection("demo")
	a.detail.connect()
	<-opened
	a.wait()
	if got := a.detail.errText.Text; !strings.Contains(got, "No answer came back from the browser") || !strings.Contains(got, "Connect") {
		t.Fatalf("after the time ran out the pane says %q", got)
	}
}

// The status bar never goes on talking about a connection the person has
// moved away from.
func TestStatusBarForgetsTheConnectionLeftBehind(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"Vend A", "Vend B"} {
		f.add(t, auth.AddRequest{Name: name, Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "tok"})
	}
	f.reload()
	f.a.selectConnection("Vend A")
	f.a.say("Vend A: the provider refused it.")
	f.a.selectConnection("Vend A")
	if f.a.statusBar.Text == "" {
		t.Fatal("re-selecting the same connection cleared its message")
	}
	f.a.selectConnection("Vend B")
	if got := f.a.statusBar.Text; got != "" {
		t.Fatalf("with Vend B shown the status bar still says %q", got)
	}
}

// A new window's list holds this machine's connections before the window
// first shows (filled later, every row was laid out twice before the
// window settled); with a team store, the store's answer is not waited
// for, and the list is filled when it comes.
func TestTheListIsFilledBeforeTheWindowShows(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Secret: "tok",
		Params: map[string]string{"domain_prefix": "myshop"}})
	f.add(t, auth.AddRequest{Name: "reports", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "KEY-1"})
	a := New(test.NewTempApp(t), f.m)
	t.Cleanup(a.Stop)
	if got := names(a.list.visible); len(got) != 2 {
		t.Fatalf("New left the list %v: it is filled before the window shows", got)
	}

	v := vaultdev.Start(t)
	if _, err := f.m.SetTeamStore(context.Background(), auth.TeamSettings{Address: v.Addr, Token: v.Token}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Share(context.Background(), "shop"); err != nil {
		t.Fatal(err)
	}
	b := New(test.NewTempApp(t), f.m)
	t.Cleanup(b.Stop)
	b.wait()
	if got := names(b.list.visible); len(got) != 2 {
		t.Fatalf("with a team store the list shows %v once the store answered", got)
	}
	if c, _ := b.find("shop"); !c.Shared {
		t.Fatal("shop is not shown as shared")
	}
}
