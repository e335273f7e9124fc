// Package filelock is an advisory lock shared between processes, so that the
// window and any number of CLI calls never refresh one connection at once or
// write the metadata file over each other.
package filelock

import (
	"context"
	"fmt"
	"os"
	"time"
)

// Lock is a held lock; Unlock releases it.
type Lock struct{ f *os.File }

// Acquire takes the exclusive lock on path (creating the file, mode 0600),
// waiting until it is free or ctx ends.
func Acquire(ctx context.Context, path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	wait := time.Millisecond
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if ok {
			return &Lock{f: f}, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waited for another Authdeck process holding %s: %w", path, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(wait*2, 25*time.Millisecond)
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
