package auth

import (
	"context"
	"errors"
	"time"

	"authdeck/auth/store"
)

// abandonedAfter is how old a pending connection must be before it counts
// as abandoned when no sign-in of it is waiting: the moment between the
// wizard storing it and its sign-in taking the waiting lock is far shorter.
const abandonedAfter = time.Minute

// ClearAbandoned removes the connections stored for a browser sign-in that
// never finished because its process died during the wait (the window was
// killed while the browser was open). A connection whose sign-in is still
// waiting, here or in another process, is left alone. It returns the names
// it removed.
func (m *Manager) ClearAbandoned(ctx context.Context) (removed []string, err error) {
	defer classify(&err)
	conns, err := m.store.Load()
	if err != nil {
		return nil, err
	}
	for _, c := range conns {
		if !m.abandoned(ctx, c) {
			continue
		}
		if err := m.Remove(ctx, c.Name); err != nil && !errors.Is(err, ErrNotFound) {
			return removed, err
		}
		removed = append(removed, c.Name)
	}
	return removed, nil
}

// abandoned says c is pending, old enough, and nobody waits for its answer.
func (m *Manager) abandoned(ctx context.Context, c store.Connection) bool {
	if !c.Pending || m.now().Sub(c.CreatedAt) < abandonedAfter {
		return false
	}
	_, release, err := m.claimSignIn(ctx, c.Name, nil)
	if err != nil {
		return false // a sign-in is waiting, or the lock cannot be had: keep it
	}
	release()
	return true
}
