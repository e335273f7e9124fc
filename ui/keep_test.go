package ui

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/auth/render"
)

// findKeyButton is the visible keyboard-aware button labelled text (the
// questions' and the wizard's).
func findKeyButton(t *testing.T, c fyne.Canvas, text string) *keyButton {
	t.Helper()
	return findIn(t, c, "button "+text, func(b *keyButton) bool { return b.Text == text })
}

// hasOverlay says whether a dialog is open.
func hasOverlay(f *fixture) bool { return f.a.win.Canvas().Overlays().Top() != nil }

// press sends a key to whatever has the focus, else to the window.
func press(f *fixture, name fyne.KeyName) {
	c := f.a.win.Canvas()
	ev := &fyne.KeyEvent{Name: name}
	if foc := c.Focused(); foc != nil {
		foc.TypedKey(ev)
		return
	}
	if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
}

func detailsOf(t *testing.T, f *fixture, name string) auth.Details {
	t.Helper()
	c, err := f.m.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return auth.Details{Owner: c.Owner, Note: c.Note}
}

// Issue 21.1: a field not edited follows a change made on the command line;
// saving does not write the old owner back; an edited field changed
// elsewhere asks which to keep, and nothing is overwritten until answered.
func TestOwnerChangedOutsideIsNeverUndone(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Winery A", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", Owner: "Dana", Note: "old"})
	f.reload()
	f.a.selectConnection("Winery A")
	d := f.a.detail
	d.note.SetText("for the cellar door")
	// authdeck details 'Winery A' --owner 'Priya (IT)'
	outside := func(owner string) {
		was := detailsOf(t, f, "Winery A")
		if _, err := f.m.SetDetails(context.Background(), "Winery A", was, auth.Details{Owner: owner, Note: was.Note}); err != nil {
			t.Fatal(err)
		}
		f.reload()
	}
	outside("Priya (IT)")
	if d.owner.Text != "Priya (IT)" || d.note.Text != "for the cellar door" {
		t.Fatalf("after the outside change the pane shows owner %q, note %q", d.owner.Text, d.note.Text)
	}
	test.Tap(d.saveDetails)
	f.a.wait()
	if got := detailsOf(t, f, "Winery A"); got.Owner != "Priya (IT)" || got.Note != "for the cellar door" {
		t.Fatalf("saved %+v: the outside owner was undone or the note lost", got)
	}
	// Now both sides edit the owner.
	d.owner.SetText("Ben")
	outside("Sam")
	if d.owner.Text != "Ben" {
		t.Fatalf("typed owner replaced by %q", d.owner.Text)
	}
	test.Tap(d.saveDetails)
	f.a.wait()
	if got := detailsOf(t, f, "Winery A"); got.Owner != "Sam" {
		t.Fatalf("conflict overwrote the outside owner: %+v", got)
	}
	if !hasOverlay(f) || !strings.Contains(strings.Join(texts(f.a.win.Canvas()), " "), "Changed somewhere else") {
		t.Fatalf("no question about the conflict: %v", texts(f.a.win.Canvas()))
	}
	// Escape answers neither: nothing is written and the typed owner
	// stays in its field (it used to mean "Use theirs" and threw it away).
	press(f, fyne.KeyEscape)
	f.a.wait()
	if got := detailsOf(t, f, "Winery A"); hasOverlay(f) || got.Owner != "Sam" || d.owner.Text != "Ben" {
		t.Fatalf("after Escape: open %v, stored %+v, field %q", hasOverlay(f), got, d.owner.Text)
	}
	test.Tap(d.saveDetails)
	f.a.wait()
	test.Tap(&findKeyButton(t, f.a.win.Canvas(), "Keep mine").Button)
	f.a.wait()
	if got := detailsOf(t, f, "Winery A"); got.Owner != "Ben" {
		t.Fatalf("Keep mine stored %+v", got)
	}
	if d.saveDetails.Disabled() == false {
		t.Error("after saving, the save button still says there is something to save")
	}
}

