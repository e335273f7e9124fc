package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
)

// buildDetails makes the owner and note fields: who to ask about the
// connection and why it exists. Enter in Owner (Shift+Enter in Note) and
// the button save them; leaving the row saves them too.
func (d *detailPane) buildDetails() {
	d.owner = newKeyEntry(false)
	d.owner.SetPlaceHolder("Who to ask about it, e.g. Dana (accounts)")
	d.note = newNoteEntry()
	d.note.SetMinRowsVisible(minNoteRows)
	d.note.Wrapping = fyne.TextWrapWord
	d.note.SetPlaceHolder("Why it exists, where it is used (Shift+Enter saves)")
	d.saveDetails = widget.NewButtonWithIcon("Save owner and note", theme.DocumentSaveIcon(), d.saveOwnerNote)
	d.saveDetails.Disable()
	changed := func(string) { d.markUnsaved() }
	d.owner.OnChanged = changed
	d.note.OnChanged = func(text string) {
		d.note.grow(text)
		changed(text)
	}
	submit := func(string) {
		if d.edited() {
			d.saveOwnerNote()
		}
	}
	d.owner.OnSubmitted, d.note.OnSubmitted = submit, submit
}

// noteEntry is a field of several lines that leaves Tab to move the
// focus, as every other field does: a multi-line entry types Tab into the
// text, and the walk's keyboard user could not leave the note.
type noteEntry struct{ widget.Entry }

func newNoteEntry() *noteEntry {
	e := &noteEntry{}
	e.MultiLine = true
	e.ExtendBaseWidget(e)
	return e
}

// AcceptsTab is false: Tab and Shift+Tab move to the next and previous
// control.
func (e *noteEntry) AcceptsTab() bool { return false }

// noteRows bounds how tall the note grows: two lines at least, then as
// many as it holds up to ten; only a longer note scrolls inside itself.
const minNoteRows, maxNoteRows = 2, 10

// grow shows as many lines as text has (within the bounds), so that the
// pane, not the field, scrolls under the wheel. The note's OnChanged calls
// it, for typing and SetText alike (Fyne calls OnChanged for both).
func (e *noteEntry) grow(text string) {
	rows := min(max(strings.Count(text, "\n")+1, minNoteRows), maxNoteRows)
	e.SetMinRowsVisible(rows)
}

// typed is the owner and note as they are in the fields now.
func (d *detailPane) typed() auth.Details {
	return auth.Details{Owner: d.owner.Text, Note: d.note.Text}
}

// edited says whether the owner or note hold text that is not saved.
func (d *detailPane) edited() bool {
	return d.owner != nil && d.conn.Name != "" && d.typed() != d.base
}

// markUnsaved enables the save button while there is something to save.
func (d *detailPane) markUnsaved() {
	if d.edited() {
		d.saveDetails.Enable()
	} else {
		d.saveDetails.Disable()
	}
}

// showDetails fills owner and note from c: both for a connection newly
// shown; otherwise each field the person has not edited follows c (a
// change made elsewhere arrives), and an edited one keeps what was typed
// and what it started from, for the core to compare when it is saved.
func (d *detailPane) showDetails(c auth.Connection, changed bool) {
	if changed || d.owner.Text == d.base.Owner {
		d.base.Owner = c.Owner
		d.owner.SetText(c.Owner)
	}
	if changed || d.note.Text == d.base.Note {
		d.base.Note = c.Note
		d.note.SetText(c.Note)
	}
	d.markUnsaved()
}

// saveOwnerNote saves the owner and note as typed.
func (d *detailPane) saveOwnerNote() {
	if d.conn.Name == "" || d.a.isBusy(d.conn.Name) {
		return
	}
	d.a.saveDetails(d.conn.Name, d.base, d.typed())
}

// saved takes in what the core stored for name, when the pane still shows
// it: the fields not typed in since follow it.
func (d *detailPane) saved(c auth.Connection, sent auth.Details) {
	if d.conn.Name != c.Name || d.owner == nil {
		return
	}
	d.conn.Owner, d.conn.Note = c.Owner, c.Note
	if d.owner.Text == sent.Owner {
		d.owner.SetText(c.Owner)
	}
	if d.note.Text == sent.Note {
		d.note.SetText(c.Note)
	}
	d.base = auth.Details{Owner: c.Owner, Note: c.Note}
	d.markUnsaved()
}

// saveDetails saves name's owner and note from what the person started
// from to what they typed. A field changed elsewhere meanwhile (another
// window, the command line) is never overwritten: the person is asked.
func (a *App) saveDetails(name string, from, to auth.Details) {
	a.setBusy(name, true)
	background(a, func() (auth.Connection, error) {
		return a.m.SetDetails(a.ctx(), name, from, to)
	}, func(c auth.Connection, err error) {
		a.setBusy(name, false)
		switch {
		case errors.Is(err, auth.ErrChanged):
			a.askWhichDetails(name, to)
		case err != nil:
			msg := plain(err)
			if a.detail.conn.Name == name {
				a.detail.showError(msg)
			}
			a.say(name + ": " + msg)
		default:
			a.say(name + ": owner and note saved.")
			a.detail.saved(c, to)
			a.reload()
		}
	})
}

// askWhichDetails asks, after a conflict, whether to keep what the person
// typed or what was saved elsewhere meanwhile.
func (a *App) askWhichDetails(name string, mine auth.Details) {
	background(a, func() (auth.Connection, error) { return a.m.Get(name) }, func(c auth.Connection, err error) {
		if err != nil {
			a.say(name + ": " + plain(err))
			return
		}
		now := auth.Details{Owner: c.Owner, Note: c.Note}
		text := "While you were typing, the owner or note of " + name +
			" was changed somewhere else (on the command line or in another window).\n\n" +
			detailsWords("Saved there", now) + "\n" + detailsWords("Yours", mine)
		a.ask("Changed somewhere else", text, "Keep mine", "Use theirs", func() {
			a.saveDetails(name, now, mine)
		}, func() {
			if a.detail.conn.Name == name {
				a.detail.base = mine // so that both fields follow
				a.detail.saved(c, mine)
			}
			a.say(name + ": kept the owner and note saved somewhere else.")
		})
	})
}

// detailsWords is "Yours: owner “Ben”, note “…”".
func detailsWords(who string, d auth.Details) string {
	return who + ": owner “" + orDash(d.Owner, "(none)") + "”, note “" + orDash(d.Note, "(none)") + "”"
}

// unsaved is the owner and note typed for a connection and not saved
// yet, with what the person started from.
type unsaved struct {
	name     string
	from, to auth.Details
}

// pending is what the pane holds unsaved ("" name: nothing).
func (d *detailPane) pending() unsaved {
	if !d.edited() {
		return unsaved{}
	}
	return unsaved{d.conn.Name, d.base, d.typed()}
}

// saveLeaving saves the owner and note typed for the connection the pane
// has left, so that selecting another row never loses them.
func (a *App) saveLeaving(u unsaved) {
	if u.name != "" {
		a.saveDetails(u.name, u.from, u.to)
	}
}

// saveBeforeQuit saves typed owner and note while the window can still
// say what went wrong: quitting waits for it, at most a few seconds.
func (a *App) saveBeforeQuit() error {
	d := a.detail
	if !d.edited() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if _, err := a.m.SetDetails(ctx, d.conn.Name, d.base, d.typed()); err != nil {
		return err
	}
	d.base = d.typed()
	return nil
}
