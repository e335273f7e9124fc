package cli

import (
	"fmt"
	"strings"
	"time"

	"authdeck/auth"
	"authdeck/auth/sanitize"
)

// This file is the one place where the core's typed errors and statuses
// become words for a terminal: the core says which input is wrong and what
// kind of remedy fixes a problem; here they become a flag and a command.
// Everything printed from here goes through sanitize, belt and braces: the
// core already cleans outside text where it enters.

// describe words any error for the terminal, on one line. suggest, when not
// nil, offers connection names close to a mistyped one.
func describe(err error, suggest func(name string) []string) string {
	e, core := auth.AsError(err)
	if !core {
		return sanitize.Line(strings.TrimSpace(err.Error()))
	}
	name := "NAME"
	if e.Connection != "" {
		name = shellArg(e.Connection)
	}
	words := kindWords(e, name)
	if words == "" {
		words = e.Error()
	}
	if flag := flagFor(e.Input, e.Param); flag != "" && e.Remedy == auth.RemedyFixInput && e.Kind != auth.KindMissingParam {
		words += " (" + flag + ")"
	}
	if e.Remedy == auth.RemedySeeList && suggest != nil {
		if near := suggest(e.Connection); len(near) > 0 {
			return sanitize.Line(words + ": did you mean " + strings.Join(near, " or ") + "?")
		}
	}
	if cmd := remedyCommand(e.Remedy, e.Connection); cmd != "" {
		words += "; run " + cmd
	}
	switch e.Remedy {
	case auth.RemedyReplaceProvider:
		words += ": to replace it on purpose, run the same command with --replace (its connections then sign in again before Authdeck sends them to the new addresses)"
	case auth.RemedyChooseName:
		words += ": choose another NAME, or remove that one first"
	case auth.RemedyUpdateApp:
		words += ": update Authdeck (the file was left unchanged)"
	case auth.RemedyWait:
		words += ": wait a few minutes, then use it again"
	case auth.RemedyOtherMethod:
		words += ": add the connection again with another --method of the provider (an API key, say; authdeck providers show ID lists them)"
	}
	return sanitize.Line(words)
}

// kindWords is what happened, for the kinds the terminal words itself
// ("": the core's own words say it).
func kindWords(e *auth.Error, name string) string {
	switch e.Kind {
	case auth.KindNotAHeader:
		return fmt.Sprintf("%s is not sent in a header: it goes in the URL, as the query parameter %s; "+
			"for a usable form run authdeck curl %s [URL] or authdeck snippet %s --format url [URL]",
			name, e.Param, name, name)
	case auth.KindMissingParam:
		var flags []string
		for _, p := range e.Params {
			flags = append(flags, "--param "+p+"=VALUE")
		}
		return e.Error() + " (" + strings.Join(flags, " ") + ")"
	case auth.KindSignInTimedOut:
		return "no answer came back from the browser in time (raise --timeout if you need longer)"
	case auth.KindDamagedFile:
		return e.Error() + ": restore it from a backup or move it aside to start afresh"
	case auth.KindKeyringDamage:
		return e.Error() + ": remove the connection and add it again"
	case auth.KindNotPrivate:
		return e.Error() + ": make it yours and writable only by you (chown it, chmod go-w), remove what does not belong there, or set AUTHDECK_CONFIG_DIR to a folder of your own"
	case auth.KindKeyringDown:
		return e.Error() + ": start gnome-keyring or KWallet (log in to a desktop session, or run `gnome-keyring-daemon --start --components=secrets`) and try again"
	case auth.KindKeyringLocked:
		return e.Error() + ": unlock it (for example in Passwords and Keys) and try again"
	case auth.KindKeyringNoSession:
		return e.Error() + ": run Authdeck inside your desktop session, or on a headless machine start one with dbus-run-session and unlock gnome-keyring in it (echo PASSWORD | gnome-keyring-daemon --unlock), then run Authdeck inside it"
	}
	return ""
}

// flagFor names the flag or argument through which the command line gives
// an input.
func flagFor(in auth.Input, param string) string {
	switch in {
	case auth.InputName:
		return "the NAME argument"
	case auth.InputClientSecret, auth.InputSecret:
		return "pipe it in with --secret-stdin"
	case auth.InputParam:
		if param == "" {
			param = "KEY"
		}
		return "--param " + param + "=VALUE"
	case auth.InputIssuer:
		return "--from-issuer"
	case auth.InputAddress:
		return "the ADDRESS argument, --mount or --path"
	case auth.InputURL:
		return "give the URL after the connection name"
	case auth.InputNone:
		return ""
	}
	// provider, method, client_id, user, expires, redirect_uri, scopes.
	return "--" + strings.ReplaceAll(string(in), "_", "-")
}

// remedyCommand is the command line that carries out a remedy for the
// connection name ("" when the remedy is no command).
func remedyCommand(r auth.Remedy, name string) string {
	return string(appendRemedyCommand(nil, r, name))
}

// appendRemedyCommand appends remedyCommand(r, name) to b (list words one
// for every connection).
func appendRemedyCommand(b []byte, r auth.Remedy, name string) []byte {
	arg := func(b []byte) []byte {
		if name == "" {
			return append(b, "NAME"...)
		}
		return appendShellArg(b, name)
	}
	switch r {
	case auth.RemedySignIn:
		return arg(append(b, "authdeck connect "...))
	case auth.RemedyReplaceSecret:
		return append(arg(append(b, "authdeck replace "...)), " --secret-stdin"...)
	case auth.RemedyRemove:
		return arg(append(b, "authdeck remove "...))
	case auth.RemedyRetry:
		if name == "" {
			return b
		}
		return arg(append(b, "authdeck refresh "...))
	case auth.RemedySeeList:
		return append(b, "authdeck list"...)
	case auth.RemedyFixProviderFile:
		return append(b, "authdeck providers"...)
	case auth.RemedyFixTeamStore:
		return append(b, "authdeck team"...)
	}
	return b
}

