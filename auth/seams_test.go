package auth

import (
	"context"
	"sync/atomic"
	"testing"

	"authdeck/auth/store"
)

// countingRecords is the metadata file with its reads counted: Load, and
// the read Update makes under the file's lock.
type countingRecords struct {
	records
	loads atomic.Int64
}

func (c *countingRecords) Load() ([]store.Connection, error) {
	c.loads.Add(1)
	return c.records.Load()
}

func (c *countingRecords) Update(ctx context.Context, fn func([]store.Connection) ([]store.Connection, error)) error {
	c.loads.Add(1)
	return c.records.Update(ctx, fn)
}

// Each is counted as a read too (List reads through it).
func (c *countingRecords) Each(fn func(*store.Connection, int)) bool {
	c.loads.Add(1)
	e, ok := c.records.(interface {
		Each(func(*store.Connection, int)) bool
	})
	return ok && e.Each(fn)
}

// countReads makes m count its reads of connections.json by wrapping its
// store (no counter lives in the production type).
func countReads(t testing.TB, m *Manager) *atomic.Int64 {
	t.Helper()
	c := &countingRecords{records: m.store}
	m.store = c
	return &c.loads
}
