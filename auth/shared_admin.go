package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"authdeck/auth/secret"
	"authdeck/auth/store"
	"authdeck/auth/team"
)

// TeamSettings point a config folder at a team store. Token, when given, is
// kept in the OS keyring; else VAULT_TOKEN is read at each use.
type TeamSettings struct {
	Address, Mount, Path, CACert string
	Token                        string
}

// TeamStore is this config folder's team store and how it answers now.
type TeamStore struct {
	Configured bool   `json:"configured"`
	Address    string `json:"address,omitempty"`
	Mount      string `json:"mount,omitempty"`
	Path       string `json:"path,omitempty"`
	CACert     string `json:"ca_cert,omitempty"`
	// TokenFrom is where the token comes from: TokenFromEnvironment,
	// TokenFromKeyring, or "" (none).
	TokenFrom    string     `json:"token_from,omitempty"`
	Reachable    bool       `json:"reachable"`
	TokenName    string     `json:"token_name,omitempty"`
	Policies     []string   `json:"policies,omitempty"`
	TokenExpires *time.Time `json:"token_expires,omitempty"`
	Shared       int        `json:"shared"`
	// Problem is what is wrong with the store, if anything.
	Problem error `json:"-"`
}

// Where a team store's token comes from.
const (
	TokenFromEnvironment = "environment"
	TokenFromKeyring     = "keyring"
)

// SetTeamStore checks a team store on the spot — it answers, is unsealed,
// the mount is KV version 2, the token may read, write and list under the
// path — and, only if all hold, points this config folder at it.
func (m *Manager) SetTeamStore(ctx context.Context, in TeamSettings) (_ TeamStore, err error) {
	defer classify(&err)
	cfg, err := team.Config{Address: in.Address, Mount: in.Mount, Path: in.Path, CACert: in.CACert}.Normalize()
	if err != nil {
		return TeamStore{}, m.teamError(err)
	}
	if cfg.CACert != "" {
		abs, err := filepath.Abs(cfg.CACert)
		if err != nil {
			return TeamStore{}, &Error{Input: InputCACert, Remedy: RemedyFixInput, Err: err, Msg: "cannot find the CA certificate"}
		}
		cfg.CACert = abs
	}
	token := in.Token
	if token == "" {
		token = os.Getenv("VAULT_TOKEN")
	}
	if token == "" {
		return TeamStore{}, &Error{Remedy: RemedyFixTeamStore, Msg: "a team store needs a token: give one, or set VAULT_TOKEN"}
	}
	st, err := team.Open(cfg, token)
	if err != nil {
		return TeamStore{}, m.teamError(err)
	}
	tok, err := st.Check(ctx)
	if err != nil {
		return TeamStore{}, m.teamError(err)
	}
	data, err := json.MarshalIndent(st.Config(), "", "  ")
	if err == nil && in.Token != "" {
		err = keyringError(m.secrets.Set(teamTokenKey, in.Token))
	}
	if err == nil {
		err = store.WriteFile(filepath.Join(m.dir, teamFile), data)
	}
	if err != nil {
		return TeamStore{}, err
	}
	m.resetTeam()
	info := m.teamInfo(st.Config())
	info.Reachable, info.TokenName, info.Policies, info.TokenExpires = true, tok.DisplayName, tok.Policies, tok.ExpiresAt
	return info, nil
}

func (m *Manager) resetTeam() {
	m.team.mu.Lock()
	defer m.team.mu.Unlock()
	m.team.loaded, m.team.cfg, m.team.st, m.team.err = false, nil, nil, nil
}

func (m *Manager) teamInfo(cfg team.Config) TeamStore {
	info := TeamStore{Configured: true, Address: cfg.Address, Mount: cfg.Mount, Path: cfg.Path, CACert: cfg.CACert}
	if os.Getenv("VAULT_TOKEN") != "" {
		info.TokenFrom = TokenFromEnvironment
	} else if _, err := m.secrets.Get(teamTokenKey); err == nil {
		info.TokenFrom = TokenFromKeyring
	}
	return info
}

