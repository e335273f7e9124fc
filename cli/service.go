package cli

import (
	"context"
	"time"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/auth/render"
)

// Service is the core as the commands see it. The program hands every
// command an *auth.Manager (Deps.Open nil); a test hands in a fake that
// answers as the core would, to check a command's words and exit code
// without a keyring, a network or a config folder.
//
// A command that needs something new from the core adds the method to the
// small interface it belongs to, here, and nowhere else.
type Service interface {
	Connections
	Providers
	Sandbox
	Programs
	Team
	// Close stops anything the service started.
	Close()
}

// Connections is what commands ask about and do to connections.
type Connections interface {
	Now() time.Time
	ExpiringWithin() time.Duration
	List() ([]auth.Connection, error)
	Get(name string) (auth.Connection, error)
	Add(ctx context.Context, req auth.AddRequest) (auth.Connection, error)
	Connect(ctx context.Context, name string, opts auth.ConnectOptions) (auth.Connection, error)
	Refresh(ctx context.Context, name string) (auth.Connection, error)
	Check(ctx context.Context, name string) (auth.CheckResult, error)
	Snippet(ctx context.Context, name string, f render.Format, target string) (string, auth.Connection, error)
	Credential(ctx context.Context, name string) (auth.Credential, error)
	APIHosts(name string) ([]string, error)
	Replace(ctx context.Context, name, newSecret string, at *time.Time) (auth.Connection, error)
	SetExpiry(ctx context.Context, name string, at *time.Time) (auth.Connection, error)
	SetDetails(ctx context.Context, name string, from, to auth.Details) (auth.Connection, error)
	Rename(ctx context.Context, oldName, newName string) (auth.Connection, error)
	Remove(ctx context.Context, name string) error
}

// Providers is the catalog: built-in providers and providers.d files.
type Providers interface {
	Providers() []catalog.Provider
	Provider(id string) (catalog.Provider, error)
	CatalogProblems() []error
	SaveProvider(p catalog.Provider) (string, error)
	ReplaceProvider(p catalog.Provider, users int) (string, error)
	ProviderUsers(id string) ([]string, error)
	DiscoverProvider(ctx context.Context, id, issuer string) (catalog.Provider, error)
}

// Programs hands credentials to other programs: in their environment
// (exec) or through a local proxy (exec --proxy, proxy).
type Programs interface {
	Lease(ctx context.Context, name string, minValid time.Duration) (auth.Credential, error)
	StartProxy(ctx context.Context, name string, port int) (*auth.LocalProxy, error)
}

// Team is the team store shared connections live in.
type Team interface {
	SetTeamStore(ctx context.Context, in auth.TeamSettings) (auth.TeamStore, error)
	TeamStore(ctx context.Context) (auth.TeamStore, error)
	UnsetTeamStore() error
	Share(ctx context.Context, name string) (auth.Connection, error)
	Unshare(ctx context.Context, name string) (auth.Connection, error)
}

// Sandbox serves the demo provider.
type Sandbox interface {
	ServeSandbox(ctx context.Context, port string, ready func(baseURL string)) error
}

// core is what the program hands its commands: the Manager and its parts
// that are not about connections (the catalog, the settings, the sandbox).
type core struct {
	*auth.Manager
	*auth.Catalog
	*auth.Settings
	*auth.Sandbox
}

func coreOf(m *auth.Manager) core { return core{m, m.Catalog(), m.Settings(), m.Sandbox()} }

// The real thing must keep satisfying the seam.
var _ Service = core{}

// open opens the service for one command: Deps.Open when a test gave one,
// else the core itself.
func (d *Deps) open() (Service, error) {
	if d.Open != nil {
		return d.Open(d.Options)
	}
	m, err := auth.Open(d.Options)
	if err != nil {
		return nil, err // never a typed nil inside the interface
	}
	return coreOf(m), nil
}
