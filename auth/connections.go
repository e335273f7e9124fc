package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/filelock"
	"authdeck/auth/secret"
	"authdeck/auth/store"
)

// Status is a connection's state in one word, as `list --json` prints it.
type Status string

// The statuses a connection can be in.
const (
	StatusOK           Status = "ok"
	StatusExpiring     Status = "expiring"
	StatusExpired      Status = "expired"
	StatusNeedsConnect Status = "needs-connect"
	StatusError        Status = "error"
)

// Connection is a stored connection with what follows from it now.
type Connection struct {
	store.Connection
	ProviderName string
	Status       Status
	// Refreshable says Authdeck renews the credential by itself.
	Refreshable bool
	// Problem says, for a status other than ok, what is wrong and what to
	// do, in words for the window.
	Problem string
	// Command is the command line that fixes the problem, for the CLI.
	Command string
}

// secrets is everything secret about one connection: one keyring item, so
// that one read serves a header and one write replaces all of it at once.
type secrets struct {
	AccessToken  string `json:"access_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ClientSecret string `json:"client_secret,omitempty"`
	// Secret is what the user pasted: a token, an API key, an App Secret or
	// a password.
	Secret string `json:"secret,omitempty"`
	Cookie string `json:"cookie,omitempty"`
}

func (m *Manager) readSecrets(c store.Connection) (secrets, error) {
	raw, err := m.secrets.Get(c.SecretKey())
	if errors.Is(err, secret.ErrNotFound) {
		return secrets{}, fmt.Errorf("the secret of %q is missing from the keyring: add the connection again (authdeck remove %s, then authdeck add …)", c.Name, c.Name)
	}
	if err != nil {
		return secrets{}, err
	}
	var s secrets
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return secrets{}, fmt.Errorf("the keyring item of %q is damaged: remove the connection and add it again", c.Name)
	}
	return s, nil
}

func (m *Manager) writeSecrets(c store.Connection, s secrets) error {
	raw, err := json.Marshal(s) // #nosec G117 -- the secrets are serialised for the OS keyring, their only place at rest
	if err != nil {
		return err
	}
	return m.secrets.Set(c.SecretKey(), string(raw))
}

// AddRequest describes a new connection. Secret is the one secret the method
// needs: the client secret (oauth), the password or App Secret (basic,
// session), the key (api-key) or the token (token).
type AddRequest struct {
	Name        string
	Provider    string
	Method      catalog.Kind // "" → the provider's first method
	ClientID    string
	Scopes      []string
	RedirectURI string
	User        string
	Params      map[string]string
	ExpiresAt   *time.Time
	Secret      string
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$`)

// Add validates and stores a new connection: the secret in the keyring first,
// then the metadata, so that no connection is ever listed without its secret.
func (m *Manager) Add(ctx context.Context, req AddRequest) (Connection, error) {
	c, s, err := m.prepare(req)
	if err != nil {
		return Connection{}, err
	}
	wroteSecret := false
	err = m.store.Update(ctx, func(conns []store.Connection) ([]store.Connection, error) {
		if store.Find(conns, c.Name) >= 0 {
			return nil, fmt.Errorf("a connection called %q already exists: choose another name, or remove it first (authdeck remove %s)", c.Name, quoteName(c.Name))
		}
		if err := m.writeSecrets(c, s); err != nil {
			return nil, err
		}
		wroteSecret = true
		return append(conns, c), nil
	})
	if err != nil {
		if wroteSecret {
			_ = m.secrets.Delete(c.SecretKey()) // the metadata write failed: leave no orphan
		}
		return Connection{}, err
	}
	return m.Get(c.Name)
}

