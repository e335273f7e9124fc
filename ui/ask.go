package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// question is a dialog with two answers that the keyboard answers as well
// as the mouse: Enter presses the focused answer (the first, to begin
// with), Tab moves between them, Escape is the second answer.
type question struct {
	dlg      *dialog.CustomDialog
	yes, no  *keyButton
	prevKey  func(*fyne.KeyEvent)
	answered bool
}

// ask shows a question with two answers; onNo also runs for Escape and
// for the dialog closed any other way.
func (a *App) ask(title, text, yes, no string, onYes, onNo func()) *question {
	q := &question{}
	answer := func(fn func()) func() {
		return func() {
			if q.answered {
				return
			}
			q.answered = true
			q.dlg.Hide()
			if fn != nil {
				fn()
			}
		}
	}
	q.yes = newKeyButton(yes, nil, answer(onYes))
	q.yes.Importance = widget.HighImportance
	q.no = newKeyButton(no, nil, answer(onNo))
	q.yes.onEscape, q.no.onEscape = answer(onNo), answer(onNo)
	body := wrapLabel(text)
	buttons := container.NewHBox(layout.NewSpacer(), q.no, q.yes)
	q.dlg = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil, buttons, nil, nil, body), a.win)
	q.prevKey = a.win.Canvas().OnTypedKey()
	a.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		switch ev.Name {
		case fyne.KeyEscape:
			answer(onNo)()
		case fyne.KeyReturn, fyne.KeyEnter:
			answer(onYes)()
		}
	})
	q.dlg.SetOnClosed(func() {
		a.win.Canvas().SetOnTypedKey(q.prevKey)
		answer(onNo)()
	})
	size := a.win.Canvas().Size()
	q.dlg.Resize(fyne.NewSize(min(480, size.Width*0.95), 0))
	q.dlg.Show()
	a.win.Canvas().Focus(q.yes)
	return q
}
