package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"authdeck/auth/catalog"
	"authdeck/auth/filelock"
	"authdeck/auth/store"
)

// needsRefresh reports whether a refreshable token is expired or inside its
// refresh margin: the smaller of the Manager's margin and a fifth of the
// token's lifetime, so short-lived tokens are not renewed on every use.
func (m *Manager) needsRefresh(c store.Connection, meth catalog.Method) bool {
	if !meth.Refresh || !c.HasRefreshToken || c.ExpiresAt == nil {
		return false
	}
	margin := m.margin
	issued := c.ConnectedAt
	if c.LastRefresh != nil && c.LastRefresh.OK {
		issued = &c.LastRefresh.At
	}
	if issued != nil {
		if life := c.ExpiresAt.Sub(*issued); life > 0 && life/5 < margin {
			margin = life / 5
		}
	}
	return !m.now().Before(c.ExpiresAt.Add(-margin))
}

// Refresh renews a connection's token now (`authdeck refresh`).
func (m *Manager) Refresh(ctx context.Context, name string) (Connection, error) {
	if _, _, err := m.refresh(ctx, name, true); err != nil {
		return Connection{}, err
	}
	return m.Get(name)
}

// refresh renews the token under a per-connection lock shared by every
// Authdeck process. A caller that waited for another's refresh finds the
// token fresh and reuses it (unless force), so a rotated refresh token is
// never spent twice.
func (m *Manager) refresh(ctx context.Context, name string, force bool) (store.Connection, secrets, error) {
	c, err := m.load(name)
	if err != nil {
		return c, secrets{}, err
	}
	p, meth, err := m.method(c)
	if err != nil {
		return c, secrets{}, err
	}
	if !meth.Refresh {
		return c, secrets{}, fmt.Errorf("%s cannot refresh %s: %s (%s)", p.Name, secretLabel(meth), renewHint(meth), renewCommand(c, meth))
	}
	if !c.HasRefreshToken {
		return c, secrets{}, fmt.Errorf("%q has no refresh token: sign in again (authdeck connect %s)", name, quoteName(name))
	}
	lock, err := filelock.Acquire(ctx, m.lockPath(name))
	if err != nil {
		return c, secrets{}, err
	}
	defer lock.Unlock()

	// Another process may have refreshed while this one waited.
	if c, err = m.load(name); err != nil {
		return c, secrets{}, err
	}
	s, err := m.readSecrets(c)
	if err != nil {
		return c, secrets{}, err
	}
	if !force && !m.needsRefresh(c, meth) {
		return c, s, nil
	}
	if err := m.ensureSandbox(ctx, p, c.Params); err != nil {
		return c, s, err
	}
	tok, err := m.oauth.Refresh(ctx, m.oauthConfig(c, p, meth, s), s.RefreshToken)
	now := m.now()
	if err != nil {
		// Record the failure; the stored credential stays as it was.
		_ = m.update(context.WithoutCancel(ctx), name, func(c *store.Connection) error {
			c.LastRefresh = &store.Outcome{At: now, Message: err.Error()}
			return nil
		})
		return c, s, fmt.Errorf("refresh %s: %w", name, err)
	}
	s.AccessToken = tok.AccessToken
	if tok.RefreshToken != "" {
		s.RefreshToken = tok.RefreshToken
	}
	// The rotated refresh token goes to the keyring before anything else:
	// the old one no longer works.
	if err := m.writeSecrets(c, s); err != nil {
		return c, s, err
	}
	err = m.update(context.WithoutCancel(ctx), name, func(c *store.Connection) error {
		c.ExpiresAt = expiry(tok, meth, now)
		c.HasRefreshToken = s.RefreshToken != ""
		c.LastRefresh = &store.Outcome{At: now, OK: true, Message: "refreshed"}
		if len(tok.Scopes) > 0 {
			c.Scopes = tok.Scopes
		}
		c.Extra = mergeParams(c.Extra, tok.Extra)
		return nil
	})
	if err != nil {
		return c, s, err
	}
	c, err = m.load(name)
	return c, s, err
}

// lockConnection takes the connection's lock for writing its secret and
// checks, under it, that the connection still exists: a removal that ran
// meanwhile must not get its secret written back.
func (m *Manager) lockConnection(ctx context.Context, name string) (*filelock.Lock, error) {
	lock, err := filelock.Acquire(ctx, m.lockPath(name))
	if err != nil {
		return nil, err
	}
	if _, err := m.load(name); err != nil {
		lock.Unlock()
		return nil, err
	}
	return lock, nil
}

// lockPath is the per-connection refresh lock; the name is hashed because a
// connection name may hold characters a file name should not.
func (m *Manager) lockPath(name string) string {
	sum := sha256.Sum256([]byte(name))
	dir := filepath.Join(m.dir, "locks")
	_ = os.MkdirAll(dir, 0o700)
	return filepath.Join(dir, hex.EncodeToString(sum[:8])+".lock")
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
		_, meth, err := m.method(c)
		if err != nil || !m.needsRefresh(c, meth) {
			continue
		}
		_, _, err = m.refresh(ctx, c.Name, false)
		report(c.Name, err)
	}
}
