package ui

import (
	"errors"
	"regexp"
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
// it is about (by the core's Input, not by its words) and what to do in
// this window.
func (w *wizard) problemFor(err error) problem {
	var ce *correctionError
	if errors.As(err, &ce) {
		return problem{field: w.unconfirmed[ce.field], msg: "Authdeck cannot use this " + catalog.FieldWords(ce.field) + ". Correct it in the marked field under Advanced settings, then press " + w.next.Text + " again."}
	}
	var missing *catalog.MissingParamError
	if errors.As(err, &missing) && len(missing.Names) > 0 {
		if q, ok := w.provider.Param(missing.Names[0]); ok {
			return problem{field: w.params[q.Name], msg: q.Label + " is empty: type it, then press " + w.next.Text + " again."}
		}
	}
	e, ok := auth.AsError(err)
	if !ok {
		return problem{msg: what(err)}
	}
	p := problem{field: w.inputField(e), msg: what(err)}
	if q, ok := w.provider.Param(e.Param); ok && e.Input == auth.InputParam {
		raw := e.Msg
		if raw == "" && e.Err != nil {
			raw = e.Err.Error()
		}
		p.msg = windowWords(sentence(strings.ReplaceAll(raw, q.Name, q.Label)))
	}
	switch e.Remedy {
	case auth.RemedyChooseName:
		p.msg = "A connection called \"" + e.Connection + "\" already exists: change the Connection name, then press " + w.next.Text + " again."
	case auth.RemedyStartKeyring:
		p.msg = "Authdeck cannot reach your system keyring, where it keeps secrets. Log in to your desktop session (or start its keyring, e.g. GNOME Keyring or KWallet), then press " + w.next.Text + " again."
	case auth.RemedyFixProviderFile:
		p.msg = w.provider.Name + "'s definition cannot be used: " + p.msg
	case auth.RemedyFixInput:
		if p.field != nil {
			p.msg += " Correct it in the marked field, then press " + w.next.Text + " again."
		}
	}
	return p
}

// what says what happened: the core's own words (never a command), else
// the error's, without any command-line instruction.
func what(err error) string {
	if e, ok := auth.AsError(err); ok && e.Msg != "" {
		return windowWords(sentence(e.Msg))
	}
	return windowWords(sentence(err.Error()))
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

// commandWords finds a clause that names a command-line flag or command.
var commandWords = regexp.MustCompile(`--|\bauthdeck\s|\x60`)

// clauseEnds separate the clauses of a message (not the colon of a URL).
var clauseEnds = regexp.MustCompile(`[:;]\s+`)

// aside is a parenthesised remark.
var aside = regexp.MustCompile(`\s*\([^()]*\)`)

// windowWords keeps a message the core or a provider wrote free of
// command-line instructions: a clause (between ":" or ";") that names a
// flag or a command is left out, and so is such a remark in brackets. The core's typed errors avoid them; this
// catches words that come from deeper down.
func windowWords(msg string) string {
	if !commandWords.MatchString(msg) {
		return msg
	}
	msg = aside.ReplaceAllStringFunc(msg, func(a string) string {
		if commandWords.MatchString(a) {
			return ""
		}
		return a
	})
	var kept []string
	for _, part := range clauseEnds.Split(msg, -1) {
		if part = strings.TrimSpace(part); part != "" && !commandWords.MatchString(part) {
			kept = append(kept, part)
		}
	}
	if len(kept) == 0 {
		return "Something went wrong."
	}
	return sentence(strings.Join(kept, ": "))
}