// Issue 21.2: Enter saves the owner; selecting another row saves what was
// typed instead of dropping it.
func TestTypedOwnerAndNoteAreNeverLost(t *testing.T) {
	f := newFixture(t)
	for _, n := range []string{"Alpha", "Beta"} {
		f.add(t, auth.AddRequest{Name: n, Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"})
	}
	f.reload()
	f.a.selectConnection("Alpha")
	d := f.a.detail
	f.a.win.Canvas().Focus(d.owner)
	test.Type(d.owner, "Dana")
	press(f, fyne.KeyReturn)
	f.a.wait()
	if got := detailsOf(t, f, "Alpha"); got.Owner != "Dana" {
		t.Fatalf("Enter did not save the owner: %+v", got)
	}
	d.note.SetText("the nightly export")
	f.a.selectConnection("Beta")
	f.a.wait()
	if got := detailsOf(t, f, "Alpha"); got.Note != "the nightly export" {
		t.Fatalf("the note typed for Alpha was lost on leaving the row: %+v", got)
	}
	if d.owner.Text != "" || d.note.Text != "" {
		t.Errorf("Beta's fields show %q / %q", d.owner.Text, d.note.Text)
	}
}

// Issue 21.6: the Remove question answers Escape (keep) and Enter (remove).
func TestRemoveQuestionAnswersTheKeyboard(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"})
	f.reload()
	f.a.selectConnection("Key")
	test.Tap(f.a.detail.removeBtn)
	press(f, fyne.KeyEscape)
	f.a.wait()
	if _, err := f.m.Get("Key"); err != nil || hasOverlay(f) {
		t.Fatalf("Escape removed it (%v) or left the question open (%v)", err, hasOverlay(f))
	}
	test.Tap(f.a.detail.removeBtn)
	press(f, fyne.KeyReturn)
	f.a.wait()
	if _, err := f.m.Get("Key"); err == nil {
		t.Fatal("Enter on the Remove question did not remove")
	}
}

// Issue 21.7: a selected row that stops matching the filter because it
// changed stays selected and shown, with a note, until the person moves on.
func TestRowThatStopsMatchingStaysPinned(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Alpha", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", ExpiresAt: f.days(90)})
	f.add(t, auth.AddRequest{Name: "Beta", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", ExpiresAt: f.days(80)})
	f.reload()
	f.a.list.filter.SetSelected(statusWord(auth.StatusOK))
	f.a.selectConnection("Alpha")
	// Changed elsewhere: it has expired.
	if _, err := f.m.SetExpiry(context.Background(), "Alpha", f.days(-1)); err != nil {
		t.Fatal(err)
	}
	f.reload()
	if f.a.selected != "Alpha" || !f.a.list.shows("Alpha") || f.a.list.pinNote.Hidden {
		t.Fatalf("selection %q, shown %v, note hidden %v", f.a.selected, names(f.a.list.visible), f.a.list.pinNote.Hidden)
	}
	f.a.selectConnection("Beta")
	if f.a.list.shows("Alpha") || !f.a.list.pinNote.Hidden {
		t.Errorf("after moving on, the pinned row stays: %v", names(f.a.list.visible))
	}
}

// Issue 22: the tray's Copy is the detail pane's: a query-parameter
// credential copies its URL, the row is busy meanwhile, an expired one
// says so.
func TestTrayCopyIsTheDetailPanesCopy(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Old key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k9", ExpiresAt: f.days(-9)})
	f.reload()
	f.a.tray = &tray{a: f.a}
	if got := f.a.tray.copyLabel(0); got != "Copy web address" {
		t.Errorf("tray item reads %q", got)
	}
	// It waits its turn like the pane's buttons: nothing while busy.
	f.a.setBusy("Old key", true)
	f.a.copyPrimary("Old key")
	f.a.wait()
	if got := f.a.fyne.Clipboard().Content(); got != "" {
		t.Errorf("copied %q while another action held the row", got)
	}
	f.a.setBusy("Old key", false)
	f.a.copyPrimary("Old key")
	f.a.wait()
	if got := f.a.fyne.Clipboard().Content(); !strings.Contains(got, "api-key=k9") {
		t.Errorf("tray copied %q", got)
	}
	if !strings.Contains(f.a.statusBar.Text, "expired 9 days ago") {
		t.Errorf("no expired warning: %q", f.a.statusBar.Text)
	}
}

// Issue 22: Stop joins the goroutines Start began (the 1-second tick and
// the refresh loop), so no job is added while Stop waits.
func TestStopJoinsTheLoops(t *testing.T) {
	for range 3 {
		f := newFixture(t)
		f.a.Start()
		f.a.Stop()
		// A joined loop has called Done and only its return is left, which
		// a busy machine may not have scheduled yet; a loop that was never
		// joined keeps running. So look again for a while before failing.
		for _, loop := range []string{"ui.(*App).Start.func", "ui.(*expiryWatch).start.func"} {
			if stillRuns(loop, 5*time.Second) {
				t.Fatalf("%s still runs after Stop", loop)
			}
		}
	}
}

// stillRuns says whether a goroutine running fn is still there after wait.
func stillRuns(fn string, wait time.Duration) bool {
	buf := make([]byte, 1<<20)
	for end := time.Now().Add(wait); ; time.Sleep(10 * time.Millisecond) {
		if !strings.Contains(string(buf[:runtime.Stack(buf, true)]), fn) {
			return false
		}
		if time.Now().After(end) {
			return true
		}
	}
}

// countingCtx counts the contexts made under it that are still alive.
type countingCtx struct {
	context.Context
	mu   sync.Mutex
	live int
}

func (c *countingCtx) AfterFunc(func()) func() bool {
	c.mu.Lock()
	c.live++
	c.mu.Unlock()
	return func() bool {
		c.mu.Lock()
		c.live--
		c.mu.Unlock()
		return true
	}
}

// Issue 22: an action with a time limit leaves no context behind.
func TestActionWithALimitLeavesNoContext(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"})
	f.reload()
	f.a.selectConnection("Key")
	base := &countingCtx{Context: context.Background()}
	f.a.base = base
	runActionWithin(f.a.detail, "Working…", time.Minute, func(ctx context.Context, name string) (struct{}, error) {
		return struct{}{}, nil
	}, func(struct{}) {})
	f.a.wait()
	base.mu.Lock()
	defer base.mu.Unlock()
	if base.live != 0 {
		t.Errorf("%d context(s) left alive after the action ended", base.live)
	}
}

// problemShown is the visible problem under a form dialog's fields.
func problemShown(f *fixture) string {
	var out []string
	for _, o := range test.LaidOutObjects(f.a.win.Canvas().Overlays().Top()) {
		if l, ok := o.(*widget.Label); ok && l.Visible() && l.Importance == widget.DangerImportance && l.Text != "" {
			out = append(out, l.Text)
		}
	}
	return strings.Join(out, " ")
}

// Issue 21.3 and 21.9: a date that is not one, an impossible day, an empty
// key keep the dialog open with the text and say what to type; a date in
// the past is asked about once.
func TestDialogsStayOpenOnBadInput(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", ExpiresAt: f.days(20)})
	f.reload()
	f.a.selectConnection("Key")
	test.Tap(f.a.detail.expiryBtn)
	date := findEntry(t, f.a.win.Canvas(), "YYYY-MM-DD")
	for _, tc := range [][2]string{
		{"7 Dec 2026", "Write the date as year-month-day"},
		{"2026-02-30", "There is no day 2026-02-30"},
		{"2025-06-01", "Did you mean 2026-06-01?"}, // last: Save again keeps it
	} {
		typed, want := tc[0], tc[1]
		date.SetText(typed)
		test.Tap(findButton(t, f.a.win.Canvas(), "Save"))
		f.a.wait()
		if !hasOverlay(f) || date.Text != typed || !strings.Contains(problemShown(f), want) || date.Validate() == nil {
			t.Fatalf("%q: open %v, text %q, problem %q, marked %v", typed, hasOverlay(f), date.Text, problemShown(f), date.Validate() != nil)
		}
	}
	if c, _ := f.m.Get("Key"); !c.ExpiresAt.Equal(*f.days(20)) {
		t.Fatal("a refused date was saved")
	}
	test.Tap(findButton(t, f.a.win.Canvas(), "Save")) // again: yes, 2025-06-01
	f.a.wait()
	if c, _ := f.m.Get("Key"); hasOverlay(f) || auth.FormatDate(*c.ExpiresAt, time.Local) != "2025-06-01" {
		t.Fatalf("the confirmed past date was not saved: %v", c.ExpiresAt)
	}
	test.Tap(f.a.detail.replaceBtn)
	test.Tap(findButton(t, f.a.win.Canvas(), "Replace"))
	f.a.wait()
	if !hasOverlay(f) || !strings.Contains(problemShown(f), "Paste the new API key here") {
		t.Fatalf("an empty key: open %v, problem %q", hasOverlay(f), problemShown(f))
	}
	press(f, fyne.KeyEscape)
	if hasOverlay(f) {
		t.Error("Escape left the Replace key dialog open")
	}
}

// Issue 21.10: Rename in the window keeps the secret and selects the new
// name; a case twin is refused in the dialog.
func TestRenameInTheWindow(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Sandbox demo", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k1", Owner: "Dana"})
	f.add(t, auth.AddRequest{Name: "Other", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k2"})
	f.reload()
	f.a.selectConnection("Sandbox demo")
	test.Tap(f.a.detail.renameBtn)
	name := findEntry(t, f.a.win.Canvas(), "")
	name.SetText("other")
	test.Tap(findButton(t, f.a.win.Canvas(), "Rename"))
	f.a.wait()
	if !hasOverlay(f) || !strings.Contains(problemShown(f), "capitals") {
		t.Fatalf("case twin: open %v, problem %q", hasOverlay(f), problemShown(f))
	}
	name.SetText("Training sandbox")
	test.Tap(findButton(t, f.a.win.Canvas(), "Rename"))
	f.a.wait()
	cred, err := f.m.Credential(context.Background(), "Training sandbox")
	if err != nil || cred.Secret != "k1" || cred.Connection.Owner != "Dana" || f.a.selected != "Training sandbox" {
		t.Fatalf("after rename: %v %+v, selected %q", err, cred.Connection, f.a.selected)
	}
}

// Issue 21.6: Escape clears the search; the report closes on Escape.
func TestEscapeClearsSearchAndClosesTheReport(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"})
	f.reload()
	f.a.win.Canvas().Focus(f.a.list.search)
	test.Type(f.a.list.search, "nothing")
	press(f, fyne.KeyEscape)
	if f.a.list.search.Text != "" || len(f.a.list.visible) != 1 {
		t.Fatalf("search after Escape %q", f.a.list.search.Text)
	}
	f.a.win.Canvas().Unfocus()
	f.a.showSupport()
	press(f, fyne.KeyEscape)
	if hasOverlay(f) {
		t.Fatal("Escape left the report open")
	}
}

// Issue 21.12: the count under the list, the report following the search
// and filter, grouped by owner, and the status bar naming a change made
// outside the window.
func TestSupportDeskSeesItsDesk(t *testing.T) {
	f := newFixture(t)
	for i, owner := range []string{"Dana", "Priya", "Dana"} {
		f.add(t, auth.AddRequest{Name: fmt.Sprintf("Winery %c", 'A'+i), Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k",
			Owner: owner, ExpiresAt: f.days(float64(2 + 30*i))})
	}
	f.reload()
	if got := f.a.list.count.Text; got != "1 of 3 need attention" {
		t.Errorf("count %q", got)
	}
	test.Type(f.a.list.search, "Dana")
	if got := f.a.list.count.Text; got != "1 of 3 need attention · showing 2" {
		t.Errorf("count while searching %q", got)
	}
	f.a.showSupport()
	report := strings.Join(texts(f.a.win.Canvas()), "\n")
	if strings.Contains(report, "Winery B") || !strings.Contains(report, "Winery C") || !strings.Contains(report, "The 2 of 3 connections") {
		t.Errorf("the report does not follow the search:\n%s", report)
	}
	press(f, fyne.KeyEscape)
	if txt := reportByOwner(f.a.conns, f.clock.Now(), f.a.within); !strings.Contains(txt, "── Dana: 1 of 2 need attention") || !strings.Contains(txt, "── Priya: All 1 connections OK") && !strings.Contains(txt, "── Priya: The connection is OK") {
		t.Errorf("grouped by owner:\n%s", txt)
	}
	old := f.a.conns
	if _, err := f.m.SetExpiry(context.Background(), "Winery A", f.days(40)); err != nil {
		t.Fatal(err)
	}
	if got := outsideChange(old, mustList(t, f), f.a.isBusy); got != "Winery A: expiry changed outside this window." {
		t.Errorf("status bar would say %q", got)
	}
	// A connection this window is signing in (the wizard added it) is not
	// news from outside.
	f.a.setBusy("Winery A", true)
	if got := outsideChange(old, mustList(t, f), f.a.ours); got != "" {
		t.Errorf("the window's own sign-in is said to come from outside: %q", got)
	}
	f.a.setBusy("Winery A", false)
	// Nor is the folder watcher's echo of a write this window just made
	// (the real-window walk caught "key replaced" overwritten by "expiry
	// and sign-in changed outside this window").
	if got := outsideChange(old, mustList(t, f), f.a.ours); got != "" {
		t.Errorf("the echo of the window's own write is said to come from outside: %q", got)
	}
	if got := outsideChange(old, mustList(t, f), f.a.isBusy); got == "" {
		t.Error("the test cannot tell an echo from news")
	}
}

// Replace key…, Edit expiry and Rename… mark the row as this window's
// while they write, so the watcher's echo of the write is not news.
func TestOwnEditsAreNotNewsFromOutside(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Old key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k1"})
	f.reload()
	f.a.selectConnection("Old key")
	old := f.a.conns
	test.Tap(f.a.detail.replaceBtn)
	findEntry(t, f.a.win.Canvas(), "Paste the new API key").SetText("k2")
	test.Tap(findButton(t, f.a.win.Canvas(), "Replace"))
	f.a.wait()
	if got := outsideChange(old, mustList(t, f), f.a.ours); got != "" {
		t.Errorf("the window's own replace is said to come from outside: %q", got)
	}
	if !strings.Contains(f.a.statusBar.Text, "key replaced") {
		t.Errorf("status bar %q", f.a.statusBar.Text)
	}

	// Rename… takes the old name away: that is this window's doing too
	// (the walk saw "Old key was removed outside this window"), and so is
	// Remove.
	old = mustList(t, f)
	test.Tap(f.a.detail.renameBtn)
	findEntry(t, f.a.win.Canvas(), "").SetText("New key")
	test.Tap(findButton(t, f.a.win.Canvas(), "Rename"))
	f.a.wait()
	if _, err := f.m.Get("New key"); err != nil {
		t.Fatalf("the rename did not happen: %v", err)
	}
	if got := outsideChange(old, mustList(t, f), f.a.ours); got != "" {
		t.Errorf("the window's own rename is said to come from outside: %q", got)
	}
	if got := outsideChange(old, mustList(t, f), func(string) bool { return false }); got == "" {
		t.Errorf("the test cannot tell a rename from news: %q", got)
	}
}

func mustList(t *testing.T, f *fixture) []auth.Connection {
	t.Helper()
	cs, err := f.m.List()
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// Issue 21.5: Tab through the wizard's fields in a small window: each
// field the focus reaches is scrolled into view; secret fields hide what
// is typed.
func TestWizardScrollsTheFocusedFieldIntoView(t *testing.T) {
	f := newFixture(t)
	f.a.win.Resize(fyne.NewSize(500, 400))
	f.a.showWizard("vinsight", catalog.KindAPIKey)
	w := f.a.wizard
	c := f.a.win.Canvas()
	seen := 0
	for range 12 {
		c.FocusNext()
		if e, ok := c.Focused().(*keyEntry); ok && e.Visible() {
			seen++
			inView(t, w, e)
		}
	}
	if seen < 2 {
		t.Fatalf("Tab reached %d fields", seen)
	}
	for _, e := range w.entries {
		if strings.Contains(strings.ToLower(e.PlaceHolder), "key") && strings.Contains(e.PlaceHolder, "Paste") && !e.Password {
			t.Errorf("the field %q shows a secret as typed", e.PlaceHolder)
		}
	}
	if !strings.HasPrefix(w.stepNo.Text, "Step 3 of 4") {
		t.Errorf("step reads %q", w.stepNo.Text)
	}
}

// Issue 21.8: with a detail pane showing the longest labels, the window
// can still be made 800×600 and 500×400 (its least size fits both), and
// no smaller than minWindow.
func TestWindowFitsSmallScreens(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Vinsight winery with a long name", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", ExpiresAt: f.days(3)})
	f.reload()
	f.a.selectConnection("Vinsight winery with a long name")
	for _, size := range []fyne.Size{fyne.NewSize(800, 600), fyne.NewSize(500, 400)} {
		f.a.win.Resize(size)
		least := f.a.win.Content().MinSize()
		if least.Width > size.Width || least.Height > size.Height {
			t.Errorf("at %v the window cannot be smaller than %v", size, least)
		}
		if least.Width < minWindow.Width || least.Height < minWindow.Height {
			t.Errorf("least size %v is below the minimum %v", least, minWindow)
		}
	}
}

// Issue 21.8: in a narrow list (a 500×400 window) a row draws nothing over
// anything: the countdown steps aside, the status word keeps its place.
func TestNarrowRowsDoNotOverlap(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Demo token revoked", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", ExpiresAt: f.days(-3)})
	f.reload()
	r := newConnectionRow()
	c := f.a.conns[0]
	r.set(c, f.a.list.stateOf(c, f.clock.Now()))
	test.NewTempWindow(t, r)
	r.Resize(fyne.NewSize(160, 70))
	r.box.Layout.Layout(r.box.Objects, r.box.Size())
	if r.countdown.Visible() {
		t.Error("the countdown is drawn in a row too narrow for it beside the name")
	}
	if end := r.title.Position().X + r.title.Size().Width; end > 160 {
		t.Errorf("the name reaches %v in a 160 wide row", end)
	}
	if r.sub.Position().X+r.sub.Size().Width > r.word.Position().X+0.5 {
		t.Errorf("the second line runs into the status word: %v+%v > %v", r.sub.Position().X, r.sub.Size().Width, r.word.Position().X)
	}
}

