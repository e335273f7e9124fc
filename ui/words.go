package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"authdeck/auth"
	"authdeck/auth/sanitize"
)

// This file is the one place where the core's facts become the window's
// words: a status and its remedy, a fault, and every kind of *auth.Error,
// naming the window's buttons and fields and never a command-line flag or
// command. The core's own sentences (Error.Msg) are plain words by contract
// (internal/codeshape checks that none names a flag or a command), so
// nothing here edits them; what comes from outside is only cleaned.

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
	case auth.RemedyWait:
		return "wait a few minutes, then try again."
	case auth.RemedyOtherMethod:
		return "this way of connecting cannot work with " + orDash(c.ProviderName, "this provider") + ": press Remove, then add it again with another way to connect, such as an API key."
	case auth.RemedyFixTeamStore:
		return "open File › Team store… to set it up or test it; whoever runs your team's Vault or OpenBao gives you its address and a token."
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
	auth.InputOwner:        "Owner",
	auth.InputNote:         "Note",
}

// plain turns an error into the sentence a person reads in this window:
// what happened and what to do next, naming the window's fields and
// buttons, never a command-line flag or command.
func plain(err error) string { return plainFor(err, auth.Connection{}) }

// plainFor is plain for an error about connection c, so that the remedy
// names the button c shows (Connect or Reconnect).
func plainFor(err error, c auth.Connection) string {
	if err == nil {
		return ""
	}
	e := asCore(err)
	if e.Kind == auth.KindCancelled {
		return "Cancelled. Nothing was changed."
	}
	s := sentence(orDash(what(err), "That did not work"))
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

// asCore is err as the core's error. Errors that never passed through the
// core (a file the window saves, say) are a plain failure in their own words.
func asCore(err error) *auth.Error {
	if e, ok := auth.AsError(err); ok {
		return e
	}
	return &auth.Error{Kind: auth.KindFailed, Detail: sanitize.Line(err.Error()), Err: err}
}

// what says what happened, without the remedy: the window's words for the
// error's kind, else the core's own plain words.
func what(err error) string {
	e := asCore(err)
	if w := kindWords(e); w != "" {
		return sentence(w)
	}
	if e.Msg != "" {
		return sentence(e.Msg)
	}
	return sentence(orDash(e.Detail, sanitize.Line(e.Error())))
}

// kindWords is what happened, for the kinds the window words itself ("":
// the core's Msg says it).
func kindWords(e *auth.Error) string {
	switch e.Kind {
	case auth.KindCancelled:
		return "Cancelled. Nothing was changed"
	case auth.KindSignInTimedOut:
		return "No answer came back from the browser in time"
	case auth.KindTimedOut:
		return "This took too long and was stopped: check your network connection"
	case auth.KindDenied:
		return withDetail("The sign-in was refused in the browser", e.Detail)
	case auth.KindForeignAnswer:
		return "The answer in the browser did not belong to this sign-in, so it was refused: use only the page Authdeck opens"
	case auth.KindRefused:
		// Only the error code: the provider's own description may address a
		// developer ("use --scopes") in words that mean nothing here.
		return withDetail("The provider refused the request", e.Param)
	case auth.KindNoRefresh:
		return "This connection has nothing to renew its token with"
	case auth.KindNetwork:
		return withDetail("Could not reach the provider", e.Detail)
	case auth.KindNotAHeader:
		return "This credential is not sent in a header: it goes in the web address, as the query parameter " + e.Param + ". Copy it as a curl command or an address instead"
	case auth.KindMissingParam:
		return strings.Join(e.Params, ", ") + " is empty"
	case auth.KindNewerFormat:
		return "Your connections were saved by a newer version of Authdeck, so this one leaves them unchanged"
	case auth.KindDamagedFile:
		return withDetail("The file that lists your connections cannot be read: restore it from a backup or move it aside", e.Detail)
	case auth.KindKeyringDown:
		return "Authdeck could not reach your system keyring, where the credentials are kept"
	case auth.KindKeyringLocked:
		return "Your system keyring is locked, or waiting for its password"
	case auth.KindKeyringNoSession:
		return "Authdeck could not reach your system keyring: there is no desktop session bus (D-Bus)"
	case auth.KindKeyringDamage:
		return "This connection's item in your system keyring is damaged"
	case auth.KindKeyringTooBig:
		return "This secret is larger than your system's keyring can hold"
	}
	return ""
}

// withDetail adds the provider's or the system's own words in brackets.
func withDetail(s, detail string) string {
	if detail = strings.TrimSuffix(strings.TrimSpace(sanitize.Line(detail)), "."); detail != "" {
		return s + " (" + detail + ")"
	}
	return s
}

func inputName(e *auth.Error) string {
	if e.Input == auth.InputParam && e.Param != "" {
		return e.Param
	}
	return inputNames[e.Input]
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

// noticeWords says what the browser did while a sign-in goes on waiting.
func noticeWords(n auth.Notice) string {
	p := sanitize.Line(n.Provider)
	switch n.Kind {
	case auth.NoticeEmptyAnswer:
		return "The browser came back from " + p + " without an answer. If " + p +
			"'s page shows an error, that is why: fix it and approve again, or press Cancel. Authdeck is still waiting."
	case auth.NoticeForeignAnswer:
		return "An answer reached Authdeck that does not belong to this sign-in, so it was ignored. " +
			"Finish the sign-in on the page Authdeck opened, or press Cancel. Authdeck is still waiting."
	case auth.NoticeStateMissing:
		return "An answer reached Authdeck without the anti-forgery value (state) it sent to " + p +
			", and the browser did not say it came from " + p + "'s sign-in page, so it could have been made up by another web page: it was not used. " +
			"Finish the sign-in on the page Authdeck opened, or press Cancel. Authdeck is still waiting."
	}
	return "Authdeck is still waiting for the browser."
}

// countdownWords is the countdown a row and the detail pane show; an
// expiry Authdeck only estimated says so: "expires in about 3 days
// (estimate)".
func countdownWords(c auth.Connection, now time.Time) string {
	cd := auth.CountdownAt(c, now)
	switch cd.State {
	case auth.StateNotSignedIn:
		return "not signed in"
	case auth.StateRenews:
		return "renews automatically"
	case auth.StateNoExpiry:
		return "no expiry"
	case auth.StateExpired:
		if cd.Estimated {
			return "expired " + auth.Duration(cd.Left) + " ago (estimate)"
		}
		return "expired " + auth.Duration(cd.Left) + " ago"
	}
	if cd.Estimated {
		return "expires in about " + auth.Duration(cd.Left) + " (estimate)"
	}
	return "expires in " + auth.Duration(cd.Left)
}

// shortCountdown is countdownWords where there is no room for "about …
// (estimate)": "expires in ~364 days".
func shortCountdown(c auth.Connection, now time.Time) string {
	if cd := auth.CountdownAt(c, now); cd.State == auth.StateLeft && cd.Estimated {
		return "expires in ~" + auth.Duration(cd.Left)
	}
	return strings.TrimSuffix(countdownWords(c, now), " (estimate)")
}

// allOKWords says that all n connections are OK: "The connection is OK",
// "Both connections OK", "All 5 connections OK".
func allOKWords(n int) string {
	switch n {
	case 1:
		return "The connection is OK"
	case 2:
		return "Both connections OK"
	}
	return "All " + strconv.Itoa(n) + " connections OK"
}

// checkWords is what a failed Check says in the window: the check's own
// account of what happened, then the one thing to do about it.
func checkWords(r auth.CheckResult, c auth.Connection) string {
	what := sentence(r.Message)
	var do string
	switch r.Verdict {
	case auth.VerdictRejected:
		do = remedyWords(auth.RemedyForRejected(c), c)
	case auth.VerdictForbidden:
		do = "make sure this account may read it: its role at " + c.ProviderName + ", or the permissions it was connected with."
	case auth.VerdictNotFound:
		do = "check the address it was added with (for a store, its name); to change it, remove the connection and add it again."
	case auth.VerdictRedirected:
		do = "the address Authdeck checks may be wrong for " + c.ProviderName + ": ask them for the right one."
	case auth.VerdictBusy:
		do = "wait as long as " + c.ProviderName + " asks, then press Check again."
	case auth.VerdictNoSuchHost:
		do = noSuchHostWords
	case auth.VerdictServerError, auth.VerdictUnreachable:
		do = "try again later; the credential itself was not judged."
	}
	if do == "" {
		return what
	}
	return what + " " + sentence(do)
}

// noSuchHostWords is the window's remedy when an address's name does not
// exist.
const noSuchHostWords = "check the address it was added with (for a store, its name), and that this computer is online."

// copyAddressWords names the copy of a credential that travels in the web
// address ("URL" is a word the glossary gives a plain twin for).
const copyAddressWords = "Copy web address"
