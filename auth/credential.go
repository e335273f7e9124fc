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
	"authdeck/auth/secret"
	"authdeck/auth/session"
	"authdeck/auth/store"
)

// Credential is a connection's credential ready to apply, with the
// connection as it was when the credential was handed out, so that a front
// end can say, for example, that it has expired.
type Credential struct {
	render.Credential
	Connection Connection
	// Cached, for a shared connection, says the team store could not be
	// asked and this machine's copy of a still valid credential was used
	// instead: why (a front end says so).
	Cached error
}

// Credential returns a connection's credential ready to apply, refreshing it
// first when it is expired or about to expire and can be refreshed, and
// logging a session in when it has no cookie yet.
func (m *Manager) Credential(ctx context.Context, name string) (_ Credential, err error) {
	defer classify(&err)
	cn, err := m.resolve(name)
	if err != nil {
		return Credential{}, err
	}
	cred, cn, err := m.credential(ctx, cn)
	if err != nil {
		return Credential{}, err
	}
	return Credential{Credential: cred, Connection: m.view(cn), Cached: cn.cached}, nil
}

// credential is Credential for a resolved connection; it returns the
// connection as it is after a refresh or a login.
func (m *Manager) credential(ctx context.Context, cn conn) (render.Credential, conn, error) {
	if cn.ConnectedAt == nil {
		return render.Credential{}, cn, &Error{Connection: cn.Name, Remedy: RemedySignIn,
			Msg: fmt.Sprintf("%q is not signed in yet", cn.Name)}
	}
	var s secrets
	var err error
	switch {
	case cn.cached != nil && cn.ExpiresAt != nil && !m.now().Before(*cn.ExpiresAt):
		// This machine's copy may serve a valid token, never a refresh:
		// that would fork a rotating refresh token.
		return render.Credential{}, cn, cn.cached
	case cn.cached != nil:
		s, err = m.boundSecrets(ctx, cn)
	case m.needsRefresh(cn):
		cn, s, err = m.refreshIfDue(ctx, cn)
	default:
		s, err = m.boundSecrets(ctx, cn)
		if errors.Is(err, secret.ErrNotFound) {
			err = m.removedMeanwhile(cn, err)
		}
	}
	if err != nil {
		return render.Credential{}, cn, err
	}
	if cn.meth.Kind == catalog.KindSession && s.Cookie == "" {
		if s, err = m.login(ctx, cn, s); err != nil {
			return render.Credential{}, cn, err
		}
	}
	return credentialFor(cn, s), cn, nil
}

// removedMeanwhile explains a secret that vanished after the connection was
// read: a removal in another process got there first (it deletes the secret
// before the metadata, under the lock this read does not take), so the
// connection is gone, not broken.
func (m *Manager) removedMeanwhile(cn conn, missing error) error {
	c, err := m.load(cn.Name)
	switch {
	case err != nil:
		return err
	case c.Removing:
		return m.notFound(cn.Name)
	}
	return missing
}

func credentialFor(cn conn, s secrets) render.Credential {
	var value string
	switch cn.meth.Kind {
	case catalog.KindOAuth, catalog.KindImplicit:
		value = s.AccessToken
	case catalog.KindBasic:
		value = render.BasicCredentials(cn.User, s.Secret)
	case catalog.KindSession:
		value = s.Cookie
	default:
		value = s.Secret
	}
	return render.FromMethod(cn.meth.Apply, value, render.EnvName(cn.Name))
}

// login signs a session in and keeps its cookies in the keyring.
func (m *Manager) login(ctx context.Context, cn conn, s secrets) (secrets, error) {
	loginURL, err := cn.p.Expand(cn.meth.LoginURL, cn.Params)
	if err != nil {
		return s, err
	}
	cookie, err := session.Login(ctx, m.http, loginURL, cn.meth.LoginUser(cn.User), s.Secret)
	if err != nil {
		remedy := RemedyReplaceSecret
		switch {
		case errors.Is(err, session.ErrBusy): // the same password may work later
			remedy = RemedyWait
		case errors.Is(err, session.ErrNoCookie): // no password will make it work
			remedy = RemedyOtherMethod
		}
		return s, &Error{Connection: cn.Name, Remedy: remedy, Err: err,
			Msg: fmt.Sprintf("sign in to %s as %s", cn.p.Name, cn.User)}
	}
	_, err = m.withConn(ctx, cn.Name, func(ch *change) error {
		held, err := ch.secrets()
		if err != nil {
			return err
		}
		held.Cookie = cookie
		ch.put = &held
		return nil
	})
	s.Cookie = cookie
	return s, err
}