// Quitting with typed owner or note that can no longer be saved (changed
// somewhere else meanwhile) asks first; Stay (and Escape) keeps the
// window and the typing, "Quit without saving" leaves the other change
// alone. The walk lost its note this way without a word.
func TestQuitNeverLosesTypingSilently(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Winery A", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", Note: "old"})
	f.reload()
	f.a.selectConnection("Winery A")
	d := f.a.detail
	d.note.SetText("typed before quitting")
	// authdeck details 'Winery A' --note 'from the command line'
	if _, err := f.m.SetDetails(context.Background(), "Winery A", auth.Details{Note: "old"}, auth.Details{Note: "from the command line"}); err != nil {
		t.Fatal(err)
	}
	f.a.closeWindow()
	said := strings.Join(texts(f.a.win.Canvas()), " ")
	if !strings.Contains(said, "Quit without saving?") || !strings.Contains(said, "changed somewhere else") {
		t.Fatalf("quitting asked nothing: %s", said)
	}
	press(f, fyne.KeyEscape)
	if hasOverlay(f) || d.note.Text != "typed before quitting" {
		t.Fatalf("after Escape: open %v, note %q", hasOverlay(f), d.note.Text)
	}
	f.a.closeWindow()
	test.Tap(&findKeyButton(t, f.a.win.Canvas(), "Quit without saving").Button)
	if got := detailsOf(t, f, "Winery A"); hasOverlay(f) || got.Note != "from the command line" {
		t.Fatalf("quitting without saving: open %v, stored %+v", hasOverlay(f), got)
	}
	// With nothing in the way, quitting saves what was typed.
	d.base = detailsOf(t, f, "Winery A")
	d.note.SetText("saved on the way out")
	f.a.closeWindow()
	if got := detailsOf(t, f, "Winery A"); hasOverlay(f) || got.Note != "saved on the way out" {
		t.Fatalf("a plain quit: open %v, stored %+v", hasOverlay(f), got)
	}
}

