// Package ui is Authdeck's window. It talks only to auth.Manager: never to
// the keyring, HTTP or the file system directly. Each screen is one file
// (list, detail, wizard, support); slow work runs in the background and
// comes back to the widgets through async.go.
package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/assets"
	"authdeck/auth"
)

// App is the Authdeck window and everything it keeps running.
type App struct {
	fyne fyne.App
	m    *auth.Manager
	win  fyne.Window

	// within is when a credential that cannot renew itself turns
	// "expiring": the config folder's setting (m.ExpiringWithin), read again
	// at every reload, so a change from the command line or another window
	// arrives with the folder watch.
	within time.Duration
	// configDir is the folder watched for changes made elsewhere ("" in
	// tests that do not watch).
	configDir string
	// copied is the last secret this window put on the clipboard and has
	// not cleared yet.
	copied string
	// clearAt is when the one-second tick clears copied from the clipboard
	// (clipboardClearAfter after the copy, on the Manager's clock).
	clearAt time.Time
	// signIn is how long a browser sign-in waits. It is configuration, the
	// window's side of the command line's connect --timeout: auth.SignInTimeout
	// until the settings offer it.
	signIn time.Duration

	jobs sync.WaitGroup // background work in flight (see background)
	// loops are the goroutines Start begins (the once-a-second tick, the
	// refresh loop): Stop joins them before it waits for jobs, so that no
	// job can be added while Stop waits.
	loops sync.WaitGroup
	// base is cancelled when the window closes, stopping the loops and any
	// work started without a Cancel button of its own.
	base context.Context
	stop context.CancelFunc

	conns []auth.Connection // as last loaded, soonest expiry first
	// busy holds the connections an action is waiting on (grey rows,
	// disabled buttons); only setBusy writes it.
	busy map[string]bool
	// mine holds, for a little while after this window's own write ended,
	// the connections it wrote: the folder watcher's echo of that write is
	// not news "from outside this window".
	mine map[string]time.Time
	// selected is the name of the selected connection, "" for none; only
	// selectConnection writes it.
	selected string

	list      *connectionList
	detail    *detailPane
	body      *fyne.Container // the split view, or the empty state
	split     *container.Split
	empty     fyne.CanvasObject
	statusBar *widget.Label
	wizard    *wizard

	watcher *expiryWatch
	folder  *folderWatch
	tray    *tray
}

// minWindow is the window's least size.
var minWindow = fyne.NewSize(480, 380)

// Run opens the window and returns when the app quits.
func Run() {
	// Whether a tray host runs is a D-Bus round trip: asked now, it is
	// answered while the display opens, not before the window can show.
	trayHost := early(trayHostPresent)
	openDisplay()
	a := app.NewWithID("net.authdeck.app")
	a.SetIcon(icon())
	dir, err := auth.DefaultConfigDir()
	var m *auth.Manager
	if err == nil {
		m, err = auth.Open(auth.Options{ConfigDir: dir})
	}
	if err != nil {
		showStartupError(a, err)
		return
	}
	defer m.Close()
	ui := newApp(a, m, trayHost)
	ui.configDir = dir
	ui.Start()
	stopSignals := ui.quitOnSignal()
	ui.win.ShowAndRun()
	stopSignals()
	ui.Stop()
}

// showStartupError is the window shown when Authdeck cannot open its
// configuration: what went wrong, and a way out.
func showStartupError(a fyne.App, err error) {
	w := a.NewWindow("Authdeck")
	msg := widget.NewLabel("Authdeck could not start.\n\n" + plain(err) +
		"\n\nIf the configuration folder is somewhere unusual, set AUTHDECK_CONFIG_DIR to a folder you can write to, then start Authdeck again.")
	msg.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewBorder(nil,
		container.NewHBox(widget.NewButton("Copy message", func() { a.Clipboard().SetContent(err.Error()) }),
			widget.NewButton("Quit", a.Quit)),
		nil, nil, msg))
	w.Resize(fyne.NewSize(560, 280))
	w.ShowAndRun()
}

func icon() fyne.Resource { return fyne.NewStaticResource("icon.png", assets.Icon) }

// New builds the window for m without starting the background loops (tests
// drive the clock and the ticks themselves; Start begins them).
func New(fa fyne.App, m *auth.Manager) *App { return newApp(fa, m, trayHostPresent) }

