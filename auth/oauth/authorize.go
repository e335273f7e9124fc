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
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"authdeck/auth/catalog"
)

// loopback is a parsed loopback redirect URI.
type loopback struct {
	raw       string
	u         *url.URL
	bindHost  string // the address to listen on: never a wildcard
	port      string // "0": any free port
	localhost bool   // named localhost: 127.0.0.1 and ::1 are both bound
}

// parseLoopback accepts only http URIs on a loopback host with a port
// (RFC 8252 §7.3). localhost binds 127.0.0.1 and ::1 (see bind).
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
		l.bindHost, l.localhost = "127.0.0.1", true
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

// origin is scheme://host[:port] of a URL ("" when it has none).
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

// randomValue is 256 bits from crypto/rand, URL-safe.
func randomValue() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Authorize runs the consent in three steps, in the order
// int128/oauth2cli's GetToken reads: check everything and listen on the
// loopback redirect URI; receive the one answer that belongs to this
// sign-in (answers with a wrong or missing state are refused and ignored);
// then exchange its code (or, for the implicit grant, read the token the
// relay page posted back) and tell the browser how it went. ctx bounds the
// wait: its deadline ends the flow with ErrTimeout.
func (c *Client) Authorize(ctx context.Context, cfg Config, opts AuthorizeOptions) (Result, error) {
	fl, err := c.newFlow(cfg, opts)
	if err != nil {
		return Result{}, err
	}
	authorizeURL, stop, err := fl.listen()
	if err != nil {
		return Result{}, err
	}
	defer stop()
	ans, err := fl.receive(ctx, opts, authorizeURL)
	if err != nil {
		return Result{}, err
	}
	res, err := c.finish(ctx, fl, ans)
	ans.reply <- fl.pageFor(err)
	fl.awaitPage(ans)
	return res, err
}

// pageWait bounds how long Authorize waits for the browser to be sent its
// last page: a browser that stops reading must not hold the sign-in up.
const pageWait = 5 * time.Second

// awaitPage returns once the browser was sent the page that ends the
// sign-in (or after pageWait), so that a program that exits as soon as
// Authorize returns never cuts the page off.
func (fl *flow) awaitPage(a answer) {
	if a.written == nil {
		return // a pasted address: no browser waits for a page
	}
	t := time.NewTimer(pageWait)
	defer t.Stop()
	select {
	case <-a.written:
	case <-t.C:
	}
}

// flow is one authorization in progress; it is also the loopback handler.
type flow struct {
	cfg         flowConfig
	lb          loopback
	implicit    bool
	expect      expectation
	verifier    string
	authorizeAt string // the authorize URL without Authdeck's parameters
	redirectURI string // with the real port, once listening
	hosts       []string
	notice      func(Notice)

	mu       sync.Mutex
	claimed  bool
	noticed  map[NoticeKind]bool
	answers  chan answer   // the one answer that ends the wait
	quit     chan struct{} // closed when Authorize returns
	quitOnce sync.Once
}

// answer is what the handler hands to Authorize: a callback that belongs
// to this sign-in (or the refusal it carried), and where to send the page.
type answer struct {
	cb    callback
	err   error
	reply chan page // buffered: Authorize never waits on the browser
	// written is closed once the handler has sent the page (nil for a
	// pasted address, which no browser waits on).
	written chan struct{}
}

// newFlow checks every input before anything listens or opens, so that a
// missing --param is reported now rather than after the consent.
func (c *Client) newFlow(cfg Config, opts AuthorizeOptions) (*flow, error) {
	f, err := resolve(cfg)
	if err != nil {
		return nil, err
	}
	m := cfg.Method
	fl := &flow{cfg: f, implicit: m.Kind == catalog.KindImplicit, notice: opts.Notice,
		noticed: map[NoticeKind]bool{}, answers: make(chan answer, 1), quit: make(chan struct{})}
	if fl.lb, err = parseLoopback(firstNonEmpty(cfg.RedirectURI, DefaultRedirectURI(cfg.Provider, m))); err != nil {
		return nil, err
	}
	if fl.authorizeAt, err = cfg.Provider.Expand(m.AuthorizeURL, cfg.Params); err != nil {
		return nil, fmt.Errorf("%s sign-in address: %w", f.name, err)
	}
	if !fl.implicit {
		sample := maps.Clone(cfg.Params)
		if sample == nil {
			sample = map[string]string{}
		}
		for _, name := range m.CallbackParams {
			sample[name] = "sample" // the real value arrives with the callback
		}
		if _, err := cfg.Provider.Expand(m.TokenURL, sample); err != nil {
			return nil, fmt.Errorf("%s token address: %w", f.name, err)
		}
		if m.PKCE {
			fl.verifier = oauth2.GenerateVerifier()
		}
	}
	fl.expect = expectation{provider: f.name, stateName: m.State(), state: randomValue(), implicit: fl.implicit,
		params: m.CallbackParams, deniesWithoutState: m.DeniesWithoutState,
		stateOptional: m.IsUnconfirmed(catalog.FieldStateParam), pkce: fl.verifier != "", signInOrigin: origin(fl.authorizeAt)}
	return fl, nil
}

