package auth

import (
	"context"
	"fmt"
	"maps"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/oauth"
	"authdeck/auth/store"
)

// ConnectOptions are the caller's hooks into Connect.
type ConnectOptions struct {
	// Listening is called once the loopback callback is listening, with the
	// redirect URI to register and the URL that opens the consent page.
	Listening func(redirectURI, authorizeURL string)
	// NoBrowser leaves opening the URL to the person (the CLI prints it).
	NoBrowser bool
}

// DefaultRedirectURI is the address to register with a provider for a
// method, before any connection exists (the wizard shows it).
func (m *Manager) DefaultRedirectURI(providerID string, kind catalog.Kind) (string, error) {
	p, err := m.Provider(providerID)
	if err != nil {
		return "", err
	}
	meth, ok := p.Method(kind)
	if !ok {
		return "", fmt.Errorf("%s has no method %q", p.Name, kind)
	}
	return oauth.DefaultRedirectURI(p, meth), nil
}

// Connect runs the browser consent for an oauth or implicit connection and
// stores the credential it yields. On any failure what was stored before is
// left as it was.
func (m *Manager) Connect(ctx context.Context, name string, opts ConnectOptions) (Connection, error) {
	c, err := m.load(name)
	if err != nil {
		return Connection{}, err
	}
	p, meth, err := m.method(c)
	if err != nil {
		return Connection{}, err
	}
	if !meth.Kind.Browser() {
		return Connection{}, fmt.Errorf("%q is a pasted %s, not a browser sign-in: nothing to connect (to replace it, remove and add it again)", name, secretLabel(meth))
	}
	s, err := m.readSecrets(c)
	if err != nil {
		return Connection{}, err
	}
	if err := m.ensureSandbox(ctx, p, c.Params); err != nil {
		return Connection{}, err
	}
	open := m.open
	if opts.NoBrowser {
		open = nil
	}
	res, err := m.oauth.Authorize(ctx, m.oauthConfig(c, p, meth, s), oauth.AuthorizeOptions{
		Open:      open,
		Listening: opts.Listening,
	})
	if err != nil {
		return Connection{}, fmt.Errorf("connect %s: %w", name, err)
	}
	if err := m.storeAuthorized(ctx, c, meth, s, res); err != nil {
		return Connection{}, err
	}
	return m.Get(name)
}

// storeAuthorized keeps what a completed consent yielded: the tokens in the
// keyring first, then the metadata that says the connection is usable.
func (m *Manager) storeAuthorized(ctx context.Context, c store.Connection, meth catalog.Method, s secrets, res oauth.Result) error {
	s.AccessToken, s.RefreshToken, s.Cookie = res.Token.AccessToken, res.Token.RefreshToken, ""
	lock, err := m.lockConnection(ctx, c.Name)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	if err := m.writeSecrets(c, s); err != nil {
		return err
	}
	now := m.now()
	return m.update(ctx, c.Name, func(c *store.Connection) error {
		c.Params = mergeParams(c.Params, res.Params)
		c.ConnectedAt = &now
		c.ExpiresAt = expiry(res.Token, meth, now)
		c.ExpiresSet = false
		c.HasRefreshToken = res.Token.RefreshToken != ""
		if len(res.Token.Scopes) > 0 {
			c.Scopes = res.Token.Scopes
		}
		c.Extra = mergeParams(c.Extra, res.Token.Extra)
		c.LastRefresh, c.LastCheck, c.Account = nil, nil, ""
		return nil
	})
}

func (m *Manager) oauthConfig(c store.Connection, p catalog.Provider, meth catalog.Method, s secrets) oauth.Config {
	return oauth.Config{
		Provider: p, Method: meth,
		ClientID: c.ClientID, ClientSecret: s.ClientSecret,
		Scopes: c.Scopes, RedirectURI: c.RedirectURI,
		Params: maps.Clone(c.Params),
	}
}

// expiry is the token's stated expiry, else the method's stated lifetime.
func expiry(t oauth.Token, meth catalog.Method, now time.Time) *time.Time {
	switch {
	case !t.ExpiresAt.IsZero():
		at := t.ExpiresAt
		return &at
	case meth.LifetimeSeconds > 0:
		at := now.Add(time.Duration(meth.LifetimeSeconds) * time.Second)
		return &at
	}
	return nil
}

// mergeParams returns dst with src's entries added (src wins); nil if empty.
func mergeParams(dst, src map[string]string) map[string]string {
	if len(dst)+len(src) == 0 {
		return nil
	}
	out := maps.Clone(dst)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, src)
	return out
}
