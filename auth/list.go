package auth

import (
	"cmp"
	"context"
	"slices"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/store"
)

// List returns every connection, most urgent first (see sortByUrgency):
// this machine's and, with a team store, the shared ones.
func (m *Manager) List() (_ []Connection, err error) {
	defer classify(&err)
	if out, ok := m.listLocal(); ok {
		sortByUrgency(out)
		return out, nil
	}
	local, err := m.store.Load()
	if err != nil {
		return nil, err
	}
	now, within := m.now(), m.Settings().ExpiringWithin()
	// This machine's views straight from the records: a resolved conn per
	// connection first copied ~900 bytes each (issue 22).
	out := make([]Connection, len(local))
	var methods methodMemo
	for i := range local {
		p, meth, lookupErr := methods.of(m, &local[i])
		viewOf(&out[i], &local[i], p, meth, lookupErr, now, within)
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

// ListOffline is List when this machine alone can answer it (no team
// store is set up): one file read, no network and no keyring, fast enough
// for a window to fill its list before it first shows. ok is false, and
// nothing is read, when List would ask the team store.
func (m *Manager) ListOffline() (_ []Connection, ok bool, err error) {
	defer classify(&err)
	if m.teamConfigured() {
		return nil, false, nil
	}
	conns, err := m.List()
	return conns, err == nil, err
}

// listLocal is List without a team store: each connection made a view as
// the file is read (store.Each), so that no record is kept (issue 22). Not
// ok when the file is not for the quick read: List then reads it through
// Load, which says what is wrong with it.
func (m *Manager) listLocal() ([]Connection, bool) {
	st, ok := m.store.(interface {
		Each(fn func(c *store.Connection, most int)) bool
	})
	if !ok || m.teamConfigured() {
		return nil, false
	}
	now, within := m.now(), m.Settings().ExpiringWithin()
	out := []Connection{}
	var methods methodMemo
	ok = st.Each(func(c *store.Connection, most int) {
		if cap(out) == 0 {
			out = make([]Connection, 0, most)
		}
		out = append(out, Connection{})
		p, meth, lookupErr := methods.of(m, c)
		viewOf(&out[len(out)-1], c, p, meth, lookupErr, now, within)
	})
	return out, ok
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

// methodMemo is the provider and method of each kind of connection a list
// met, looked up once: a list of 1,000 connections of a few providers
// looked each up (and copied it) 1,000 times.
type methodMemo []knownMethod

type knownMethod struct {
	provider string
	kind     catalog.Kind
	p        catalog.Provider
	meth     catalog.Method
}

// of is c's provider and method; a lookup that fails is not kept (its
// error names the connection).
func (mm *methodMemo) of(m *Manager, c *store.Connection) (*catalog.Provider, *catalog.Method, error) {
	for i := range *mm {
		if e := &(*mm)[i]; e.provider == c.Provider && e.kind == c.Method {
			return &e.p, &e.meth, nil
		}
	}
	p, meth, err := m.method(*c)
	if err != nil {
		return &p, &meth, err
	}
	*mm = append(*mm, knownMethod{c.Provider, c.Method, p, meth})
	e := &(*mm)[len(*mm)-1]
	return &e.p, &e.meth, nil
}

// sortByUrgency orders connections by urgency: problems first, then the
// soonest expiry; credentials that never expire or renew themselves last.
func sortByUrgency(conns []Connection) {
	// Each connection's key is worked out once into a small value sorted
	// with its position, which breaks ties, so an unstable sort keeps the
	// order stable (a stable sort's merges grew faster than n log n at
	// 10,000); the (large) connections are moved once, at the end.
	type key struct {
		sec  int64 // the date, as Unix seconds and nanoseconds
		nsec int
		rank int
		i    int
	}
	keys := make([]key, len(conns))
	for i := range conns {
		c, k := &conns[i], &keys[i]
		var at *time.Time
		switch {
		case c.Status == StatusError || c.Status == StatusNeedsConnect || c.Status == StatusExpired:
			k.rank, at = 0, c.ExpiresAt
		case c.ExpiresAt != nil && !c.Refreshable:
			k.rank, at = 1, c.ExpiresAt
		default:
			k.rank = 2
		}
		if at == nil {
			at = &time.Time{}
		}
		k.sec, k.nsec, k.i = at.Unix(), at.Nanosecond(), i
	}
	slices.SortFunc(keys, func(a, b key) int {
		switch {
		case a.rank != b.rank:
			return a.rank - b.rank
		case a.sec != b.sec:
			return cmp.Compare(a.sec, b.sec)
		case a.nsec != b.nsec:
			return a.nsec - b.nsec
		}
		if c := CompareNames(conns[a.i].Name, conns[b.i].Name); c != 0 {
			return c
		}
		return a.i - b.i
	})
	order := make([]int, len(keys))
	for i, k := range keys {
		order[i] = k.i
	}
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
