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
	// Notice is called when the browser brought back something that does
	// not finish the sign-in, which goes on waiting.
	Notice func(oauth.Notice)
	// NoBrowser leaves opening the URL to the person (the CLI prints it).
	NoBrowser bool
}

// SignInTimeout is how long a browser sign-in waits for the person to
// approve, in the window and on the command line alike.
const SignInTimeout = 5 * time.Minute

// DefaultRedirectURI is the address to register with a provider for a
// method, before any connection exists (the wizard shows it).
func (m *Manager) DefaultRedirectURI(providerID string, kind catalog.Kind) (string, error) {
	p, err := m.Provider(providerID)
	if err != nil {
		return "", err
	}
	meth, err := methodFor(p, kind)
	if err != nil {
		return "", err
	}
	return oauth.DefaultRedirectURI(p, meth), nil
}

// Connect runs the browser consent for an oauth or implicit connection and
// stores the credential it yields. On any failure what was stored before is
// left as it was.
func (m *Manager) Connect(ctx context.Context, name string, opts ConnectOptions) (Connection, error) {
	cn, err := m.resolve(name)
	if err != nil {
		return Connection{}, err
	}
	if !cn.meth.Kind.Browser() {
		return Connection{}, &Error{Connection: name, Remedy: RemedyReplaceSecret,
			Msg: fmt.Sprintf("%q is a pasted %s, not a browser sign-in", name, secretLabel(cn.meth))}
	}
	s, err := m.readSecrets(cn.Connection)
	if err != nil {
		return Connection{}, err
	}
	if cn, err = m.ensureSandbox(ctx, cn); err != nil {
		return Connection{}, err
	}
	open := m.open
	if opts.NoBrowser {
		open = nil
	}
	res, err := m.oauth.Authorize(ctx, m.oauthConfig(cn, s), oauth.AuthorizeOptions{
		Open: open, Listening: opts.Listening, Notice: opts.Notice,
	})
	if err != nil {
		return Connection{}, err
	}
	if cn, err = m.storeAuthorized(ctx, cn, s, res); err != nil {
		return Connection{}, err
	}
	m.markReplaced(ctx, cn)
	return m.view(cn), nil
}

// storeAuthorized keeps what a completed consent yielded: the tokens in the
// keyring first, then the metadata that says the connection is usable.
func (m *Manager) storeAuthorized(ctx context.Context, cn conn, s secrets, res oauth.Result) (conn, error) {
	s.AccessToken, s.RefreshToken, s.Cookie = res.Token.AccessToken, res.Token.RefreshToken, ""
	cn, lock, err := m.lock(ctx, cn)
	if err != nil {
		return cn, err
	}
	defer lock.Unlock()
	if err := m.writeSecrets(cn.Connection, s); err != nil {
		return cn, err
	}
	now := m.now()
	err = m.update(ctx, cn.Name, func(c *store.Connection) error {
		c.Params = mergeParams(c.Params, res.Params)
		c.ConnectedAt = &now
		c.ExpiresAt = expiry(res.Token, cn.meth, now)
		c.ExpiresSet = false
		c.HasRefreshToken = res.Token.RefreshToken != ""
		if len(res.Token.Scopes) > 0 {
			c.Scopes = res.Token.Scopes
		}
		c.ScopesMissing = res.Token.NotGranted
		c.Extra = mergeParams(c.Extra, res.Token.Extra)
		c.LastRefresh, c.LastCheck, c.Account, c.ReplacedBy = nil, nil, "", ""
		cn.Connection = *c
		return nil
	})
	return cn, err
}

// markReplaced records, for a provider whose new sign-in invalidates every
// earlier token of the organisation (Vinsight), that the other connections
// of the same organisation — the same account once checked, or the same
// client ID — were replaced by cn, so they ask to be reconnected instead of
// failing later with 401. A failure here leaves them as they were.
func (m *Manager) markReplaced(ctx context.Context, cn conn) {
	if !cn.meth.SignInReplacesEarlier {
		return
	}
	_ = m.store.Update(context.WithoutCancel(ctx), func(conns []store.Connection) ([]store.Connection, error) {
		for i := range conns {
			c := &conns[i]
			sameOrg := (c.ClientID != "" && c.ClientID == cn.ClientID) || (c.Account != "" && c.Account == cn.Account)
			if c.Name != cn.Name && c.Provider == cn.Provider && c.Method == cn.Method && c.ConnectedAt != nil && sameOrg {
				c.ReplacedBy = cn.Name
			}
		}
		return conns, nil
	})
}

func (m *Manager) oauthConfig(cn conn, s secrets) oauth.Config {
	return oauth.Config{
		Provider: cn.p, Method: cn.meth,
		ClientID: cn.ClientID, ClientSecret: s.ClientSecret,
		Scopes: cn.Scopes, RedirectURI: cn.RedirectURI,
		Params: maps.Clone(cn.Params),
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
