package auth

import (
	"context"
	"fmt"
	"net"

	"authdeck/auth/catalog"
	"authdeck/auth/store"
)

// A connection is bound to the addresses it was signed in (or added) with.
// If its provider's definition later points elsewhere — a providers.d file
// replaced, an issuer added over another — Authdeck refuses to send the
// connection's secrets to the new addresses until the person signs in
// again (or, for a pasted credential, pastes it again) and so agrees to
// them. The check is made in one place, boundSecrets, which every path that
// reads a connection's secrets to send them goes through.

// endpointsOf are the secret-receiving addresses of cn's current
// definition, expanded with its parameters. An address that cannot be
// expanded (a parameter missing) is recorded as empty.
func endpointsOf(cn conn) store.Endpoints {
	expand := func(raw string) string {
		if raw == "" {
			return ""
		}
		out, err := cn.p.Expand(raw, cn.Params)
		if err != nil {
			return ""
		}
		return out
	}
	e := store.Endpoints{Check: expand(cn.meth.CheckURL), Login: expand(cn.meth.LoginURL)}
	if cn.meth.Kind == catalog.KindOAuth {
		e.Token = expand(cn.meth.TokenURL)
	}
	return e
}

// endpointChange is one address that moved: what it is, where it was bound
// to, and where the definition now points.
type endpointChange struct{ what, was, now string }

// changedEndpoint returns the first address of now that differs from was.
func changedEndpoint(was, now store.Endpoints) (endpointChange, bool) {
	for _, c := range []endpointChange{
		{"token address", was.Token, now.Token},
		{"who-am-I address", was.Check, now.Check},
		{"login address", was.Login, now.Login},
	} {
		if c.was != c.now {
			return c, true
		}
	}
	return endpointChange{}, false
}

// movedFault is FaultMoved, in words, when c's provider definition no
// longer points at the addresses c was bound to.
func movedFault(c *store.Connection, p *catalog.Provider, meth *catalog.Method) (Fault, string) {
	if c.Endpoints == nil {
		return FaultNone, ""
	}
	ch, moved := changedEndpoint(*c.Endpoints, endpointsOf(conn{Connection: *c, p: *p, meth: *meth}))
	if !moved {
		return FaultNone, ""
	}
	return FaultMoved, fmt.Sprintf("%s's %s changed since it was set up: it is now %s, not %s, and Authdeck sends it no secret there until it is set up again",
		p.Name, ch.what, orDefault(ch.now, "(none)"), orDefault(ch.was, "(none)"))
}

// bound refuses a connection whose provider's definition no longer points
// at the addresses it was bound to. A connection an older Authdeck wrote
// has none recorded: the current definition's are recorded now (trust on
// first use, docs/SECURITY.md).
func (m *Manager) bound(ctx context.Context, cn conn) error {
	now := endpointsOf(m.asStored(cn))
	if cn.Endpoints == nil {
		return m.update(context.WithoutCancel(ctx), cn.Name, func(c *store.Connection) error {
			if c.Endpoints == nil {
				c.Endpoints = &now
			}
			return nil
		})
	}
	ch, moved := changedEndpoint(*cn.Endpoints, now)
	if !moved {
		return nil
	}
	remedy := RemedySignIn
	again := "sign in again"
	if !cn.meth.Kind.Browser() {
		remedy, again = RemedyReplaceSecret, "give the "+secretLabel(cn.meth)+" again"
	}
	return &Error{Connection: cn.Name, Remedy: remedy,
		Msg: fmt.Sprintf("%s's addresses changed since %q was set up: its %s is now %s, not %s. Authdeck sends this connection's secrets there only after you %s, if you trust the new address",
			cn.p.Name, cn.Name, ch.what, orDefault(ch.now, "(none)"), orDefault(ch.was, "(none)"), again)}
}

// boundSecrets reads cn's secrets for sending them to its provider: only
// when the provider's definition still points where cn was bound.
func (m *Manager) boundSecrets(ctx context.Context, cn conn) (secrets, error) {
	if err := m.bound(ctx, cn); err != nil {
		return secrets{}, err
	}
	return m.secretsOf(cn)
}

// asStored undoes ensureSandbox's substitution: a sandbox connection this
// process serves on a port of its own is bound to the port it stores.
func (m *Manager) asStored(cn conn) conn {
	if cn.p.ID != SandboxID {
		return cn
	}
	m.sandboxMu.Lock()
	defer m.sandboxMu.Unlock()
	for addr, port := range m.sandboxOwn {
		if cn.Params["port"] == port {
			if _, stored, err := net.SplitHostPort(addr); err == nil {
				return withPort(cn, stored)
			}
		}
	}
	return cn
}

// bind records the addresses cn is bound to from now on: after a sign-in
// or when a credential is pasted, the person's own act.
func bind(c *store.Connection, cn conn) {
	cn.Connection = *c
	e := endpointsOf(cn)
	c.Endpoints = &e
}