// The note leaves Tab to move the focus (a multi-line field would type it).
func TestTabLeavesTheNote(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"})
	f.reload()
	f.a.selectConnection("Key")
	var tabbable fyne.Tabbable = f.a.detail.note
	if tabbable.AcceptsTab() {
		t.Fatal("the note takes Tab: the keyboard cannot leave it")
	}
	if !f.a.detail.note.MultiLine {
		t.Fatal("the note is one line")
	}
}

// File › Quit answers Ctrl+Q, from anywhere in the window.
func TestQuitHasItsShortcut(t *testing.T) {
	f := newFixture(t)
	for _, m := range f.a.mainMenu().Items {
		for _, it := range m.Items {
			if it.IsQuit {
				if sc, ok := it.Shortcut.(*desktop.CustomShortcut); !ok || sc.KeyName != fyne.KeyQ {
					t.Fatalf("Quit's shortcut is %v", it.Shortcut)
				}
				return
			}
		}
	}
	t.Fatal("no Quit in the menu")
}

// A wheel notch over the list moves it about a row (three times Fyne's
// 25 px), not a third of one.
func TestListWheelMovesARowANotch(t *testing.T) {
	f := newFixture(t)
	for i := range 30 {
		f.add(t, auth.AddRequest{Name: fmt.Sprintf("Key %d", i), Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"})
	}
	f.reload()
	f.a.win.Resize(fyne.NewSize(1000, 700))
	layer := findIn(t, f.a.win.Canvas(), "the list's wheel layer", func(*wheelLayer) bool { return true })
	before := f.a.list.list.GetScrollOffset()
	layer.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, -25)}) // one notch down, as GLFW sends it
	if moved := f.a.list.list.GetScrollOffset() - before; moved != 75 {
		t.Fatalf("a notch moved the list %v px, want 75", moved)
	}
}

