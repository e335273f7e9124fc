package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"authdeck/auth/catalog"
	"authdeck/auth/filelock"
	"authdeck/auth/oauth"
	"authdeck/auth/private"
	"authdeck/auth/render"
	"authdeck/auth/secret"
	"authdeck/auth/store"
)

// The one edge: failures from every package below the service become a
// kind with its facts, so the front ends never switch on those packages'
// types.
func TestClassifyGivesEveryFailureAKind(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		kind   Kind
		remedy Remedy
		check  func(*Error) bool
	}{
		{"browser timeout", fmt.Errorf("sign-in: %w", oauth.ErrTimeout), KindSignInTimedOut, RemedySignIn, nil},
		{"deadline", context.DeadlineExceeded, KindTimedOut, RemedyRetry, nil},
		{"cancelled", fmt.Errorf("x: %w", context.Canceled), KindCancelled, RemedyNone, nil},
		{"denied", oauth.ErrAccessDenied, KindDenied, RemedySignIn, nil},
		{"denied by the provider", &oauth.ProviderError{Code: "access_denied", Description: "user said no"}, KindDenied, RemedySignIn,
			func(e *Error) bool { return e.Detail == "user said no" }},
		{"refused", &oauth.ProviderError{Status: 400, Code: "invalid_grant"}, KindRefused, RemedySignIn,
			func(e *Error) bool { return e.Detail == "invalid_grant" }},
		// The remedy the oauth texts no longer give is chosen from the code.
		{"provider trouble", &oauth.ProviderError{Status: 503, Code: "temporarily_unavailable"}, KindRefused, RemedyRetry, nil},
		{"client refused", &oauth.ProviderError{Status: 401, Code: "invalid_client"}, KindRefused, RemedyNone, nil},
		{"refused in the browser", &oauth.ProviderError{Code: "invalid_request"}, KindRefused, RemedySignIn, nil},
		{"incomplete answer", fmt.Errorf("Vend sent the browser back without a code: %w", oauth.ErrIncompleteAnswer), KindFailed, RemedySignIn, nil},
		{"no refresh token stored", fmt.Errorf("Vend: no refresh token is stored: %w", oauth.ErrNoRefresh), KindNoRefresh, RemedySignIn, nil},
		{"keyring locked", &secret.Error{Problem: secret.Locked}, KindKeyringLocked, RemedyStartKeyring, nil},
		{"keyring down", &secret.Error{Problem: secret.Unavailable}, KindKeyringDown, RemedyStartKeyring, nil},
		{"keyring damaged", &secret.Error{Problem: secret.Damaged}, KindKeyringDamage, RemedyRemove, nil},
		{"keyring too big", &secret.Error{Problem: secret.TooBig}, KindKeyringTooBig, RemedyNone, nil},
		{"a folder others may write", &private.Error{Path: "/c", Dir: true, Mode: 0o777}, KindNotPrivate, RemedyFixConfigFolder,
			func(e *Error) bool { return strings.Contains(e.Detail, "/c can be changed by other users") }},
		{"a link where a lock belongs", fmt.Errorf("/c/locks/x.lock: %w", filelock.ErrNotPlain), KindNotPrivate, RemedyFixConfigFolder, nil},
		{"no session bus", &secret.Error{Problem: secret.NoSession}, KindKeyringNoSession, RemedyStartKeyring, nil},
		{"newer file", &store.FileError{Path: "c.json", Problem: store.Newer, Version: 9}, KindNewerFormat, RemedyUpdateApp, nil},
		{"damaged file", &store.FileError{Path: "c.json", Problem: store.Damaged, Err: errors.New("bad")}, KindDamagedFile, RemedyNone, nil},
		{"not a header", &Error{Connection: "r", Err: &render.NotAHeaderError{Query: "api-key"}}, KindNotAHeader, RemedyNone,
			func(e *Error) bool { return e.Param == "api-key" && e.Connection == "r" }},
		{"missing param", fmt.Errorf("x: %w", &catalog.MissingParamError{Provider: "Vend", Names: []string{"domain_prefix"}}), KindMissingParam, RemedyFixInput,
			func(e *Error) bool { return slices.Equal(e.Params, []string{"domain_prefix"}) && e.Input == InputParam }},
		{"an old core error with a keyring cause", &Error{Remedy: RemedyStartKeyring, Err: &secret.Error{Problem: secret.Damaged}}, KindKeyringDamage, RemedyRemove, nil},
		{"input", inputError(InputUser, "no user"), KindInvalidInput, RemedyFixInput, nil},
		{"anything else", errors.New("boom"), KindFailed, RemedyNone, func(e *Error) bool { return e.Detail == "boom" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err
			classify(&err)
			e, ok := err.(*Error)
			if !ok || e.Kind != tc.kind || e.Remedy != tc.remedy || (tc.check != nil && !tc.check(e)) {
				t.Fatalf("classified %v as %+v, want kind %s remedy %q", tc.err, err, tc.kind, tc.remedy)
			}
			if !errors.Is(err, tc.err) && !errors.Is(err, errors.Unwrap(tc.err)) {
				t.Errorf("the cause is lost: %v", err)
			}
		})
	}
	var none error
	if classify(&none); none != nil {
		t.Errorf("nil became %v", none)
	}
}

// tooBig is a keyring that refuses every value as larger than it holds.
type tooBig struct{ *secret.Memory }

func (tooBig) Set(string, string) error {
	return &secret.Error{Op: "write", Problem: secret.TooBig, Reason: "too big"}
}

// A keyring that cannot hold the secret is not "start the keyring": each
// keyring problem reaches the front end as its own kind.
func TestKeyringProblemsAreToldApart(t *testing.T) {
	f := newFixture(t, Options{Secrets: tooBig{secret.NewMemory()}})
	_, err := f.m.Add(context.Background(), AddRequest{Name: "k", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "s"})
	e, ok := AsError(err)
	if !ok || e.Kind != KindKeyringTooBig || e.Remedy == RemedyStartKeyring {
		t.Fatalf("Add into a keyring that is too small: %+v", err)
	}
}

// A metadata file from a newer Authdeck reaches the front ends as a kind
// with its remedy, not as a sentence telling them what to say.
func TestNewerMetadataIsAKind(t *testing.T) {
	f := newFixture(t, Options{})
	if err := os.WriteFile(filepath.Join(f.dir, "connections.json"), []byte(`{"version": 99, "connections": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := f.m.List()
	if e, ok := AsError(err); !ok || e.Kind != KindNewerFormat || e.Remedy != RemedyUpdateApp {
		t.Fatalf("List of a newer file: %+v", err)
	}
}