// prepare checks a request completely before anything is stored.
func (m *Manager) prepare(req AddRequest) (store.Connection, secrets, error) {
	var none store.Connection
	if !nameRE.MatchString(req.Name) {
		return none, secrets{}, fmt.Errorf("%q is not a usable name: use letters, digits, spaces, dots, dashes or underscores (at most 64), starting with a letter or digit", req.Name)
	}
	p, err := m.Provider(req.Provider)
	if err != nil {
		return none, secrets{}, err
	}
	kind := req.Method
	if kind == "" {
		kind = p.Methods[0].Kind
	}
	method, ok := p.Method(kind)
	if !ok {
		var kinds []string
		for _, mm := range p.Methods {
			kinds = append(kinds, string(mm.Kind))
		}
		return none, secrets{}, fmt.Errorf("%s has no method %q: use one of %s", p.Name, kind, strings.Join(kinds, ", "))
	}
	params := map[string]string{}
	for k, v := range req.Params {
		if _, declared := p.Param(k); !declared {
			return none, secrets{}, fmt.Errorf("%s takes no parameter %q%s", p.Name, k, paramHint(p))
		}
		if err := catalog.CheckParamValue(k, v); err != nil {
			return none, secrets{}, err
		}
		params[k] = v
	}
	s := secrets{}
	secretValue := req.Secret
	switch method.Kind {
	case catalog.KindOAuth, catalog.KindImplicit:
		if req.ClientID == "" && method.ClientID == "" {
			return none, secrets{}, fmt.Errorf("%s needs a client ID: pass --client-id (it is on your app's page at %s)", p.Name, docsOr(p))
		}
		if secretValue == "" && method.Kind == catalog.KindOAuth && !method.PublicClient {
			return none, secrets{}, fmt.Errorf("%s needs the client secret: pipe it in with --secret-stdin (it is on your app's page at %s)", p.Name, docsOr(p))
		}
		s.ClientSecret = secretValue
		if req.RedirectURI != "" {
			if err := checkRedirectURI(req.RedirectURI); err != nil {
				return none, secrets{}, err
			}
		}
	default:
		if secretValue == "" {
			return none, secrets{}, fmt.Errorf("no %s was given: pipe it in with --secret-stdin", secretLabel(method))
		}
		if (method.Kind == catalog.KindBasic || method.Kind == catalog.KindSession) && req.User == "" {
			return none, secrets{}, fmt.Errorf("%s needs the %s: pass --user", p.Name, strings.ToLower(orDefault(method.UserLabel, "user name")))
		}
		s.Secret = secretValue
	}
	if strings.ContainsAny(secretValue, "\r\n") {
		return none, secrets{}, errors.New("the secret contains a line break: paste only the secret itself")
	}
	now := m.now()
	c := store.Connection{
		Name: req.Name, Provider: p.ID, Method: method.Kind,
		ClientID: req.ClientID, Scopes: req.Scopes, RedirectURI: req.RedirectURI,
		User: req.User, Params: params, CreatedAt: now,
	}
	if len(c.Params) == 0 {
		c.Params = nil
	}
	if !method.Kind.Browser() {
		c.ConnectedAt = &now
		switch {
		case req.ExpiresAt != nil:
			c.ExpiresAt, c.ExpiresSet = req.ExpiresAt, true
		case method.LifetimeSeconds > 0:
			at := now.Add(time.Duration(method.LifetimeSeconds) * time.Second)
			c.ExpiresAt = &at
		}
	} else if req.ExpiresAt != nil {
		return none, secrets{}, errors.New("--expires is for pasted credentials: a browser sign-in learns the expiry from the provider")
	}
	return c, s, nil
}

func checkRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || !catalog.IsLoopback(u.Hostname()) || u.Port() == "" {
		return fmt.Errorf("redirect URI %q must be http://127.0.0.1:PORT/PATH (a loopback address with a port), as registered with the provider", raw)
	}
	return nil
}

func paramHint(p catalog.Provider) string {
	if len(p.Params) == 0 {
		return ""
	}
	var names []string
	for _, q := range p.Params {
		names = append(names, q.Name)
	}
	return ": it takes " + strings.Join(names, ", ")
}

func docsOr(p catalog.Provider) string { return orDefault(p.DocsURL, "the provider's developer site") }

