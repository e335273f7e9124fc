package auth

import (
	"context"
	"errors"
	"net"
	"strings"

	"authdeck/auth/catalog"
	"authdeck/auth/filelock"
	"authdeck/auth/network"
	"authdeck/auth/oauth"
	"authdeck/auth/private"
	"authdeck/auth/render"
	"authdeck/auth/sanitize"
	"authdeck/auth/secret"
	"authdeck/auth/store"
)

// classify is the edge of the core: every exported Manager method that can
// fail starts with `defer classify(&err)`, so that what leaves the core is
// an *Error with a Kind and its facts, whatever package the failure came
// from (oauth, store, keyring, private, catalog, render). The front ends
// switch on the Kind and never on those packages' error types.
func classify(errp *error) {
	if *errp == nil {
		return
	}
	*errp = classified(*errp)
}

// classified is err as an *Error with a Kind.
func classified(err error) *Error {
	if e, ok := AsError(err); ok {
		if e.Kind == KindNone {
			inner := kindOf(e.Err)
			e.Kind = kindFromRemedy(e, inner)
			mergeFacts(e, inner)
		}
		return e
	}
	return kindOf(err)
}

// kindFromRemedy is the kind of a core error built before kinds existed:
// the cause decides when it is known, else the remedy.
func kindFromRemedy(e *Error, inner *Error) Kind {
	if inner != nil && inner.Kind != KindFailed {
		return inner.Kind
	}
	switch e.Remedy {
	case RemedyFixInput:
		return KindInvalidInput
	case RemedySeeList:
		return KindNotFound
	case RemedyChooseName:
		return KindNameTaken
	case RemedyChooseValue:
		return KindChanged
	case RemedyStartKeyring:
		return KindKeyringDown
	case RemedyFixConfigFolder:
		return KindNotPrivate
	case RemedyFixProviderFile:
		return KindProviderFile
	case RemedyFixTeamStore:
		return KindTeamStore
	}
	if errors.Is(e.Err, ErrSandboxRunning) {
		return KindSandbox
	}
	return KindFailed
}

// mergeFacts copies the facts the cause carries that e lacks.
func mergeFacts(e, inner *Error) {
	if inner == nil {
		return
	}
	if e.Param == "" {
		e.Param = inner.Param
	}
	if e.Params == nil {
		e.Params = inner.Params
	}
	if e.Detail == "" {
		e.Detail = inner.Detail
	}
	if e.After == 0 {
		e.After = inner.After
	}
	if e.Remedy == RemedyNone || (e.Remedy == RemedyStartKeyring && inner.Kind != KindKeyringDown && inner.Kind != KindKeyringLocked && inner.Kind != KindKeyringNoSession) {
		e.Remedy = inner.Remedy
	}
}

// kindOf classifies an error from outside the core's own type; nil for nil.
func kindOf(err error) *Error {
	if err == nil {
		return nil
	}
	if e := keyringKind(err); e != nil {
		return e
	}
	if e := fileKind(err); e != nil {
		return e
	}
	if e := oauthKind(err); e != nil {
		return e
	}
	var notHeader *render.NotAHeaderError
	var missing *catalog.MissingParamError
	var field *catalog.FieldError
	switch {
	case errors.As(err, &notHeader):
		return &Error{Kind: KindNotAHeader, Param: notHeader.Query, Err: err}
	case errors.As(err, &missing):
		return &Error{Kind: KindMissingParam, Input: InputParam, Remedy: RemedyFixInput,
			Param: strings.Join(missing.Names, ", "), Params: missing.Names, Err: err}
	case errors.As(err, &field):
		return &Error{Kind: KindProviderFile, Remedy: RemedyFixProviderFile, Detail: err.Error(), Err: err}
	}
	return &Error{Kind: KindFailed, Detail: sanitize.Line(err.Error()), Err: err}
}

// keyringKind tells the keyring's problems apart: only an unavailable or
// locked keyring is fixed by starting or unlocking it.
func keyringKind(err error) *Error {
	var k *secret.Error
	if !errors.As(err, &k) {
		return nil
	}
	e := &Error{Err: err, Detail: sanitize.Line(k.Reason), After: k.After}
	switch k.Problem {
	case secret.Locked:
		e.Kind, e.Remedy = KindKeyringLocked, RemedyStartKeyring
	case secret.NoAnswer:
		e.Kind, e.Remedy = KindKeyringLocked, RemedyStartKeyring
	case secret.Damaged:
		e.Kind, e.Remedy = KindKeyringDamage, RemedyRemove
	case secret.TooBig:
		e.Kind = KindKeyringTooBig
	case secret.NoSession:
		e.Kind, e.Remedy = KindKeyringNoSession, RemedyStartKeyring
	default:
		e.Kind, e.Remedy = KindKeyringDown, RemedyStartKeyring
	}
	return e
}

