package ui

import (
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
)

// notify sends a desktop notification whose text is made safe first.
// Notifications are not labels: on Windows Fyne v2.8.1 pastes the title and
// content into a PowerShell script as double-quoted strings, where `$(…)`,
// a backtick or a quote (also a typographic one) would run code, and Linux
// notification servers read <markup>. A provider's words may reach a
// notification through an error, so only letters, digits, spaces and plain
// punctuation pass; anything else becomes a space.
func (a *App) notify(title, content string) {
	a.fyne.SendNotification(&fyne.Notification{Title: notificationText(title), Content: notificationText(content)})
}

// notificationText keeps what is safe in any notification system.
func notificationText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == ' ':
			return r
		case strings.ContainsRune(".,:;!?()'/-–—…%+#*_=", r):
			return r
		case r == '\n':
			return r
		}
		return ' '
	}, s)
}
