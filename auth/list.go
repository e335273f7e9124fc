package auth

import (
	"context"

	"authdeck/auth/store"
	"slices"
	"time"
)

// List returns every connection, most urgent first (see sortByUrgency):
// this machine's and, with a team store, the shared ones.
func (m *Manager) List() (_ []Connection, err error) {
	defer classify(&err)
	local, err := m.store.Load()
	if err != nil {
		return nil, err
	}
	now, within := m.now(), m.Settings().ExpiringWithin()
	// This machine's views straight from the records: a resolved conn per
	// connection first copied ~900 bytes each (issue 22).
	out := make([]Connection, 0, len(local))
	for _, c := range local {
		p, meth, lookupErr := m.method(c)
		out = append(out, viewOf(c, p, meth, lookupErr, now, within))
	}
	shared, err := m.sharedOnly(context.Background(), local)
	if err != nil {
		return nil, err
	}
	for _, cn := range shared {
		out = append(out, m.viewAt(cn, now, within))
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
	shared, err := m.sharedOnly(ctx, local)
	if err != nil {
		return nil, err
	}
	return append(out, shared...), nil
}

// sharedOnly is the team store's connections whose names this machine's
// (local) do not use; none when no team store is set up.
func (m *Manager) sharedOnly(ctx context.Context, local []store.Connection) ([]conn, error) {
	if !m.teamConfigured() {
		return nil, nil
	}
	shared, err := m.teamAll(ctx)
	if err != nil {
		return nil, err
	}
	out := shared[:0]
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
	// The index breaks ties, so an unstable sort keeps the order stable (a
	// stable sort's merges grew faster than n log n at 10,000).
	slices.SortFunc(order, func(a, b int) int {
		ka, kb := keys[a], keys[b]
		if ka.rank != kb.rank {
			return ka.rank - kb.rank
		}
		if c := ka.at.Compare(kb.at); c != 0 {
			return c
		}
		if c := CompareNames(conns[a].Name, conns[b].Name); c != 0 {
			return c
		}
		return a - b
	})
	permute(conns, order)
}

// permute puts conns[order[i]] at i in place, following each cycle of
// order (which it uses up): no second copy of the list.
func permute(conns []Connection, order []int) {
	for start := range order {
		if order[start] < 0 {
			continue
		}
		held, i := conns[start], start
		for {
			next := order[i]
			order[i] = -1
			if next == start {
				conns[i] = held
				break
			}
			conns[i], i = conns[next], next
		}
	}
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
