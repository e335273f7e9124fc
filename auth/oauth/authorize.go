package oauth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"authdeck/auth/catalog"
)

// loopback is a parsed loopback redirect URI.
type loopback struct {
	raw      string
	u        *url.URL
	bindHost string // the address to listen on: never a wildcard
	port     string // "0": any free port
}

// parseLoopback accepts only http URIs on a loopback host with a port
// (RFC 8252 §7.3). localhost binds 127.0.0.1, as browsers try it first.
func parseLoopback(raw string) (loopback, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return loopback{}, fmt.Errorf("redirect address %q is not a URL: %v", raw, err)
	}
	bad := func(why string) error {
		return fmt.Errorf("redirect address %q %s: use one like http://127.0.0.1:%d/callback", raw, why, DefaultPort)
	}
	switch {
	case u.Scheme != "http":
		return loopback{}, bad("must start with http:// (the answer comes back to this computer)")
	case u.User != nil:
		return loopback{}, bad("must not carry a user name")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return loopback{}, bad("must not have a #fragment")
	case !catalog.IsLoopback(u.Hostname()):
		return loopback{}, bad("must name this computer (127.0.0.1, [::1] or localhost)")
	case u.Port() == "":
		return loopback{}, bad("needs a port")
	}
	if p, err := strconv.Atoi(u.Port()); err != nil || p < 0 || p > 65535 {
		return loopback{}, bad("has an invalid port")
	}
	l := loopback{raw: raw, u: u, port: u.Port(), bindHost: u.Hostname()}
	if strings.EqualFold(l.bindHost, "localhost") {
		l.bindHost = "127.0.0.1"
	}
	return l, nil
}

func (l loopback) path() string {
	if l.u.Path == "" {
		return "/"
	}
	return l.u.Path
}

// actual is the redirect URI with the real port. When the port was fixed it
// is the configured string itself, byte for byte, as registered.
func (l loopback) actual(port int) string {
	if l.port != "0" {
		return l.raw
	}
	u := *l.u
	u.Host = net.JoinHostPort(l.u.Hostname(), strconv.Itoa(port))
	return u.String()
}

// randomValue is 256 bits from crypto/rand, URL-safe.
func randomValue() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Authorize runs the whole consent: it listens on the loopback redirect URI,
// then calls opts.Listening and opts.Open, waits for the browser's answer,
// checks it, exchanges the code (or, for the implicit grant, takes the token
// the relay page posts back) and closes the listener. ctx bounds the wait:
// its deadline ends the flow with ErrTimeout.
func (c *Client) Authorize(ctx context.Context, cfg Config, opts AuthorizeOptions) (Result, error) {
	f, err := resolve(cfg)
	if err != nil {
		return Result{}, err
	}
	m := cfg.Method
	implicit := m.Kind == catalog.KindImplicit
	rawRedirect := cfg.RedirectURI
	if rawRedirect == "" {
		rawRedirect = DefaultRedirectURI(cfg.Provider, m)
	}
	lb, err := parseLoopback(rawRedirect)
	if err != nil {
		return Result{}, err
	}
	// Every URL is checked before anything listens or opens, so that a
	// missing --param is reported now rather than after the consent.
	authorizeBase, err := cfg.Provider.Expand(m.AuthorizeURL, cfg.Params)
	if err != nil {
		return Result{}, fmt.Errorf("%s sign-in address: %w", f.name, err)
	}
	if !implicit {
		sample := maps.Clone(cfg.Params)
		if sample == nil {
			sample = map[string]string{}
		}
		for _, name := range m.CallbackParams {
			sample[name] = "sample" // the real value arrives with the callback
		}
		if _, err := cfg.Provider.Expand(m.TokenURL, sample); err != nil {
			return Result{}, fmt.Errorf("%s token address: %w", f.name, err)
		}
	}

	ln, err := net.Listen("tcp", net.JoinHostPort(lb.bindHost, lb.port))
	if err != nil {
		return Result{}, fmt.Errorf("cannot listen on %s for the browser's answer (%v): another program, or another connect, may be using the port; close it, or register another redirect address with %s and pass it with --redirect-uri",
			net.JoinHostPort(lb.bindHost, lb.port), errors.Unwrap(err), f.name)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	fl := &flow{
		client:      c,
		ctx:         ctx,
		cfg:         f,
		implicit:    implicit,
		state:       randomValue(),
		redirectURI: lb.actual(port),
		path:        lb.path(),
		done:        make(chan outcome, 1),
	}
	portStr := strconv.Itoa(port)
	fl.hosts = []string{net.JoinHostPort(lb.u.Hostname(), portStr), net.JoinHostPort(lb.bindHost, portStr)}
	if m.PKCE && !implicit {
		fl.verifier = oauth2.GenerateVerifier()
	}
	authorizeURL, err := fl.authorizeURL(authorizeBase)
	if err != nil {
		ln.Close()
		return Result{}, err
	}

	srv := &http.Server{
		Handler:           fl,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(io.Discard, "", 0), // nothing from the listener reaches our output
	}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		// Stop accepting now; let the last page reach the browser in the
		// background (bounded), so the token is not held up by it.
		_ = ln.Close()
		go func() {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if srv.Shutdown(sctx) != nil {
				_ = srv.Close()
			}
		}()
	}()

	if opts.Listening != nil {
		opts.Listening(fl.redirectURI, authorizeURL)
	}
	opened := make(chan error, 1)
	if opts.Open != nil {
		go func() { opened <- opts.Open(authorizeURL) }()
	}
	for {
		select {
		case o := <-fl.done:
			return o.result, o.err
		case err := <-opened:
			opened = nil
			if err != nil {
				return Result{}, fmt.Errorf("could not open the browser (%v): run connect again with --no-browser and open the address it prints yourself", err)
			}
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return Result{}, ErrTimeout
			}
			return Result{}, ErrCanceled
		}
	}
}

