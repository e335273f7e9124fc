package ui

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/auth/secret"
	"authdeck/internal/standin"
)

// The window actions of issue 21.10, driven as a person drives them: the
// buttons are found by their words and tapped.

// calendarButton is the date field's own button: the calendar icon, no
// words.
func calendarButton(t *testing.T, c fyne.Canvas) *widget.Button {
	t.Helper()
	return findIn(t, c, "calendar button beside the date", func(b *widget.Button) bool {
		return b.Text == "" && b.Icon != nil && b.Icon.Name() == theme.CalendarIcon().Name()
	})
}

// iconButton is the visible button with no words and the icon named like
// icon (the calendar's month arrows).
func iconButton(t *testing.T, c fyne.Canvas, icon fyne.Resource) *widget.Button {
	t.Helper()
	return findIn(t, c, "button "+icon.Name(), func(b *widget.Button) bool {
		return b.Text == "" && b.Icon != nil && b.Icon.Name() == icon.Name()
	})
}

// Edit expiry offers a calendar: the button beside the date opens it at
// the date shown, a day picked fills the field, and Save stores that day.
func TestEditExpiryDateIsPickedFromACalendar(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", ExpiresAt: f.days(2)})
	f.reload()
	f.a.selectConnection("Key")
	c := f.a.win.Canvas()
	test.Tap(findButton(t, c, "Edit expiry"))
	field := findEntry(t, c, "YYYY-MM-DD")
	if field.Text != "2026-03-03" {
		t.Fatalf("the field shows %q, want the stored expiry 2026-03-03", field.Text)
	}
	test.Tap(calendarButton(t, c))
	if !slices.Contains(texts(c), "March 2026") {
		t.Fatalf("the calendar does not open at the date shown: %q", texts(c))
	}
	test.Tap(iconButton(t, c, theme.NavigateNextIcon()))
	if !slices.Contains(texts(c), "April 2026") {
		t.Fatalf("the next month is not shown: %q", texts(c))
	}
	test.Tap(findButton(t, c, "15"))
	if field.Text != "2026-04-15" {
		t.Fatalf("picking 15 April filled the field with %q", field.Text)
	}
	if slices.Contains(texts(c), "April 2026") {
		t.Error("the calendar stays open after a day was picked")
	}
	test.Tap(findButton(t, c, "Save"))
	f.a.wait()
	got, _ := f.m.Get("Key")
	if got.ExpiresAt == nil || auth.FormatDate(*got.ExpiresAt, time.Local) != "2026-04-15" {
		t.Errorf("stored expiry %v, want the day picked, 2026-04-15", got.ExpiresAt)
	}
}

// tabs is a stand-in browser that records every page it is asked to open
// and approves none by itself: the person closed the tab.
type tabs struct {
	mu     sync.Mutex
	opened []string
	ch     chan string
}

func newTabs() *tabs { return &tabs{ch: make(chan string, 8)} }

func (b *tabs) open(url string) error {
	b.mu.Lock()
	b.opened = append(b.opened, url)
	b.mu.Unlock()
	b.ch <- url
	return nil
}

// next waits for the next page opened.
func (b *tabs) next(t *testing.T) string {
	t.Helper()
	select {
	case url := <-b.ch:
		return url
	case <-time.After(30 * time.Second):
		t.Fatal("the browser was not asked to open a page")
		return ""
	}
}

// signingIn opens a window whose browser never answers and starts the
// sandbox sign-in in its wizard; it returns when the browser was opened.
func signingIn(t *testing.T) (*App, *auth.Manager, *tabs, string) {
	t.Helper()
	browser := newTabs()
	m, err := auth.Open(auth.Options{ConfigDir: t.TempDir(), Secrets: secret.NewMemory(), OpenBrowser: browser.open})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	a := New(test.NewTempApp(t), m)
	t.Cleanup(a.Stop)
	a.wait()
	a.win.Resize(fyne.NewSize(800, 600))
	a.showWizard(auth.SandboxID, catalog.KindOAuth)
	a.wizard.params["port"].SetText(standin.FreePort(t))
	test.Tap(findButton(t, a.win.Canvas(), "Connect"))
	url := browser.next(t)
	if a.wizard.wait.url != url { // shown before the browser opened
		t.Fatalf("the waiting step offers %q, the browser opened %q", a.wizard.wait.url, url)
	}
	return a, m, browser, url
}

