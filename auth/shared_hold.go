package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"authdeck/auth/filelock"
	"authdeck/auth/private"
	"authdeck/auth/secret"
	"authdeck/auth/store"
	"authdeck/auth/team"
)

// teamHold holds a shared connection: this machine's file lock (already
// taken) and then the record's lease in the store. need, when not nil,
// says whether the lease is wanted for the record as it is now (a refresh
// another machine has just made is not made again).
func (m *Manager) teamHold(ctx context.Context, name string, lock *filelock.Lock, need func(conn) bool) (held, error) {
	st, err := m.teamStore()
	if err != nil {
		return nil, err
	}
	var want func(team.Record) bool
	if need != nil {
		want = func(rec team.Record) bool {
			cn, err := m.teamConn(rec)
			return err != nil || need(cn)
		}
	}
	rec, err := st.Claim(ctx, name, want)
	switch {
	case team.KindOf(err) == team.KindNotFound:
		return nil, m.notFound(name)
	case err != nil:
		return nil, m.teamError(err)
	}
	cn, err := m.teamConn(rec)
	if err != nil && cn.sec == nil {
		_ = st.Release(context.WithoutCancel(ctx), rec)
		return nil, err
	}
	cn.lookupErr = err
	return &teamHeld{m: m, st: st, rec: rec, cn: cn, lock: lock}, nil
}

// teamHeld is a shared connection under its lease.
type teamHeld struct {
	m     *Manager
	st    *team.Store
	rec   team.Record
	cn    conn
	lock  *filelock.Lock
	saved bool
}

func (t *teamHeld) record() conn              { return t.cn }
func (t *teamHeld) secrets() (secrets, error) { return *t.cn.sec, nil }

func (t *teamHeld) release() {
	if !t.saved {
		_ = t.st.Release(context.Background(), t.rec)
	}
	t.lock.Unlock()
}

// save writes the record (and the secrets) with check-and-set against the
// version this lease was taken at, releasing the lease in the same write. A
// record changed meanwhile (the lease ran out and another machine took it
// over) is not overwritten: a newer token is never dropped.
func (t *teamHeld) save(ctx context.Context, c store.Connection, s *secrets) error {
	if !t.rec.Held {
		// Read without the lease (nothing was due): writing now could clear
		// another machine's lease.
		return &Error{Connection: c.Name, Remedy: RemedyRetry, Msg: fmt.Sprintf("%q changed in the team store meanwhile", c.Name)}
	}
	rec := t.rec
	rec.Connection, rec.Lease, rec.Held = c, nil, false
	if s != nil {
		raw, err := json.Marshal(*s) // #nosec G117 -- the secrets go to the team store, a secrets engine
		if err != nil {
			return err
		}
		rec.Secrets = raw
	}
	out, err := t.st.Write(ctx, rec)
	if team.KindOf(err) == team.KindStale {
		return &Error{Connection: c.Name, Remedy: RemedyRetry, Err: err,
			Msg: fmt.Sprintf("another machine changed %q in the team store while this one held it too long; nothing newer was overwritten", c.Name)}
	}
	if err != nil {
		return t.m.teamError(err)
	}
	t.saved = true
	cn := t.cn
	cn.Connection = c
	if s != nil {
		cn.sec = s
	}
	t.m.remember(out.Version, cn)
	return nil
}

func (t *teamHeld) remove(ctx context.Context) error {
	t.saved = true // the record goes, lease and all
	if err := t.st.Delete(ctx, t.rec.Name); err != nil {
		t.saved = false
		return t.m.teamError(err)
	}
	t.m.forget(t.rec.Name)
	return nil
}

// The cached copy: each shared connection this machine used, its record and
// secrets as one keyring item, and the version it was at in a small index
// (names and versions only) so that an unchanged record is not written
// again on every use.

const cacheIndex = "team-cache.json"

func cacheKey(name string) string { return "team-cache/" + name }

