package ui

import (
	"context"
	"strings"
	"time"

	"authdeck/auth"
	"authdeck/auth/render"
)

// The one copy action: the detail pane's copy buttons, Ctrl+C and the
// tray's Copy all choose the format, mark the row busy, warn about an
// expired credential and take in the connection the core handed back the
// same way.

// copied is a snippet the core made, with the connection as it was when
// the credential was handed out (refreshed, perhaps).
type copied struct {
	text string
	conn auth.Connection
}

// primaryFormat is what the first copy button, Ctrl+C and the tray copy:
// the header, or for a credential sent as a query parameter, the URL.
func (a *App) primaryFormat(c auth.Connection) render.Format {
	if a.queryParam(c) != "" {
		return render.FormatURL
	}
	return render.FormatHeader
}

// queryParam is the query parameter c's credential travels in ("api-key"),
// "" when it is a header.
func (a *App) queryParam(c auth.Connection) string {
	if p, err := a.m.Catalog().Provider(c.Provider); err == nil {
		if m, ok := p.Method(c.Method); ok {
			return m.Apply.Query
		}
	}
	return ""
}

// snippet asks the core for name's credential in format f (background).
func (a *App) snippet(ctx context.Context, name string, f render.Format) (copied, error) {
	s, c, err := a.m.Snippet(ctx, name, f, "")
	return copied{s, c}, err
}

// tookCopy puts a snippet on the clipboard, saying so (and that the
// credential has expired, if it has), and shows the connection as the core
// returned it, without reading the list again.
func (a *App) tookCopy(out copied) {
	a.copySecretSaying(out.text, expiredNote(out.conn, a.m.Now()))
	a.updateConnection(out.conn)
}

// copyPrimary copies name's header (or URL) from outside the detail pane:
// the tray.
func (a *App) copyPrimary(name string) {
	c, ok := a.find(name)
	if !ok || a.isBusy(name) {
		return
	}
	a.setBusy(name, true)
	f := a.primaryFormat(c)
	background(a, func() (copied, error) { return a.snippet(a.ctx(), name, f) }, func(out copied, err error) {
		a.setBusy(name, false)
		if err != nil {
			msg := plainFor(err, c)
			a.say(name + ": " + msg)
			a.notify("Could not copy "+strings.ToLower(formatNames[f])+" of "+name, msg)
			return
		}
		a.tookCopy(out)
		if note := expiredNote(out.conn, a.m.Now()); note != "" {
			a.notify(name+" has expired", note)
		}
	})
}

// updateConnection replaces the loaded copy of c and redraws.
func (a *App) updateConnection(c auth.Connection) {
	for i := range a.conns {
		if a.conns[i].Name == c.Name {
			a.conns[i] = c
			a.setConnections(a.conns)
			return
		}
	}
}

// expiredNote warns that a copied credential has expired, and says what
// fixes it in this window.
func expiredNote(c auth.Connection, now time.Time) string {
	if c.ExpiresAt == nil || c.Refreshable || now.Before(*c.ExpiresAt) {
		return ""
	}
	fix := "use Replace key… to paste a new one."
	if c.Method.Browser() {
		fix = "press Reconnect to sign in again."
	}
	return c.Name + " " + countdownWords(c, now) + " (" + auth.FormatDate(*c.ExpiresAt, time.Local) +
		"): the provider will probably refuse it; " + fix
}

// openAgain opens the sign-in page once more, for a person who closed the
// tab while Authdeck waits (opening may take a moment: not on the UI
// goroutine).
func (a *App) openAgain(url string) {
	if url == "" {
		return
	}
	background(a, func() (struct{}, error) { return struct{}{}, a.m.OpenAgain(url) }, func(_ struct{}, err error) {
		if err != nil {
			a.say("Could not open the browser: " + plain(err) + " Copy the address instead.")
			return
		}
		a.say("Opened the sign-in page again in your browser.")
	})
}
