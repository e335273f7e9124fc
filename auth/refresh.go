package auth

import (
	"context"
	"errors"
	"fmt"

	"authdeck/auth/oauth"
	"authdeck/auth/sanitize"
	"authdeck/auth/store"
)

// maxMessage bounds what is kept of a provider's words about a failure.
const maxMessage = 500

// needsRefresh reports whether a refreshable token is expired or inside its
// refresh margin: the smaller of the Manager's margin and a fifth of the
// token's lifetime, so short-lived tokens are not renewed on every use.
func (m *Manager) needsRefresh(cn conn) bool {
	if !cn.meth.Refresh || !cn.HasRefreshToken || cn.ExpiresAt == nil {
		return false
	}
	margin := m.margin
	issued := cn.ConnectedAt
	if cn.LastRefresh != nil && cn.LastRefresh.OK {
		issued = &cn.LastRefresh.At
	}
	if issued != nil {
		if life := cn.ExpiresAt.Sub(*issued); life > 0 && life/5 < margin {
			margin = life / 5
		}
	}
	return !m.now().Before(cn.ExpiresAt.Add(-margin))
}

// Refresh renews a connection's token now, whether or not it is due.
func (m *Manager) Refresh(ctx context.Context, name string) (Connection, error) {
	cn, err := m.resolve(name)
	if err != nil {
		return Connection{}, err
	}
	if cn, _, err = m.refreshNow(ctx, cn); err != nil {
		return Connection{}, err
	}
	return m.view(cn), nil
}

// refreshIfDue renews the token unless, by the time this process holds the
// connection's lock, another one has already renewed it: a rotated refresh
// token is never spent twice.
func (m *Manager) refreshIfDue(ctx context.Context, cn conn) (conn, secrets, error) {
	return m.renew(ctx, cn, m.needsRefresh)
}

// refreshNow renews the token even if it is still fresh (a refresh asked
// for by the person, or a token the provider just refused).
func (m *Manager) refreshNow(ctx context.Context, cn conn) (conn, secrets, error) {
	return m.renew(ctx, cn, func(conn) bool { return true })
}

// renew refreshes the token under the connection's lock, shared by every
// Authdeck process, if due (asked again under the lock) says so.
func (m *Manager) renew(ctx context.Context, cn conn, due func(conn) bool) (conn, secrets, error) {
	if err := m.canRefresh(cn); err != nil {
		return cn, secrets{}, err
	}
	cn, lock, err := m.lock(ctx, cn)
	if err != nil {
		return cn, secrets{}, err
	}
	if !due(cn) {
		// Another process renewed it while this one waited: read the new
		// token outside the lock, so that many waiting callers do not
		// queue one keyring read after another.
		lock.Unlock()
		s, err := m.readSecrets(cn.Connection)
		return cn, s, err
	}
	defer lock.Unlock()
	s, err := m.readSecrets(cn.Connection)
	if err != nil {
		return cn, s, err
	}
	served, err := m.ensureSandbox(ctx, cn)
	if err != nil {
		return cn, s, err
	}
	tok, err := m.oauth.Refresh(ctx, m.oauthConfig(served, s), s.RefreshToken)
	now := m.now()
	if err != nil {
		// Record the failure; the stored credential stays as it was.
		msg := sanitize.Clip(sanitize.Redact(sanitize.Text(err.Error()), s.RefreshToken, s.ClientSecret, s.AccessToken, cn.ClientID+":"+s.ClientSecret), maxMessage)
		_ = m.update(context.WithoutCancel(ctx), cn.Name, func(c *store.Connection) error {
			c.LastRefresh = &store.Outcome{At: now, Message: msg}
			return nil
		})
		return cn, s, &Error{Connection: cn.Name, Remedy: refreshRemedy(err), Err: err, Msg: fmt.Sprintf("renewing the token of %q failed", cn.Name)}
	}
	s.AccessToken = tok.AccessToken
	if tok.RefreshToken != "" {
		s.RefreshToken = tok.RefreshToken
	}
	// The rotated refresh token goes to the keyring before anything else:
	// the old one no longer works.
	if err := m.writeSecrets(cn.Connection, s); err != nil {
		return cn, s, err
	}
	err = m.update(context.WithoutCancel(ctx), cn.Name, func(c *store.Connection) error {
		c.ExpiresAt = expiry(tok, cn.meth, now)
		c.HasRefreshToken = s.RefreshToken != ""
		c.LastRefresh = &store.Outcome{At: now, OK: true, Message: "refreshed"}
		if len(tok.Scopes) > 0 {
			c.Scopes = tok.Scopes
		}
		c.Extra = mergeParams(c.Extra, tok.Extra)
		cn.Connection = *c
		return nil
	})
	return cn, s, err
}

// refreshRemedy: a provider that refused the refresh wants a new sign-in;
// anything else (the network, a server error) may pass.
func refreshRemedy(err error) Remedy {
	var refused *oauth.ProviderError
	if errors.As(err, &refused) {
		return RemedySignIn
	}
	return RemedyRetry
}

// canRefresh says why a connection cannot be refreshed, if it cannot.
func (m *Manager) canRefresh(cn conn) error {
	if !cn.meth.Refresh {
		remedy := RemedyReplaceSecret
		if cn.meth.Kind.Browser() {
			remedy = RemedySignIn
		}
		return &Error{Connection: cn.Name, Remedy: remedy,
			Msg: fmt.Sprintf("%s cannot refresh %s by itself", cn.p.Name, secretLabel(cn.meth))}
	}
	if !cn.HasRefreshToken {
		return &Error{Connection: cn.Name, Remedy: RemedySignIn,
			Msg: fmt.Sprintf("%q has no refresh token, so it cannot be renewed by itself", cn.Name)}
	}
	return nil
}

// RefreshDue renews, in the background loop of the window, every connection
// that is inside its refresh margin, and reports each outcome.
func (m *Manager) RefreshDue(ctx context.Context, report func(name string, err error)) {
	conns, err := m.store.Load()
	if err != nil {
		report("", err)
		return
	}
	for _, c := range conns {
		p, meth, err := m.method(c)
		cn := conn{Connection: c, p: p, meth: meth}
		if err != nil || !m.needsRefresh(cn) {
			continue
		}
		_, _, err = m.refreshIfDue(ctx, cn)
		report(c.Name, err)
	}
}
