package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/filelock"
	"authdeck/auth/private"
	"authdeck/auth/sanitize"
	"authdeck/auth/secret"
	"authdeck/auth/store"
	"authdeck/auth/team"
)

// The team store is the second home of connections (see home in
// auth/connections.go): a shared connection's record and secrets live in
// one KV version 2 record, changed only under its lease with check-and-set.
// This machine keeps, in the OS keyring only, a copy of each shared
// connection it used, for a header while the store cannot be reached.

// teamFile says where this config folder's team store is (no secret).
const teamFile = "team.json"

// teamTokenKey is the keyring item holding the store's token.
const teamTokenKey = "team/token"

// teamState is the team store of one Manager, opened on first use.
type teamState struct {
	mu     sync.Mutex
	lease  time.Duration
	loaded bool
	cfg    *team.Config
	st     *team.Store
	err    error
}

// teamHome is the team store as a home of connections.
type teamHome struct{ m *Manager }

func (h teamHome) hold(ctx context.Context, name string, lock *filelock.Lock, need func(conn) bool) (held, error) {
	return h.m.teamHold(ctx, name, lock, need)
}

// teamConfigured says whether this config folder uses a team store.
func (m *Manager) teamConfigured() bool {
	cfg, _ := m.teamConfig()
	return cfg != nil
}

func (m *Manager) teamConfig() (*team.Config, error) {
	m.team.mu.Lock()
	defer m.team.mu.Unlock()
	if m.team.loaded {
		return m.team.cfg, m.team.err
	}
	m.team.loaded = true
	data, err := private.ReadFile(filepath.Join(m.dir, teamFile), 64<<10)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	var cfg team.Config
	if err == nil {
		err = json.Unmarshal(data, &cfg)
	}
	if err != nil {
		m.team.err = &Error{Remedy: RemedyFixTeamStore, Err: err, Msg: fmt.Sprintf("%s in the config folder is damaged", teamFile)}
		return nil, m.team.err
	}
	m.team.cfg = &cfg
	return m.team.cfg, nil
}

// teamStore opens the configured store with the token from VAULT_TOKEN, else
// the keyring.
func (m *Manager) teamStore() (*team.Store, error) {
	cfg, err := m.teamConfig()
	if err != nil || cfg == nil {
		return nil, err
	}
	m.team.mu.Lock()
	defer m.team.mu.Unlock()
	if m.team.st != nil {
		return m.team.st, nil
	}
	token, err := m.teamToken()
	if err != nil {
		return nil, err
	}
	st, err := team.Open(*cfg, token)
	if err != nil {
		return nil, m.teamError(err)
	}
	st.Lease = m.team.lease
	m.team.st = st
	return st, nil
}

func (m *Manager) teamToken() (string, error) {
	if t := strings.TrimSpace(os.Getenv("VAULT_TOKEN")); t != "" {
		return t, nil
	}
	t, err := m.secrets.Get(teamTokenKey)
	if errors.Is(err, secret.ErrNotFound) {
		return "", nil // the store will say it wants a token
	}
	return t, keyringError(err)
}

// teamError words the store's trouble as the core's: what fixes it.
func (m *Manager) teamError(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := AsError(err); ok {
		return err
	}
	remedy := RemedyFixTeamStore
	switch team.KindOf(err) {
	case team.KindStale, team.KindBusy:
		remedy = RemedyRetry
	case team.KindConfig:
		return &Error{Kind: KindInvalidInput, Input: InputAddress, Remedy: RemedyFixInput, Msg: sanitize.Line(err.Error())}
	}
	return &Error{Kind: KindTeamStore, Remedy: remedy, Msg: sanitize.Line(err.Error()), Detail: string(team.KindOf(err))}
}

// offline says whether err means the store could not be asked (as opposed
// to a record that is not there or not Authdeck's).
func offline(err error) bool {
	switch team.KindOf(err) {
	case team.KindUnreachable, team.KindSealed, team.KindDenied, team.KindServer:
		return true
	}
	return false
}

