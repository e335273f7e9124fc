package auth

import (
	"sync/atomic"
	"testing"

	"authdeck/auth/store"
)

// countReads makes m count its reads of connections.json, through the
// store's test-only options (no counter lives in the production type).
func countReads(t testing.TB, m *Manager) *atomic.Int64 {
	t.Helper()
	var loads atomic.Int64
	counting, err := store.OpenWith(m.dir, store.Options{Loads: &loads})
	if err != nil {
		t.Fatal(err)
	}
	m.store = counting
	return &loads
}