// After the sign-in tab was closed, "Open browser again" on the wizard's
// waiting step asks the browser to open the same sign-in page again, and
// the status bar says so. (The waiting step is put up by hand: a real
// sign-in's end would run its widget updates on another goroutine than
// the button's under the test driver. TestOpenBrowserAgainInARealWindow
// does the whole sign-in.)
func TestOpenBrowserAgainAfterTheTabWasClosed(t *testing.T) {
	browser := newTabs()
	m, err := auth.Open(auth.Options{ConfigDir: t.TempDir(), Secrets: secret.NewMemory(), OpenBrowser: browser.open})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	a := New(test.NewTempApp(t), m)
	t.Cleanup(a.Stop)
	a.wait()
	a.win.Resize(fyne.NewSize(800, 600))
	a.showWizard(auth.SandboxID, catalog.KindOAuth)
	w := a.wizard
	const page = "http://127.0.0.1:49999/authorize?state=x"
	now := m.Now()
	w.wait.start("Approve the request in your browser.", now, now.Add(time.Minute))
	w.show(stepWait)
	w.wait.setAddress(page)
	test.Tap(findButton(t, a.win.Canvas(), "Open browser again"))
	if got := browser.next(t); got != page {
		t.Errorf("opened %q again, want the sign-in page %q", got, page)
	}
	a.wait()
	if want := "Opened the sign-in page again"; !strings.HasPrefix(a.statusBar.Text, want) {
		t.Errorf("the status bar says %q, want %q", a.statusBar.Text, want)
	}
}

// quitFromMenu chooses File › Quit.
func quitFromMenu(t *testing.T, a *App) {
	t.Helper()
	for _, item := range a.win.MainMenu().Items[0].Items {
		if item.Label == "Quit" {
			item.Action()
			return
		}
	}
	t.Fatal("no Quit in the File menu")
}

// Quitting while a browser sign-in waits asks first. "Keep waiting" keeps
// the sign-in (approving it still finishes it); "Quit" stops it, and the
// connection made for it is gone, not left pending.
func TestQuitDuringASignInAsksFirst(t *testing.T) {
	for _, how := range []struct {
		name string
		quit func(*testing.T, *App)
	}{
		{"File › Quit", quitFromMenu},
		// What the window's close button runs (New makes it the close
		// intercept; the test driver's window has no button to press).
		{"the window's close button", func(_ *testing.T, a *App) { a.closeWindow() }},
	} {
		t.Run(how.name+", keep waiting", func(t *testing.T) {
			a, m, _, url := signingIn(t)
			how.quit(t, a)
			c := a.win.Canvas()
			if !slices.Contains(texts(c), "Quit while signing in?") {
				t.Fatalf("quitting during a sign-in asks nothing: %q", texts(c))
			}
			test.Tap(findButton(t, c, "Keep waiting"))
			if a.base.Err() != nil || !a.signingIn() {
				t.Fatal("Keep waiting did not keep the sign-in")
			}
			if err := standin.Browser("approve")(url); err != nil {
				t.Fatal(err)
			}
			a.wait()
			if got, err := m.Get("Sandbox demo"); err != nil || got.Status != auth.StatusOK {
				t.Errorf("the sign-in kept waiting did not finish: %+v, %v", got, err)
			}
		})
		t.Run(how.name+", quit", func(t *testing.T) {
			a, m, _, _ := signingIn(t)
			how.quit(t, a)
			test.Tap(findButton(t, a.win.Canvas(), "Quit"))
			a.Stop() // what Run does once the app has quit
			conns, err := m.List()
			if err != nil {
				t.Fatal(err)
			}
			if len(conns) != 0 {
				t.Errorf("quitting during the sign-in left %q behind", names(conns))
			}
		})
	}
}
