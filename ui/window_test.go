package ui

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/auth/render"
	"authdeck/auth/secret"
	"authdeck/internal/standin"
)

// texts is every piece of text the window draws now, overlays (dialogs)
// included.
func texts(c fyne.Canvas) []string {
	var out []string
	roots := append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...)
	for _, r := range roots {
		for _, o := range test.LaidOutObjects(r) {
			if t, ok := o.(*canvas.Text); ok && strings.TrimSpace(t.Text) != "" {
				out = append(out, t.Text)
			}
		}
	}
	return out
}

// findIn is the visible object of type T that match accepts, in the
// window or its overlays, the topmost overlay first.
func findIn[T fyne.CanvasObject](t *testing.T, c fyne.Canvas, what string, match func(T) bool) T {
	t.Helper()
	roots := append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...)
	for i := len(roots) - 1; i >= 0; i-- {
		for _, o := range test.LaidOutObjects(roots[i]) {
			if x, ok := o.(T); ok && x.Visible() && match(x) {
				return x
			}
		}
	}
	t.Fatalf("no %s in the window", what)
	var none T
	return none
}

// findButton is the visible button labelled text.
func findButton(t *testing.T, c fyne.Canvas, text string) *widget.Button {
	t.Helper()
	o := findIn(t, c, "button "+text, func(o fyne.CanvasObject) bool {
		switch b := o.(type) {
		case *widget.Button:
			return b.Text == text
		case *keyButton:
			return b.Text == text
		}
		return false
	})
	if b, ok := o.(*keyButton); ok {
		return &b.Button
	}
	return o.(*widget.Button)
}

// findEntry is the visible field showing placeholder.
func findEntry(t *testing.T, c fyne.Canvas, placeholder string) *widget.Entry {
	t.Helper()
	o := findIn(t, c, "field "+placeholder, func(o fyne.CanvasObject) bool {
		switch e := o.(type) {
		case *widget.Entry:
			return e.PlaceHolder == placeholder
		case *keyEntry:
			return e.PlaceHolder == placeholder
		}
		return false
	})
	if e, ok := o.(*keyEntry); ok {
		return &e.Entry
	}
	return o.(*widget.Entry)
}

// Issue 14.1: both exports go through the real file dialog and are written.
func TestReportSavesThroughTheFileDialog(t *testing.T) {
	f := newFixture(t)
	home := t.TempDir()
	t.Setenv("HOME", home) // the dialog opens in the home folder
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", ExpiresAt: f.days(2),
		Owner: "=HYPERLINK(\"http://evil\")", Note: "@SUM(1)"})
	f.reload()
	f.a.win.Resize(fyne.NewSize(960, 640))
	f.a.showSupport()
	for _, ext := range []string{"CSV", "JSON"} {
		test.Tap(findButton(t, f.a.win.Canvas(), "Save as "+ext+"…"))
		test.Tap(findButton(t, f.a.win.Canvas(), "Save"))
		path := filepath.Join(home, "authdeck-expiry."+strings.ToLower(ext))
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (status bar: %q)", ext, err, f.a.statusBar.Text)
		}
		if want := "Saved the expiry report to " + path + "."; f.a.statusBar.Text != want {
			t.Errorf("status bar says %q, want %q", f.a.statusBar.Text, want)
		}
		if ext == "JSON" {
			var rows []reportRow
			if err := json.Unmarshal(data, &rows); err != nil || len(rows) != 1 || rows[0].WhatToDo == "" {
				t.Errorf("JSON report %s: %v", data, err)
			}
			continue
		}
		for _, cell := range []string{`"'=HYPERLINK(""http://evil"")"`, "'@SUM(1)"} {
			if !strings.Contains(string(data), cell) {
				t.Errorf("CSV report has no %s (formula not defused):\n%s", cell, data)
			}
		}
	}
}

