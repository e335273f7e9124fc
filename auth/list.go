package auth

import (
	"slices"
	"strings"
	"time"
)

// List returns every connection, most urgent first (see sortByUrgency).
func (m *Manager) List() ([]Connection, error) {
	conns, err := m.store.Load()
	if err != nil {
		return nil, err
	}
	now, within := m.now(), m.ExpiringWithin()
	out := make([]Connection, len(conns))
	for i, c := range conns {
		p, meth, err := m.method(c)
		out[i] = viewOf(c, p, meth, err, now, within)
	}
	sortByUrgency(out)
	return out, nil
}

// Get returns one connection.
func (m *Manager) Get(name string) (Connection, error) {
	c, err := m.load(name)
	if err != nil {
		return Connection{}, err
	}
	p, meth, err := m.method(c)
	return viewOf(c, p, meth, err, m.now(), m.ExpiringWithin()), nil
}

// view is a resolved connection as the front ends see it now.
func (m *Manager) view(cn conn) Connection {
	return viewOf(cn.Connection, cn.p, cn.meth, nil, m.now(), m.ExpiringWithin())
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