type cached struct {
	Version    int              `json:"version"`
	Connection store.Connection `json:"connection"`
	Secrets    secrets          `json:"secrets"`
}

var cacheMu sync.Mutex

func (m *Manager) cacheVersions() map[string]int {
	data, err := private.ReadFile(filepath.Join(m.dir, cacheIndex), 1<<20)
	index := map[string]int{}
	if err == nil {
		_ = json.Unmarshal(data, &index)
	}
	return index
}

// remember keeps this machine's copy of a shared connection up to date.
func (m *Manager) remember(version int, cn conn) {
	if cn.sec == nil {
		return
	}
	cacheMu.Lock()
	defer cacheMu.Unlock()
	index := m.cacheVersions()
	if index[cn.Name] == version {
		return
	}
	raw, err := json.Marshal(cached{Version: version, Connection: cn.Connection, Secrets: *cn.sec}) // #nosec G117 -- to the OS keyring
	if err != nil || m.secrets.Set(cacheKey(cn.Name), string(raw)) != nil {
		return
	}
	index[cn.Name] = version
	if data, err := json.Marshal(index); err == nil {
		_ = store.WriteFile(filepath.Join(m.dir, cacheIndex), data)
	}
}

func (m *Manager) forget(name string) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	_ = m.secrets.Delete(cacheKey(name))
	index := m.cacheVersions()
	delete(index, name)
	if data, err := json.Marshal(index); err == nil {
		_ = store.WriteFile(filepath.Join(m.dir, cacheIndex), data)
	}
}

// teamCached is this machine's copy of a shared connection, used while the
// store cannot be asked (why).
func (m *Manager) teamCached(name string, why error) (conn, error) {
	raw, err := m.secrets.Get(cacheKey(name))
	if errors.Is(err, secret.ErrNotFound) {
		return conn{}, why
	}
	var c cached
	if err != nil || json.Unmarshal([]byte(raw), &c) != nil {
		return conn{}, why
	}
	cn := conn{Connection: c.Connection, home: teamHome{m}, sec: &c.Secrets, cached: why}
	cn.p, cn.meth, cn.lookupErr = m.method(cn.Connection)
	return cn, cn.lookupErr
}

// teamAll lists the shared connections, a few requests at a time. When the
// store cannot be asked, this machine's copies stand in, marked.
func (m *Manager) teamAll(ctx context.Context) ([]conn, error) {
	st, err := m.teamStore()
	if err != nil || st == nil {
		return nil, err
	}
	names, err := st.Names(ctx)
	if offline(err) {
		return m.teamAllCached(m.teamError(err)), nil
	}
	if err != nil {
		return nil, m.teamError(err)
	}
	out := make([]conn, len(names))
	ok := make([]bool, len(names))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i], ok[i] = m.teamListed(ctx, st, name)
		}()
	}
	wg.Wait()
	var conns []conn
	for i := range out {
		if ok[i] {
			conns = append(conns, out[i])
		}
	}
	return conns, nil
}

// teamListed reads one listed record. A name that is not a usable
// connection name, or a record that vanished meanwhile, is left out; one
// naming a provider this machine does not know is listed with that fault.
func (m *Manager) teamListed(ctx context.Context, st *team.Store, name string) (conn, bool) {
	if !nameRE().MatchString(name) {
		return conn{}, false
	}
	rec, err := st.Read(ctx, name)
	if err != nil {
		if team.KindOf(err) == team.KindNotFound {
			return conn{}, false
		}
		return conn{Connection: store.Connection{Name: name}, home: teamHome{m}, cached: m.teamError(err)}, true
	}
	cn, err := m.teamConn(rec)
	cn.lookupErr = err
	if err == nil {
		m.remember(rec.Version, cn)
	}
	return cn, true
}

func (m *Manager) teamAllCached(why error) []conn {
	var out []conn
	for name := range m.cacheVersions() {
		if cn, err := m.teamCached(name, why); err == nil || cn.cached != nil {
			out = append(out, cn)
		}
	}
	return out
}