func secretLabel(m catalog.Method) string {
	return strings.ToLower(orDefault(m.SecretLabel, "secret"))
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// List returns every connection, soonest expiry first.
func (m *Manager) List() ([]Connection, error) {
	conns, err := m.store.Load()
	if err != nil {
		return nil, err
	}
	out := make([]Connection, len(conns))
	for i, c := range conns {
		out[i] = m.view(c)
	}
	sortByExpiry(out)
	return out, nil
}

// sortByExpiry orders connections by urgency: problems first, then the
// soonest expiry; credentials that never expire or renew themselves last.
func sortByExpiry(conns []Connection) {
	type key struct {
		rank int
		at   time.Time
	}
	keyOf := func(c Connection) key {
		switch {
		case c.Status == StatusError || c.Status == StatusNeedsConnect || c.Status == StatusExpired:
			return key{0, deref(c.ExpiresAt)}
		case c.ExpiresAt != nil && !c.Refreshable:
			return key{1, *c.ExpiresAt}
		default:
			return key{2, time.Time{}}
		}
	}
	// Keys are worked out once, and an index is sorted rather than the
	// (large) connections themselves.
	keys := make([]key, len(conns))
	order := make([]int, len(conns))
	for i, c := range conns {
		keys[i], order[i] = keyOf(c), i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ka, kb := keys[a], keys[b]
		if ka.rank != kb.rank {
			return ka.rank - kb.rank
		}
		if c := ka.at.Compare(kb.at); c != 0 {
			return c
		}
		return strings.Compare(conns[a].Name, conns[b].Name)
	})
	sorted := make([]Connection, len(conns))
	for i, j := range order {
		sorted[i] = conns[j]
	}
	copy(conns, sorted)
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// Get returns one connection.
func (m *Manager) Get(name string) (Connection, error) {
	c, err := m.load(name)
	if err != nil {
		return Connection{}, err
	}
	return m.view(c), nil
}

func (m *Manager) load(name string) (store.Connection, error) {
	conns, err := m.store.Load()
	if err != nil {
		return store.Connection{}, err
	}
	i := store.Find(conns, name)
	if i < 0 {
		return store.Connection{}, m.notFound(name)
	}
	return conns[i], nil
}

// method returns the provider and method a connection uses.
func (m *Manager) method(c store.Connection) (catalog.Provider, catalog.Method, error) {
	p, ok := m.catalog.Load().Lookup(c.Provider)
	if !ok {
		return p, catalog.Method{}, fmt.Errorf("%q uses provider %q, which is no longer in the catalog: restore its providers.d file, or remove the connection", c.Name, c.Provider)
	}
	meth, ok := p.Method(c.Method)
	if !ok {
		return p, meth, fmt.Errorf("%q uses %s's method %q, which its definition no longer has: restore the definition, or remove the connection", c.Name, p.Name, c.Method)
	}
	return p, meth, nil
}

// view works out a connection's status at the Manager's current time.
func (m *Manager) view(c store.Connection) Connection {
	v := Connection{Connection: c, ProviderName: c.Provider, Status: StatusOK}
	p, meth, err := m.method(c)
	if err != nil {
		v.Status, v.Problem = StatusError, err.Error()
		return v
	}
	v.ProviderName = p.Name
	v.Refreshable = meth.Refresh && c.HasRefreshToken
	now := m.now()
	name := quoteName(c.Name)
	switch {
	case c.Removing:
		v.Status, v.Problem, v.Command = StatusError, "its removal was interrupted: remove it again", "authdeck remove "+name
	case c.ConnectedAt == nil:
		v.Status, v.Problem, v.Command = StatusNeedsConnect, "not signed in yet: sign in through the browser", "authdeck connect "+name
	case c.LastRefresh != nil && !c.LastRefresh.OK && c.LastRefresh.At.After(*c.ConnectedAt):
		v.Status, v.Problem, v.Command = StatusError, "the last refresh failed: "+c.LastRefresh.Message, "authdeck refresh "+name
	case c.LastCheck != nil && !c.LastCheck.OK && c.LastCheck.Rejected && c.LastCheck.At.After(*c.ConnectedAt):
		v.Status, v.Problem = StatusError, "the provider rejected the credential at the last check: "+c.LastCheck.Message
		v.Command = renewCommand(c, meth)
	case v.Refreshable || c.ExpiresAt == nil:
	case !now.Before(*c.ExpiresAt):
		v.Status, v.Problem, v.Command = StatusExpired, renewHint(meth), renewCommand(c, meth)
	case c.ExpiresAt.Sub(now) <= m.ExpiringWithin():
		v.Status, v.Problem, v.Command = StatusExpiring, renewHint(meth), renewCommand(c, meth)
	}
	return v
}

// renewHint says in plain words how a credential that cannot refresh
// itself is renewed.
func renewHint(meth catalog.Method) string {
	if meth.Kind.Browser() {
		return "this credential cannot renew itself: sign in again through the browser"
	}
	return fmt.Sprintf("get a new %s from the provider and add it again, or set the new date if its expiry was extended", secretLabel(meth))
}

// renewCommand is the command line that does what renewHint says.
func renewCommand(c store.Connection, meth catalog.Method) string {
	if meth.Kind.Browser() {
		return "authdeck connect " + quoteName(c.Name)
	}
	return "authdeck expires " + quoteName(c.Name) + " YYYY-MM-DD"
}

func quoteName(name string) string {
	if strings.ContainsAny(name, " ") {
		return "'" + name + "'"
	}
	return name
}

// Remove deletes a connection: its secret first, so that a failure leaves
// it listed (and removable again) rather than an orphaned secret behind.
// The connection is marked first, so that a crash after the secret is gone
// shows an interrupted removal, not a usable connection without a secret.
func (m *Manager) Remove(ctx context.Context, name string) error {
	// Under the connection's lock: a refresh or sign-in finishing meanwhile
	// would otherwise write the secret back after it was deleted.
	lock, err := filelock.Acquire(ctx, m.lockPath(name))
	if err != nil {
		return err
	}
	defer lock.Unlock()
	err = m.update(ctx, name, func(c *store.Connection) error {
		c.Removing = true
		return nil
	})
	if errors.Is(err, ErrNotFound) && nameRE.MatchString(name) {
		// An add killed after storing the secret left it without metadata:
		// removing the name clears that leftover too.
		if m.secrets.Delete(store.Connection{Name: name}.SecretKey()) == nil {
			return nil
		}
	}
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx) // finish what was started
	if err := m.secrets.Delete(store.Connection{Name: name}.SecretKey()); err != nil && !errors.Is(err, secret.ErrNotFound) {
		// The secret is still there: the connection stays usable.
		_ = m.update(ctx, name, func(c *store.Connection) error {
			c.Removing = false
			return nil
		})
		return err
	}
	return m.store.Update(ctx, func(conns []store.Connection) ([]store.Connection, error) {
		if i := store.Find(conns, name); i >= 0 {
			conns = append(conns[:i], conns[i+1:]...)
		}
		return conns, nil
	})
}

// SetExpiry sets (or, with nil, clears) the expiry date of a pasted
// credential, e.g. an API key whose expiry was extended.
func (m *Manager) SetExpiry(ctx context.Context, name string, at *time.Time) (Connection, error) {
	err := m.update(ctx, name, func(c *store.Connection) error {
		if c.Method.Browser() {
			return errors.New("a browser sign-in learns its expiry from the provider: connect again instead")
		}
		c.ExpiresAt, c.ExpiresSet = at, at != nil
		return nil
	})
	if err != nil {
		return Connection{}, err
	}
	return m.Get(name)
}

// update changes one connection's metadata under the store lock.
func (m *Manager) update(ctx context.Context, name string, fn func(*store.Connection) error) error {
	return m.store.Update(ctx, func(conns []store.Connection) ([]store.Connection, error) {
		i := store.Find(conns, name)
		if i < 0 {
			return nil, m.notFound(name)
		}
		if err := fn(&conns[i]); err != nil {
			return nil, err
		}
		return conns, nil
	})
}