// flow is one authorization in progress: the loopback handler.
type flow struct {
	client      *Client
	ctx         context.Context
	cfg         flowConfig
	implicit    bool
	state       string
	verifier    string
	redirectURI string
	path        string
	hosts       []string // Host header values this listener answers to

	mu      sync.Mutex
	claimed bool
	done    chan outcome
}

type outcome struct {
	result Result
	err    error
}

func (fl *flow) authorizeURL(base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("%s sign-in address %q is not a URL: %v", fl.cfg.name, base, err)
	}
	q := u.Query()
	if fl.implicit {
		q.Set("response_type", "token")
	} else {
		q.Set("response_type", "code")
	}
	q.Set("client_id", fl.cfg.clientID)
	q.Set("redirect_uri", fl.redirectURI)
	if len(fl.cfg.scopes) > 0 {
		q.Set("scope", strings.Join(fl.cfg.scopes, fl.cfg.Method.Separator()))
	}
	q.Set(fl.cfg.Method.State(), fl.state)
	if fl.verifier != "" {
		q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(fl.verifier))
		q.Set("code_challenge_method", "S256")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func (fl *flow) hostAllowed(host string) bool {
	for _, h := range fl.hosts {
		if strings.EqualFold(host, h) {
			return true
		}
	}
	return false
}

// ServeHTTP answers only the callback path; everything else is a 404. A
// request naming another host is refused: a web page that rebinds a DNS
// name to 127.0.0.1 must not reach the callback.
func (fl *flow) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !fl.hostAllowed(r.Host) {
		writePlain(w, http.StatusMisdirectedRequest, "wrong host")
		return
	}
	if r.URL.Path != fl.path {
		writePlain(w, http.StatusNotFound, "not found")
		return
	}
	switch {
	case r.Method == http.MethodGet && fl.implicit && r.URL.RawQuery == "":
		// The token is in the fragment, which only a page can read.
		writeRelay(w)
	case r.Method == http.MethodGet:
		fl.answer(w, r.URL.Query())
	case r.Method == http.MethodPost && fl.implicit:
		if o := r.Header.Get("Origin"); o != "" && o != "null" && !fl.hostAllowed(strings.TrimPrefix(o, "http://")) {
			writePlain(w, http.StatusForbidden, "cross-origin request refused")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			writePlain(w, http.StatusBadRequest, "unreadable form")
			return
		}
		q, err := url.ParseQuery(r.PostForm.Get("fragment"))
		if err != nil {
			q = url.Values{}
		}
		fl.answer(w, q)
	default:
		w.Header().Set("Allow", "GET")
		writePlain(w, http.StatusMethodNotAllowed, "method not allowed")
	}
}

// answer takes the one answer this flow accepts, completes the sign-in and
// tells the browser how it went.
func (fl *flow) answer(w http.ResponseWriter, q url.Values) {
	fl.mu.Lock()
	if fl.claimed {
		fl.mu.Unlock()
		writePage(w, http.StatusConflict, page{Title: "This sign-in is already finished", Class: "fail",
			Message: "Authdeck takes one answer per sign-in. To connect again, start again from Authdeck."})
		return
	}
	fl.claimed = true
	fl.mu.Unlock()

	res, err := fl.complete(q)
	name := fl.cfg.name
	switch {
	case err == nil:
		writePage(w, http.StatusOK, page{Title: "Connected to " + name, Class: "ok",
			Message: "Authdeck received the sign-in and stored it."})
	case errors.Is(err, ErrAccessDenied):
		writePage(w, http.StatusForbidden, page{Title: "Access was denied", Class: "fail",
			Message: "Nothing was connected to " + name + ". To try again, start again from Authdeck and approve the request."})
	default:
		writePage(w, http.StatusBadRequest, page{Title: "Could not connect to " + name, Class: "fail", Message: err.Error()})
	}
	fl.done <- outcome{result: res, err: err}
}

func (fl *flow) complete(q url.Values) (Result, error) {
	f := fl.cfg
	cb, err := parseCallback(q, expectation{
		provider:  f.name,
		stateName: f.Method.State(),
		state:     fl.state,
		implicit:  fl.implicit,
		params:    f.Method.CallbackParams,
	})
	if err != nil {
		return Result{}, err
	}
	params := maps.Clone(f.Params)
	if params == nil {
		params = map[string]string{}
	}
	maps.Copy(params, cb.params) // the callback names the tenant the code belongs to

	var tok Token
	if fl.implicit {
		tok, err = fromValues(cb.fields).token(fl.client.now(), f.scopes)
		if err != nil {
			var pe *ProviderError
			if errors.As(err, &pe) {
				pe.provider, pe.action = f.name, "the sign-in"
			}
			return Result{}, err
		}
	} else {
		tokenURL, err := f.Provider.Expand(f.Method.TokenURL, params)
		if err != nil {
			return Result{}, fmt.Errorf("%s token address: %w", f.name, err)
		}
		tok, err = fl.client.requestToken(fl.ctx, f, tokenURL, grant{
			kind: "authorization_code", code: cb.code, verifier: fl.verifier, redirectURI: fl.redirectURI,
		})
		if err != nil {
			return Result{}, err
		}
	}
	if len(cb.params) > 0 {
		if tok.Extra == nil {
			tok.Extra = map[string]string{}
		}
		maps.Copy(tok.Extra, cb.params)
	}
	return Result{Token: tok, Params: cb.params, RedirectURI: fl.redirectURI}, nil
}
