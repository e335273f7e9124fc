// Package secret keeps credentials in the OS keyring (and, for tests, in
// memory). Nothing else in Authdeck may hold a secret at rest.
package secret

import (
	"errors"
	"sync"
)

// ErrNotFound means the keyring answered and has no such item. A locked or
// unreachable keyring is a different error: it must never read as "not
// connected".
var ErrNotFound = errors.New("no such secret in the keyring")

// Store keeps secrets by key.
type Store interface {
	Get(key string) (string, error)
	Set(key, value string) error
	Delete(key string) error
}

// Memory is a Store in process memory, for tests and benchmarks.
type Memory struct {
	mu    sync.Mutex
	items map[string]string
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory { return &Memory{items: map[string]string{}} }

// Get returns the secret stored under key.
func (m *Memory) Get(key string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.items[key]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

// Set stores value under key.
func (m *Memory) Set(key, value string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[key] = value
	return nil
}

// Delete removes key; a missing key is ErrNotFound.
func (m *Memory) Delete(key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.items[key]; !ok {
		return ErrNotFound
	}
	delete(m.items, key)
	return nil
}
