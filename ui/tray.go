package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"authdeck/auth"
	"authdeck/auth/render"
)

// trayConnections is how many connections the tray menu lists, most urgent
// first; the window shows the rest.
const trayConnections = 8

// tray is the system-tray icon, coloured by the worst connection's status,
// and its menu: Show Authdeck, the most urgent connections (each with Copy
// header and Show in Authdeck), Quit.
type tray struct {
	a    *App
	desk desktop.App // nil where there is no tray (tests, no session bus)
	// present says a tray host is there to show the icon; closing the
	// window hides it only then.
	present bool
	shown   string      // the menu last set, to skip identical updates
	worst   auth.Status // the status the icon shows
	// menu is the one menu the tray ever gets, its items replaced on each
	// update: Fyne's tray, once started, applies the menu it was first
	// given, which must not be a stale copy.
	menu *fyne.Menu
}

// newTray sets the tray up before the app's loop starts: Fyne starts the
// tray only with the loop, so a menu first set afterwards never appears.
// It does so only when a tray host is there to show it: Fyne's tray costs,
// before the window's first frame, its D-Bus set-up and a hidden second
// window with an OpenGL context of its own (issue 22: a fifth of the
// window's start-up under Xvfb), for an icon nobody would see. A host that
// starts after Authdeck is used from Authdeck's next start.
func newTray(a *App, hostPresent func() bool) *tray {
	t := &tray{a: a}
	desk, ok := a.fyne.(desktop.App)
	if !ok || !trayPossible() || !hostPresent() {
		return t
	}
	t.desk, t.present = desk, true
	t.update()
	return t
}

// update rebuilds the tray menu and icon when a status changed.
func (t *tray) update() {
	if t == nil || t.desk == nil {
		return
	}
	now := t.a.m.Now()
	worst, counts := auth.StatusOK, map[auth.Status]int{}
	var rows []string
	for i, c := range t.a.conns {
		st := t.a.statusOf(c, now)
		counts[st]++
		if severity(st) > severity(worst) {
			worst = st
		}
		if i < trayConnections {
			rows = append(rows, trayDot(st)+" "+c.Name+" — "+statusWord(st))
		}
	}
	summary := traySummary(len(t.a.conns), counts)
	sig := summary + "\n" + strings.Join(rows, "\n")
	if sig == t.shown {
		return
	}
	t.shown = sig
	if t.menu == nil {
		t.menu = fyne.NewMenu("Authdeck")
	}
	t.menu.Items = t.items(summary, rows)
	icon := worst != t.worst || t.worst == ""
	t.worst = worst
	t.apply(icon)
}

// apply hands the icon (when it changed) and the menu to Fyne's tray. Once
// the app is quitting, Fyne has closed the tray's D-Bus connection while
// updates queued before the quit still run, and setting the icon then
// panics ("dbus: connection closed by user": one crash in 100 soak runs):
// an update that late has nobody to show it to, so it is dropped.
func (t *tray) apply(icon bool) {
	defer func() {
		if r := recover(); r != nil && !strings.Contains(fmt.Sprint(r), "connection closed") {
			panic(r)
		}
	}()
	if icon {
		t.desk.SetSystemTrayIcon(statusIcon(t.worst))
	}
	t.desk.SetSystemTrayMenu(t.menu)
}

// items are the tray menu's entries for the rows update worked out.
func (t *tray) items(summary string, rows []string) []*fyne.MenuItem {
	head := fyne.NewMenuItem(summary, nil)
	head.Disabled = true
	items := []*fyne.MenuItem{fyne.NewMenuItem("Show Authdeck", t.a.win.Show), head}
	for i, label := range rows {
		name := t.a.conns[i].Name
		item := fyne.NewMenuItem(label, nil)
		item.ChildMenu = fyne.NewMenu("",
			fyne.NewMenuItem(t.copyLabel(i), func() { t.a.copyPrimary(name) }),
			fyne.NewMenuItem("Show in Authdeck", func() { t.a.win.Show(); t.a.selectConnection(name) }),
		)
		items = append(items, item)
	}
	if more := len(t.a.conns) - len(rows); more > 0 {
		rest := fyne.NewMenuItem(fmt.Sprintf("%d more in the window", more), nil)
		rest.Disabled = true
		items = append(items, rest)
	}
	// Our own Quit (Fyne would add one that skips a.quit's clean-up).
	quit := fyne.NewMenuItem("Quit", t.a.quit)
	quit.IsQuit = true
	return append(items, fyne.NewMenuItemSeparator(), quit)
}

// traySummary is the menu's first line: how many connections need what.
func traySummary(total int, counts map[auth.Status]int) string {
	if total == 0 {
		return "No connections yet"
	}
	var parts []string
	for _, s := range []auth.Status{auth.StatusExpired, auth.StatusNeedsConnect, auth.StatusError, auth.StatusExpiring} {
		if n := counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(statusWord(s))))
		}
	}
	if len(parts) == 0 {
		return allOKWords(total)
	}
	return strings.Join(parts, " · ")
}

// severity orders statuses for the icon: the worst one colours it.
func severity(s auth.Status) int {
	switch s {
	case auth.StatusExpiring:
		return 1
	case auth.StatusExpired, auth.StatusNeedsConnect, auth.StatusError:
		return 2
	}
	return 0
}

func trayDot(s auth.Status) string { return lookOf(s, false).dot }

// copyLabel is the tray's Copy item for the i-th connection: what the
// detail pane's first copy button says.
func (t *tray) copyLabel(i int) string {
	if t.a.primaryFormat(t.a.conns[i]) == render.FormatURL {
		return copyAddressWords
	}
	return "Copy header"
}