func TestCSVCellsNeverStartAFormula(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+1": "'+1", "-2": "'-2", "@A1": "'@A1", "\tx": "'\tx", "\rx": "'\rx",
		"  =x": "'  =x", "shop": "shop", "": "", "a=b": "a=b",
	} {
		if got := render.CSVSafe(in); got != want {
			t.Errorf("render.CSVSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// cliWords are what only makes sense at a terminal.
var cliWords = regexp.MustCompile(`--|\bauthdeck [a-z]`)

// Issue 14.4: whatever goes wrong, the window speaks of its own fields and
// buttons, never of a flag or a command.
func TestWindowNeverShowsCommandLineWords(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Sandbox demo 2", Provider: "sandbox", Method: catalog.KindOAuth,
		Params: map[string]string{"port": standin.FreePort(t)}})
	f.add(t, auth.AddRequest{Name: "Old key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", ExpiresAt: f.days(-9)})
	f.reload()
	seen := map[string]bool{}
	look := func(step string) {
		for _, s := range append(texts(f.a.win.Canvas()), f.a.statusBar.Text) {
			if cliWords.MatchString(s) && !seen[s] {
				t.Errorf("after %s the window shows %q", step, s)
			}
			seen[s] = true
		}
	}
	f.a.selectConnection("Sandbox demo 2")
	test.Tap(f.a.detail.copyHeader) // not signed in
	f.a.wait()
	look("Copy header on a connection that is not signed in")
	if !strings.Contains(f.a.detail.errText.Text, "press Connect") && !strings.Contains(f.a.detail.errText.Text, "Press Connect") {
		t.Errorf("not signed in says %q", f.a.detail.errText.Text)
	}
	f.a.selectConnection("Old key")
	test.Tap(f.a.detail.replaceBtn)
	test.Tap(findButton(t, f.a.win.Canvas(), "Replace"))
	f.a.wait()
	look("Replace key with an empty key")
	findEntry(t, f.a.win.Canvas(), "Paste the new API key").SetText("k2")
	findEntry(t, f.a.win.Canvas(), "YYYY-MM-DD").SetText("next year")
	test.Tap(findButton(t, f.a.win.Canvas(), "Replace"))
	look("Replace key with a date that is not one")
	for _, err := range []error{
		&auth.Error{Remedy: auth.RemedyStartKeyring, Err: secret.ErrNotFound},
		&auth.Error{Input: auth.InputClientID, Remedy: auth.RemedyFixInput, Msg: "the client ID is empty"},
		&auth.Error{Remedy: auth.RemedyReplaceSecret, Msg: "the key was refused"},
		context.DeadlineExceeded,
	} {
		if s := plain(err); cliWords.MatchString(s) || s == "" {
			t.Errorf("plain(%v) = %q", err, s)
		}
	}
	if s := plain(&auth.Error{Remedy: auth.RemedyReplaceSecret, Msg: "the key was refused"}); !strings.Contains(s, "Replace key…") {
		t.Errorf("a refused key says %q", s)
	}
}

// Issue 14.8: a failed or cancelled sign-in leaves no "connected" in the
// status bar; the heading says "Not signed in" once; Connect is the
// highlighted button.
func TestNotSignedInReadsAndActsRight(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Sandbox demo", Provider: "sandbox", Method: catalog.KindOAuth,
		Params: map[string]string{"port": standin.FreePort(t)}})
	f.reload()
	f.a.say("Sandbox demo is connected.") // what an earlier sign-in said
	f.a.setBusy("Sandbox demo", true)     // a new one starts
	if f.a.statusBar.Text != "" {
		t.Errorf("while signing in again the status bar says %q", f.a.statusBar.Text)
	}
	f.a.setBusy("Sandbox demo", false)
	f.a.say("Sandbox demo is connected.")
	f.a.selectConnection("Sandbox demo")
	d := f.a.detail
	if d.status.Text != "Not signed in" {
		t.Errorf("heading reads %q", d.status.Text)
	}
	if d.connectBtn.Importance != widget.HighImportance || d.copyHeader.Importance == widget.HighImportance {
		t.Errorf("highlighted: Connect %v, Copy header %v", d.connectBtn.Importance, d.copyHeader.Importance)
	}
	test.Tap(d.copyHeader)
	f.a.wait()
	if strings.Contains(f.a.statusBar.Text, "is connected") || !strings.Contains(f.a.statusBar.Text, "not signed in") {
		t.Errorf("after a failed copy the status bar says %q", f.a.statusBar.Text)
	}
}

