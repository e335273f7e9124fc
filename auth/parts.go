package auth

// The Manager's parts that are not about connections, each a small type of
// its own reached through the Manager, whose config folder they share: the
// provider catalog, the shared settings and the demo provider. What is left
// on Manager is about connections.

// Catalog is the provider definitions the core works with: the built-ins
// and providers.d, read, saved, replaced, confirmed and discovered.
type Catalog struct{ m *Manager }

// Settings are the choices the window and the commands share
// (settings.json in the config folder).
type Settings struct{ m *Manager }

// Sandbox serves this config folder's demo provider.
type Sandbox struct{ m *Manager }

// Catalog is the provider definitions.
func (m *Manager) Catalog() *Catalog { return &Catalog{m} }

// Settings are the shared choices.
func (m *Manager) Settings() *Settings { return &Settings{m} }

// Sandbox is the demo provider of this config folder.
func (m *Manager) Sandbox() *Sandbox { return &Sandbox{m} }
