// Package auth is Authdeck's core: the one service (Manager) that the window
// and the command line use to add, connect, refresh, check, copy and remove
// connections. It never imports Fyne and never opens a window.
package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"authdeck/assets"
	"authdeck/auth/catalog"
	"authdeck/auth/oauth"
	"authdeck/auth/sanitize"
	"authdeck/auth/secret"
	"authdeck/auth/store"
)

// Options configure a Manager. Zero values pick the real thing.
type Options struct {
	ConfigDir string       // "" → DefaultConfigDir()
	Secrets   secret.Store // nil → the OS keyring, namespaced by ConfigDir
	HTTP      *http.Client // nil → a client with a 30 s timeout
	Now       func() time.Time
	// OpenBrowser opens a URL for the consent flow; nil → $BROWSER or the
	// system browser.
	OpenBrowser func(url string) error
	// RefreshMargin is how long before expiry a refreshable token is renewed
	// (default 5 minutes, less for short-lived tokens).
	RefreshMargin time.Duration
	// TeamLease bounds how long a machine may hold a shared connection's
	// refresh lease (team.DefaultLease when zero). Configuration, like
	// RefreshMargin: no setting offers it yet, and tests shorten it.
	TeamLease time.Duration
}

// Manager is the service behind every Authdeck screen and command.
type Manager struct {
	dir string
	// catalog is replaced whole when a definition is saved; readers take
	// the current one through providers().
	catalog atomic.Pointer[catalog.Catalog]
	secrets secret.Store
	store   records
	http    *http.Client
	oauth   *oauth.Client
	now     func() time.Time
	open    func(string) error
	margin  time.Duration
	// team is the team store, opened on first use (auth/shared.go).
	team teamState

	sandboxMu   sync.Mutex
	sandboxStop []func()
	// sandboxOwn maps a sandbox address held by something else to the port
	// of the one this process serves instead.
	sandboxOwn map[string]string
}

// records is the metadata file as the Manager reads and changes it: a
// *store.Store (tests wrap one to count its reads).
type records interface {
	Load() ([]store.Connection, error)
	Update(ctx context.Context, fn func([]store.Connection) ([]store.Connection, error)) error
}

// DefaultConfigDir is $AUTHDECK_CONFIG_DIR, else the OS config folder's
// "authdeck".
func DefaultConfigDir() (string, error) {
	if dir := os.Getenv("AUTHDECK_CONFIG_DIR"); dir != "" {
		return filepath.Abs(dir)
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", &Error{Remedy: RemedyFixConfigFolder, Err: err, Msg: "cannot find your config folder: set AUTHDECK_CONFIG_DIR to a folder of your own"}
	}
	return filepath.Join(base, "authdeck"), nil
}

// Open loads the catalog and the metadata store. It does not touch the
// keyring: commands that need no secret stay fast and work without one.
// Its errors are classified like every method's: the front ends word the
// first thing a person can meet (a folder others can change, a newer file).
func Open(opts Options) (_ *Manager, err error) {
	defer classify(&err)
	dir := opts.ConfigDir
	if dir == "" {
		var err error
		if dir, err = DefaultConfigDir(); err != nil {
			return nil, err
		}
	}
	st, err := store.Open(dir)
	if err == nil {
		err = privateLocks(dir)
	}
	var foreign *store.NotPrivateError
	if errors.As(err, &foreign) {
		return nil, &Error{Remedy: RemedyFixConfigFolder, Err: err}
	}
	if err != nil {
		return nil, err
	}
	cat, err := catalog.Load(assets.Providers, filepath.Join(dir, "providers.d"))
	if err != nil {
		return nil, err
	}
	m := &Manager{
		dir: dir, store: st,
		secrets: opts.Secrets, http: opts.HTTP, now: opts.Now, open: opts.OpenBrowser,
		margin: opts.RefreshMargin,
	}
	m.team.lease = opts.TeamLease
	m.catalog.Store(cat)
	m.sandboxOwn = map[string]string{}
	if m.secrets == nil {
		m.secrets = secret.NewKeyring(dir)
	}
	if m.http == nil {
		// A provider's answer has no business sending megabytes of headers.
		m.http = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment, MaxResponseHeaderBytes: 64 << 10,
			TLSHandshakeTimeout: 10 * time.Second, ForceAttemptHTTP2: true,
		}}
	}
	if m.now == nil {
		m.now = time.Now
	}
	if m.open == nil {
		m.open = OpenBrowser
	}
	if m.margin == 0 {
		m.margin = 5 * time.Minute
	}
	m.oauth = &oauth.Client{HTTP: m.http, Now: m.now}
	return m, nil
}