// problemWords says what is wrong with a connection in status s, without
// the remedy: the command that fixes it is given once, beside.
func problemWords(c auth.Connection, s auth.Status) string {
	switch s {
	case auth.StatusNeedsConnect:
		return "not signed in yet"
	case auth.StatusExpired:
		return "expired, the provider will probably refuse it"
	case auth.StatusExpiring:
		if c.Method.Browser() {
			return "cannot renew itself: sign in again before it expires"
		}
		return "get a new one from the provider before it expires"
	case auth.StatusError:
		return faultWords(c)
	}
	return ""
}

func faultWords(c auth.Connection) string {
	detail := sanitize.Line(c.FaultDetail)
	switch c.Fault {
	case auth.FaultRemoving:
		return "its removal was interrupted"
	case auth.FaultRefreshFailed:
		return "the last refresh failed: " + detail
	case auth.FaultRejected:
		return "the provider rejected the credential at the last check: " + detail
	case auth.FaultReplaced:
		return "replaced by " + sanitize.Line(c.ReplacedBy) + ": its sign-in made this token invalid"
	}
	return detail
}

// expiredWarning is what header, curl, token and snippet say on standard
// error each time they hand out an expired credential.
func expiredWarning(c auth.Connection, now time.Time) string {
	date := auth.FormatDate(*c.ExpiresAt, time.Local)
	if c.ExpiryEstimated {
		date += ", estimated from the provider's usual lifetime"
	}
	return fmt.Sprintf("%s expired %s ago (%s): the provider will probably refuse it; run %s",
		sanitize.Line(c.Name), auth.Duration(now.Sub(*c.ExpiresAt)), date,
		remedyCommand(auth.RemedyFor(c, auth.StatusExpired), c.Name))
}

// shellArg quotes a name for a command line shown to the user.
func shellArg(s string) string {
	if plainShellWord(s) {
		return s
	}
	return string(appendShellArg(nil, s))
}

// appendShellArg appends shellArg(s) to b.
func appendShellArg(b []byte, s string) []byte {
	if plainShellWord(s) {
		return append(b, s...)
	}
	b = append(b, '\'')
	b = append(b, strings.ReplaceAll(sanitize.Line(s), "'", `'\''`)...)
	return append(b, '\'')
}

// plainShellWord says whether s reads the same to a shell unquoted.
func plainShellWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// noticeWords says what the browser did while connect goes on waiting.
func noticeWords(n auth.Notice) string {
	p := sanitize.Line(n.Provider)
	switch n.Kind {
	case auth.NoticeEmptyAnswer:
		return "The browser came back from " + p + " without an answer. If " + p +
			"'s page shows an error, that is why: fix it and approve again, or press Ctrl+C. Authdeck is still waiting."
	case auth.NoticeForeignAnswer:
		return "An answer reached Authdeck that does not belong to this sign-in, so it was ignored. " +
			"Finish the sign-in on the page Authdeck opened, or press Ctrl+C. Authdeck is still waiting."
	case auth.NoticeStateMissing:
		return "An answer reached Authdeck without the anti-forgery value (state) it sent to " + p +
			", and the browser did not say it came from " + p + "'s sign-in page, so it could have been made up by another web page: it was not used. " +
			"Finish the sign-in on the page Authdeck opened, or press Ctrl+C. Authdeck is still waiting."
	}
	return "Authdeck is still waiting for the browser."
}

// countdownWords says a countdown for the terminal: "expires in 23 h 14 min",
// "expired 3 days ago", "no expiry", "renews automatically".
func countdownWords(cd auth.Countdown) string {
	switch cd.State {
	case auth.StateNotSignedIn:
		return "not signed in"
	case auth.StateRenews:
		return "renews automatically"
	case auth.StateNoExpiry:
		return "no expiry"
	}
	var b [40]byte
	return string(appendCountdownWords(b[:0], cd))
}

// appendCountdownWords appends countdownWords(cd) to b.
func appendCountdownWords(b []byte, cd auth.Countdown) []byte {
	switch cd.State {
	case auth.StateNotSignedIn, auth.StateRenews, auth.StateNoExpiry:
		return append(b, countdownWords(cd)...)
	case auth.StateExpired:
		return append(auth.AppendDuration(append(b, "expired "...), cd.Left), " ago"...)
	}
	return auth.AppendDuration(append(b, "expires in "...), cd.Left)
}

// checkWords says what to do after a check whose verdict no command fixes.
func checkWords(v auth.Verdict, c auth.Connection) string {
	switch v {
	case auth.VerdictForbidden:
		return "make sure this account may read it: its role at " + sanitize.Line(c.ProviderName) + ", or the permissions (--scopes) it was connected with"
	case auth.VerdictNotFound:
		return "check the address it was added with (for a store, its name: --param); to change it, remove the connection and add it again"
	case auth.VerdictRedirected:
		return "the address Authdeck checks may be wrong for this provider: see authdeck providers show " + shellArg(c.Provider)
	case auth.VerdictBusy:
		return "wait as long as the provider asks, then check again"
	case auth.VerdictNoSuchHost:
		return "check the address it was added with (for a store, its name: --param), and that this computer is online"
	case auth.VerdictServerError, auth.VerdictUnreachable:
		return "try again later; the credential itself was not judged"
	}
	return ""
}
