package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"authdeck/auth/store"
)

// Remove deletes a connection where it lives, under its hold (a refresh or
// sign-in finishing meanwhile would otherwise write the secret back after
// it was deleted): its secret first, so that a failure leaves it listed (and
// removable again) rather than an orphaned secret behind; on this machine
// it is marked first, so that a crash after the secret is gone shows an
// interrupted removal, not a usable connection without a secret.
func (m *Manager) Remove(ctx context.Context, name string) (err error) {
	defer classify(&err)
	_, err = m.withConn(ctx, name, func(ch *change) error {
		ch.gone = true
		return nil
	})
	if errors.Is(err, ErrNotFound) && nameRE().MatchString(name) {
		// An add killed after storing the secret left it without metadata:
		// removing the name clears that leftover too.
		if m.secrets.Delete(store.Connection{Name: name}.SecretKey()) == nil {
			return nil
		}
	}
	return err
}

// errBrowserExpiry refuses to set the expiry of a browser sign-in.
func errBrowserExpiry(name string) error {
	return &Error{Connection: name, Input: InputExpires, Remedy: RemedySignIn,
		Msg: "a browser sign-in learns its expiry from the provider"}
}

// SetExpiry sets (or, with nil, clears) the expiry date of a pasted
// credential, e.g. an API key whose expiry was extended.
func (m *Manager) SetExpiry(ctx context.Context, name string, at *time.Time) (_ Connection, err error) {
	defer classify(&err)
	cn, err := m.withConn(ctx, name, func(ch *change) error {
		if ch.Method.Browser() {
			return errBrowserExpiry(name)
		}
		ch.ExpiresAt, ch.ExpiresSet = at, at != nil
		return nil
	})
	if err != nil {
		return Connection{}, err
	}
	return m.view(cn), nil
}

// Details are who to ask about a connection and why it exists.
type Details struct{ Owner, Note string }

// SetDetails changes a connection's details from the values the person
// started from (from) to the ones they want (to), compared before writing
// under the connection's lock: a field not edited (to equals from) keeps
// whatever is stored now, so a change made elsewhere meanwhile stays; an
// edited field whose stored value changed meanwhile is not overwritten:
// the error (errors.Is ErrChanged, Input the field) says so and nothing is
// written.
func (m *Manager) SetDetails(ctx context.Context, name string, from, to Details) (_ Connection, err error) {
	defer classify(&err)
	owner, note, err := checkDetails(to.Owner, to.Note)
	if err != nil {
		return Connection{}, err
	}
	cn, err := m.withConn(ctx, name, func(ch *change) error {
		c := &ch.Connection
		o, n := c.Owner, c.Note
		if err := mergeDetail(name, InputOwner, &o, from.Owner, owner); err != nil {
			return err
		}
		if err := mergeDetail(name, InputNote, &n, from.Note, note); err != nil {
			return err
		}
		c.Owner, c.Note = o, n
		return nil
	})
	if err != nil {
		return Connection{}, err
	}
	return m.view(cn), nil
}

// mergeDetail writes want into stored when the person edited the field
// (want differs from was) and nobody changed it elsewhere meanwhile.
func mergeDetail(name string, in Input, stored *string, was, want string) error {
	switch {
	case want == was, *stored == want:
		return nil // not edited, or already so
	case *stored != was:
		return &Error{Connection: name, Input: in, Remedy: RemedyChooseValue, Kind: KindChanged,
			Msg: fmt.Sprintf("the %s of %q was changed elsewhere meanwhile", in, name)}
	}
	*stored = want
	return nil
}

// Replace stores a new pasted secret (a renewed API key or token) in place of
// the old one: the name, owner, note and history stay. at is the new expiry;
// nil means the provider's usual lifetime from now, if it has one.
func (m *Manager) Replace(ctx context.Context, name, newSecret string, at *time.Time) (_ Connection, err error) {
	defer classify(&err)
	cn, err := m.withConn(ctx, name, func(ch *change) error {
		if ch.lookupErr != nil {
			return ch.lookupErr
		}
		if ch.meth.Kind.Browser() {
			return &Error{Connection: name, Remedy: RemedySignIn,
				Msg: fmt.Sprintf("%q signs in through the browser: it has no pasted key to replace", name)}
		}
		req := AddRequest{Name: name, Provider: ch.Provider, Method: ch.Method, User: ch.User, Secret: newSecret}
		if _, err := checkSecret(ch.p, ch.meth, req); err != nil {
			return err
		}
		now := m.now()
		ch.put = &secrets{Secret: newSecret}
		ch.ConnectedAt = &now
		ch.ExpiresAt, ch.ExpiresSet = pastedExpiry(ch.meth, at, now)
		ch.LastCheck, ch.LastRefresh, ch.ReplacedBy = nil, nil, ""
		bind(&ch.Connection, ch.conn)
		return nil
	})
	if err != nil {
		return Connection{}, err
	}
	return m.view(cn), nil
}