// Close stops anything the Manager started (the sandbox provider).
func (m *Manager) Close() {
	m.sandboxMu.Lock()
	defer m.sandboxMu.Unlock()
	for _, stop := range m.sandboxStop {
		stop()
	}
	m.sandboxStop = nil
}

// Now is the Manager's clock.
func (m *Manager) Now() time.Time { return m.now() }

// Providers lists every provider, built-ins first.
func (cat *Catalog) Providers() []catalog.Provider { return cat.m.catalog.Load().All() }

// CatalogProblems lists providers.d files that were refused, each naming its
// file and field.
func (cat *Catalog) CatalogProblems() []error { return cat.m.catalog.Load().Problems }

// Provider returns the provider with the given id.
func (cat *Catalog) Provider(id string) (_ catalog.Provider, err error) {
	defer classify(&err)
	m := cat.m
	p, ok := m.catalog.Load().Lookup(id)
	if !ok {
		ids := m.catalog.Load().IDs()
		sort.Strings(ids)
		return catalog.Provider{}, inputError(InputProvider, "there is no provider %q: choose one of %s", sanitize.Line(id), strings.Join(ids, ", "))
	}
	return p, nil
}

// ProviderFile is where a providers.d definition for id lives.
func (cat *Catalog) ProviderFile(id string) string {
	m := cat.m
	return filepath.Join(m.dir, "providers.d", id+".json")
}

// writeProvider validates a definition and writes it to providers.d, where it
// replaces a built-in with the same id; the catalog is reloaded at once.
// Callers decide whether replacing is allowed (auth/providers.go).
func (m *Manager) writeProvider(p catalog.Provider) (string, error) {
	p.Source = m.Catalog().ProviderFile(p.ID)
	if err := p.Validate(); err != nil {
		return "", err
	}
	data, err := catalog.Marshal(p)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(p.Source), 0o700); err != nil {
		return "", err
	}
	if err := store.WriteFile(p.Source, data); err != nil {
		return "", err
	}
	cat, err := catalog.Load(assets.Providers, filepath.Join(m.dir, "providers.d"))
	if err != nil {
		return "", err
	}
	m.catalog.Store(cat)
	if got, ok := cat.Lookup(p.ID); !ok || got.Source != p.Source {
		// Written, but the catalog refused it (a providers.d folder that
		// others can change, say): saying "saved" would be a lie.
		return "", &Error{Remedy: RemedyFixProviderFile, Err: errors.Join(cat.Problems...),
			Msg: fmt.Sprintf("%s was written but could not be used", p.Source)}
	}
	return p.Source, nil
}

// ConfirmValue saves the provider's definition with one method's unconfirmed
// field (e.g. "authorize_url") set to what the person found in the
// provider's documentation, no longer marked unconfirmed.
func (cat *Catalog) ConfirmValue(providerID string, kind catalog.Kind, field, value string) (_ catalog.Provider, err error) {
	defer classify(&err)
	m := cat.m
	p, err := m.Catalog().Provider(providerID)
	if err != nil {
		return p, err
	}
	p.Methods = append([]catalog.Method(nil), p.Methods...)
	for i := range p.Methods {
		meth := &p.Methods[i]
		if meth.Kind != kind {
			continue
		}
		if !meth.IsUnconfirmed(field) {
			return p, &Error{Kind: KindUnconfirmed, Input: InputNone, Param: field,
				Msg: fmt.Sprintf("%s's %s is not an unconfirmed value", p.Name, field)}
		}
		if !meth.SetField(field, value) {
			return p, &Error{Kind: KindProviderFile, Remedy: RemedyFixProviderFile, Param: field, Detail: m.Catalog().ProviderFile(p.ID),
				Msg: fmt.Sprintf("%s cannot be changed here: its definition file %s holds it", field, m.Catalog().ProviderFile(p.ID))}
		}
		meth.Unconfirmed = slices.DeleteFunc(slices.Clone(meth.Unconfirmed), func(f string) bool { return f == field })
		if _, err := m.writeProvider(p); err != nil {
			return p, err
		}
		return m.Catalog().Provider(providerID)
	}
	return p, &Error{Kind: KindInvalidInput, Input: InputMethod, Remedy: RemedyFixInput,
		Msg: fmt.Sprintf("%s has no method %q", p.Name, kind)}
}

// DiscoverProvider builds a definition from an issuer's OpenID Connect or
// RFC 8414 metadata.
func (cat *Catalog) DiscoverProvider(ctx context.Context, id, issuer string) (_ catalog.Provider, err error) {
	defer classify(&err)
	m := cat.m
	return oauth.Discover(ctx, m.http, id, issuer)
}

// privateLocks refuses a locks folder others can change: whoever can plant
// files there can stall every refresh.
func privateLocks(dir string) error {
	return store.CheckPrivate(filepath.Join(dir, "locks"))
}
