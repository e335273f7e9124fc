package ui

import (
	"fmt"
	"time"
)

// clipboardClearAfter is how long a copied secret may stay on the clipboard.
const clipboardClearAfter = 45 * time.Second

// copySecret puts text on the clipboard and clears it after a while, but
// only if it still holds text: whatever the person copied since is theirs.
// It must run on the UI goroutine (the clipboard is a widget-side resource).
func (a *App) copySecret(text string) {
	cb := a.fyne.Clipboard()
	cb.SetContent(text)
	a.say(fmt.Sprintf("Copied — the clipboard will be cleared in %d s", int(a.clearAfter/time.Second)))
	a.after(a.clearAfter, func() {
		if cb.Content() == text {
			cb.SetContent("")
			a.say("The copied credential was cleared from the clipboard.")
		}
	})
}

// copyText puts non-secret text on the clipboard and leaves it there.
func (a *App) copyText(text, what string) {
	a.fyne.Clipboard().SetContent(text)
	a.say("Copied " + what + ".")
}

// afterOnUI runs fn on the UI goroutine once d has passed.
func afterOnUI(d time.Duration, fn func()) {
	time.AfterFunc(d, func() { toUI(fn) })
}
