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
// with), Tab moves between them. Escape, and closing the dialog any other
// way, answers neither: a person who backs out of a question must find
// everything as it was (the walk pressed Escape on "Quit while signing
// in?" and lost the sign-in, and on "Changed somewhere else" and lost
// what they had typed).
type question struct {
	dlg      *dialog.CustomDialog
	yes, no  *keyButton
	giveBack func() // the window's keys, to their owner before the question
	answered bool
}

// ask shows a question with two answers; Escape and closing the dialog
// run neither (see question).
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
	dismiss := answer(nil)
	q.yes = newKeyButton(yes, nil, answer(onYes))
	q.yes.Importance = widget.HighImportance
	q.no = newKeyButton(no, nil, answer(onNo))
	q.yes.onEscape, q.no.onEscape = dismiss, dismiss
	body := wrapLabel(text)
	buttons := container.NewHBox(layout.NewSpacer(), q.no, q.yes)
	q.dlg = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil, buttons, nil, nil, body), a.win)
	q.giveBack = a.takeKeys(func(ev *fyne.KeyEvent) {
		switch ev.Name {
		case fyne.KeyEscape:
			dismiss()
		case fyne.KeyReturn, fyne.KeyEnter:
			answer(onYes)()
		}
	})
	q.dlg.SetOnClosed(func() {
		q.giveBack()
		dismiss()
	})
	size := a.win.Canvas().Size()
	q.dlg.Resize(fyne.NewSize(min(480, size.Width*0.95), 0))
	q.dlg.Show()
	a.win.Canvas().Focus(q.yes)
	return q
}