// Issue 14.10: at 800×600 the names come first; badges shrink.
func TestRowsShowWholeNamesAt800(t *testing.T) {
	f := newFixture(t)
	for _, n := range []string{"Sandbox demo", "Sandbox demo 2"} {
		f.add(t, auth.AddRequest{Name: n, Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", ExpiresAt: f.days(3)})
	}
	f.reload()
	f.a.win.Resize(fyne.NewSize(800, 600))
	for _, n := range []string{"Sandbox demo", "Sandbox demo 2"} {
		r := f.row(t, n)
		if w := r.title.Size().Width; w < textWidth(r.title) {
			t.Errorf("%s gets %.0f px of the %.0f it needs", n, w, textWidth(r.title))
		}
	}
	// A row as narrow as the list at 800×600 keeps the name whole: see
	// TestScreensRenderToMarkup (row_narrow.xml, row_wide.xml).
}

// Issue 14.12: a connection added from the command line (another Manager
// on the same folder) shows within a second or so.
func TestChangesFromTheCommandLineShowUp(t *testing.T) {
	f := newFixture(t)
	// The test driver runs fyne.Do on the calling goroutine: the test's
	// own goroutine does the reload the watch asks for.
	changed := make(chan struct{}, 16)
	f.a.folder = watchFolder(f.dir, func() { changed <- struct{}{} })
	if f.a.folder == nil {
		t.Fatal("no folder watch")
	}
	waitChange := func(what string) {
		select {
		case <-changed:
			f.reload()
		case <-time.After(20 * time.Second): // far beyond the second it takes
			t.Fatalf("the window never saw %s", what)
		}
	}
	other, err := auth.Open(auth.Options{ConfigDir: f.dir, Secrets: secret.NewMemory(), Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := other.Add(context.Background(), auth.AddRequest{Name: "From the CLI", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"}); err != nil {
		t.Fatal(err)
	}
	waitChange("the connection added elsewhere")
	if _, ok := f.a.find("From the CLI"); !ok {
		t.Fatal("reloaded, but the connection added elsewhere is not listed")
	}
	t.Logf("shown %v after the add", time.Since(start).Round(time.Millisecond))
	if err := other.Settings().SetExpiringWithin(30); err != nil {
		t.Fatal(err)
	}
	waitChange("the warning window set elsewhere")
	if f.a.within != 30*24*time.Hour {
		t.Errorf("warning window %v after it was set to 30 days elsewhere", f.a.within)
	}
}

// Issue 14.12: the detail pane follows search and filter.
func TestDetailFollowsSearch(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Alpha", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"})
	f.add(t, auth.AddRequest{Name: "Vend shop", Provider: "vend", Method: catalog.KindToken, Secret: "t",
		Params: map[string]string{"domain_prefix": "myshop"}})
	f.reload()
	f.a.selectConnection("Alpha")
	test.Type(f.a.list.search, "myshop") // the store domain is searched
	if names := names(f.a.list.visible); len(names) != 1 || names[0] != "Vend shop" {
		t.Fatalf("search for the store shows %v", names)
	}
	if f.a.detail.conn.Name != "Vend shop" || f.a.selected != "Vend shop" {
		t.Errorf("the detail pane shows %q while the search hides it", f.a.detail.conn.Name)
	}
	f.a.list.search.SetText("nothing like it")
	if f.a.detail.conn.Name != "" || f.a.detail.placeholder.Hidden {
		t.Errorf("with nothing shown the pane still shows %q", f.a.detail.conn.Name)
	}
	// A filter that hides the selected row among several others selects
	// none of them: the person did not choose any.
	f.add(t, auth.AddRequest{Name: "Beta", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"})
	f.add(t, auth.AddRequest{Name: "Pending", Provider: "sandbox", Method: catalog.KindOAuth})
	f.a.list.search.SetText("")
	f.reload()
	f.a.selectConnection("Pending")
	f.a.list.filter.SetSelected(statusWord(auth.StatusOK))
	if len(f.a.list.visible) < 2 || f.a.selected != "" || f.a.detail.conn.Name != "" {
		t.Errorf("the OK filter shows %v and selected %q (pane %q)", names(f.a.list.visible), f.a.selected, f.a.detail.conn.Name)
	}
}

// Issue 14.13: a date typed in the window means the end of that day.
func TestEditExpiryMeansTheEndOfTheDay(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", ExpiresAt: f.days(2)})
	f.reload()
	f.a.selectConnection("Key")
	f.a.detail.editExpiry()
	e := findEntry(t, f.a.win.Canvas(), "YYYY-MM-DD")
	e.SetText("2026-12-31")
	test.Tap(findButton(t, f.a.win.Canvas(), "Save"))
	f.a.wait()
	c, _ := f.m.Get("Key")
	want, _ := auth.ParseDate("2026-12-31", time.Local)
	if c.ExpiresAt == nil || !c.ExpiresAt.Equal(want) || c.ExpiresAt.In(time.Local).Hour() != 23 {
		t.Errorf("stored %v, want %v (end of that day)", c.ExpiresAt, want)
	}
}

// Issue 14.14: owner and note are edited in the pane and searched; an
// estimated expiry says so.
func TestOwnerNoteSearchAndEstimates(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"})
	f.reload()
	f.a.selectConnection("Key")
	d := f.a.detail
	if !strings.Contains(d.status.Text, "expires in about 365 days (estimate)") || !strings.Contains(d.expires.Text, "usual lifetime") {
		t.Errorf("an estimated expiry reads %q / %q", d.status.Text, d.expires.Text)
	}
	if !d.saveDetails.Disabled() {
		t.Error("Save is enabled before anything changed")
	}
	test.Type(d.owner, "Dana")
	test.Type(d.note, "nightly stock export")
	test.Tap(d.saveDetails)
	f.a.wait()
	if c, _ := f.m.Get("Key"); c.Owner != "Dana" || c.Note != "nightly stock export" {
		t.Errorf("stored owner %q note %q", c.Owner, c.Note)
	}
	for _, q := range []string{"dana", "stock export"} {
		f.a.list.search.SetText(q)
		if len(f.a.list.visible) != 1 {
			t.Errorf("search %q finds %v", q, names(f.a.list.visible))
		}
	}
	if r := f.row(t, "Key"); !strings.Contains(r.sub.Text, "Dana") {
		t.Errorf("the row does not name the owner: %q", r.sub.Text)
	}
}

// Issue 14.15: Replace key keeps the name and its details.
func TestReplaceKeyKeepsTheConnection(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "old", ExpiresAt: f.days(-3), Owner: "Dana"})
	f.reload()
	f.a.selectConnection("Key")
	d := f.a.detail
	if !d.replaceBtn.Visible() || !strings.Contains(d.advice.Text, "Replace key…") {
		t.Fatalf("an expired key offers no Replace key (advice %q)", d.advice.Text)
	}
	test.Tap(d.replaceBtn)
	findEntry(t, f.a.win.Canvas(), "Paste the new API key").SetText("new")
	findEntry(t, f.a.win.Canvas(), "YYYY-MM-DD").SetText("2027-01-31")
	test.Tap(findButton(t, f.a.win.Canvas(), "Replace"))
	f.a.wait()
	c, _ := f.m.Get("Key")
	cred, _ := f.m.Credential(context.Background(), "Key")
	if c.Owner != "Dana" || cred.Secret != "new" || c.ExpiresAt == nil || auth.FormatDate(*c.ExpiresAt, time.Local) != "2027-01-31" {
		t.Errorf("after Replace: owner %q secret %q expires %v", c.Owner, cred.Secret, c.ExpiresAt)
	}
	if f.a.detail.conn.Name != "Key" || f.a.statusOf(f.a.detail.conn, f.clock.Now()) != auth.StatusOK {
		t.Errorf("the pane shows %q in %s", f.a.detail.conn.Name, f.a.detail.conn.Status)
	}
}

// Issue 14.16: "Check failed" is its own filter choice; notifications at
// launch come as one, and not again after a restart.
func TestFilterWordsAndGroupedNotifications(t *testing.T) {
	opts := filterOptions()
	seen := map[string]bool{}
	for _, o := range opts {
		if seen[o] {
			t.Errorf("the filter lists %q twice: %v", o, opts)
		}
		seen[o] = true
	}
	if !seen["Check failed"] {
		t.Errorf("no Check failed in %v", opts)
	}
	f := newFixture(t)
	for i, n := range []string{"A", "B", "C"} {
		f.add(t, auth.AddRequest{Name: n, Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", ExpiresAt: f.days(float64(i + 2))})
	}
	test.AssertNotificationSent(t, &fyne.Notification{
		Title:   "3 connections expire this week",
		Content: "A, B and C. Open Authdeck to replace the keys or sign in again.",
	}, f.reload)
	a2 := New(f.a.fyne, f.m) // a restart
	t.Cleanup(a2.Stop)
	test.AssertNotificationSent(t, nil, a2.wait)
}

// Issue 15.3: copying an expired key says so; a key sent as a query
// parameter has buttons named for what they copy.
func TestCopyingAnExpiredQueryKey(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Old key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k9", ExpiresAt: f.days(-9)})
	f.reload()
	f.a.selectConnection("Old key")
	d := f.a.detail
	if d.copyHeader.Text != "Copy web address" || d.copyToken.Text != "Copy the api-key=… part" {
		t.Errorf("copy buttons read %q and %q", d.copyHeader.Text, d.copyToken.Text)
	}
	test.Tap(d.copyHeader)
	f.a.wait()
	if got := f.a.fyne.Clipboard().Content(); !strings.Contains(got, "api-key=k9") {
		t.Errorf("Copy URL copied %q", got)
	}
	want := "Old key expired 9 days ago (" + auth.FormatDate(*f.days(-9), time.Local) + "): the provider will probably refuse it; use Replace key…"
	if !strings.HasPrefix(f.a.statusBar.Text, want) {
		t.Errorf("status bar says %q, want it to start %q", f.a.statusBar.Text, want)
	}
}

// Issue 13.9: quitting clears a secret still on the clipboard, and only
// that.
func TestQuitClearsTheClipboard(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Secret: "tok-9",
		Params: map[string]string{"domain_prefix": "s"}})
	f.reload()
	f.a.selectConnection("shop")
	cb := f.a.fyne.Clipboard()
	f.a.detail.copyFormat(render.FormatToken)
	f.a.wait()
	if cb.Content() != "tok-9" {
		t.Fatalf("clipboard %q", cb.Content())
	}
	f.a.quit()
	if cb.Content() != "" {
		t.Errorf("after quit the clipboard holds %q", cb.Content())
	}
	f.a.detail.copyFormat(render.FormatToken)
	f.a.wait()
	cb.SetContent("the person's own text")
	f.a.quit()
	if cb.Content() != "the person's own text" {
		t.Errorf("quit cleared what the person copied: %q", cb.Content())
	}
}

// Ctrl+N and Ctrl+F hang on File menu items: a focused text field would
// swallow them otherwise (the window gives shortcuts to the focused widget
// before its own, but menu shortcuts before both).
func TestMenuCarriesTheShortcuts(t *testing.T) {
	f := newFixture(t)
	want := map[string]string{"Add connection…": "CustomDesktop:Control+N", "Search connections": "CustomDesktop:Control+F"}
	for _, item := range f.a.win.MainMenu().Items[0].Items {
		if keys, ok := want[item.Label]; ok {
			if item.Shortcut == nil || item.Shortcut.ShortcutName() != keys {
				t.Errorf("%s has shortcut %v, want %s", item.Label, item.Shortcut, keys)
			}
			delete(want, item.Label)
		}
	}
	if len(want) > 0 {
		t.Errorf("File menu lacks %v", want)
	}
}

// Settings shows the folder's warning window even when the command line
// set a number the list does not offer, and saves a choice there.
func TestSettingsShowTheFoldersWarningWindow(t *testing.T) {
	f := newFixture(t)
	if err := f.m.Settings().SetExpiringWithin(10); err != nil {
		t.Fatal(err)
	}
	f.a.showSettings()
	var pick *keySelect
	for _, o := range test.LaidOutObjects(f.a.win.Canvas().Overlays().Top()) {
		if s, ok := o.(*keySelect); ok {
			pick = s
		}
	}
	if pick == nil || pick.Selected != "10 days before" {
		t.Fatalf("Settings shows %v", pick)
	}
	pick.SetSelected("3 days before")
	test.Tap(findButton(t, f.a.win.Canvas(), "Save"))
	if got := f.m.Settings().ExpiringDays(); got != 3 || f.a.within != 3*24*time.Hour {
		t.Errorf("saved %d days, window uses %v", got, f.a.within)
	}
}

// Issue 16.5: only App's methods write the selection and the busy set.
func TestOnlyAppWritesSelectionAndBusy(t *testing.T) {
	writes := regexp.MustCompile(`\.(selected\s*=[^=]|busy\[[^\]]*\]\s*=[^=])|delete\(\w+\.a\.busy`)
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if name == "app.go" || strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if writes.MatchString(line) && !strings.Contains(line, "l.selecting") {
				t.Errorf("%s:%d writes App state directly: %s", name, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// Replace key… with the date left empty does not drop the expiry the
// person set for the old key without a word: it asks once, and a second
// Replace means it.
func TestReplaceKeyAsksBeforeDroppingTheExpiry(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Secret: "old", ExpiresAt: f.days(30),
		Params: map[string]string{"domain_prefix": "shop"}})
	f.reload()
	f.a.selectConnection("shop")
	test.Tap(f.a.detail.replaceBtn)
	c := f.a.win.Canvas()
	findEntry(t, c, "Paste the new personal token").SetText("new")
	test.Tap(findButton(t, c, "Replace"))
	f.a.wait()
	if got, _ := f.m.Get("shop"); !hasOverlay(f) || got.ExpiresAt == nil || !strings.Contains(strings.Join(texts(c), " "), "The old key's last day was") {
		t.Fatalf("an empty date replaced at once: open %v, expires %v", hasOverlay(f), got.ExpiresAt)
	}
	test.Tap(findButton(t, c, "Replace"))
	f.a.wait()
	if got, _ := f.m.Get("shop"); hasOverlay(f) || got.ExpiresAt != nil {
		t.Fatalf("the second Replace: open %v, expires %v", hasOverlay(f), got.ExpiresAt)
	}
}

// Escape with the calendar open closes the calendar, not the dialog with a
// pasted token under it.
func TestEscapeClosesOnlyTheCalendar(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "old"})
	f.reload()
	f.a.selectConnection("Key")
	test.Tap(f.a.detail.replaceBtn)
	c := f.a.win.Canvas()
	token := findEntry(t, c, "Paste the new API key")
	token.SetText("pasted")
	c.Focus(token)
	test.Tap(calendarButton(t, c))
	if !slices.Contains(texts(c), f.clock.Now().Format("January 2006")) {
		t.Fatalf("no calendar: %q", texts(c))
	}
	press(f, fyne.KeyEscape)
	if slices.Contains(texts(c), f.clock.Now().Format("January 2006")) || !hasOverlay(f) || findEntry(t, c, "Paste the new API key").Text != "pasted" {
		t.Fatalf("after Escape: %q (dialog open %v)", texts(c), hasOverlay(f))
	}
	press(f, fyne.KeyEscape)
	if hasOverlay(f) {
		t.Error("a second Escape does not close the dialog")
	}
}
