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
	// Resolved, when set, is called once with the connection as resolved,
	// before anything else happens: a front end learns what it connects
	// (the sandbox, say) without reading the connection a second time.
	Resolved func(Connection)
	// NoBrowser leaves opening the URL to the person (the CLI prints it).
	NoBrowser bool
	// Pasted brings the addresses a person pastes from a browser on another
	// machine; PasteRefused hears why one was not taken (oauth.ErrPastedAddress,
	// oauth.ErrStateMismatch). See auth/oauth/paste.go.
	Pasted       <-chan string
	PasteRefused func(error)
}

// SignInTimeout is how long a browser sign-in waits for the person to
// approve, in the window and on the command line alike.
const SignInTimeout = 5 * time.Minute

// DefaultRedirectURI is the address to register with a provider for a
// method, before any connection exists (the wizard shows it).
func (cat *Catalog) DefaultRedirectURI(providerID string, kind catalog.Kind) (_ string, err error) {
	defer classify(&err)
	m := cat.m
	p, err := m.Catalog().Provider(providerID)
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
func (m *Manager) Connect(ctx context.Context, name string, opts ConnectOptions) (_ Connection, err error) {
	defer classify(&err)
	cn, err := m.resolve(name)
	if err != nil {
		return Connection{}, err
	}
	if opts.Resolved != nil {
		opts.Resolved(m.view(cn))
	}
	if !cn.meth.Kind.Browser() {
		return Connection{}, &Error{Connection: name, Remedy: RemedyReplaceSecret,
			Msg: fmt.Sprintf("%q is a pasted %s, not a browser sign-in", name, secretLabel(cn.meth))}
	}
	s, err := m.secretsOf(cn)
	if err != nil {
		return Connection{}, err
	}
	if cn.cached != nil {
		return Connection{}, cn.cached // new tokens go to the store, or nowhere
	}
	if cn, err = m.ensureSandbox(ctx, cn); err != nil {
		return Connection{}, err
	}
	open := m.open
	if opts.NoBrowser {
		open = nil
	}
	listening, release, err := m.claimSignIn(ctx, cn.Name, opts.Listening) // one waiting sign-in per connection (auth/waiting.go)
	if err != nil {
		return Connection{}, err
	}
	defer release()
	res, err := m.oauth.Authorize(ctx, m.oauthConfig(cn, s), oauth.AuthorizeOptions{
		Open: open, Listening: listening, Notice: opts.Notice,
		Pasted: opts.Pasted, PasteRefused: opts.PasteRefused,
	})
	if err != nil {
		return Connection{}, err
	}
	if cn, err = m.storeAuthorized(ctx, cn, s, res); err != nil {
		return Connection{}, err
	}
	if cn.meth.SignInReplacesEarlier {
		cn = m.learnOrganisation(ctx, cn)
		m.markReplaced(ctx, cn)
	}
	return m.view(cn), nil
}

// storeAuthorized keeps what a completed consent yielded: the tokens in the
// keyring first, then the metadata that says the connection is usable.
func (m *Manager) storeAuthorized(ctx context.Context, cn conn, s secrets, res oauth.Result) (conn, error) {
	s.AccessToken, s.RefreshToken, s.Cookie = res.Token.AccessToken, res.Token.RefreshToken, ""
	now := m.now()
	out, err := m.withConn(ctx, cn.Name, func(ch *change) error {
		c := &ch.Connection
		ch.put = &s
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
		c.Pending = false
		bind(c, cn)
		return nil
	})
	out.p, out.meth = cn.p, cn.meth
	return out, err
}

// learnOrganisation asks the who-am-I address, right after a sign-in that
// replaces earlier ones (Vinsight), whose the new token is: the account
// the answer names identifies the organisation (Authdeck's understanding:
// the document does not describe the answer). A failed check leaves it
// unknown.
func (m *Manager) learnOrganisation(ctx context.Context, cn conn) conn {
	if res, err := m.Check(ctx, cn.Name); err == nil && res.OK && res.Account != "" {
		cn.Account = res.Account
	}
	return cn
}

// markReplaced records, for a provider whose new sign-in invalidates every
// earlier token of the organisation (Vinsight: "all prior tokens for this
// Vinsight Organisation"), that the other connections of the same
// organisation — the same account, as their checks named it — were
// replaced by cn, so they ask to be reconnected instead of failing later
// with 401. The same app (client ID) signed in to another organisation
// replaces nothing; nor does a sign-in whose organisation is unknown. A
// failure here leaves them as they were.
func (m *Manager) markReplaced(ctx context.Context, cn conn) {
	if !cn.meth.SignInReplacesEarlier {
		return
	}
	ctx = context.WithoutCancel(ctx)
	all, err := m.all(ctx)
	if err != nil {
		return
	}
	// Each marked under its own hold, wherever it lives: a shared one is
	// marked for the whole team.
	for _, c := range all {
		sameOrg := cn.Account != "" && c.Account == cn.Account
		if c.Name == cn.Name || c.Provider != cn.Provider || c.Method != cn.Method || c.ConnectedAt == nil || !sameOrg {
			continue
		}
		_ = m.update(ctx, c.Name, func(c *store.Connection) error {
			c.ReplacedBy = cn.Name
			return nil
		})
	}
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
	case t.ExpiryUnknown: // a stated lifetime that says nothing is not "never"
		at := now.Add(oauth.UnknownLifetime)
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
