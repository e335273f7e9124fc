package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"authdeck/auth/catalog"
	"authdeck/auth/check"
	"authdeck/auth/render"
	"authdeck/auth/session"
	"authdeck/auth/store"
)

// Credential returns a connection's credential ready to apply, refreshing it
// first when it is expired or about to expire and can be refreshed, and
// logging a session in when it has no cookie yet.
func (m *Manager) Credential(ctx context.Context, name string) (render.Credential, error) {
	c, err := m.load(name)
	if err != nil {
		return render.Credential{}, err
	}
	_, meth, err := m.method(c)
	if err != nil {
		return render.Credential{}, err
	}
	if c.ConnectedAt == nil {
		return render.Credential{}, fmt.Errorf("%q is not signed in yet: run authdeck connect %s", name, quoteName(name))
	}
	var s secrets
	if m.needsRefresh(c, meth) {
		c, s, err = m.refresh(ctx, name, false)
	} else {
		s, err = m.readSecrets(c)
	}
	if err != nil {
		return render.Credential{}, err
	}
	if meth.Kind == catalog.KindSession && s.Cookie == "" {
		if s, err = m.login(ctx, c, meth, s); err != nil {
			return render.Credential{}, err
		}
	}
	return credentialFor(c, meth, s), nil
}

func credentialFor(c store.Connection, meth catalog.Method, s secrets) render.Credential {
	var value string
	switch meth.Kind {
	case catalog.KindOAuth, catalog.KindImplicit:
		value = s.AccessToken
	case catalog.KindBasic:
		value = render.BasicCredentials(c.User, s.Secret)
	case catalog.KindSession:
		value = s.Cookie
	default:
		value = s.Secret
	}
	return render.FromMethod(meth.Apply, value, render.EnvName(c.Name))
}

// login signs a session in and keeps its cookies in the keyring.
func (m *Manager) login(ctx context.Context, c store.Connection, meth catalog.Method, s secrets) (secrets, error) {
	p, _, _ := m.method(c)
	loginURL, err := p.Expand(meth.LoginURL, c.Params)
	if err != nil {
		return s, err
	}
	cookie, err := session.Login(ctx, m.http, loginURL, c.User, s.Secret)
	if err != nil {
		return s, fmt.Errorf("sign in to %s as %s: %w", p.Name, c.User, err)
	}
	s.Cookie = cookie
	lock, err := m.lockConnection(ctx, c.Name)
	if err != nil {
		return s, err
	}
	defer lock.Unlock()
	return s, m.writeSecrets(c, s)
}

// Snippet renders a connection's credential in a format; target defaults to
// the provider's who-am-I address.
func (m *Manager) Snippet(ctx context.Context, name string, f render.Format, target string) (string, error) {
	cred, err := m.Credential(ctx, name)
	if err != nil {
		return "", err
	}
	if target == "" && (f == render.FormatCurl || f == render.FormatHTTPie || f == render.FormatPowerShell || f == render.FormatURL) {
		if target, err = m.CheckURL(name); err != nil {
			return "", err
		}
	}
	return render.Render(f, cred, target)
}

// CheckURL is the provider's who-am-I address for a connection.
func (m *Manager) CheckURL(name string) (string, error) {
	c, err := m.load(name)
	if err != nil {
		return "", err
	}
	p, meth, err := m.method(c)
	if err != nil {
		return "", err
	}
	if meth.CheckURL == "" {
		return "", fmt.Errorf("%s has no who-am-I address in its definition: give the URL to call", p.Name)
	}
	return p.Expand(meth.CheckURL, c.Params)
}

// Check makes the provider's who-am-I request with the stored credential and
// records the outcome in the connection's status.
func (m *Manager) Check(ctx context.Context, name string) (check.Result, error) {
	c, err := m.load(name)
	if err != nil {
		return check.Result{}, err
	}
	p, meth, err := m.method(c)
	if err != nil {
		return check.Result{}, err
	}
	target, err := m.CheckURL(name)
	if err != nil {
		return check.Result{}, err
	}
	if err := m.ensureSandbox(ctx, p, c.Params); err != nil {
		return check.Result{}, err
	}
	res, err := m.checkOnce(ctx, name, target)
	if err != nil {
		return check.Result{}, err
	}
	if meth.Kind == catalog.KindSession && (res.Status == http.StatusUnauthorized || res.Status == http.StatusOK && !res.OK) {
		// Session cookies stop working (a 401, or a login page instead of
		// JSON); log in again once and retry.
		if c, err = m.load(name); err == nil {
			var s secrets
			if s, err = m.readSecrets(c); err == nil {
				_, err = m.login(ctx, c, meth, s)
			}
		}
		if err != nil {
			res.Message += " (signing in again failed: " + err.Error() + ")"
		} else if res, err = m.checkOnce(ctx, name, target); err != nil {
			return check.Result{}, err
		}
	} else if res.Status == http.StatusUnauthorized && meth.Refresh && c.HasRefreshToken {
		// The token may have run out while the request was in flight (or
		// the provider's clock runs ahead): renew it once and ask again.
		if _, _, err = m.refresh(ctx, name, true); err != nil {
			res.Message += " (renewing the token failed: " + err.Error() + ")"
		} else if res, err = m.checkOnce(ctx, name, target); err != nil {
			return check.Result{}, err
		}
	}
	err = m.update(context.WithoutCancel(ctx), name, func(c *store.Connection) error {
		c.LastCheck = &store.Outcome{At: res.At, OK: res.OK, Message: res.Message, Rejected: res.Status == http.StatusUnauthorized}
		if res.Account != "" {
			c.Account = res.Account
		}
		return nil
	})
	return res, err
}

func (m *Manager) checkOnce(ctx context.Context, name, target string) (check.Result, error) {
	cred, err := m.Credential(ctx, name)
	if err != nil {
		return check.Result{}, err
	}
	req, err := authorizedRequest(ctx, cred, target)
	if err != nil {
		return check.Result{}, err
	}
	return check.Run(ctx, m.http, req, m.now()), nil
}

// authorizedRequest builds a GET for target with the credential applied.
func authorizedRequest(ctx context.Context, cred render.Credential, target string) (*http.Request, error) {
	if cred.Query != "" {
		var err error
		if target, err = render.AddQuery(target, cred.Query, cred.Value); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, errors.New("cannot build the request: " + redactURL(target))
	}
	req.Header.Set("Accept", "application/json")
	if cred.Header != "" {
		req.Header.Set(cred.Header, cred.Value)
	}
	return req, nil
}

// redactURL drops the query (which may hold a key) from a URL for messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	u.RawQuery = ""
	return strings.TrimSuffix(u.String(), "?")
}