// TeamStore says where this config folder's team store is, whether it
// answers, who the token is and how many connections it shares.
func (m *Manager) TeamStore(ctx context.Context) (_ TeamStore, err error) {
	defer classify(&err)
	cfg, err := m.teamConfig()
	if err != nil || cfg == nil {
		return TeamStore{}, err
	}
	info := m.teamInfo(*cfg)
	st, err := m.teamStore()
	if err != nil {
		info.Problem = err
		return info, nil
	}
	tok, err := st.Whoami(ctx)
	if err != nil {
		info.Problem = m.teamError(err)
		return info, nil
	}
	info.Reachable, info.TokenName, info.Policies, info.TokenExpires = true, tok.DisplayName, tok.Policies, tok.ExpiresAt
	names, err := st.Names(ctx)
	info.Shared, info.Problem = len(names), m.teamError(err)
	return info, nil
}

// UnsetTeamStore stops using the team store: its connections stay in it,
// and this machine's copies of them are forgotten.
func (m *Manager) UnsetTeamStore() (err error) {
	defer classify(&err)
	for name := range m.cacheVersions() {
		m.forget(name)
	}
	err = os.Remove(filepath.Join(m.dir, teamFile))
	if errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	if derr := m.secrets.Delete(teamTokenKey); derr != nil && !errors.Is(derr, secret.ErrNotFound) {
		err = errors.Join(err, keyringError(derr))
	}
	m.resetTeam()
	return err
}

// errNoTeam says there is no team store to share with.
func errNoTeam(name string) error {
	return &Error{Connection: name, Remedy: RemedyFixTeamStore, Msg: "no team store is set up in this config folder"}
}

// Share moves a connection of this machine — its record and its secrets —
// into the team store, where every machine pointed at it finds it. The
// store's record is created first (never over an existing one), then this
// machine's copy removed.
func (m *Manager) Share(ctx context.Context, name string) (_ Connection, err error) {
	defer classify(&err)
	st, err := m.teamStore()
	if err != nil || st == nil {
		return Connection{}, errors.Join(err, errNoTeam(name))
	}
	cn, err := m.withConn(ctx, name, func(ch *change) error {
		if ch.home != nil {
			return &Error{Connection: name, Remedy: RemedyNone, Msg: fmt.Sprintf("%q is already shared", name)}
		}
		s, err := ch.secrets()
		if err != nil {
			return err
		}
		c := ch.Connection
		if c.Endpoints == nil && ch.lookupErr == nil {
			bind(&c, ch.conn)
		}
		raw, err := json.Marshal(s) // #nosec G117 -- the secrets go to the team store, a secrets engine
		if err != nil {
			return err
		}
		rec, err := st.Write(ctx, team.Record{Name: name, Connection: c, Secrets: raw})
		if team.KindOf(err) == team.KindStale {
			return &Error{Connection: name, Input: InputName, Remedy: RemedyChooseName,
				Msg: fmt.Sprintf("the team store already has a connection called %q", name)}
		}
		if err != nil {
			return m.teamError(err)
		}
		m.remember(rec.Version, conn{Connection: c, sec: &s})
		ch.gone = true
		return nil
	})
	if err != nil {
		return Connection{}, err
	}
	return m.Get(cn.Name)
}

// Unshare takes a shared connection back to this machine only — its
// secrets into this machine's keyring — and removes the shared record.
func (m *Manager) Unshare(ctx context.Context, name string) (_ Connection, err error) {
	defer classify(&err)
	cn, err := m.withConn(ctx, name, func(ch *change) error {
		if ch.home == nil {
			return &Error{Connection: name, Remedy: RemedyNone, Msg: fmt.Sprintf("%q is not shared", name)}
		}
		s, err := ch.secrets()
		if err != nil {
			return err
		}
		c := ch.Connection
		err = m.store.Update(ctx, func(conns []store.Connection) ([]store.Connection, error) {
			if store.Find(conns, name) >= 0 {
				return nil, &Error{Connection: name, Remedy: RemedyChooseName,
					Msg: fmt.Sprintf("this machine already has a connection called %q", name)}
			}
			if err := m.writeSecrets(c, s); err != nil {
				return nil, err
			}
			return append(conns, c), nil
		})
		if err != nil {
			return err
		}
		ch.gone = true
		return nil
	})
	if err != nil {
		return Connection{}, err
	}
	m.forget(name)
	cn.home, cn.sec = nil, nil
	return m.view(cn), nil
}
