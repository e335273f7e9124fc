// Package filelock is an advisory lock shared between processes, so that the
// window and any number of CLI calls never refresh one connection at once or
// write the metadata file over each other.
package filelock

import (
	"context"
	"fmt"
	"os"
	"sync"
)

// Lock is a held lock; Unlock releases it.
type Lock struct{ f *os.File }

// Acquire takes the exclusive lock on path (creating the file, mode 0600),
// waiting until it is free or ctx ends. A waiter wakes the moment the holder
// releases the lock: the wait is the kernel's, not a polling loop.
func Acquire(ctx context.Context, path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600) // #nosec G304 -- lock files live in the config directory; callers build the path
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if ok, err := tryLock(f); err != nil || ok {
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		return &Lock{f: f}, nil
	}
	type result struct{ err error }
	done := make(chan result, 1)
	var mu sync.Mutex
	abandoned := false
	go func() {
		err := lock(f)
		mu.Lock()
		defer mu.Unlock()
		if abandoned { // the caller gave up: release what it will never use
			if err == nil {
				_ = unlock(f)
			}
			f.Close()
			return
		}
		done <- result{err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, r.err)
		}
		return &Lock{f: f}, nil
	case <-ctx.Done():
		mu.Lock()
		defer mu.Unlock()
		select {
		case r := <-done: // acquired just as the context ended: keep it
			if r.err == nil {
				return &Lock{f: f}, nil
			}
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, r.err)
		default:
			abandoned = true
			return nil, fmt.Errorf("waited for another Authdeck process holding %s: %w", path, ctx.Err())
		}
	}
}

// Unlock releases the lock. The file stays: removing it would race with a
// process that has just opened it.
func (l *Lock) Unlock() error {
	if err := unlock(l.f); err != nil {
		l.f.Close()
		return err
	}
	return l.f.Close()
}
