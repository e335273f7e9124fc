package auth

import (
	"errors"
	"fmt"
	"time"
)

// Input names what a person typed or chose, so that a front end can point at
// it: the command line names its flag, the window marks its field.
type Input string

// The inputs an error can be about.
const (
	InputNone         Input = ""
	InputName         Input = "name"
	InputProvider     Input = "provider"
	InputMethod       Input = "method"
	InputClientID     Input = "client_id"
	InputClientSecret Input = "client_secret"
	InputSecret       Input = "secret" // the pasted key, token, App Secret or password
	InputUser         Input = "user"
	InputExpires      Input = "expires"
	InputRedirectURI  Input = "redirect_uri"
	InputScopes       Input = "scopes"
	InputParam        Input = "param" // Error.Param says which
	InputIssuer       Input = "issuer"
	InputURL          Input = "url"
	InputAddress      Input = "address" // the team store's address, mount or path
	InputCACert       Input = "ca_cert" // the team store's CA certificate file
	InputOwner        Input = "owner"
	InputNote         Input = "note"
	InputPort         Input = "port" // a local port to listen on (the credential proxy)
)

// Remedy is what fixes a problem. The core decides it; each front end words
// it (a command to run, a button to press).
type Remedy string

// The remedies the core knows.
const (
	RemedyNone            Remedy = ""
	RemedyFixInput        Remedy = "fix-input"         // correct Error.Input
	RemedySignIn          Remedy = "sign-in"           // sign in again through the browser
	RemedyReplaceSecret   Remedy = "replace-secret"    // paste a new key, token or password
	RemedyRemove          Remedy = "remove"            // remove the connection (and add it again)
	RemedyRetry           Remedy = "retry"             // a passing failure: try again
	RemedyStartKeyring    Remedy = "start-keyring"     // start or unlock the OS keyring
	RemedyChooseName      Remedy = "choose-name"       // the name is taken
	RemedyFixProviderFile Remedy = "fix-provider-file" // restore or correct a providers.d file
	RemedyUpdateApp       Remedy = "update-app"        // written by a newer Authdeck
	RemedySeeList         Remedy = "see-list"          // no such connection: look at the list
	RemedyFixConfigFolder Remedy = "fix-config-folder" // the config folder is not private
	RemedyFixTeamStore    Remedy = "fix-team-store"    // reach, unseal or give a token for the team store
	RemedyReplaceProvider Remedy = "replace-provider"  // a definition with this id exists: replace it only on purpose
	RemedyChooseValue     Remedy = "choose-value"      // changed elsewhere meanwhile: choose which value to keep
	RemedyOtherMethod     Remedy = "other-method"      // this way of connecting cannot work here: add it with another of the provider's methods
	RemedyWait            Remedy = "wait"              // the provider cannot take it now: wait, then use it again
)

// Kind is what happened, as a fact: the closed set of problems the core
// reports. Every error an exported Manager method returns is an *Error with
// a Kind (classify sees to it); the front ends word each kind themselves and
// never edit the core's sentences.
type Kind string

