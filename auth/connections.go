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
// and method it uses, and where it lives. Operations take a conn, not a
// name, so that one command reads connections.json once; they read it again
// only under the connection's hold (withConn), where another process — or,
// for a shared connection, another machine — may have changed it.
type conn struct {
	store.Connection
	p    catalog.Provider
	meth catalog.Method
	// home is where the connection lives: nil for this machine, else the
	// team store.
	home home
	// sec holds the secrets when they came with the record (a team store
	// answers both in one read); nil means ask the home.
	sec *secrets
	// cached is set when the team store could not be asked and this
	// machine's copy of a shared connection was used instead: why.
	cached error
	// lookupErr is why its provider or method could not be found, for a
	// connection listed although it cannot be used.
	lookupErr error
}

// home is where a connection lives: its records, its secrets and its lock.
// This machine (connections.json, the OS keyring, file locks: the code in
// this file) is one; a team store (auth/team, through teamHome in
// auth/shared.go) is the other. Commands never ask which: they resolve a
// name once and change a connection only through withConn.
type home interface {
	// hold takes the connection called name for a change — against every
	// machine, for a team store; the caller holds this machine's file lock
	// (lock) — and returns it as it is under the hold. A connection not
	// kept here is ErrNotFound. need, when not nil, says whether the
	// connection as it is now still needs the change (a home may then skip
	// the hold, e.g. a refresh another machine has just made).
	hold(ctx context.Context, name string, lock *filelock.Lock, need func(conn) bool) (held, error)
}

// localHome is this machine: connections.json, the OS keyring, file locks.
type localHome struct{ m *Manager }

func (h localHome) hold(_ context.Context, name string, lock *filelock.Lock, _ func(conn) bool) (held, error) {
	c, err := h.m.load(name)
	if err != nil {
		return nil, err
	}
	return &localHeld{m: h.m, lock: lock, c: c}, nil
}

// held is a connection under its home's hold.
type held interface {
	// record is the connection as it is under the hold.
	record() conn
	secrets() (secrets, error)
	// save stores the secrets, when s is not nil, and then the record.
	save(ctx context.Context, c store.Connection, s *secrets) error
	// remove deletes the connection, its secrets first.
	remove(ctx context.Context) error
	// release gives the hold back; after save it does nothing more.
	release()
}

// resolve reads the connection called name and finds its method. A name
// not on this machine is looked for in the team store, if there is one.
func (m *Manager) resolve(name string) (conn, error) {
	c, err := m.load(name)
	if errors.Is(err, ErrNotFound) && m.teamConfigured() {
		return m.teamResolve(context.Background(), name)
	}
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
			Msg: fmt.Sprintf("%q uses provider %q, which is no longer in the catalog", c.Name, c.Provider)}
	}
	meth, ok := p.Method(c.Method)
	if !ok {
		return p, meth, &Error{Connection: c.Name, Remedy: RemedyFixProviderFile,
			Msg: fmt.Sprintf("%q uses %s's method %q, which its definition no longer has", c.Name, p.Name, c.Method)}
	}
	return p, meth, nil
}

// change is a connection under its hold, as withConn hands it to its
// function: the function edits the record (the embedded conn) and may set
// new secrets.
type change struct {
	conn
	h held
	// put, when set, are the secrets to store (before the record).
	put *secrets
	// keep stores the record even though the function failed (the outcome
	// of a failed refresh).
	keep bool
	// gone asks for the connection to be removed.
	gone bool
}

// secrets are the connection's secrets as they are under the hold.
func (ch *change) secrets() (secrets, error) {
	if ch.put != nil {
		return *ch.put, nil
	}
	return ch.h.secrets()
}

// errUnchanged, returned by a withConn function, releases the hold with
// nothing written.
var errUnchanged = errors.New("nothing to change")

// withConn is the one way to change a connection: hold it where it lives
// (a file lock here; a lease in the team store as well for a shared one),
// read it again under the hold, run fn, store what fn changed (secrets
// first, then the record), release, and return the connection as stored.
func (m *Manager) withConn(ctx context.Context, name string, fn func(*change) error) (conn, error) {
	return m.withConnIf(ctx, name, nil, fn)
}