// The detail pane moves under the wheel wherever the pointer rests, the
// Owner field included (a one-line field kept the notch for itself); the
// note grows with its lines instead of scrolling inside itself.
func TestDetailPaneWheelAndGrowingNote(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"})
	f.reload()
	f.a.win.Resize(fyne.NewSize(800, 420)) // small enough that the pane scrolls
	f.a.selectConnection("Key")
	d := f.a.detail
	c := f.a.win.Canvas()
	scroll := findIn(t, c, "the detail pane's scroll", func(s *container.Scroll) bool {
		return s.Direction == container.ScrollVerticalOnly && s.Content != nil && s.Content.MinSize().Height > s.Size().Height
	})
	drv := fyne.CurrentApp().Driver()
	// Bring the Owner field into view first, with room below to move.
	scroll.ScrollToOffset(fyne.NewPos(0, drv.AbsolutePositionForObject(d.owner).Y-drv.AbsolutePositionForObject(scroll).Y-scroll.Size().Height/2))
	middle := drv.AbsolutePositionForObject(d.owner).Add(fyne.NewPos(d.owner.Size().Width/2, d.owner.Size().Height/2))
	before := scroll.Offset.Y
	test.Scroll(c, middle, 0, -25)
	if moved := scroll.Offset.Y - before; moved <= 0 {
		t.Fatalf("a notch over the Owner field moved the pane %v px", moved)
	}
	rows := func() int { return int(d.note.MinSize().Height) }
	two := rows()
	d.note.SetText("one\ntwo\nthree\nfour\nfive")
	if rows() <= two {
		t.Errorf("a five-line note is no taller than a two-line one (%d px)", rows())
	}
}

