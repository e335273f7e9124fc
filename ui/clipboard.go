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
func (a *App) copySecret(text string) { a.copySecretSaying(text, "") }

// copySecretSaying is copySecret with note said before "Copied" (for
// example that the credential has expired).
func (a *App) copySecretSaying(text, note string) {
	cb := a.fyne.Clipboard()
	cb.SetContent(text)
	a.copied = text
	a.clearAt = a.m.Now().Add(clipboardClearAfter)
	msg := fmt.Sprintf("Copied — the clipboard will be cleared in %d s", int(clipboardClearAfter/time.Second))
	if note != "" {
		msg = note + " " + msg
	}
	a.say(msg)
}

// clearCopiedAt clears the copied secret once its time is up (the
// one-second tick calls it): a later copy moves the time.
func (a *App) clearCopiedAt(now time.Time) {
	if a.copied == "" || now.Before(a.clearAt) {
		return
	}
	if a.clearClipboard() {
		a.say("The copied credential was cleared from the clipboard.")
	}
}

// clearClipboard empties the clipboard if it still holds the secret this
// window put there, and says whether it did.
func (a *App) clearClipboard() bool {
	if a.copied == "" {
		return false
	}
	cb := a.fyne.Clipboard()
	held := cb.Content() == a.copied
	if held {
		cb.SetContent("")
	}
	a.copied = ""
	return held
}

// copyText puts non-secret text on the clipboard and leaves it there.
func (a *App) copyText(text, what string) {
	a.fyne.Clipboard().SetContent(text)
	a.say("Copied " + what + ".")
}
