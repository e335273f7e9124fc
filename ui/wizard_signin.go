package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"authdeck/auth"
	"authdeck/auth/catalog"
)

// request gathers the fields into an AddRequest, or says which field the
// wizard itself finds wrong (empty where a value is needed).
func (w *wizard) request() (auth.AddRequest, problem) {
	req := auth.AddRequest{
		Name: text(w.name), Provider: w.provider.ID, Method: w.method.Kind,
		ClientID: text(w.clientID), User: text(w.user), Owner: text(w.owner), Note: text(w.note),
		// The wizard signs in at once: pending until then, so a window
		// killed during the wait leaves nothing half-made (ClearAbandoned).
		SignInNext: true,
	}
	for _, q := range w.provider.Params {
		if e := w.params[q.Name]; e != nil && text(e) == "" {
			return req, problem{field: e, msg: q.Label + " is empty: type it, then press " + w.next.Text + " again."}
		}
	}
	if w.clientSecret != nil {
		req.Secret = w.clientSecret.Text
	}
	if w.secret != nil {
		req.Secret = strings.TrimSpace(w.secret.Text)
	}
	req.Scopes = w.chosenScopes()
	if len(w.params) > 0 {
		req.Params = map[string]string{}
		for k, e := range w.params {
			req.Params[k] = text(e)
		}
	}
	if p := w.checkCorrections(); p.msg != "" {
		return req, p
	}
	if s := text(w.expires); s != "" {
		at, err := auth.ParseDate(s, time.Local)
		if err != nil {
			return req, w.problemFor(err)
		}
		req.ExpiresAt = &at
	}
	return req, problem{}
}

// chosenScopes are the ticked known scopes, then the typed ones.
func (w *wizard) chosenScopes() []string {
	var out []string
	for _, s := range w.method.KnownScopes {
		if c := w.scopeChecks[s.Name]; c != nil && c.Checked {
			out = append(out, s.Name)
		}
	}
	return append(out, strings.Fields(text(w.scopes))...)
}

// checkCorrections checks the addresses the person corrected before
// anything is saved, so the problem is marked on its field.
func (w *wizard) checkCorrections() problem {
	for field, value := range w.corrections() {
		if !strings.HasSuffix(field, "_url") {
			continue
		}
		if err := catalog.CheckURL(value); err != nil {
			return problem{field: w.unconfirmed[field], msg: sentence(sentenceStart(catalog.FieldWords(field)) + ": " + err.Error())}
		}
	}
	return problem{}
}

// correctionError is a corrected value the catalog refused.
type correctionError struct {
	field string
	err   error
}

func (e *correctionError) Error() string { return e.err.Error() }
func (e *correctionError) Unwrap() error { return e.err }

// corrections are the unconfirmed values the person changed, by field.
func (w *wizard) corrections() map[string]string {
	out := map[string]string{}
	for field, e := range w.unconfirmed {
		if was, _ := w.method.Field(field); text(e) != was {
			out[field] = text(e)
		}
	}
	return out
}

// save stores the connection (a browser method then signs in). It is also
// Try again after a sign-in that did not finish, which left nothing behind.
func (w *wizard) save() {
	w.clearMarks()
	req, p := w.request()
	if p.msg != "" {
		w.showProblem(p)
		return
	}
	setEnabled(w.next, false)
	corrections, providerID, kind := w.corrections(), w.provider.ID, w.method.Kind
	pending := w.provider // one read from an issuer is saved only now, on Save or Connect
	// The add is this window's: the folder watcher's echo of it is not
	// "added outside this window" (the walk saw it 2 times in 6).
	w.a.setBusy(req.Name, true)
	background(w.a, func() (auth.Connection, error) {
		if err := w.keepDiscovered(pending); err != nil {
			return auth.Connection{}, err
		}
		// A corrected value is saved as the person's own definition of
		// the provider (providers.d), so it is used now and from then on.
		for field, value := range corrections {
			if _, err := w.a.m.Catalog().ConfirmValue(providerID, kind, field, value); err != nil {
				return auth.Connection{}, &correctionError{field: field, err: err}
			}
		}
		return w.a.m.Add(w.a.ctx(), req)
	}, func(c auth.Connection, err error) {
		w.a.setBusy(req.Name, false)
		setEnabled(w.next, true)
		var replace *replaceNeeded
		if errors.As(err, &replace) {
			w.askReplace(replace)
			return
		}
		if err != nil {
			if w.step != stepFields {
				w.show(stepFields)
			}
			w.showProblem(w.problemFor(err))
			return
		}
		if !w.method.Kind.Browser() {
			w.finish(c.Name, c.Name+" was added.")
			return
		}
		w.connect(c.Name)
	})
}

