package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"authdeck/auth/filelock"
	"authdeck/auth/secret"
	"authdeck/auth/store"
)

// Remove deletes a connection: its secret first, so that a failure leaves
// it listed (and removable again) rather than an orphaned secret behind.
// The connection is marked first, so that a crash after the secret is gone
// shows an interrupted removal, not a usable connection without a secret.
func (m *Manager) Remove(ctx context.Context, name string) error {
	// Under the connection's lock: a refresh or sign-in finishing meanwhile
	// would otherwise write the secret back after it was deleted.
	lock, err := filelock.Acquire(ctx, m.lockPath(name))
	if err != nil {
		return err
	}
	defer lock.Unlock()
	err = m.update(ctx, name, func(c *store.Connection) error {
		c.Removing = true
		return nil
	})
	if errors.Is(err, ErrNotFound) && nameRE.MatchString(name) {
		// An add killed after storing the secret left it without metadata:
		// removing the name clears that leftover too.
		if m.secrets.Delete(store.Connection{Name: name}.SecretKey()) == nil {
			return nil
		}
	}
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx) // finish what was started
	if err := m.secrets.Delete(store.Connection{Name: name}.SecretKey()); err != nil && !errors.Is(err, secret.ErrNotFound) {
		// The secret is still there: the connection stays usable.
		_ = m.update(ctx, name, func(c *store.Connection) error {
			c.Removing = false
			return nil
		})
		return keyringError(err)
	}
	return m.store.Update(ctx, func(conns []store.Connection) ([]store.Connection, error) {
		if i := store.Find(conns, name); i >= 0 {
			conns = append(conns[:i], conns[i+1:]...)
		}
		return conns, nil
	})
}

// errBrowserExpiry refuses to set the expiry of a browser sign-in.
func errBrowserExpiry(name string) error {
	return &Error{Connection: name, Input: InputExpires, Remedy: RemedySignIn,
		Msg: "a browser sign-in learns its expiry from the provider"}
}

// SetExpiry sets (or, with nil, clears) the expiry date of a pasted
// credential, e.g. an API key whose expiry was extended.
func (m *Manager) SetExpiry(ctx context.Context, name string, at *time.Time) (Connection, error) {
	err := m.update(ctx, name, func(c *store.Connection) error {
		if c.Method.Browser() {
			return errBrowserExpiry(name)
		}
		c.ExpiresAt, c.ExpiresSet = at, at != nil
		return nil
	})
	if err != nil {
		return Connection{}, err
	}
	return m.Get(name)
}

// SetDetails changes who to ask about a connection and why it exists.
func (m *Manager) SetDetails(ctx context.Context, name, owner, note string) (Connection, error) {
	owner, note, err := checkDetails(owner, note)
	if err != nil {
		return Connection{}, err
	}
	err = m.update(ctx, name, func(c *store.Connection) error {
		c.Owner, c.Note = owner, note
		return nil
	})
	if err != nil {
		return Connection{}, err
	}
	return m.Get(name)
}

// Replace stores a new pasted secret (a renewed API key or token) in place of
// the old one: the name, owner, note and history stay. at is the new expiry;
// nil means the provider's usual lifetime from now, if it has one.
func (m *Manager) Replace(ctx context.Context, name, newSecret string, at *time.Time) (Connection, error) {
	cn, err := m.resolve(name)
	if err != nil {
		return Connection{}, err
	}
	if cn.meth.Kind.Browser() {
		return Connection{}, &Error{Connection: name, Remedy: RemedySignIn,
			Msg: fmt.Sprintf("%q signs in through the browser: it has no pasted key to replace", name)}
	}
	req := AddRequest{Name: name, Provider: cn.Provider, Method: cn.Method, User: cn.User, Secret: newSecret}
	if _, err := checkSecret(cn.p, cn.meth, req); err != nil {
		return Connection{}, err
	}
	cn, lock, err := m.lock(ctx, cn)
	if err != nil {
		return Connection{}, err
	}
	defer lock.Unlock()
	if err := m.writeSecrets(cn.Connection, secrets{Secret: newSecret}); err != nil {
		return Connection{}, err
	}
	now := m.now()
	err = m.update(context.WithoutCancel(ctx), name, func(c *store.Connection) error {
		c.ConnectedAt = &now
		c.ExpiresAt, c.ExpiresSet = pastedExpiry(cn.meth, at, now)
		c.LastCheck, c.LastRefresh, c.ReplacedBy = nil, nil, ""
		return nil
	})
	if err != nil {
		return Connection{}, err
	}
	return m.Get(name)
}
