// Package filelock is an advisory lock shared between processes, so that the
// window and any number of CLI calls never refresh one connection at once or
// write the metadata file over each other.
package filelock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
)

// Lock is a held lock; Unlock releases it.
type Lock struct{ f *os.File }

// ErrNotPlain is wrapped by Acquire's error when the lock file is a symbolic
// link, a FIFO or anything but a plain file.
var ErrNotPlain = errors.New("the lock file is not a plain file")

// Acquire takes the exclusive lock on path (creating the file, mode 0600),
// waiting until it is free or ctx ends. A waiter wakes the moment the holder
// releases the lock: the wait is the kernel's, not a polling loop.
//
// A symbolic link at path is never followed (it could make Authdeck create
// or lock a file elsewhere), and only a plain file is locked.
func Acquire(ctx context.Context, path string) (*Lock, error) {
	f, err := open(path)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, notPlain(path)
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

// notPlain is the error for a lock file that is not a plain file.
func notPlain(path string) error {
	return fmt.Errorf("%s: %w (a symbolic link or special file): Authdeck does not follow it", path, ErrNotPlain)
}
