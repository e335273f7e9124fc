package auth

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/sanitize"
	"authdeck/auth/store"
)

// AddRequest describes a new connection. Secret is the one secret the method
// needs: the client secret (oauth), the password or App Secret (basic,
// session), the key (api-key) or the token (token).
type AddRequest struct {
	Name        string
	Provider    string
	Method      catalog.Kind // "" → the provider's first method
	ClientID    string
	Scopes      []string
	RedirectURI string
	User        string
	Params      map[string]string
	ExpiresAt   *time.Time
	Secret      string
	// Owner and Note say who to ask about the connection and why it exists.
	Owner, Note string
	// SignInNext says a browser sign-in follows at once (the window's
	// wizard): the connection is marked pending until that sign-in stores
	// its tokens, and ClearAbandoned removes it if its process died first.
	SignInNext bool
}

var nameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$`) })

// maxDetail bounds an owner or a note.
const maxDetail = 500

// Add validates and stores a new connection: the secret in the keyring first,
// then the metadata, so that no connection is ever listed without its secret.
func (m *Manager) Add(ctx context.Context, req AddRequest) (_ Connection, err error) {
	defer classify(&err)
	cn, s, err := m.prepare(req)
	if err != nil {
		return Connection{}, err
	}
	c := cn.Connection
	if err := m.sharedNameTaken(ctx, c.Name); err != nil {
		return Connection{}, err
	}
	wroteSecret := false
	err = m.store.Update(ctx, func(conns []store.Connection) ([]store.Connection, error) {
		if err := nameTaken(conns, c.Name, ""); err != nil {
			return nil, err
		}
		if err := m.writeSecrets(c, s); err != nil {
			return nil, err
		}
		wroteSecret = true
		return append(conns, c), nil
	})
	if err != nil {
		if wroteSecret {
			_ = m.secrets.Delete(c.SecretKey()) // the metadata write failed: leave no orphan
		}
		return Connection{}, err
	}
	return m.view(cn), nil
}

// prepare checks a request completely before anything is stored.
func (m *Manager) prepare(req AddRequest) (conn, secrets, error) {
	if err := checkName(req.Name); err != nil {
		return conn{}, secrets{}, err
	}
	p, err := m.Catalog().Provider(req.Provider)
	if err != nil {
		return conn{}, secrets{}, err
	}
	meth, err := methodFor(p, req.Method)
	if err != nil {
		return conn{}, secrets{}, err
	}
	params, err := checkParams(p, req.Params)
	if err != nil {
		return conn{}, secrets{}, err
	}
	s, err := checkSecret(p, meth, req)
	if err != nil {
		return conn{}, secrets{}, err
	}
	if err := checkPlain(req); err != nil {
		return conn{}, secrets{}, err
	}
	if err := checkUsable(p, meth, params, req.Scopes); err != nil {
		return conn{}, secrets{}, err
	}
	owner, note, err := checkDetails(req.Owner, req.Note)
	if err != nil {
		return conn{}, secrets{}, err
	}
	now := m.now()
	c := store.Connection{
		Name: req.Name, Provider: p.ID, Method: meth.Kind,
		ClientID: req.ClientID, Scopes: req.Scopes, RedirectURI: req.RedirectURI,
		User: req.User, Params: params, CreatedAt: now, Owner: owner, Note: note,
		Pending: req.SignInNext && meth.Kind.Browser(),
	}
	if !meth.Kind.Browser() {
		c.ConnectedAt = &now
		c.ExpiresAt, c.ExpiresSet = pastedExpiry(meth, req.ExpiresAt, now)
		bind(&c, conn{p: p, meth: meth})
	} else if req.ExpiresAt != nil {
		return conn{}, secrets{}, inputError(InputExpires, "an expiry date is only for pasted credentials: a browser sign-in learns the expiry from the provider")
	}
	return conn{Connection: c, p: p, meth: meth}, s, nil
}

// pastedExpiry is the date a pasted credential expires: the one given, else
// the provider's usual lifetime as an estimate.
func pastedExpiry(meth catalog.Method, given *time.Time, now time.Time) (*time.Time, bool) {
	switch {
	case given != nil:
		return given, true
	case meth.LifetimeSeconds > 0:
		at := now.Add(time.Duration(meth.LifetimeSeconds) * time.Second)
		return &at, false
	}
	return nil, false
}

func methodFor(p catalog.Provider, kind catalog.Kind) (catalog.Method, error) {
	if kind == "" {
		return p.Methods[0], nil
	}
	if meth, ok := p.Method(kind); ok {
		return meth, nil
	}
	var kinds []string
	for _, mm := range p.Methods {
		kinds = append(kinds, string(mm.Kind))
	}
	return catalog.Method{}, inputError(InputMethod, "%s has no method %q: use one of %s", p.Name, sanitize.Line(string(kind)), strings.Join(kinds, ", "))
}

func checkParams(p catalog.Provider, given map[string]string) (map[string]string, error) {
	params := map[string]string{}
	for k, v := range given {
		if _, declared := p.Param(k); !declared {
			e := inputError(InputParam, "%s takes no parameter %q%s", p.Name, sanitize.Line(k), paramHint(p))
			e.Param = k
			return nil, e
		}
		if err := catalog.CheckParamValue(k, v); err != nil {
			// A pasted address (https://myshop.vendhq.com/) gives the value.
			from, ok := p.ParamFromAddress(k, v)
			if !ok {
				return nil, &Error{Input: InputParam, Param: k, Remedy: RemedyFixInput, Err: err}
			}
			v = from
		}
		params[k] = v
	}
	if len(params) == 0 {
		return nil, nil
	}
	return params, nil
}

// checkUsable refuses what would only fail later: scopes for a method that
// sends none (Vend: "the Vend API does not support scopes"; a pasted
// credential has its permissions already), and a pasted credential whose
// addresses need a parameter that was not given (a Vend personal token
// without its store), which a browser sign-in would learn from the callback.
func checkUsable(p catalog.Provider, meth catalog.Method, params map[string]string, scopes []string) error {
	if len(scopes) > 0 && (!meth.Kind.Browser() || !meth.SendsScopes()) {
		why := "takes no scopes"
		if !meth.Kind.Browser() {
			why = "has its permissions already"
		}
		return inputError(InputScopes, "a %s of %s %s, so the scopes would not be sent: leave them out", secretOrSignIn(meth), p.Name, why)
	}
	if meth.Kind.Browser() {
		return nil
	}
	for _, raw := range []string{meth.CheckURL, meth.LoginURL} {
		var missing *catalog.MissingParamError
		if _, err := p.Expand(raw, params); raw != "" && errors.As(err, &missing) {
			name := missing.Names[0]
			label := name
			if q, ok := p.Param(name); ok && q.Label != "" {
				label = lowerWords(q.Label) + " (" + name + ")"
			}
			e := inputError(InputParam, "%s needs the %s for a %s: without it Authdeck does not know where to send it", p.Name, label, secretLabel(meth))
			e.Param = name
			return e
		}
	}
	return nil
}

// checkSecret checks that the method's secret and user were given.
func checkSecret(p catalog.Provider, meth catalog.Method, req AddRequest) (secrets, error) {
	if req.Secret != sanitize.Line(req.Secret) {
		in := InputSecret
		if meth.Kind.Browser() {
			in = InputClientSecret
		}
		what := "a control or invisible character"
		if strings.ContainsAny(req.Secret, "\r\n") {
			what = "a line break"
		}
		return secrets{}, inputError(in, "the secret contains %s: paste only the secret itself", what)
	}
	if !meth.Kind.Browser() {
		// The fields in the order the person fills them: the user first.
		if (meth.Kind == catalog.KindBasic || meth.Kind == catalog.KindSession) && req.User == "" {
			return secrets{}, inputError(InputUser, "%s needs the %s", p.Name, lowerWords(orDefault(meth.UserLabel, "user name")))
		}
		if req.Secret == "" && meth.Kind == catalog.KindSession {
			// A password is the person's own: no page of the provider's gives it.
			return secrets{}, inputError(InputSecret, "no %s was given: type the %s of your %s account", secretLabel(meth), secretLabel(meth), p.Name)
		}
		if req.Secret == "" {
			return secrets{}, inputError(InputSecret, "no %s was given: paste the %s from %s", secretLabel(meth), secretLabel(meth), docsOr(p))
		}
		return secrets{Secret: req.Secret}, nil
	}
	if req.ClientID == "" && meth.ClientID == "" {
		return secrets{}, inputError(InputClientID, "%s needs a client ID: it is on your app's page at %s", p.Name, docsOr(p))
	}
	if req.Secret == "" && meth.Kind == catalog.KindOAuth && !meth.PublicClient {
		return secrets{}, inputError(InputClientSecret, "%s needs the client secret: it is on your app's page at %s", p.Name, docsOr(p))
	}
	if req.RedirectURI != "" {
		if err := checkRedirectURI(req.RedirectURI); err != nil {
			return secrets{}, err
		}
	}
	return secrets{ClientSecret: req.Secret}, nil
}

// checkPlain refuses control, invisible and bidi characters in the user
// name, the client ID and the scopes (issue 20.3: a raw ESC reached the
// terminal through list --json). Unlike an owner or a note they cannot be
// kept as visible escapes: the provider needs them exactly as typed.
func checkPlain(req AddRequest) error {
	type field struct {
		in        Input
		what, val string
	}
	fields := []field{{InputUser, "the user name", req.User}, {InputClientID, "the client ID", req.ClientID}}
	for _, s := range req.Scopes {
		fields = append(fields, field{InputScopes, "a scope", s})
	}
	for _, f := range fields {
		if f.val != sanitize.Line(f.val) {
			return inputError(f.in, "%s contains a control or invisible character (%s): type it again without it", f.what, sanitize.Line(f.val))
		}
	}
	return nil
}

// checkDetails cleans an owner and a note: one line for the owner, a few for
// the note, both short and free of control characters.
func checkDetails(owner, note string) (string, string, error) {
	owner, note = strings.TrimSpace(owner), strings.TrimSpace(note)
	if len(owner) > maxDetail || len(note) > maxDetail {
		return "", "", inputError(InputNone, "an owner or a note can be at most %d characters", maxDetail)
	}
	return sanitize.Line(owner), sanitize.Text(note), nil
}

func checkRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || !catalog.IsLoopback(u.Hostname()) || u.Port() == "" {
		return inputError(InputRedirectURI, "redirect URI %q must be http://127.0.0.1:PORT/PATH (a loopback address with a port), as registered with the provider", sanitize.Line(raw))
	}
	return nil
}
