package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"

	"authdeck/auth"
)

// refreshEvery is how often the background loop renews what is due.
const refreshEvery = time.Minute

// prefNotified keeps which expiry notifications were already sent, so a
// restart does not repeat them.
const prefNotified = "notifiedExpiry"

// expiryWatch keeps credentials ahead of expiry: it renews refreshable ones
// in the background and raises one notification when any other enters
// "expiring" and one when it expires.
type expiryWatch struct {
	a        *App
	seen     map[string]auth.Status // last status of each connection
	notified map[string]bool        // "name|status|expiry" already notified
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
	go func() {
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
		conns  []auth.Connection
		failed []string
	}
	background(e.a, func() (outcome, error) {
		defer e.running.Store(false)
		var out outcome
		e.a.m.RefreshDue(ctx, func(name string, err error) {
			if err != nil && ctx.Err() == nil {
				out.failed = append(out.failed, plain(err))
			}
		})
		var err error
		out.conns, err = e.a.m.List()
		return out, err
	}, func(out outcome, err error) {
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			e.a.say(plain(err))
			return
		}
		e.a.setConnections(out.conns)
		if len(out.failed) > 0 {
			e.a.say("Automatic renewal failed: " + strings.Join(out.failed, " "))
		}
	})
}

// observe compares every connection's status at now with the last one
// seen, sends the notifications due, and reports whether any changed.
func (e *expiryWatch) observe(now time.Time) bool {
	changed := false
	present := map[string]bool{}
	for _, c := range e.a.conns {
		present[c.Name] = true
		st := statusAt(c, now, e.a.within)
		if e.seen[c.Name] != st {
			changed = true
			e.seen[c.Name] = st
		}
		if c.Refreshable || c.ExpiresAt == nil || (st != auth.StatusExpiring && st != auth.StatusExpired) {
			continue
		}
		key := fmt.Sprintf("%s|%s|%d", c.Name, st, c.ExpiresAt.Unix())
		if e.notified[key] {
			continue
		}
		e.notified[key] = true
		e.a.fyne.SendNotification(expiryNotification(c, st, now))
		e.save(present)
	}
	for name := range e.seen {
		if !present[name] {
			delete(e.seen, name)
			changed = true
		}
	}
	return changed
}

// save persists the notified keys of connections that still exist.
func (e *expiryWatch) save(present map[string]bool) {
	var keys []string
	for k := range e.notified {
		name, _, _ := strings.Cut(k, "|")
		if present[name] || len(present) < len(e.a.conns) { // mid-scan: keep all
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	e.a.fyne.Preferences().SetStringList(prefNotified, keys)
}

// expiryNotification says what is about to happen and what to do.
func expiryNotification(c auth.Connection, st auth.Status, now time.Time) *fyne.Notification {
	if st == auth.StatusExpired {
		return &fyne.Notification{
			Title:   c.Name + " has expired",
			Content: advice(c, st),
		}
	}
	return &fyne.Notification{
		Title:   c.Name + " " + auth.Countdown(c, now),
		Content: advice(c, st),
	}
}
