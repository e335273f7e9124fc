package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
)

// Status filter words that are not one status.
const (
	filterAll       = "All statuses"
	filterAttention = "Needs attention"
)

// statusWord names a status for people. StatusError is "Check failed": the
// filter also offers "Needs attention" (every status but OK), and the two
// must not read the same.
func statusWord(s auth.Status) string {
	switch s {
	case auth.StatusOK:
		return "OK"
	case auth.StatusExpiring:
		return "Expiring soon"
	case auth.StatusExpired:
		return "Expired"
	case auth.StatusNeedsConnect:
		return "Not signed in"
	case auth.StatusError:
		return "Check failed"
	}
	return "Unknown"
}

// look is how a status appears: green ok, amber expiring, red expired or
// needing a new sign-in; grey (the zero look) while unknown or being checked.
type look struct {
	color      fyne.ThemeColorName
	importance widget.Importance
	dot        string // for the tray menu, which shows text only
}

var looks = map[auth.Status]look{
	auth.StatusOK:           {theme.ColorNameSuccess, widget.SuccessImportance, "🟢"},
	auth.StatusExpiring:     {theme.ColorNameWarning, widget.WarningImportance, "🟡"},
	auth.StatusExpired:      {theme.ColorNameError, widget.DangerImportance, "🔴"},
	auth.StatusNeedsConnect: {theme.ColorNameError, widget.DangerImportance, "🔴"},
	auth.StatusError:        {theme.ColorNameError, widget.DangerImportance, "🔴"},
}

var busyLook = look{theme.ColorNameDisabled, widget.LowImportance, "⚪"}

func lookOf(s auth.Status, busy bool) look {
	if l, ok := looks[s]; ok && !busy {
		return l
	}
	return busyLook
}

// statusColor is the colour of a status.
func statusColor(s auth.Status, busy bool) fyne.ThemeColorName { return lookOf(s, busy).color }

// statusImportance gives a label the colour of a status.
func statusImportance(s auth.Status, busy bool) widget.Importance {
	return lookOf(s, busy).importance
}
