// Package secrettest is an in-memory secret store that can say what it
// holds, for tests that prove no secret is left behind. Listing is no part
// of secret.Store: nothing in Authdeck needs to enumerate the keyring.
package secrettest

import (
	"sort"
	"sync"

	"authdeck/auth/secret"
)

// Memory is secret.Memory that remembers which keys it holds.
type Memory struct {
	*secret.Memory
	mu   sync.Mutex
	keys map[string]bool
}

// NewMemory returns an empty store.
func NewMemory() *Memory { return &Memory{Memory: secret.NewMemory(), keys: map[string]bool{}} }

// Set stores value under key.
func (m *Memory) Set(key, value string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.Memory.Set(key, value); err != nil {
		return err
	}
	m.keys[key] = true
	return nil
}

// Delete removes key; a missing key is secret.ErrNotFound.
func (m *Memory) Delete(key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.Memory.Delete(key); err != nil {
		return err
	}
	delete(m.keys, key)
	return nil
}

// Keys lists the stored keys, sorted.
func (m *Memory) Keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.keys))
	for k := range m.keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
