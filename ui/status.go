package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
)

// statusAt is a connection's status at now. auth computes Status when the
// list is loaded; between loads the window ticks, so the time-dependent part
// is worked out again here, and only here, with the window's threshold.
func statusAt(c auth.Connection, now time.Time, within time.Duration) auth.Status {
	switch c.Status {
	case auth.StatusNeedsConnect, auth.StatusError:
		return c.Status
	}
	if c.Refreshable || c.ExpiresAt == nil {
		return auth.StatusOK
	}
	left := c.ExpiresAt.Sub(now)
	switch {
	case left <= 0:
		return auth.StatusExpired
	case left <= within:
		return auth.StatusExpiring
	}
	return auth.StatusOK
}

// statusWord names a status for people.
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
		return "Needs attention"
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

// advice says, for a status other than ok, what is wrong and what to do in
// this window (auth's Problem names command-line steps).
func advice(c auth.Connection, s auth.Status) string {
	browser := c.Method.Browser()
	switch s {
	case auth.StatusNeedsConnect:
		return "Not signed in yet: press Connect and approve the request in your browser."
	case auth.StatusExpiring, auth.StatusExpired:
		when := "expires soon"
		if s == auth.StatusExpired {
			when = "has expired"
		}
		if browser {
			return fmt.Sprintf("This credential %s and cannot renew itself: press Reconnect and approve the request in your browser.", when)
		}
		return fmt.Sprintf("This credential %s: get a new one from %s and add it again, or, if its expiry was extended, set the new date with Edit expiry.", when, c.ProviderName)
	case auth.StatusError:
		return sentence(c.FaultDetail)
	}
	return ""
}

// plain turns an error into the sentence a person reads: what happened and
// what to do next. auth's errors already say both; cancellation and
// time-outs are given words here because they come from the window itself.
func plain(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled):
		return "Cancelled. Nothing was changed."
	case errors.Is(err, context.DeadlineExceeded):
		return "This took too long and was stopped: check your network connection and try again."
	}
	return sentence(err.Error())
}

// sentence capitalises s and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	s = string(r)
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, ")") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}