// The kinds of problem, with the facts each carries in Error.
const (
	KindNone             Kind = ""
	KindInvalidInput     Kind = "invalid-input"      // Error.Input (and Param) say what is wrong
	KindNotFound         Kind = "not-found"          // no connection called Error.Connection
	KindNameTaken        Kind = "name-taken"         // Error.Connection exists already
	KindChanged          Kind = "changed"            // edited elsewhere meanwhile (ErrChanged)
	KindTimedOut         Kind = "timed-out"          // the provider or the network did not answer in time
	KindSignInTimedOut   Kind = "sign-in-timed-out"  // no answer came back from the browser in time
	KindCancelled        Kind = "cancelled"          // the person stopped it
	KindDenied           Kind = "denied"             // the provider or the person at it refused the sign-in
	KindForeignAnswer    Kind = "foreign-answer"     // a browser answer that did not belong to this sign-in
	KindRefused          Kind = "refused"            // the provider answered with an error: Param is its code, Detail its words
	KindNoRefresh        Kind = "no-refresh"         // nothing to renew with: sign in again
	KindNetwork          Kind = "network"            // the provider could not be reached
	KindNotAHeader       Kind = "not-a-header"       // the credential travels in the URL as query parameter Param
	KindMissingParam     Kind = "missing-param"      // the provider needs the parameters Params
	KindUnconfirmed      Kind = "unconfirmed"        // the field Param is not an unconfirmed value of the provider
	KindProviderFile     Kind = "provider-file"      // a providers.d definition is unusable
	KindNotPrivate       Kind = "not-private"        // the config folder or a file in it can be changed by others
	KindNewerFormat      Kind = "newer-format"       // a file was written by a newer Authdeck
	KindDamagedFile      Kind = "damaged-file"       // a file Authdeck keeps cannot be read
	KindKeyringDown      Kind = "keyring-down"       // the keyring is not running, unreachable or did not answer
	KindKeyringLocked    Kind = "keyring-locked"     // the keyring is locked
	KindKeyringNoSession Kind = "keyring-no-session" // no desktop session bus (D-Bus), so no keyring to ask
	KindKeyringDamage    Kind = "keyring-damaged"    // a keyring item is damaged
	KindKeyringTooBig    Kind = "keyring-too-big"    // the secret is larger than this system's keyring holds
	KindSandbox          Kind = "sandbox-running"    // the demo provider is already served by another process
	KindTeamStore        Kind = "team-store"         // the team store cannot be used
	KindFailed           Kind = "failed"             // none of the above; Error() says what
)

// Error is a problem the core reports: what happened in words that fit any
// screen (never a command-line flag, a command or a button), and, as values,
// what it is about and what fixes it.
type Error struct {
	Connection string // the connection's name, if the problem is about one
	Input      Input  // what the person gave that is wrong, if anything
	Param      string // the parameter's name, when Input is InputParam
	Remedy     Remedy
	Msg        string // what happened, and in general words what to do
	Err        error  // the cause, if any
	// Kind is what happened; the fields below are its facts.
	Kind Kind
	// Params are the parameters a provider needs (KindMissingParam).
	Params []string
	// Detail is the provider's or the system's own words, cleaned of
	// control characters and secrets (KindRefused, KindFailed, …).
	Detail string
	// After is how long was waited (KindTimedOut), when known.
	After time.Duration
}

func (e *Error) Error() string {
	switch {
	case e.Err == nil:
		return e.Msg
	case e.Msg == "":
		return e.Err.Error()
	case errors.Is(e.Err, ErrSandboxRunning):
		return e.Msg // the cause only repeats it
	}
	return e.Msg + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNotFound) hold for a connection that does not
// exist, and errors.Is(err, ErrChanged) for a value changed elsewhere.
func (e *Error) Is(target error) bool {
	return (target == ErrNotFound && e.Remedy == RemedySeeList) ||
		(target == ErrChanged && e.Remedy == RemedyChooseValue)
}

// AsError returns the core's Error inside err, if there is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// ErrNotFound is matched by errors.Is for a connection name that does not
// exist.
var ErrNotFound = errors.New("no such connection")

// ErrChanged is matched by errors.Is when a value the person edited was
// changed elsewhere (another window, the command line) since they began:
// nothing was written, and the front end asks which value to keep.
var ErrChanged = errors.New("changed elsewhere meanwhile")

func (m *Manager) notFound(name string) error {
	return &Error{Connection: name, Input: InputName, Remedy: RemedySeeList,
		Msg: fmt.Sprintf("there is no connection called %q", name)}
}

// inputError is a mistake in what the person gave.
func inputError(in Input, format string, args ...any) *Error {
	return &Error{Input: in, Remedy: RemedyFixInput, Msg: fmt.Sprintf(format, args...)}
}