// connect runs the browser sign-in for the connection just stored and
// waits at most as long as the command line does. A sign-in that does not
// finish (cancelled, denied, timed out, failed) removes the connection, so
// no half-made one is left in the list; Try again stores it again.
func (w *wizard) connect(name string) {
	ctx, cancel := context.WithTimeout(w.a.ctx(), w.timeout)
	w.cancel = cancel
	w.waitErr.Hide()
	now := w.a.m.Now()
	w.wait.start("Approve the request in your browser. Authdeck opened "+w.provider.Name+"'s sign-in page; come back here when you have approved it.", now, now.Add(w.timeout))
	w.show(stepWait)
	w.a.win.Canvas().Unfocus() // Esc cancels, through the wizard's key handler
	w.a.setBusy(name, true)
	opts := auth.ConnectOptions{
		Listening: func(_, authorizeURL string) { toUI(func() { w.wait.setAddress(authorizeURL) }) },
		Notice:    func(n auth.Notice) { toUI(func() { w.wait.showNotice(noticeWords(n)) }) },
	}
	background(w.a, func() (auth.Connection, error) {
		c, err := w.a.m.Connect(ctx, name, opts)
		if err != nil {
			if rmErr := w.a.m.Remove(context.WithoutCancel(ctx), name); rmErr != nil {
				err = fmt.Errorf("%w; and %s could not be removed: %w", err, name, rmErr)
			}
		}
		return c, err
	}, func(c auth.Connection, err error) {
		timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded)
		cancel()
		w.cancel = nil
		w.a.setBusy(name, false)
		w.wait.stop()
		if err != nil {
			w.signInFailed(err, timedOut)
			return
		}
		w.finish(c.Name, c.Name+" is connected.")
	})
}

// signInFailed says how the sign-in ended and offers Try again.
func (w *wizard) signInFailed(err error, timedOut bool) {
	w.waitErr.SetText(w.signInProblem(err, timedOut))
	w.waitErr.Show()
	w.waitPage.Refresh()
	w.updateButtons()
	w.focus(w.next)
	w.a.reload()
}

// signInProblem words how a sign-in ended without success.
func (w *wizard) signInProblem(err error, timedOut bool) string {
	p := w.provider.Name
	again := " Nothing was saved: press Try again to open " + p + "'s sign-in page again, or Close."
	e := asCore(err)
	switch {
	case timedOut || e.Kind == auth.KindSignInTimedOut:
		return fmt.Sprintf("No answer came back from the browser within %s, so Authdeck stopped waiting.", minutes(w.timeout)) + again
	case e.Kind == auth.KindDenied:
		return p + " said access was denied." + " Nothing was saved. If you meant to connect, press Try again and choose Allow (or Approve) on " + p + "'s page."
	case e.Kind == auth.KindCancelled:
		return "Cancelled." + again
	}
	return "The sign-in did not finish: " + what(err) + again
}

// minutes says a duration in whole minutes, or seconds below one.
func minutes(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d seconds", int(d.Seconds()))
	case d == time.Minute:
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", int(d.Minutes()))
}

// finish closes the wizard and shows the new connection, selected.
func (w *wizard) finish(name, msg string) {
	w.dlg.Hide()
	w.a.say(msg)
	w.a.selectAndReload(name)
}

// tick shows the time left while a sign-in is waited for (the App's
// once-a-second tick).
func (w *wizard) tick(now time.Time) { w.wait.tick(now) }
