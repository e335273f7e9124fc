package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"authdeck/auth/catalog"
	"authdeck/auth/filelock"
	"authdeck/auth/oauth"
	"authdeck/auth/secret"
	"authdeck/auth/store"
)

// conn is one connection resolved once: its stored record with the provider
// and method it uses. Operations take a conn, not a name, so that one
// command reads connections.json once; they read it again only under the
// connection's lock, where another process may have changed it.
type conn struct {
	store.Connection
	p    catalog.Provider
	meth catalog.Method
}

// resolve reads the connection called name and finds its method.
func (m *Manager) resolve(name string) (conn, error) {
	c, err := m.load(name)
	if err != nil {
		return conn{}, err
	}
	p, meth, err := m.method(c)
	return conn{Connection: c, p: p, meth: meth}, err
}

func (m *Manager) load(name string) (store.Connection, error) {
	conns, err := m.store.Load()
	if err != nil {
		return store.Connection{}, err
	}
	i := store.Find(conns, name)
	if i < 0 {
		return store.Connection{}, m.notFound(name)
	}
	return conns[i], nil
}

// method returns the provider and method a connection uses.
func (m *Manager) method(c store.Connection) (catalog.Provider, catalog.Method, error) {
	p, ok := m.catalog.Load().Lookup(c.Provider)
	if !ok {
		return p, catalog.Method{}, &Error{Connection: c.Name, Remedy: RemedyFixProviderFile,
			Msg: fmt.Sprintf("%q uses provider %q, which is no longer in the catalog: restore its providers.d file, or remove the connection", c.Name, c.Provider)}
	}
	meth, ok := p.Method(c.Method)
	if !ok {
		return p, meth, &Error{Connection: c.Name, Remedy: RemedyFixProviderFile,
			Msg: fmt.Sprintf("%q uses %s's method %q, which its definition no longer has: restore the definition, or remove the connection", c.Name, p.Name, c.Method)}
	}
	return p, meth, nil
}

// update changes one connection's metadata under the store lock. Values a
// provider returned that are not known to be harmless are dropped from the
// record on the way, so that a file written by an older Authdeck is cleaned
// the first time the connection changes.
func (m *Manager) update(ctx context.Context, name string, fn func(*store.Connection) error) error {
	return m.store.Update(ctx, func(conns []store.Connection) ([]store.Connection, error) {
		i := store.Find(conns, name)
		if i < 0 {
			return nil, m.notFound(name)
		}
		if err := fn(&conns[i]); err != nil {
			return nil, err
		}
		conns[i].Extra = oauth.HarmlessExtras(conns[i].Extra)
		return conns, nil
	})
}

// lock takes the connection's lock, shared by every Authdeck process, and
// reads the connection again under it: another process may have refreshed,
// signed in or removed it meanwhile (a removed one must not get its secret
// written back).
func (m *Manager) lock(ctx context.Context, cn conn) (conn, *filelock.Lock, error) {
	lock, err := filelock.Acquire(ctx, m.lockPath(cn.Name))
	if err != nil {
		return cn, nil, err
	}
	c, err := m.load(cn.Name)
	if err != nil {
		lock.Unlock()
		return cn, nil, err
	}
	cn.Connection = c
	return cn, lock, nil
}

// lockPath is the per-connection lock; the name is hashed because a
// connection name may hold characters a file name should not.
func (m *Manager) lockPath(name string) string {
	sum := sha256.Sum256([]byte(name))
	dir := filepath.Join(m.dir, "locks")
	_ = os.MkdirAll(dir, 0o700)
	return filepath.Join(dir, hex.EncodeToString(sum[:8])+".lock")
}

// secrets is everything secret about one connection: one keyring item, so
// that one read serves a header and one write replaces all of it at once.
type secrets struct {
	AccessToken  string `json:"access_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ClientSecret string `json:"client_secret,omitempty"`
	// Secret is what the user pasted: a token, an API key, an App Secret or
	// a password.
	Secret string `json:"secret,omitempty"`
	Cookie string `json:"cookie,omitempty"`
}

func (m *Manager) readSecrets(c store.Connection) (secrets, error) {
	raw, err := m.secrets.Get(c.SecretKey())
	if errors.Is(err, secret.ErrNotFound) {
		return secrets{}, &Error{Connection: c.Name, Remedy: RemedyRemove, Err: err,
			Msg: fmt.Sprintf("the secret of %q is missing from the keyring", c.Name)}
	}
	if err != nil {
		return secrets{}, keyringError(err)
	}
	var s secrets
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return secrets{}, &Error{Connection: c.Name, Remedy: RemedyRemove,
			Msg: fmt.Sprintf("the keyring item of %q is damaged", c.Name)}
	}
	return s, nil
}

func (m *Manager) writeSecrets(c store.Connection, s secrets) error {
	raw, err := json.Marshal(s) // #nosec G117 -- the secrets are serialised for the OS keyring, their only place at rest
	if err != nil {
		return err
	}
	return keyringError(m.secrets.Set(c.SecretKey(), string(raw)))
}

// keyringError marks a keyring failure (no service, locked, no answer) as
// one that starting or unlocking the keyring fixes; its words come from
// auth/secret, which names the keyring the system uses.
func keyringError(err error) error {
	if err == nil || errors.Is(err, secret.ErrNotFound) {
		return err
	}
	if _, ok := AsError(err); ok {
		return err
	}
	return &Error{Remedy: RemedyStartKeyring, Err: err}
}