// withConnIf is withConn where need says whether the connection, as read,
// still needs fn (see home.hold); fn is run either way and asks again.
func (m *Manager) withConnIf(ctx context.Context, name string, need func(conn) bool, fn func(*change) error) (conn, error) {
	h, err := m.hold(ctx, name, need)
	if err != nil {
		return conn{Connection: store.Connection{Name: name}}, err
	}
	defer h.release()
	ch := &change{conn: h.record(), h: h}
	if ch.p.ID == "" {
		ch.p, ch.meth, ch.lookupErr = m.method(ch.Connection)
	}
	err = fn(ch)
	switch {
	case errors.Is(err, errUnchanged):
		return ch.conn, nil
	case ch.gone:
		return ch.conn, h.remove(context.WithoutCancel(ctx))
	case err != nil && !ch.keep:
		return ch.conn, err
	}
	// Values a provider returned that are not known to be harmless are
	// dropped on the way, so that a record an older Authdeck wrote is
	// cleaned the first time it changes.
	ch.Extra = oauth.HarmlessExtras(ch.Extra)
	if serr := h.save(context.WithoutCancel(ctx), ch.Connection, ch.put); serr != nil {
		return ch.conn, serr
	}
	if ch.put != nil {
		ch.sec = ch.put
	}
	return ch.conn, err
}

// update changes one connection's record where it lives (see withConn).
func (m *Manager) update(ctx context.Context, name string, fn func(*store.Connection) error) error {
	_, err := m.withConn(ctx, name, func(ch *change) error { return fn(&ch.Connection) })
	return err
}

// hold takes the connection's file lock, shared by every Authdeck process
// on this machine, and reads it again under it: another process may have
// refreshed, signed in or removed it meanwhile (a removed one must not get
// its secret written back). A shared connection is then held in the team
// store as well.
func (m *Manager) hold(ctx context.Context, name string, need func(conn) bool) (held, error) {
	lock, err := filelock.Acquire(ctx, m.lockPath(name))
	if err != nil {
		return nil, err
	}
	h, err := localHome{m}.hold(ctx, name, lock, need)
	if errors.Is(err, ErrNotFound) && m.teamConfigured() {
		h, err = teamHome{m}.hold(ctx, name, lock, need)
	}
	if err != nil {
		lock.Unlock()
	}
	return h, err
}

// localHeld is a connection of this machine under its file lock.
type localHeld struct {
	m    *Manager
	lock *filelock.Lock
	c    store.Connection
}

func (l *localHeld) record() conn              { return conn{Connection: l.c} }
func (l *localHeld) secrets() (secrets, error) { return l.m.readSecrets(l.c) }
func (l *localHeld) release()                  { l.lock.Unlock() }

func (l *localHeld) save(ctx context.Context, c store.Connection, s *secrets) error {
	if s != nil {
		// Secrets first: a rotated refresh token is the only one that works.
		if err := l.m.writeSecrets(c, *s); err != nil {
			return err
		}
	}
	return l.m.store.Update(ctx, func(conns []store.Connection) ([]store.Connection, error) {
		i := store.Find(conns, l.c.Name)
		if i < 0 {
			return nil, l.m.notFound(l.c.Name)
		}
		conns[i] = c
		return conns, nil
	})
}

// remove marks the connection first, so that a crash after the secret is
// gone shows an interrupted removal, not a usable connection without a
// secret; then deletes the secret, then the record.
func (l *localHeld) remove(ctx context.Context) error {
	m, name := l.m, l.c.Name
	mark := func(removing bool) error {
		return m.store.Update(ctx, func(conns []store.Connection) ([]store.Connection, error) {
			if i := store.Find(conns, name); i >= 0 {
				conns[i].Removing = removing
			}
			return conns, nil
		})
	}
	if err := mark(true); err != nil {
		return err
	}
	if err := m.secrets.Delete(l.c.SecretKey()); err != nil && !errors.Is(err, secret.ErrNotFound) {
		// The secret is still there: the connection stays usable.
		return errors.Join(keyringError(err), mark(false))
	}
	return m.store.Update(ctx, func(conns []store.Connection) ([]store.Connection, error) {
		if i := store.Find(conns, name); i >= 0 {
			conns = append(conns[:i], conns[i+1:]...)
		}
		return conns, nil
	})
}

// lockPath is the per-connection lock; the name is hashed because a
// connection name may hold characters a file name should not.
func (m *Manager) lockPath(name string) string {
	sum := sha256.Sum256([]byte(name))
	dir := filepath.Join(m.dir, "locks")
	// A folder that cannot be made is reported by the lock's own open,
	// which names the path.
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

// secretsOf reads a resolved connection's secrets where it lives.
func (m *Manager) secretsOf(cn conn) (secrets, error) {
	if cn.sec != nil {
		return *cn.sec, nil
	}
	return m.readSecrets(cn.Connection)
}

// readSecrets reads a connection's secrets from this machine's keyring.
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
		return secrets{}, &Error{Connection: c.Name, Remedy: RemedyRemove, Kind: KindKeyringDamage,
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
	return keyringFailure(err) // locked, unavailable, damaged or too big: each its own remedy
}