// teamResolve reads a shared connection: the record and its secrets in one
// request. When the store cannot be asked, this machine's copy is used
// (conn.cached says why), for a credential that is still valid only.
func (m *Manager) teamResolve(ctx context.Context, name string) (conn, error) {
	if !nameRE().MatchString(name) {
		return conn{}, m.notFound(name)
	}
	st, err := m.teamStore()
	if err != nil {
		return conn{}, err
	}
	rec, err := st.Read(ctx, name)
	switch {
	case team.KindOf(err) == team.KindNotFound:
		return conn{}, m.notFound(name)
	case offline(err):
		return m.teamCached(name, m.teamError(err))
	case err != nil:
		return conn{}, m.teamError(err)
	}
	cn, err := m.teamConn(rec)
	if err == nil {
		m.remember(rec.Version, cn)
	}
	return cn, err
}

// teamConn is a record read from the store as a resolved connection. The
// record is outside text — a colleague's, or whoever can write the path —
// and is cleaned here, where it enters.
func (m *Manager) teamConn(rec team.Record) (conn, error) {
	c := cleanRecord(rec)
	cn := conn{Connection: c, home: teamHome{m}}
	var s secrets
	if len(rec.Secrets) > 0 {
		if err := json.Unmarshal(rec.Secrets, &s); err != nil || !plainSecrets(s) {
			return cn, &Error{Connection: c.Name, Remedy: RemedyRemove,
				Msg: fmt.Sprintf("the shared record of %q holds secrets Authdeck cannot use", c.Name)}
		}
	}
	cn.sec = &s
	var err error
	cn.p, cn.meth, err = m.method(c)
	return cn, err
}

// plainSecrets refuses secrets with control characters: they are sent in
// headers and printed to terminals as they are.
func plainSecrets(s secrets) bool {
	for _, v := range []string{s.AccessToken, s.RefreshToken, s.ClientSecret, s.Secret, s.Cookie} {
		if sanitize.Line(v) != v {
			return false
		}
	}
	return true
}

// cleanRecord makes a record read from the store safe to show and use: its
// name is the key it is stored under, and every word in it is cleaned.
func cleanRecord(rec team.Record) store.Connection {
	c := rec.Connection
	c.Name = rec.Name
	for _, f := range []*string{&c.Provider, &c.ClientID, &c.RedirectURI, &c.User, &c.Account, &c.Owner, &c.ReplacedBy} {
		*f = sanitize.Clip(sanitize.Line(*f), maxDetail)
	}
	c.Note = sanitize.Clip(sanitize.Text(c.Note), maxDetail)
	c.Method = catalog.Kind(sanitize.Line(string(c.Method)))
	for _, list := range [][]string{c.Scopes, c.ScopesMissing} {
		for i := range list {
			list[i] = sanitize.Line(list[i])
		}
	}
	c.Params, c.Extra = cleanMap(c.Params), cleanMap(c.Extra)
	for _, o := range []*store.Outcome{c.LastRefresh, c.LastCheck} {
		if o != nil {
			o.Message = sanitize.Clip(sanitize.Text(o.Message), maxMessage)
			o.By = sanitize.Clip(sanitize.Line(o.By), 100)
		}
	}
	return c
}

func cleanMap(in map[string]string) map[string]string {
	if in == nil {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[sanitize.Line(k)] = sanitize.Line(v)
	}
	return out
}

// who names this machine and process for "refreshed by", for a shared
// connection (on this machine alone, it goes without saying).
func (m *Manager) who(cn conn) string {
	if cn.home == nil {
		return ""
	}
	if st, err := m.teamStore(); err == nil && st != nil {
		return st.Who
	}
	return ""
}

// sharedNameTaken refuses a new connection of this machine whose name a
// shared one already has: this machine's would hide the team's.
func (m *Manager) sharedNameTaken(ctx context.Context, name string) error {
	if !m.teamConfigured() {
		return nil
	}
	if cn, err := m.teamResolve(ctx, name); err == nil || cn.Name != "" {
		return &Error{Connection: name, Input: InputName, Remedy: RemedyChooseName,
			Msg: fmt.Sprintf("the team store already has a connection called %q", name)}
	}
	return nil
}
