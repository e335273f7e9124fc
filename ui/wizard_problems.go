package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
	"authdeck/auth/catalog"
)

// problem is something the person must fix, in the wizard's words, and the
// field it is about (nil when it is about none).
type problem struct {
	msg   string
	field *keyEntry
}

// showProblem says what is wrong at the top of the step, where the person
// is looking, marks the field, opens the section it is in and scrolls it
// into view, with the keyboard focus in it.
func (w *wizard) showProblem(p problem) {
	w.fieldErr.SetText(p.msg)
	w.fieldErr.Show()
	w.root.Refresh() // lay out now: the message takes room from the step
	if p.field == nil {
		return
	}
	if w.inAdvanced(p.field) {
		w.showAdvanced(true)
	}
	p.field.AlwaysShowValidationError = true
	p.field.SetValidationError(errors.New(p.msg))
	if l := w.labels[p.field]; l != nil {
		l.Importance = widget.DangerImportance // visible while the field has the focus
		l.Refresh()
	}
	w.scrollTo(p.field)
	w.focus(p.field)
}

// scrollTo scrolls the step so that o and the label above it are at the
// top of the view. Always: the message just shown above the step takes
// room whose height is known only once its lines are laid out.
func (w *wizard) scrollTo(o fyne.CanvasObject) {
	d := fyne.CurrentApp().Driver()
	y := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(w.scroll).Y + w.scroll.Offset.Y
	label := 2 * o.MinSize().Height // the field's label and some air
	w.scroll.ScrollToOffset(fyne.NewPos(0, max(y-label, 0)))
}

// clearMarks takes the marks of an earlier problem off every field.
func (w *wizard) clearMarks() {
	w.fieldErr.Hide()
	for _, l := range w.labels {
		if l.Importance == widget.DangerImportance {
			l.Importance = widget.MediumImportance
			l.Refresh()
		}
	}
	for _, e := range w.entries {
		if e.AlwaysShowValidationError {
			e.AlwaysShowValidationError = false
			e.SetValidationError(nil)
			e.Refresh()
		}
	}
}

// problemFor words an error from the core for the fields step: the field
// it is about (by the core's Input and Kind, not by its words) and what to
// do in this window.
func (w *wizard) problemFor(err error) problem {
	var ce *correctionError
	if errors.As(err, &ce) {
		return problem{field: w.unconfirmed[ce.field], msg: "Authdeck cannot use this " + catalog.FieldWords(ce.field) + ". Correct it in the marked field under Advanced settings, then press " + w.next.Text + " again."}
	}
	e := asCore(err)
	if e.Kind == auth.KindMissingParam && len(e.Params) > 0 {
		if q, ok := w.provider.Param(e.Params[0]); ok {
			return problem{field: w.params[q.Name], msg: q.Label + " is empty: type it, then press " + w.next.Text + " again."}
		}
	}
	p := problem{field: w.inputField(e), msg: what(err)}
	if q, ok := w.provider.Param(e.Param); ok && e.Input == auth.InputParam {
		p.msg = sentence(strings.ReplaceAll(strings.TrimSuffix(p.msg, "."), q.Name, q.Label))
	}
	switch {
	case e.Remedy == auth.RemedyChooseName:
		p.msg = "A connection called \"" + e.Connection + "\" already exists: change the Connection name, then press " + w.next.Text + " again."
	case e.Kind == auth.KindKeyringDown || e.Kind == auth.KindKeyringLocked:
		p.msg = p.msg + " Log in to your desktop session (or start or unlock its keyring, e.g. GNOME Keyring or KWallet), then press " + w.next.Text + " again."
	case e.Remedy == auth.RemedyFixProviderFile:
		p.msg = w.provider.Name + "'s definition cannot be used: " + p.msg
	case e.Remedy == auth.RemedyFixInput && p.field != nil:
		p.msg += " Correct it in the marked field, then press " + w.next.Text + " again."
	}
	return p
}

// inputField is the wizard's field for what the core says is wrong.
func (w *wizard) inputField(e *auth.Error) *keyEntry {
	fields := map[auth.Input]*keyEntry{
		auth.InputName: w.name, auth.InputClientID: w.clientID, auth.InputClientSecret: w.clientSecret,
		auth.InputSecret: w.secret, auth.InputUser: w.user, auth.InputExpires: w.expires,
		auth.InputScopes: w.scopes, auth.InputIssuer: w.issuer,
	}
	if e.Input == auth.InputParam {
		return w.params[e.Param]
	}
	return fields[e.Input]
}
