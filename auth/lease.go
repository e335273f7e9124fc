package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// ErrShortLease is matched by errors.Is when a credential cannot be made
// valid for as long as a caller asked: it cannot be renewed, or a renewed one
// does not last that long.
var ErrShortLease = errors.New("the credential does not stay valid long enough")

// Lease returns a connection's credential that stays valid for at least
// minValid, renewing it first (under the lock every Authdeck process shares)
// when it would run out sooner. A credential that cannot be made to last
// that long is refused with ErrShortLease: a program started with it would
// fail half-way.
func (m *Manager) Lease(ctx context.Context, name string, minValid time.Duration) (_ Credential, err error) {
	defer classify(&err)
	cred, err := m.lease(ctx, name, minValid)
	if err != nil {
		return cred, err
	}
	c := cred.Connection
	if c.ExpiresAt == nil || c.ExpiresAt.After(m.now().Add(minValid)) {
		return cred, nil
	}
	left := c.ExpiresAt.Sub(m.now())
	status := StatusAt(c, m.now(), m.Settings().ExpiringWithin())
	remedy := RemedyFor(c, status)
	msg := fmt.Sprintf("%q expired %s ago", c.Name, Duration(-left))
	switch {
	case left > 0 && c.Refreshable:
		remedy = RemedyNone // renewed just now: the provider's tokens are this short
		msg = fmt.Sprintf("%q stays valid for only %s after renewal, less than the %s asked", c.Name, Duration(left), Duration(minValid))
	case left > 0:
		msg = fmt.Sprintf("%q stays valid for only %s, less than the %s asked, and cannot be renewed by itself", c.Name, Duration(left), Duration(minValid))
	}
	return cred, &Error{Connection: c.Name, Remedy: remedy, Err: ErrShortLease, Msg: msg}
}

// lease is Lease without the final verdict: the proxy takes whatever the
// provider gives and lets the provider judge.
func (m *Manager) lease(ctx context.Context, name string, minValid time.Duration) (Credential, error) {
	cn, err := m.resolve(name)
	if err != nil {
		return Credential{}, err
	}
	short := func(c conn) bool { return c.ExpiresAt != nil && !m.now().Add(minValid).Before(*c.ExpiresAt) }
	if cn.ConnectedAt != nil && short(cn) && m.canRefresh(cn) == nil {
		if cn, _, err = m.renew(ctx, cn, short); err != nil {
			return Credential{}, err
		}
	}
	cred, cn, err := m.credential(ctx, cn)
	if err != nil {
		return Credential{}, err
	}
	return Credential{Credential: cred, Connection: m.view(cn)}, nil
}

// RenewRejected renews a credential the provider has just refused (HTTP
// 401), unless another caller — in this process or another — has renewed it
// since it was handed out: then the newer one is returned as it is. Many
// requests refused at once cause one renewal.
func (m *Manager) RenewRejected(ctx context.Context, name string, rejected Credential) (_ Credential, err error) {
	defer classify(&err)
	cn, err := m.resolve(name)
	if err != nil {
		return Credential{}, err
	}
	stillRejected := func(c conn) bool {
		s, err := m.secretsOf(c) // where it lives: this keyring, or the team store's copy
		return err == nil && s.AccessToken == rejected.Secret
	}
	if cn, _, err = m.renew(ctx, cn, stillRejected); err != nil {
		return Credential{}, err
	}
	cred, cn, err := m.credential(ctx, cn)
	if err != nil {
		return Credential{}, err
	}
	return Credential{Credential: cred, Connection: m.view(cn)}, nil
}

// APIBase is the address a connection's API answers on — the scheme and host
// of its provider's who-am-I address — for a local proxy to forward to. For
// the demo provider it is where this process reaches it.
func (m *Manager) APIBase(ctx context.Context, name string) (_ *url.URL, err error) {
	defer classify(&err)
	cn, err := m.resolve(name)
	if err != nil {
		return nil, err
	}
	if cn, err = m.ensureSandbox(ctx, cn); err != nil {
		return nil, err
	}
	raw, err := checkURL(cn)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, &Error{Connection: name, Remedy: RemedyFixProviderFile, Msg: fmt.Sprintf("%s's who-am-I address is not a URL", cn.p.Name)}
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}
