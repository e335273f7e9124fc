// Package fakeclock is a clock that tests move by hand, for code that takes
// its time from a func() time.Time: tests never sleep to wait for expiry.
package fakeclock

import (
	"sync"
	"time"
)

// Clock is safe for use from several goroutines.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a clock standing at t.
func New(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's current time; pass c.Now where a func() time.Time is
// taken.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward (or back, with a negative d).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