// Selecting another connection shows its detail from the top.
func TestAnotherConnectionIsReadFromTheTop(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "A", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"})
	f.add(t, auth.AddRequest{Name: "B", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"})
	f.reload()
	f.a.win.Resize(fyne.NewSize(800, 420))
	f.a.selectConnection("A")
	s := findIn(t, f.a.win.Canvas(), "the detail pane's scroll", func(s *container.Scroll) bool { return s == f.a.detail.scroll })
	s.ScrollToBottom()
	if s.Offset.Y == 0 {
		t.Fatal("the pane does not scroll at this size: the test cannot tell")
	}
	f.a.selectConnection("B")
	if s.Offset.Y != 0 {
		t.Errorf("B's detail opens scrolled to %v", s.Offset.Y)
	}
}

// The format picker offers only what the credential can take.
func TestFormatPickerOffersWhatTheCredentialTakes(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Query key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"})
	f.add(t, auth.AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Secret: "t", Params: map[string]string{"domain_prefix": "s"}})
	f.reload()
	f.a.selectConnection("Query key")
	opts := f.a.detail.format.Options
	if slices.Contains(opts, formatNames[render.FormatHeader]) || !slices.Contains(opts, formatNames[render.FormatURL]) {
		t.Errorf("a key in the address is offered %q", opts)
	}
	f.a.selectConnection("shop")
	opts = f.a.detail.format.Options
	if !slices.Contains(opts, formatNames[render.FormatHeader]) || slices.Contains(opts, formatNames[render.FormatURL]) {
		t.Errorf("a header token is offered %q", opts)
	}
}

// A refresh round that renews nothing does not read and redraw the list
// again (at start it was a second redraw of every row).
func TestARoundThatRenewsNothingRedrawsNothing(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"})
	f.reload()
	before := &f.a.conns[0]
	f.a.watcher.round(context.Background())
	f.a.wait()
	f.a.wait()
	if &f.a.conns[0] != before {
		t.Error("a round with nothing to renew loaded the list again")
	}
	f.a.reload()
	f.a.wait()
	if &f.a.conns[0] == before {
		t.Fatal("the test cannot tell a reload")
	}
}
