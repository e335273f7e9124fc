package auth

import (
	"errors"
	"fmt"
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
	RemedySetExpiry       Remedy = "set-expiry"        // the expiry was extended: set the new date
	RemedyRemove          Remedy = "remove"            // remove the connection (and add it again)
	RemedyRetry           Remedy = "retry"             // a passing failure: try again
	RemedyStartKeyring    Remedy = "start-keyring"     // start or unlock the OS keyring
	RemedyChooseName      Remedy = "choose-name"       // the name is taken
	RemedyFixProviderFile Remedy = "fix-provider-file" // restore or correct a providers.d file
	RemedyUpdateApp       Remedy = "update-app"        // written by a newer Authdeck
	RemedySeeList         Remedy = "see-list"          // no such connection: look at the list
	RemedyFixConfigFolder Remedy = "fix-config-folder" // the config folder is not private
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
// exist.
func (e *Error) Is(target error) bool {
	return target == ErrNotFound && e.Remedy == RemedySeeList
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

func (m *Manager) notFound(name string) error {
	return &Error{Connection: name, Input: InputName, Remedy: RemedySeeList,
		Msg: fmt.Sprintf("there is no connection called %q", name)}
}

// inputError is a mistake in what the person gave.
func inputError(in Input, format string, args ...any) *Error {
	return &Error{Input: in, Remedy: RemedyFixInput, Msg: fmt.Sprintf(format, args...)}
}