// newApp is New, asking trayHost whether a tray host runs (Run asks the
// session bus while the display opens; New asks it when the tray is made).
func newApp(fa fyne.App, m *auth.Manager, trayHost func() bool) *App {
	a := &App{
		fyne: fa, m: m,
		within: m.Settings().ExpiringWithin(),
		signIn: auth.SignInTimeout,
		busy:   map[string]bool{},
		mine:   map[string]time.Time{},
	}
	a.base, a.stop = context.WithCancel(context.Background())
	a.win = fa.NewWindow("Authdeck")
	a.statusBar = widget.NewLabel("")
	a.statusBar.Truncation = fyne.TextTruncateEllipsis
	a.list = newConnectionList(a)
	a.detail = newDetailPane(a)
	a.watcher = newExpiryWatch(a)
	a.split = container.NewHSplit(a.list.view(), a.detail.view())
	a.empty = a.emptyState()
	a.body = container.NewStack(a.split)
	// The list is filled before anything is laid out when that needs no
	// network: filled afterwards, every row was made, laid out and drawn
	// empty, then again with its connection (issue 22).
	conns, filled, _ := m.ListOffline()
	if filled {
		a.setConnections(conns)
	}
	a.split.SetOffset(0.46) // lays the list out: after it is filled

	top := a.list.toolbar()
	var banner fyne.CanvasObject
	if probs := m.Catalog().CatalogProblems(); len(probs) > 0 {
		banner = catalogBanner(probs)
		top = container.NewVBox(banner, top)
	}
	// The least size at which the list, the pane and the status bar all
	// stay readable: below it the rows overlapped and the status bar went
	// (issue 21.8).
	least := canvas.NewRectangle(color.Transparent)
	least.SetMinSize(minWindow)
	content := container.NewStack(least, container.NewBorder(top, a.statusBar, nil, nil, a.body))
	a.list.bar.relayout = func() { content.Refresh() }
	// Sized before it has content: the content is laid out once, at this
	// size (sized after, it was laid out at its least size, then again).
	a.win.Resize(fyne.NewSize(960, 640))
	a.win.SetContent(content)
	a.win.SetMainMenu(a.mainMenu())
	a.addShortcuts()
	a.tray = newTray(a, trayHost)
	a.win.SetCloseIntercept(a.closeWindow)
	if !filled {
		a.reload() // the team store's answer may take a while: not waited for
	}
	return a
}

// Start begins the once-a-second countdown and the background refresh loop.
func (a *App) Start() {
	ctx := a.base
	a.loops.Add(1)
	go func() {
		defer a.loops.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				toUI(a.tick)
			}
		}
	}()
	a.watcher.start(ctx)
	a.startTeamPoll(ctx) // shared connections change on other machines (ui/team.go)
	if a.configDir != "" {
		a.folder = watchFolder(a.configDir, a.reloadFromElsewhere)
	}
	a.clearAbandoned()
}

// clearAbandoned removes what a window killed during a browser sign-in left
// half-made, and says so.
func (a *App) clearAbandoned() {
	background(a, func() ([]string, error) { return a.m.ClearAbandoned(a.ctx()) }, func(removed []string, err error) {
		switch {
		case err != nil:
			return // the list already shows what is wrong with the folder or keyring
		case len(removed) == 1:
			a.say("Removed " + removed[0] + ": its sign-in never finished (Authdeck was closed while the browser was open).")
		case len(removed) > 1:
			a.say(fmt.Sprintf("Removed %d connections whose sign-in never finished (Authdeck was closed while the browser was open).", len(removed)))
		default:
			return
		}
		a.reload()
	})
}

// Stop ends the loops Start began and waits for work in flight.
func (a *App) Stop() {
	a.stop()
	a.folder.close()
	a.loops.Wait()
	a.jobs.Wait()
	stopProxies(a) // after the jobs: one may have just started a proxy
}

// ctx is the context of work that lives as long as the window.
func (a *App) ctx() context.Context { return a.base }

// closeWindow hides into the tray when there is one, and quits otherwise:
// a window hidden with no tray icon could never be found again.
func (a *App) closeWindow() {
	if a.tray != nil && a.tray.present {
		a.win.Hide()
		return
	}
	a.quit()
}

// quit clears a secret this window left on the clipboard, then ends the
// app. Every way out (the window's close button, File › Quit, the tray,
// a signal) goes through here: once the app has stopped, the clipboard can
// no longer be reached.
func (a *App) quit() {
	if a.signingIn() {
		a.win.Show()
		a.ask("Quit while signing in?",
			"A sign-in is still waiting for your browser. If you quit now, the sign-in stops and nothing from it is saved.",
			"Keep waiting", "Quit", nil, a.quitSaving)
		return
	}
	a.quitSaving()
}

// quitSaving saves the owner and note typed and not saved yet, then ends
// the app; when they cannot be saved (changed somewhere else meanwhile, or
// the save failed) it asks first, so that typing is never lost without a
// word.
func (a *App) quitSaving() {
	if w := a.wizard; w != nil && w.typed() {
		a.win.Show()
		a.ask("Quit without saving?", "What you typed in Add a connection is not saved yet. Quit and lose it?",
			"Stay", "Quit without saving", nil, a.quitSavingDetails)
		return
	}
	a.quitSavingDetails()
}

