package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"github.com/fsnotify/fsnotify"

	"authdeck/auth"
)

// refreshEvery is how often the background loop renews what is due.
const refreshEvery = time.Minute

// prefNotified keeps which expiry notifications were already sent, so a
// restart does not repeat them.
const prefNotified = "notifiedExpiry"

// expiryWatch keeps credentials ahead of expiry: it renews refreshable ones
// in the background and notifies, once per change and grouped, when others
// enter "expiring" or expire.
type expiryWatch struct {
	a        *App
	seen     map[string]auth.Status // last status of each connection
	notified map[string]bool        // notifyKey of what was already said
	running  atomic.Bool            // a refresh round is in flight
}

func newExpiryWatch(a *App) *expiryWatch {
	e := &expiryWatch{a: a, seen: map[string]auth.Status{}, notified: map[string]bool{}}
	for _, k := range a.fyne.Preferences().StringList(prefNotified) {
		e.notified[k] = true
	}
	return e
}

// start runs a refresh round now and then every refreshEvery until ctx ends.
func (e *expiryWatch) start(ctx context.Context) {
	e.a.loops.Add(1)
	go func() {
		defer e.a.loops.Done()
		t := time.NewTicker(refreshEvery)
		defer t.Stop()
		for {
			e.round(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// round renews what is inside its refresh margin and reloads the list.
func (e *expiryWatch) round(ctx context.Context) {
	if !e.running.CompareAndSwap(false, true) {
		return // the last round is still waiting on a provider
	}
	type outcome struct {
		renewed int // refreshes tried, whatever came of them
		failed  []string
	}
	background(e.a, func() (outcome, error) {
		defer e.running.Store(false)
		var o outcome
		e.a.m.RefreshDue(ctx, func(name string, err error) {
			o.renewed++
			if err != nil && ctx.Err() == nil {
				o.failed = append(o.failed, name+": "+plain(err))
			}
		})
		return o, nil
	}, func(o outcome, _ error) {
		failed := o.failed
		if ctx.Err() != nil {
			return
		}
		// A round that renewed nothing changed nothing: the list is not
		// read and redrawn again (at start that was a second redraw of
		// every row before the window had settled).
		if o.renewed > 0 {
			e.a.reload()
		}
		if len(failed) > 0 {
			e.a.say("Automatic renewal failed: " + strings.Join(failed, " "))
		}
	})
}

// notifyKey names one expiry notification: the connection, the status it
// entered, and the expiry it was about (a replaced key is news again).
func notifyKey(c auth.Connection, st auth.Status) string {
	return fmt.Sprintf("%s|%s|%d", c.Name, st, c.ExpiresAt.Unix())
}

// observe compares every connection's status at now with the last one
// seen, sends one notification for everything new, and reports whether
// any status changed.
func (e *expiryWatch) observe(now time.Time) bool {
	changed := false
	present := map[string]bool{}
	var fresh []auth.Connection
	for _, c := range e.a.conns {
		present[c.Name] = true
		st := e.a.statusOf(c, now)
		if e.seen[c.Name] != st {
			changed = true
			e.seen[c.Name] = st
		}
		if c.Refreshable || c.ExpiresAt == nil || (st != auth.StatusExpiring && st != auth.StatusExpired) {
			continue
		}
		if key := notifyKey(c, st); !e.notified[key] {
			e.notified[key] = true
			fresh = append(fresh, c)
		}
	}
	for name := range e.seen {
		if !present[name] {
			delete(e.seen, name)
			changed = true
		}
	}
	if len(fresh) > 0 {
		n := expiryNotification(fresh, now, e.a.within, e.a.statusOf)
		e.a.notify(n.Title, n.Content)
		e.save(present)
	}
	return changed
}

// save persists the notified keys of connections that still exist.
func (e *expiryWatch) save(present map[string]bool) {
	var keys []string
	for k := range e.notified {
		name, _, _ := strings.Cut(k, "|")
		if present[name] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	e.a.fyne.Preferences().SetStringList(prefNotified, keys)
}

// expiryNotification says in one notification what is about to happen and
// what to do: one connection by name, several as a group ("3 connections
// expire this week").
func expiryNotification(cs []auth.Connection, now time.Time, within time.Duration, statusOf func(auth.Connection, time.Time) auth.Status) *fyne.Notification {
	if len(cs) == 1 {
		c := cs[0]
		st := statusOf(c, now)
		title := c.Name + " " + countdownWords(c, now)
		if st == auth.StatusExpired {
			title = c.Name + " has expired"
		}
		return &fyne.Notification{Title: title, Content: advice(c, st)}
	}
	var expired, expiring []string
	for _, c := range cs {
		if statusOf(c, now) == auth.StatusExpired {
			expired = append(expired, c.Name)
		} else {
			expiring = append(expiring, c.Name)
		}
	}
	period := "this week"
	if within > 7*24*time.Hour {
		period = "within " + daysWord(int(within/(24*time.Hour)))
	}
	n := &fyne.Notification{Content: "Open Authdeck to replace the keys or sign in again."}
	switch {
	case len(expired) == 0:
		n.Title = fmt.Sprintf("%d connections expire %s", len(expiring), period)
		n.Content = joinNames(expiring) + ". " + n.Content
	case len(expiring) == 0:
		n.Title = fmt.Sprintf("%d connections have expired", len(expired))
		n.Content = joinNames(expired) + ". " + n.Content
	default:
		n.Title = fmt.Sprintf("%d connections need attention", len(cs))
		n.Content = "Expired: " + joinNames(expired) + ". Expiring " + period + ": " + joinNames(expiring) + ". " + n.Content
	}
	return n
}

// joinNames is "A, B and C".
func joinNames(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// folderSettle is how long the folder watch waits after a change before it
// reloads: one save is several events (temporary file, rename).
const folderSettle = 150 * time.Millisecond

// folderWatch reloads the window when connections.json or settings.json
// change in the config folder, so that what the command line (or another
// window) does shows here within a second.
type folderWatch struct {
	w    *fsnotify.Watcher
	done sync.WaitGroup
}

// watchFolder starts watching dir and calls changed (on its own
// goroutine) once a change has settled. Without a watch (no inotify left,
// say) the once-a-minute refresh round still reloads: nil is returned.
func watchFolder(dir string, changed func()) *folderWatch {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil
	}
	if err := w.Add(dir); err != nil {
		_ = w.Close()
		return nil
	}
	f := &folderWatch{w: w}
	f.done.Add(1)
	go f.run(changed)
	return f
}

func (f *folderWatch) run(changed func()) {
	defer f.done.Done()
	var settle *time.Timer
	defer func() {
		if settle != nil {
			settle.Stop()
		}
	}()
	for {
		select {
		case ev, ok := <-f.w.Events:
			if !ok {
				return
			}
			switch filepath.Base(ev.Name) {
			case "connections.json", "settings.json":
			default:
				continue
			}
			if settle == nil {
				settle = time.AfterFunc(folderSettle, changed)
			} else {
				settle.Reset(folderSettle)
			}
		case _, ok := <-f.w.Errors:
			if !ok {
				return
			}
		}
	}
}

// close stops the watch and waits for its goroutine.
func (f *folderWatch) close() {
	if f == nil {
		return
	}
	_ = f.w.Close()
	f.done.Wait()
}

// reloadFromElsewhere reloads after a change made outside this window,
// unless the window is closing.
func (a *App) reloadFromElsewhere() {
	toUI(func() {
		if a.base.Err() == nil {
			old := a.conns
			a.reloadThen(func() {
				if msg := outsideChange(old, a.conns, a.ours); msg != "" {
					a.say(msg)
				}
			})
		}
	})
}

// outsideChange says in the status bar what changed outside this window
// (the command line, another window): "Winery A: owner changed outside
// this window." Nothing when this window made the change (it has loaded
// it already).
func outsideChange(old, now []auth.Connection, ours func(name string) bool) string {
	before := map[string]auth.Connection{}
	for _, c := range old {
		before[c.Name] = c
	}
	var said []string
	for _, c := range now {
		b, ok := before[c.Name]
		delete(before, c.Name)
		switch {
		case ours(c.Name): // this window is working on it (the wizard's sign-in)
		case !ok:
			said = append(said, c.Name+" was added")
		default:
			if what := changedFields(b, c); what != "" {
				said = append(said, c.Name+": "+what+" changed")
			}
		}
	}
	for name := range before {
		if !ours(name) { // this window renamed or removed it
			said = append(said, name+" was removed")
		}
	}
	switch len(said) {
	case 0:
		return ""
	case 1:
		return said[0] + " outside this window."
	}
	sort.Strings(said)
	return said[0] + " outside this window, and " + fmt.Sprint(len(said)-1) + " more."
}

// changedFields names what a person sees that differs between a and b.
func changedFields(a, b auth.Connection) string {
	var what []string
	add := func(changed bool, name string) {
		if changed {
			what = append(what, name)
		}
	}
	add(a.Owner != b.Owner, "owner")
	add(a.Note != b.Note, "note")
	add(!sameTime(a.ExpiresAt, b.ExpiresAt) && !b.Refreshable, "expiry") // not a renewal
	add(!sameTime(a.ConnectedAt, b.ConnectedAt), "sign-in")
	add(a.Account != b.Account, "account")
	return joinNames(what)
}

func sameTime(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}