// listen starts the loopback server and returns the authorize URL (which
// names the real port) and the function that stops it all.
func (fl *flow) listen() (string, func(), error) {
	lns, port, err := fl.lb.bind(fl.cfg.name)
	if err != nil {
		return "", nil, err
	}
	closeAll := func() {
		for _, ln := range lns {
			_ = ln.Close()
		}
	}
	fl.redirectURI = fl.lb.actual(port)
	fl.hosts = fl.lb.hosts(port)
	authorizeURL, err := fl.authorizeURL()
	if err != nil {
		closeAll()
		return "", nil, err
	}
	srv := &http.Server{
		Handler:           fl,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(io.Discard, "", 0), // nothing from the listener reaches our output
	}
	for _, ln := range lns {
		go func() { _ = srv.Serve(ln) }()
	}
	stop := func() {
		fl.quitOnce.Do(func() { close(fl.quit) })
		// Stop accepting now; the last page was sent already (awaitPage).
		closeAll()
		go func() {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if srv.Shutdown(sctx) != nil {
				_ = srv.Close()
			}
		}()
	}
	return authorizeURL, stop, nil
}

// receive announces the sign-in, opens the browser and waits for the one
// answer that belongs to it.
func (fl *flow) receive(ctx context.Context, opts AuthorizeOptions, authorizeURL string) (answer, error) {
	if opts.Listening != nil {
		opts.Listening(fl.redirectURI, authorizeURL)
	}
	opened := make(chan error, 1)
	if opts.Open != nil {
		go func() { opened <- opts.Open(authorizeURL) }()
	}
	for {
		select {
		case a := <-fl.answers:
			return a, nil
		case raw, ok := <-opts.Pasted:
			if !ok {
				opts.Pasted = nil // input ended: wait for the browser alone
				continue
			}
			fl.takePasted(raw, opts.PasteRefused)
		case err := <-opened:
			opened = nil
			if err != nil {
				return answer{}, fmt.Errorf("could not open the browser (%v): open the sign-in address yourself", err)
			}
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return answer{}, ErrTimeout
			}
			return answer{}, ErrCanceled
		}
	}
}

// finish turns the answer into a token: the exchange of the code, or the
// token the implicit grant's fragment carried.
func (c *Client) finish(ctx context.Context, fl *flow, a answer) (Result, error) {
	if a.err != nil {
		return Result{}, a.err
	}
	f := fl.cfg
	params := maps.Clone(f.Params)
	if params == nil {
		params = map[string]string{}
	}
	maps.Copy(params, a.cb.params) // the callback names the tenant the code belongs to
	var tok Token
	var err error
	if fl.implicit {
		tok, err = fromValues(a.cb.fields).token(c.now(), f.scopes)
		var pe *ProviderError
		if errors.As(err, &pe) {
			pe.provider, pe.action = f.name, "the sign-in"
			pe.tidy([]string{fl.expect.state})
		}
	} else {
		tok, err = c.exchange(ctx, f, params, grant{kind: "authorization_code", code: a.cb.code, verifier: fl.verifier, redirectURI: fl.redirectURI})
	}
	if err != nil {
		return Result{}, err
	}
	if len(a.cb.params) > 0 {
		if tok.Extra == nil {
			tok.Extra = map[string]string{}
		}
		maps.Copy(tok.Extra, a.cb.params)
	}
	return Result{Token: tok, Params: a.cb.params, RedirectURI: fl.redirectURI}, nil
}

// authorizeURL adds Authdeck's parameters to the provider's sign-in address.
func (fl *flow) authorizeURL() (string, error) {
	u, err := url.Parse(fl.authorizeAt)
	if err != nil {
		return "", fmt.Errorf("%s sign-in address %q is not a URL: %v", fl.cfg.name, fl.authorizeAt, err)
	}
	q := u.Query()
	q.Set("response_type", map[bool]string{true: "token", false: "code"}[fl.implicit])
	q.Set("client_id", fl.cfg.clientID)
	q.Set("redirect_uri", fl.redirectURI)
	if len(fl.cfg.scopes) > 0 {
		q.Set("scope", strings.Join(fl.cfg.scopes, fl.cfg.Method.Separator()))
		if fl.cfg.Method.OpenID && slices.Contains(fl.cfg.scopes, "offline_access") {
			q.Set("prompt", "consent") // OpenID Connect Core §11: else offline_access is dropped
		}
	}
	// The anti-forgery value goes as "state" always and, for a provider
	// that calls it something else (Vinsight's nonce), under that name too:
	// whichever the provider reads, it has one to send back.
	q.Set("state", fl.expect.state)
	q.Set(fl.expect.stateName, fl.expect.state)
	if fl.verifier != "" {
		q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(fl.verifier))
		q.Set("code_challenge_method", "S256")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