// quitSavingDetails is quitSaving's second half: the owner and note.
func (a *App) quitSavingDetails() {
	err := a.saveBeforeQuit()
	if err == nil {
		a.end()
		return
	}
	why := plain(err)
	if errors.Is(err, auth.ErrChanged) {
		why = "they were changed somewhere else (on the command line or in another window) while you typed."
	}
	a.win.Show()
	a.ask("Quit without saving?",
		"The owner and note you typed for "+a.detail.conn.Name+" are not saved: "+why+
			" Stay, then press Save owner and note to see both and choose; or quit and lose what you typed.",
		"Stay", "Quit without saving", nil, a.end)
}

// quitNow saves what it can and ends the app without a question (a signal
// from the system).
func (a *App) quitNow() {
	_ = a.saveBeforeQuit() // #nosec G104 -- nobody is left to tell: the system is ending the app
	a.end()
}

// end clears the clipboard and ends the app.
func (a *App) end() {
	a.clearClipboard()
	a.fyne.Quit()
}

// signingIn says whether a browser sign-in is being waited for, in the
// wizard or in the detail pane.
func (a *App) signingIn() bool {
	w := a.wizard
	return (w != nil && w.step == stepWait && w.cancel != nil) || a.detail.connecting
}

// say shows a one-line message in the status bar.
func (a *App) say(msg string) { a.statusBar.SetText(msg) }

// reload reads the connections and the warning window again (no network)
// and redraws.
func (a *App) reload() { a.reloadThen(nil) }

// reloadThen is reload, then after (if not nil) once the list is redrawn.
func (a *App) reloadThen(after func()) {
	type loaded struct {
		conns  []auth.Connection
		within time.Duration
	}
	background(a, func() (loaded, error) {
		conns, err := a.m.List()
		return loaded{conns, a.m.Settings().ExpiringWithin()}, err
	}, func(l loaded, err error) {
		if err != nil {
			a.say(plain(err))
			return
		}
		if l.within != a.within {
			a.within = l.within
			a.list.invalidate()
		}
		a.setConnections(l.conns)
		if after != nil {
			after()
		}
	})
}

// selectAndReload selects name once the list has been read again (after
// an add or a sign-in made it).
func (a *App) selectAndReload(name string) {
	a.selected = name
	a.reload()
}

// statusOf is c's status at now with the configured warning window.
func (a *App) statusOf(c auth.Connection, now time.Time) auth.Status {
	return auth.StatusAt(c, now, a.within)
}

// setConnections replaces the list's data and keeps the selection.
func (a *App) setConnections(conns []auth.Connection) {
	a.conns = conns
	if len(conns) == 0 {
		a.body.Objects = []fyne.CanvasObject{a.empty}
	} else {
		a.body.Objects = []fyne.CanvasObject{a.split}
	}
	a.body.Refresh()
	a.list.keep = true
	a.list.refilter()
	if c, ok := a.find(a.selected); ok {
		a.detail.show(c)
	} else {
		a.selectConnection("")
	}
	a.watcher.observe(a.m.Now())
	a.tray.update()
}

// find returns the loaded connection called name.
func (a *App) find(name string) (auth.Connection, bool) {
	for _, c := range a.conns {
		if c.Name == name && name != "" {
			return c, true
		}
	}
	return auth.Connection{}, false
}

// selectConnection shows name in the detail pane and the list; "" (or a
// name no longer loaded) clears the selection. It is the only writer of
// a.selected besides selectAndReload.
func (a *App) selectConnection(name string) {
	c, ok := a.find(name)
	if !ok {
		name = ""
	}
	// A word about the connection just left behind would read as if it
	// were about the one now shown: the detail pane keeps its own.
	if prev := a.selected; prev != "" && prev != name && strings.HasPrefix(a.statusBar.Text, prev+": ") {
		a.say("")
	}
	// The typed owner and note of the row left behind are saved once the
	// switch is done (the save's answer may come back at any time).
	if a.selected != name {
		defer a.saveLeaving(a.detail.pending())
	}
	unpin := a.list.pinned != "" && a.list.pinned != name
	a.selected = name
	if unpin {
		a.list.unpin()
	}
	a.list.selectName(name)
	a.detail.show(c)
}

// setBusy marks a connection as being worked on (its row turns grey, the
// detail pane's buttons wait). It is the only writer of a.busy.
func (a *App) setBusy(name string, busy bool) {
	if busy {
		a.busy[name] = true
		// An older word about it ("… is connected") no longer holds.
		if name != "" && strings.Contains(a.statusBar.Text, name) {
			a.say("")
		}
	} else {
		delete(a.busy, name)
		a.mine[name] = time.Now().Add(ownEcho)
	}
	a.detail.busyChanged()
	a.tick()
}

