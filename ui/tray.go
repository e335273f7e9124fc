package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"authdeck/auth"
	"authdeck/auth/render"
)

// tray is the system-tray icon with each connection's status and a "Copy
// header" per connection, where the desktop shows tray icons at all.
type tray struct {
	a    *App
	desk desktop.App
	// present says a tray host is there to show the icon; closing the
	// window hides it only then.
	present bool
	shown   string // the menu last set, to skip identical updates
}

func newTray(a *App) *tray {
	t := &tray{a: a}
	desk, ok := a.fyne.(desktop.App)
	if !ok {
		return t
	}
	t.desk = desk
	background(a, func() (bool, error) { return trayHostPresent(), nil }, func(ok bool, _ error) {
		t.present = ok
		if ok {
			desk.SetSystemTrayIcon(icon())
			t.update()
		}
	})
	return t
}

// update rebuilds the tray menu when a status changed.
func (t *tray) update() {
	if t == nil || !t.present {
		return
	}
	now := t.a.m.Now()
	var items []*fyne.MenuItem
	sig := ""
	for _, c := range t.a.conns {
		st := t.a.statusOf(c, now)
		label := trayDot(st) + " " + c.Name + " — " + statusWord(st)
		sig += label + "\n"
		name := c.Name
		item := fyne.NewMenuItem(label, nil)
		item.ChildMenu = fyne.NewMenu("",
			fyne.NewMenuItem("Copy header", func() { t.copyHeader(name) }),
			fyne.NewMenuItem("Show in Authdeck", func() { t.a.win.Show(); t.a.selectConnection(name) }),
		)
		items = append(items, item)
	}
	if sig == t.shown {
		return
	}
	t.shown = sig
	items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem("Show Authdeck", t.a.win.Show))
	t.desk.SetSystemTrayMenu(fyne.NewMenu("Authdeck", items...))
}

func trayDot(s auth.Status) string { return lookOf(s, false).dot }

func (t *tray) copyHeader(name string) {
	background(t.a, func() (string, error) {
		s, _, err := t.a.m.Snippet(t.a.ctx(), name, render.FormatHeader, "")
		return s, err
	}, func(s string, err error) {
		if err != nil {
			t.a.fyne.SendNotification(&fyne.Notification{Title: "Could not copy the header of " + name, Content: plain(err)})
			return
		}
		t.a.copySecret(s)
	})
}