// keyringFailure classifies what the secret store said: its own problems
// by kind, and anything else from it as an unavailable keyring.
func keyringFailure(err error) *Error {
	if e, ok := AsError(err); ok {
		return classified(e)
	}
	if e := keyringKind(err); e != nil {
		return e
	}
	return &Error{Kind: KindKeyringDown, Remedy: RemedyStartKeyring, Detail: sanitize.Line(err.Error()), Err: err}
}

// fileKind classifies the files the core keeps: connections.json and the
// config folder.
func fileKind(err error) *Error {
	var file *store.FileError
	var foreign *private.Error
	switch {
	case errors.As(err, &file) && file.Problem == store.Newer:
		return &Error{Kind: KindNewerFormat, Remedy: RemedyUpdateApp, Detail: file.Path, Err: err}
	case errors.As(err, &file):
		return &Error{Kind: KindDamagedFile, Detail: file.Path, Err: err}
	case errors.As(err, &foreign):
		// Detail is the whole fact (whose it is, or who may write it): the
		// window words the remedy and shows this as what happened.
		return &Error{Kind: KindNotPrivate, Remedy: RemedyFixConfigFolder, Detail: sanitize.Line(foreign.Error()), Err: err}
	case errors.Is(err, filelock.ErrNotPlain): // something planted where a lock belongs
		return &Error{Kind: KindNotPrivate, Remedy: RemedyFixConfigFolder, Detail: sanitize.Line(err.Error()), Err: err}
	}
	return nil
}

// oauthKind classifies a sign-in, token or network failure.
func oauthKind(err error) *Error {
	var refused *oauth.ProviderError
	switch {
	case errors.Is(err, oauth.ErrTimeout):
		return &Error{Kind: KindSignInTimedOut, Remedy: RemedySignIn, Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Kind: KindTimedOut, Remedy: RemedyRetry, Err: err}
	case errors.Is(err, oauth.ErrCanceled), errors.Is(err, context.Canceled):
		return &Error{Kind: KindCancelled, Err: err}
	case errors.Is(err, oauth.ErrAccessDenied):
		return &Error{Kind: KindDenied, Remedy: RemedySignIn, Err: err}
	case errors.Is(err, oauth.ErrStateMismatch):
		return &Error{Kind: KindForeignAnswer, Remedy: RemedySignIn, Err: err}
	case errors.Is(err, oauth.ErrNoRefresh):
		return &Error{Kind: KindNoRefresh, Remedy: RemedySignIn, Err: err}
	case errors.Is(err, oauth.ErrIncompleteAnswer), errors.Is(err, oauth.ErrAlreadyUsed):
		return &Error{Kind: KindFailed, Remedy: RemedySignIn, Detail: sanitize.Line(err.Error()), Err: err}
	case errors.As(err, &refused) && refused.Code == "access_denied":
		return &Error{Kind: KindDenied, Remedy: RemedySignIn, Detail: sanitize.Line(refused.Description), Err: err}
	case errors.As(err, &refused):
		detail := refused.Code
		if refused.Description != "" {
			detail = strings.TrimPrefix(detail+": "+refused.Description, ": ")
		}
		return &Error{Kind: KindRefused, Remedy: refusalRemedy(refused), Param: refused.Code, Detail: sanitize.Line(detail), Err: err}
	case network.TimedOut(err):
		return &Error{Kind: KindTimedOut, Remedy: RemedyRetry, Err: err}
	case errors.As(err, new(net.Error)):
		return &Error{Kind: KindNetwork, Remedy: RemedyRetry, Detail: sanitize.Line(err.Error()), Err: err}
	}
	return nil
}

// refusalRemedy is what fixes a provider's refusal, from its OAuth error
// code: a spent grant or a refusal in the browser is fixed by signing in
// again, the provider's own trouble by trying again; a refused client,
// redirect address or scope is the app's registration, which the error's
// words name and no button fixes.
func refusalRemedy(e *oauth.ProviderError) Remedy {
	switch e.Code {
	case "invalid_grant":
		return RemedySignIn
	case "temporarily_unavailable", "server_error":
		return RemedyRetry
	case "invalid_client", "unauthorized_client", "redirect_uri_mismatch", "invalid_scope":
		return RemedyNone
	}
	if e.Status == 0 { // an error in the browser's answer, not the token endpoint's
		return RemedySignIn
	}
	return RemedyNone
}