// isBusy says whether an action is waiting on name.
func (a *App) isBusy(name string) bool { return a.busy[name] }

// ownEcho is how long after this window's own write the folder watcher's
// report of it is taken as that write's echo (the watcher waits about
// 0.2 s to gather events; a loaded machine may take longer).
const ownEcho = 3 * time.Second

// ours says this window is writing name, or just wrote it.
func (a *App) ours(name string) bool {
	return a.busy[name] || time.Now().Before(a.mine[name])
}

// tick is the one shared once-a-second update: it redraws only rows whose
// text or colour changed, the detail pane's countdown, and raises the
// expiry notifications.
func (a *App) tick() {
	now := a.m.Now()
	a.clearCopiedAt(now)
	a.list.tick(now)
	a.detail.tick(now)
	if a.wizard != nil {
		a.wizard.tick(now) // the time left to sign in
	}
	if a.watcher.observe(now) {
		a.tray.update()
	}
}

// emptyState is what a new user sees: two ways to begin.
func (a *App) emptyState() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("No connections yet", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	text := widget.NewLabelWithStyle("A connection keeps you signed in to an online service, ready to paste the sign-in into the tools and scripts that use it.",
		fyne.TextAlignCenter, fyne.TextStyle{})
	text.Wrapping = fyne.TextWrapWord
	add := widget.NewButtonWithIcon("Add connection", theme.ContentAddIcon(), func() { a.showWizard("", "") })
	add.Importance = widget.HighImportance
	demo := widget.NewButton("Try it with the sandbox provider", func() { a.showWizard(auth.SandboxID, "oauth") })
	return container.NewCenter(container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(72), widget.NewIcon(icon()))), title, container.NewGridWrap(fyne.NewSize(420, 60), text),
		container.NewCenter(container.NewHBox(add, demo)),
	))
}

func catalogBanner(probs []error) fyne.CanvasObject {
	text := "Some provider definitions in providers.d were not loaded:"
	for _, p := range probs {
		text += "\n• " + p.Error()
	}
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.WarningImportance
	return l
}

// mainMenu is the File menu. Ctrl+N and Ctrl+F hang on its items: the
// window hands a shortcut to a focused text field before its own list, but
// the menu's shortcuts come first, so these work from the search field too.
func (a *App) mainMenu() *fyne.MainMenu {
	quit := fyne.NewMenuItem("Quit", a.quit)
	quit.IsQuit = true // replaces the Quit Fyne would add, which skips a.quit
	// Ctrl+Q as everywhere on the desktop; on the menu item, so that it
	// works from a text field too.
	quit.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	items := []*fyne.MenuItem{}
	for _, sc := range a.shortcuts() {
		if sc.menu != "" {
			item := fyne.NewMenuItem(sc.menu, sc.do)
			item.Shortcut = sc.keys
			items = append(items, item)
		}
	}
	items = append(items,
		fyne.NewMenuItem("Expiry report…", a.showSupport),
		fyne.NewMenuItem("Settings…", a.showSettings),
		fyne.NewMenuItem("Team store…", a.showTeamStore),
		fyne.NewMenuItemSeparator(),
		quit)
	return fyne.NewMainMenu(fyne.NewMenu("File", items...))
}

// addShortcuts wires the shortcuts that are not menu items: Ctrl+C copies
// the selection's primary snippet (a focused text field keeps its own
// Ctrl+C).
func (a *App) addShortcuts() {
	for _, sc := range a.shortcuts() {
		if sc.menu == "" {
			a.win.Canvas().AddShortcut(sc.keys, func(fyne.Shortcut) { sc.do() })
		}
	}
}

// shortcut is one keyboard shortcut, what it does, and the File menu item
// it belongs to ("" for none).
type shortcut struct {
	keys fyne.Shortcut
	do   func()
	menu string
}

// shortcuts are the window's keyboard shortcuts: Ctrl+N adds a connection,
// Ctrl+F searches, Ctrl+C copies the selected connection's header (or URL).
func (a *App) shortcuts() []shortcut {
	return []shortcut{
		{&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}, func() { a.showWizard("", "") }, "Add connection…"},
		{&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}, func() { a.win.Canvas().Focus(a.list.search) }, "Search connections"},
		{&fyne.ShortcutCopy{}, func() { a.detail.copyFormat(a.detail.primary) }, ""},
	}
}

// setExpiringWithin changes the threshold and keeps it for the next start.
func (a *App) setExpiringWithin(days int) {
	if err := a.m.Settings().SetExpiringWithin(days); err != nil {
		a.say(plain(err))
		return
	}
	a.within = a.m.Settings().ExpiringWithin()
	a.list.invalidate()
	a.list.refilter()
	a.detail.show(a.detail.conn)
	a.tick()
}
