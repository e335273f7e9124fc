package auth

import (
	"context"

	"authdeck/auth/store"
	"slices"
	"strings"
	"time"
)

// List returns every connection, most urgent first (see sortByUrgency):
// this machine's and, with a team store, the shared ones.
func (m *Manager) List() (_ []Connection, err error) {
	defer classify(&err)
	conns, err := m.all(context.Background())
	if err != nil {
		return nil, err
	}
	now, within := m.now(), m.Settings().ExpiringWithin()
	out := make([]Connection, len(conns))
	for i, cn := range conns {
		out[i] = m.viewAt(cn, now, within)
	}
	sortByUrgency(out)
	return out, nil
}

// all resolves every connection: this machine's, then the team store's
// (a shared one whose name is also used here is left to this machine's).
func (m *Manager) all(ctx context.Context) ([]conn, error) {
	local, err := m.store.Load()
	if err != nil {
		return nil, err
	}
	out := make([]conn, 0, len(local))
	for _, c := range local {
		cn := conn{Connection: c}
		cn.p, cn.meth, cn.lookupErr = m.method(c)
		out = append(out, cn)
	}
	if !m.teamConfigured() {
		return out, nil
	}
	shared, err := m.teamAll(ctx)
	if err != nil {
		return nil, err
	}
	for _, cn := range shared {
		if store.Find(local, cn.Name) < 0 {
			out = append(out, cn)
		}
	}
	return out, nil
}

// Get returns one connection.
func (m *Manager) Get(name string) (_ Connection, err error) {
	defer classify(&err)
	cn, err := m.resolve(name)
	if err != nil && cn.Name == "" {
		return Connection{}, err
	}
	cn.lookupErr = err
	return m.viewAt(cn, m.now(), m.Settings().ExpiringWithin()), nil
}

// sortByUrgency orders connections by urgency: problems first, then the
// soonest expiry; credentials that never expire or renew themselves last.
func sortByUrgency(conns []Connection) {
	type key struct {
		rank int
		at   time.Time
	}
	keyOf := func(c Connection) key {
		switch {
		case c.Status == StatusError || c.Status == StatusNeedsConnect || c.Status == StatusExpired:
			return key{0, deref(c.ExpiresAt)}
		case c.ExpiresAt != nil && !c.Refreshable:
			return key{1, *c.ExpiresAt}
		default:
			return key{2, time.Time{}}
		}
	}
	// Keys are worked out once, and an index is sorted rather than the
	// (large) connections themselves.
	keys := make([]key, len(conns))
	order := make([]int, len(conns))
	for i, c := range conns {
		keys[i], order[i] = keyOf(c), i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ka, kb := keys[a], keys[b]
		if ka.rank != kb.rank {
			return ka.rank - kb.rank
		}
		if c := ka.at.Compare(kb.at); c != 0 {
			return c
		}
		return strings.Compare(conns[a].Name, conns[b].Name)
	})
	sorted := make([]Connection, len(conns))
	for i, j := range order {
		sorted[i] = conns[j]
	}
	copy(conns, sorted)
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