// Snippet renders a connection's credential in a format; target defaults to
// the provider's who-am-I address.
func (m *Manager) Snippet(ctx context.Context, name string, f render.Format, target string) (_ string, _ Connection, err error) {
	defer classify(&err)
	cn, err := m.resolve(name)
	if err != nil {
		return "", Connection{}, err
	}
	cred, cn, err := m.credential(ctx, cn)
	if err != nil {
		return "", Connection{}, err
	}
	if target == "" && f.NeedsURL() {
		if target, err = checkURL(cn); err != nil {
			return "", Connection{}, err
		}
	}
	out, err := render.Render(f, cred, target)
	v := m.view(cn)
	v.APIHosts = apiHosts(cn)
	return out, v, err
}

func checkURL(cn conn) (string, error) {
	if cn.meth.CheckURL == "" {
		return "", &Error{Connection: cn.Name, Input: InputURL, Remedy: RemedyFixInput,
			Msg: fmt.Sprintf("%s has no who-am-I address in its definition: give the URL to call", cn.p.Name)}
	}
	return cn.p.Expand(cn.meth.CheckURL, cn.Params)
}

// APIHosts are the hosts a connection's credential is meant for: those of
// its provider's addresses. A front end warns before sending the credential
// anywhere else.
func (m *Manager) APIHosts(name string) (_ []string, err error) {
	defer classify(&err)
	cn, err := m.resolve(name)
	if err != nil {
		return nil, err
	}
	return apiHosts(cn), nil
}

// apiHosts are the hosts of cn's provider's addresses.
func apiHosts(cn conn) []string {
	var hosts []string
	for _, raw := range []string{cn.meth.CheckURL, cn.meth.TokenURL, cn.meth.AuthorizeURL, cn.meth.LoginURL} {
		if raw == "" {
			continue
		}
		expanded, err := cn.p.Expand(raw, cn.Params)
		if err != nil {
			continue
		}
		if u, err := url.Parse(expanded); err == nil && u.Hostname() != "" {
			hosts = append(hosts, strings.ToLower(u.Hostname()))
		}
	}
	return hosts
}

// Check makes the provider's who-am-I request with the stored credential and
// records the outcome in the connection's status.
func (m *Manager) Check(ctx context.Context, name string) (_ CheckResult, err error) {
	defer classify(&err)
	cn, err := m.resolve(name)
	if err != nil {
		return CheckResult{}, err
	}
	if cn, err = m.ensureSandbox(ctx, cn); err != nil {
		return CheckResult{}, err
	}
	target, err := checkURL(cn)
	if err != nil {
		return CheckResult{}, err
	}
	res, cn, err := m.checkOnce(ctx, cn, target)
	if err != nil {
		return CheckResult{}, err
	}
	res, err = m.checkAgain(ctx, cn, target, res)
	if err != nil {
		return CheckResult{}, err
	}
	err = m.update(context.WithoutCancel(ctx), name, func(c *store.Connection) error {
		c.LastCheck = &store.Outcome{At: res.At, OK: res.OK, Message: res.Message, Rejected: res.Status == http.StatusUnauthorized}
		if res.Account != "" {
			c.Account = res.Account
		}
		return nil
	})
	return checkResult(res), err
}

// checkAgain retries a check once where the credential itself may be stale:
// a session cookie that stopped working (a 401, or a login page instead of
// JSON) is renewed by logging in again; a token that ran out while the
// request was in flight (or the provider's clock runs ahead) is refreshed.
func (m *Manager) checkAgain(ctx context.Context, cn conn, target string, res check.Result) (check.Result, error) {
	var err error
	switch {
	case cn.meth.Kind == catalog.KindSession && (res.Status == http.StatusUnauthorized || res.Status == http.StatusOK && !res.OK):
		var s secrets
		if s, err = m.boundSecrets(ctx, cn); err == nil {
			_, err = m.login(ctx, cn, s)
		}
		if err != nil {
			res.Message += " (signing in again failed: " + err.Error() + ")"
			return res, nil
		}
	case res.Status == http.StatusUnauthorized && cn.meth.Refresh && cn.HasRefreshToken:
		if cn, _, err = m.refreshNow(ctx, cn); err != nil {
			res.Message += " (renewing the token failed: " + err.Error() + ")"
			return res, nil
		}
	default:
		return res, nil
	}
	res, _, err = m.checkOnce(ctx, cn, target)
	return res, err
}

func (m *Manager) checkOnce(ctx context.Context, cn conn, target string) (check.Result, conn, error) {
	cred, cn, err := m.credential(ctx, cn)
	if err != nil {
		return check.Result{}, cn, err
	}
	req, err := authorizedRequest(ctx, cred, target)
	if err != nil {
		return check.Result{}, cn, err
	}
	return check.Run(ctx, m.http, req, m.now()), cn, nil
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
