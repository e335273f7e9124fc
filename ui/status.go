package ui

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
	"authdeck/auth/oauth"
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

// advice says, for a status other than ok, what is wrong and what to do in
// this window: the core decides the remedy (auth.RemedyFor), the window
// names its own buttons.
func advice(c auth.Connection, s auth.Status) string {
	what := ""
	switch s {
	case auth.StatusOK:
		return ""
	case auth.StatusNeedsConnect:
		what = "Not signed in yet"
	case auth.StatusExpiring:
		what = "This credential expires soon"
	case auth.StatusExpired:
		what = "This credential has expired"
	case auth.StatusError:
		what = faultWords(c)
	}
	r := auth.RemedyFor(c, s)
	if s == auth.StatusExpiring || s == auth.StatusExpired {
		if c.Method.Browser() {
			return what + " and cannot renew itself: " + remedyWords(r, c)
		}
		return what + ": get a new one from " + c.ProviderName + " and " + remedyWords(r, c) +
			" If its expiry was only extended, set the new date with Edit expiry."
	}
	return what + ": " + remedyWords(r, c)
}

// faultWords says what is wrong with a connection in status error.
func faultWords(c auth.Connection) string {
	detail := strings.TrimSuffix(strings.TrimSpace(c.FaultDetail), ".")
	switch c.Fault {
	case auth.FaultRemoving:
		return "Its removal was interrupted"
	case auth.FaultProviderMissing:
		return "Its provider definition is missing or broken (" + detail + ")"
	case auth.FaultRefreshFailed:
		return "The last automatic renewal failed (" + detail + ")"
	case auth.FaultRejected:
		return c.ProviderName + " refused the credential at the last check (" + detail + ")"
	case auth.FaultReplaced:
		return "Replaced by " + c.ReplacedBy + ": its sign-in made this token invalid"
	}
	return sentence(detail)
}

// remedyWords says in this window's words (its buttons, its fields) what
// fixes a problem; it ends with a full stop.
func remedyWords(r auth.Remedy, c auth.Connection) string {
	switch r {
	case auth.RemedySignIn:
		switch {
		case c.Name == "":
			return "sign in again with Connect (or Reconnect) and approve the request in your browser."
		case c.ConnectedAt == nil:
			return "press Connect and approve the request in your browser."
		}
		return "press Reconnect and approve the request in your browser."
	case auth.RemedyReplaceSecret:
		return "use Replace key… to paste the new one."
	case auth.RemedySetExpiry:
		return "set the new date with Edit expiry."
	case auth.RemedyRemove:
		return "press Remove, then add it again if you still need it."
	case auth.RemedyRetry:
		return "try again in a moment; if it keeps failing, press Reconnect."
	case auth.RemedyStartKeyring:
		return "start or unlock your system keyring (log in to your desktop session), then try again."
	case auth.RemedyChooseName:
		return "choose another name."
	case auth.RemedyFixProviderFile:
		return "restore or correct its file in the providers.d folder, or press Remove."
	case auth.RemedyUpdateApp:
		return "update Authdeck to the newest version."
	case auth.RemedySeeList:
		return "pick it again from the list."
	case auth.RemedyFixConfigFolder:
		return "make the configuration folder your own and private (only you may change it), then start Authdeck again."
	}
	return ""
}

// inputNames are the window's names for the inputs an error can be about.
var inputNames = map[auth.Input]string{
	auth.InputName:         "Name",
	auth.InputProvider:     "Provider",
	auth.InputMethod:       "How do you want to connect",
	auth.InputClientID:     "Client ID",
	auth.InputClientSecret: "Client secret",
	auth.InputSecret:       "the key or secret field",
	auth.InputUser:         "User",
	auth.InputExpires:      "Expires on",
	auth.InputRedirectURI:  "Redirect URI",
	auth.InputScopes:       "Scopes",
	auth.InputIssuer:       "Issuer address",
	auth.InputURL:          "Address",
}

// plain turns an error into the sentence a person reads in this window:
// what happened and what to do next, naming the window's fields and
// buttons, never a command-line flag or command.
func plain(err error) string { return plainFor(err, auth.Connection{}) }

// plainFor is plain for an error about connection c, so that the remedy
// names the button c shows (Connect or Reconnect).
func plainFor(err error, c auth.Connection) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled):
		return "Cancelled. Nothing was changed."
	case errors.Is(err, oauth.ErrTimeout):
		return "No answer came back from the browser in time. Press Connect to try again."
	case errors.Is(err, context.DeadlineExceeded):
		return "This took too long and was stopped: check your network connection and try again."
	}
	e, ok := auth.AsError(err)
	if !ok {
		return sentence(orDash(withoutCommands(err.Error()), "That did not work"))
	}
	return typedWords(e, c)
}

// typedWords words one of the core's typed errors about c (zero if none).
func typedWords(e *auth.Error, c auth.Connection) string {
	what := withoutCommands(e.Msg)
	if what == "" || e.Remedy == auth.RemedyStartKeyring {
		what = withoutCommands(remedyLead(e))
	}
	s := sentence(orDash(what, "That did not work"))
	if field := inputName(e); field != "" && e.Remedy == auth.RemedyFixInput {
		s += " (field: " + field + ")"
	}
	if more := remedyWords(e.Remedy, c); more != "" && e.Remedy != auth.RemedyFixInput {
		r := []rune(more)
		r[0] = unicode.ToUpper(r[0])
		s += " " + string(r)
	}
	return s
}

// remedyLead says what happened when the core gave no words of its own
// that fit the window.
func remedyLead(e *auth.Error) string {
	if e.Remedy == auth.RemedyStartKeyring {
		return "Authdeck could not reach your system keyring, where the credentials are kept"
	}
	if e.Err != nil {
		return e.Err.Error()
	}
	return "something went wrong"
}

func inputName(e *auth.Error) string {
	if e.Input == auth.InputParam && e.Param != "" {
		return e.Param
	}
	return inputNames[e.Input]
}

// cliHint matches the parts of a message that only make sense at a
// terminal: a flag, or an authdeck command.
var cliHint = regexp.MustCompile(`(^|\s|\(|` + "`" + `)(--[a-z]|authdeck [a-z])`)

// withoutCommands drops the clauses of an untyped message that name a
// command-line flag or command: they are no help in the window.
func withoutCommands(s string) string {
	if !cliHint.MatchString(s) {
		return s
	}
	// Drop parenthesised asides first, then whole clauses.
	s = regexp.MustCompile(`\s*\([^()]*\)`).ReplaceAllStringFunc(s, func(p string) string {
		if cliHint.MatchString(p) {
			return ""
		}
		return p
	})
	var kept []string
	for _, clause := range regexp.MustCompile(`[:;.]\s+`).Split(s, -1) {
		if !cliHint.MatchString(clause) {
			kept = append(kept, clause)
		}
	}
	return strings.Join(kept, ": ")
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
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, ")") && !strings.HasSuffix(s, "!") && !strings.HasSuffix(s, "…") {
		s += "."
	}
	return s
}

// daysWord is "1 day" or "n days".
func daysWord(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}
