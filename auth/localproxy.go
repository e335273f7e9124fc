package auth

import (
	"context"
	"net/http"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/proxy"
)

// LocalProxy is a credential proxy for one connection, listening on
// 127.0.0.1 (see auth/proxy): programs send their requests to URL and the
// proxy adds the connection's credential on the way to its API.
type LocalProxy struct {
	// Connection is the connection's name.
	Connection string
	// URL is the address to give a program, its per-run key included:
	// http://127.0.0.1:PORT/KEY. Whoever knows it can use the connection.
	URL string
	// Target is the API address the proxy forwards to.
	Target string
	run    *proxy.Running
}

// Stop stops the proxy; requests under way are cut.
func (p *LocalProxy) Stop() { _ = p.run.Close() }

// StartProxy starts a credential proxy for a connection on 127.0.0.1:port
// (0: any free port). The credential is checked first, so that a connection
// that cannot be used fails here rather than on the first request. The
// proxy lives until Stop, or until the Manager is closed for the demo
// provider this process serves.
func (m *Manager) StartProxy(ctx context.Context, name string, port int) (_ *LocalProxy, err error) {
	defer classify(&err)
	target, err := m.APIBase(ctx, name)
	if err != nil {
		return nil, err
	}
	hosts, err := m.APIHosts(name)
	if err != nil {
		return nil, err
	}
	if _, err := m.lease(ctx, name, 0); err != nil {
		return nil, err
	}
	p, err := proxy.New(proxy.Options{Target: target, Hosts: hosts, Source: proxySource{m: m, name: name},
		Now: m.now, Transport: m.transport()})
	if err != nil {
		return nil, &Error{Connection: name, Remedy: RemedyFixProviderFile, Err: err}
	}
	run, err := p.Listen(port)
	if err != nil {
		return nil, &Error{Connection: name, Input: InputPort, Remedy: RemedyFixInput, Err: err}
	}
	return &LocalProxy{Connection: name, URL: run.URL, Target: target.String(), run: run}, nil
}

// transport is what the proxy sends upstream with: the Manager's own (its
// bounds and, in tests, its stand-in), without the client's overall
// timeout, which would cut a long download.
func (m *Manager) transport() http.RoundTripper {
	if m.http != nil && m.http.Transport != nil {
		return m.http.Transport
	}
	return nil
}

// proxySource adapts the Manager to what the proxy asks of it.
type proxySource struct {
	m    *Manager
	name string
}

func (s proxySource) Lease(ctx context.Context, minValid time.Duration) (proxy.Credential, error) {
	c, err := s.m.lease(ctx, s.name, minValid)
	return proxy.Credential{Credential: c.Credential, ExpiresAt: c.Connection.ExpiresAt}, err
}

func (s proxySource) Rejected(ctx context.Context, refused proxy.Credential) (proxy.Credential, error) {
	cn, err := s.m.resolve(s.name)
	if err != nil {
		return proxy.Credential{}, err
	}
	if cn.meth.Kind != catalog.KindOAuth && cn.meth.Kind != catalog.KindImplicit || s.m.canRefresh(cn) != nil {
		return proxy.Credential{}, proxy.ErrNotRenewable
	}
	c, err := s.m.RenewRejected(ctx, s.name, Credential{Credential: refused.Credential})
	return proxy.Credential{Credential: c.Credential, ExpiresAt: c.Connection.ExpiresAt}, err
}
