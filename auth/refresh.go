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
func (m *Manager) Refresh(ctx context.Context, name string) (_ Connection, err error) {
	defer classify(&err)
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

// renew refreshes the token under the connection's hold (withConn: the
// lock every Authdeck process shares, and for a shared connection the
// team store's lease), if due (asked again under the hold) says so. A
// shared connection is never refreshed without the store: that would fork
// a rotating refresh token.
func (m *Manager) renew(ctx context.Context, cn conn, due func(conn) bool) (conn, secrets, error) {
	if err := m.canRefresh(cn); err != nil {
		return cn, secrets{}, err
	}
	if cn.cached != nil {
		return cn, secrets{}, cn.cached
	}
	if err := m.bound(ctx, cn); err != nil {
		return cn, secrets{}, err
	}
	var s secrets
	renewed := false
	out, err := m.withConnIf(ctx, cn.Name, due, func(ch *change) error {
		if ch.lookupErr != nil {
			return ch.lookupErr
		}
		if !due(ch.conn) {
			return errUnchanged
		}
		renewed = true
		var err error
		s, err = m.renewHeld(ctx, ch)
		return err
	})
	out.p, out.meth = cn.p, cn.meth
	if err != nil && out.home != nil && refreshRemedy(err) == RemedySignIn {
		// Refused here: another machine may have renewed it meanwhile.
		if fresh, ferr := m.teamResolve(ctx, cn.Name); ferr == nil && fresh.sec != nil && fresh.sec.AccessToken != s.AccessToken && !m.needsRefresh(fresh) {
			return fresh, *fresh.sec, nil
		}
	}
	if err != nil || renewed {
		return out, s, err
	}
	// Another process renewed it while this one waited: read the new token
	// outside the hold, so that many waiting callers do not queue one
	// keyring read after another.
	s, err = m.secretsOf(out)
	return out, s, err
}

// renewHeld calls the provider's token endpoint for a connection under its
// hold and puts what it answered into the change: the rotated refresh token
// is stored before anything else, since the old one no longer works.
func (m *Manager) renewHeld(ctx context.Context, ch *change) (secrets, error) {
	s, err := ch.secrets()
	if err != nil {
		return s, err
	}
	served, err := m.ensureSandbox(ctx, ch.conn)
	if err != nil {
		return s, err
	}
	tok, err := m.oauth.Refresh(ctx, m.oauthConfig(served, s), s.RefreshToken)
	now := m.now()
	if err != nil {
		// Record the failure; the stored credential stays as it was.
		msg := sanitize.Clip(sanitize.Redact(sanitize.Text(err.Error()), s.RefreshToken, s.ClientSecret, s.AccessToken, ch.ClientID+":"+s.ClientSecret), maxMessage)
		// Rejected: the provider refused the refresh token, so the remedy
		// is a new sign-in, in this error and in the status alike.
		rejected := refreshRemedy(err) == RemedySignIn
		ch.LastRefresh = &store.Outcome{At: now, Message: msg, By: m.who(ch.conn), Rejected: rejected}
		// A shared record is the whole team's status: only the provider's
		// refusal of the refresh token, which is everyone's, goes there, not
		// one machine's passing trouble reaching the provider.
		ch.keep = rejected || ch.home == nil
		return s, &Error{Connection: ch.Name, Remedy: refreshRemedy(err), Err: err, Msg: fmt.Sprintf("renewing the token of %q failed", ch.Name)}
	}
	s.AccessToken = tok.AccessToken
	if tok.RefreshToken != "" {
		s.RefreshToken = tok.RefreshToken
	}
	ch.put = &s
	ch.ExpiresAt = expiry(tok, ch.meth, now)
	ch.HasRefreshToken = s.RefreshToken != ""
	ch.LastRefresh = &store.Outcome{At: now, OK: true, Message: "refreshed", By: m.who(ch.conn)}
	if len(tok.Scopes) > 0 {
		ch.Scopes = tok.Scopes
	}
	ch.Extra = mergeParams(ch.Extra, tok.Extra)
	return s, nil
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
	conns, err := m.all(ctx)
	if err != nil {
		report("", err)
		return
	}
	for _, cn := range conns {
		if cn.lookupErr != nil || cn.cached != nil || !m.needsRefresh(cn) {
			continue
		}
		_, _, err = m.refreshIfDue(ctx, cn)
		report(cn.Name, err)
	}
}
