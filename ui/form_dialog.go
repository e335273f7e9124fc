package ui

import (
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
)

// formField is one field of a formDialog: its label, the entry, what to
// type (hint), and where its problem shows.
type formField struct {
	label, hint string
	entry       *keyEntry
	problem     *widget.Label
	mark        error // the problem the entry is marked with, if any
}

// formDialog is a dialog of fields that stays open until what was typed
// is accepted: a problem marks its field in red, says under it what to
// type, and keeps the text. Enter saves, Escape cancels.
type formDialog struct {
	a        *App
	dlg      *dialog.CustomDialog
	fields   []*formField
	general  *widget.Label // a problem that is about no one field
	save     *keyButton
	cancel   *keyButton
	giveBack func() // the window's keys, to their owner before the form
	closed   bool
}

// newField makes a field for a formDialog.
func newField(label, hint string, password bool) *formField {
	f := &formField{label: label, hint: hint, entry: newKeyEntry(password)}
	f.problem = wrapLabel("")
	f.problem.Importance = widget.DangerImportance
	f.problem.Hide()
	f.entry.AlwaysShowValidationError = true
	f.entry.Validator = func(string) error { return f.mark }
	return f
}

// showForm opens a formDialog; onSave runs for Save and Enter, and closes
// the dialog itself (done) once what was typed is accepted.
func (a *App) showForm(title, saveLabel, intro string, fields []*formField, onSave func(fd *formDialog)) *formDialog {
	fd := &formDialog{a: a, fields: fields, general: wrapLabel("")}
	fd.general.Importance = widget.DangerImportance
	fd.general.Hide()
	fd.save = newKeyButton(saveLabel, theme.ConfirmIcon(), func() { fd.clearMarks(); onSave(fd) })
	fd.save.Importance = widget.HighImportance
	fd.cancel = newKeyButton("Cancel", theme.CancelIcon(), fd.done)
	fd.save.onEscape, fd.cancel.onEscape = fd.done, fd.done
	box := container.NewVBox()
	if intro != "" {
		box.Add(wrapLabel(intro))
	}
	for _, f := range fields {
		f.entry.onEscape = fd.done
		f.entry.OnSubmitted = func(string) { fd.save.OnTapped() }
		f.entry.OnChanged = func(string) { fd.unmark(f) }
		var row fyne.CanvasObject = f.entry
		box.Add(key(f.label))
		box.Add(row)
		box.Add(f.problem)
		if f.hint != "" {
			hint := wrapLabel(f.hint)
			hint.Importance = widget.LowImportance
			box.Add(hint)
		}
	}
	box.Add(fd.general)
	buttons := container.NewHBox(layout.NewSpacer(), fd.cancel, fd.save)
	fd.dlg = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil, buttons, nil, nil, wheelScroll(container.NewVScroll(box))), a.win)
	fd.giveBack = a.takeKeys(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			fd.done()
		}
	})
	fd.dlg.SetOnClosed(fd.done)
	size := a.win.Canvas().Size()
	fd.dlg.Resize(fyne.NewSize(min(520, size.Width*0.95), min(box.MinSize().Height+200, size.Height*0.92)))
	fd.dlg.Show()
	if len(fields) > 0 {
		a.win.Canvas().Focus(fields[0].entry)
	}
	return fd
}

// fail marks f (nil: no one field) with msg and keeps the dialog open.
func (fd *formDialog) fail(f *formField, msg string) {
	fd.working(false)
	if f == nil {
		fd.general.SetText(msg)
		fd.general.Show()
		return
	}
	f.mark = errors.New(msg)
	f.problem.SetText(msg)
	f.problem.Show()
	_ = f.entry.Validate()
	fd.a.win.Canvas().Focus(f.entry)
}

// unmark clears f's problem once the person types in it.
func (fd *formDialog) unmark(f *formField) {
	if f.mark == nil {
		return
	}
	f.mark = nil
	f.problem.Hide()
	f.entry.SetValidationError(nil)
}

func (fd *formDialog) clearMarks() {
	for _, f := range fd.fields {
		fd.unmark(f)
	}
	fd.general.Hide()
}

// working disables Save while the core works on what was typed.
func (fd *formDialog) working(on bool) {
	if on {
		fd.save.Disable()
	} else {
		fd.save.Enable()
	}
}

// done closes the dialog and gives the window its keys back.
func (fd *formDialog) done() {
	if fd.closed {
		return
	}
	fd.closed = true
	fd.giveBack()
	fd.dlg.Hide()
}

// failWith marks the field the core's error is about (by its Input), or
// none, with the error in the window's words.
func (fd *formDialog) failWith(err error, c auth.Connection, byInput map[auth.Input]*formField) {
	if e, ok := auth.AsError(err); ok {
		if f := byInput[e.Input]; f != nil {
			fd.fail(f, what(err)) // under the field: no "(field: …)"
			return
		}
	}
	fd.fail(nil, plainFor(err, c))
}

// dateField is an expiry date field: typed as YYYY-MM-DD or picked from a
// calendar.
func (a *App) dateField(label, hint string, at *time.Time) *formField {
	f := newField(label, hint, false)
	f.entry.SetPlaceHolder("YYYY-MM-DD")
	// The button first: setting the text builds the entry's renderer (its
	// validator runs), and a renderer built without the action item never
	// shows it — the walk found no calendar on Edit expiry of a connection
	// that already had a date.
	pick := widget.NewButtonWithIcon("", theme.CalendarIcon(), nil)
	pick.OnTapped = func() { a.pickDate(f.entry, pick) }
	f.entry.ActionItem = pick
	if at != nil {
		f.entry.SetText(auth.FormatDate(*at, time.Local))
	}
	return f
}

// pickDate shows a calendar under the date field; a day chosen fills it.
func (a *App) pickDate(e *keyEntry, from fyne.CanvasObject) {
	start := a.m.Now()
	if t, err := auth.ParseDate(e.Text, time.Local); err == nil {
		start = t
	}
	var pop *widget.PopUp
	// While the calendar is open, Escape closes the calendar only: the
	// dialog under it (and a token pasted into it) stays (the walk lost a
	// pasted token this way).
	c := a.win.Canvas()
	var giveBack func()
	closeCal := func() {
		giveBack()
		pop.Hide()
		c.Focus(e)
	}
	cal := widget.NewCalendar(start, func(t time.Time) {
		e.SetText(auth.FormatDate(t, time.Local))
		closeCal()
	})
	pop = widget.NewPopUp(cal, c)
	c.Unfocus() // so that Escape reaches the handler below, not a field's own
	giveBack = a.takeKeys(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			closeCal()
		}
	})
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(from)
	pop.ShowAtPosition(pos.Add(fyne.NewPos(0, from.Size().Height)))
}
