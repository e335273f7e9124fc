// Package proxy is the local credential proxy: a reverse proxy on 127.0.0.1
// that forwards a program's requests to one connection's API with the
// connection's credential applied the provider's way (a header, a query
// parameter, a cookie), renewed before it runs out and once more when the
// provider refuses it. The program never holds the credential, so a
// long-running job never holds a stale one.
//
// Only whoever knows the proxy's per-run key can use it (in the path,
// http://127.0.0.1:PORT/KEY/…, or in the Authdeck-Proxy-Key header); it
// answers only under its own loopback address (no DNS rebinding), forwards
// only to the connection's API address, never follows a redirect, strips
// every credential the caller sent, and never logs anything.
//
// It knows nothing of the Manager: a Source hands it credentials (auth
// adapts the Manager to one), so the window and the command line share it.
package proxy

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"authdeck/auth/render"
	"authdeck/auth/sanitize"
)

// KeyHeader carries the per-run key when it is not in the path.
const KeyHeader = "Authdeck-Proxy-Key"

// Bounds on what a caller may send.
const (
	MaxHeaderBytes = 64 << 10 // request headers, as the loopback callback
	MaxBody        = 64 << 20 // a request body; larger ones are refused (413)
	retryBody      = 1 << 20  // bodies up to this size are kept for the retry after a 401
)

// Credential is a credential as the proxy applies it, with its expiry.
type Credential struct {
	render.Credential
	ExpiresAt *time.Time // nil: never, or unknown
}

// Source hands out one connection's credential.
type Source interface {
	// Lease returns the credential, renewed first if it would run out
	// within minValid and can be renewed.
	Lease(ctx context.Context, minValid time.Duration) (Credential, error)
	// Rejected renews a credential the provider refused, unless it was
	// renewed since; ErrNotRenewable when it cannot be.
	Rejected(ctx context.Context, refused Credential) (Credential, error)
}

// ErrNotRenewable is what Source.Rejected returns for a credential that
// cannot be renewed: the provider's refusal reaches the caller as it is.
var ErrNotRenewable = errors.New("the credential cannot be renewed by itself")

// Options configure a Proxy.
type Options struct {
	// Target is the API's scheme and host, e.g. https://shop.vendhq.com.
	Target *url.URL
	// Hosts are the hosts the credential is meant for; Target's must be
	// one of them.
	Hosts  []string
	Source Source
	Now    func() time.Time // nil → time.Now
	// Transport sends the requests upstream; nil → a copy of
	// http.DefaultTransport with bounded response headers.
	Transport http.RoundTripper
}

// Proxy is the handler; Listen serves it on loopback.
type Proxy struct {
	target *url.URL
	key    string
	creds  *cache
	rp     *httputil.ReverseProxy
	// hosts are the Host values the proxy answers to: its own address.
	hosts []string
	base  string // http://127.0.0.1:PORT/KEY, once listening
}

// New checks the options and makes a Proxy with a fresh 256-bit key.
func New(opts Options) (*Proxy, error) {
	t := opts.Target
	if t == nil || t.Host == "" || t.Scheme != "https" && t.Scheme != "http" {
		return nil, errors.New("the API address is not an http(s) URL")
	}
	if !slices.ContainsFunc(opts.Hosts, func(h string) bool { return strings.EqualFold(h, t.Hostname()) }) {
		return nil, fmt.Errorf("%s is not one of the hosts the credential is meant for", sanitize.Line(t.Hostname()))
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Transport == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxResponseHeaderBytes = MaxHeaderBytes
		opts.Transport = tr
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	p := &Proxy{target: &url.URL{Scheme: t.Scheme, Host: t.Host}, key: base64.RawURLEncoding.EncodeToString(b),
		creds: &cache{src: opts.Source, now: opts.Now}}
	p.rp = &httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      &credTransport{next: opts.Transport, creds: p.creds},
		FlushInterval:  -1, // streamed answers (server-sent events, downloads) pass as they come
		ErrorLog:       log.New(io.Discard, "", 0),
		ErrorHandler:   p.failed,
		ModifyResponse: p.response,
	}
	return p, nil
}

// Key is the per-run key.
func (p *Proxy) Key() string { return p.key }

// Running is a proxy listening on loopback.
type Running struct {
	// URL is the address to use, key included: http://127.0.0.1:PORT/KEY
	URL string
	// Addr is 127.0.0.1:PORT.
	Addr string
	srv  *http.Server
	ln   net.Listener
}

// Close stops the proxy; requests under way are cut.
func (r *Running) Close() error {
	_ = r.ln.Close()
	return r.srv.Close()
}

// Listen serves the proxy on 127.0.0.1:port (0: any free port) until Close.
func (p *Proxy) Listen(port int) (*Running, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("cannot listen on 127.0.0.1:%d (%v)", port, errors.Unwrap(err))
	}
	addr := ln.Addr().String()
	p.AnswerAs(addr)
	srv := &http.Server{
		Handler:           p,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() { _ = srv.Serve(ln) }()
	return &Running{URL: p.base, Addr: addr, srv: srv, ln: ln}, nil
}

// AnswerAs sets the address (host:port) the proxy answers under; Listen
// calls it. A request naming any other host is refused.
func (p *Proxy) AnswerAs(addr string) {
	_, port, _ := net.SplitHostPort(addr)
	p.hosts = []string{addr, "localhost:" + port}
	p.base = "http://" + addr + "/" + p.key
}

// ServeHTTP checks the host and the key, then forwards.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !slices.ContainsFunc(p.hosts, func(h string) bool { return strings.EqualFold(h, r.Host) }) {
		refuse(w, http.StatusMisdirectedRequest, "this proxy answers only at its own address")
		return
	}
	path, ok := p.unlock(r)
	if !ok {
		refuse(w, http.StatusForbidden, "missing or wrong key: use the address Authdeck gave, key included")
		return
	}
	if r.Header.Get("Upgrade") != "" {
		refuse(w, http.StatusNotImplemented, "protocol upgrades are not forwarded")
		return
	}
	r.URL.Path, r.URL.RawPath = path, ""
	if r.ContentLength > MaxBody {
		refuse(w, http.StatusRequestEntityTooLarge, "the request body is too large")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	p.rp.ServeHTTP(w, r)
}

// unlock finds the key in the header or as the first path segment and
// returns the path to forward.
func (p *Proxy) unlock(r *http.Request) (string, bool) {
	path := r.URL.EscapedPath()
	if h := r.Header.Get(KeyHeader); h != "" {
		return path, equal(h, p.key)
	}
	rest, ok := strings.CutPrefix(path, "/")
	if !ok {
		return "", false
	}
	seg, tail, _ := strings.Cut(rest, "/")
	if !equal(seg, p.key) {
		return "", false
	}
	return "/" + tail, true
}

func equal(got, want string) bool {
	return len(got) == len(want) && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// credentialHeaders are removed from every request: the caller's own
// credentials never reach the provider beside (or instead of) Authdeck's.
var credentialHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", KeyHeader}

// rewrite points the request at the API. The credential itself is applied
// by the transport, so that a retry after a 401 applies the renewed one.
func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	out := pr.Out
	out.URL.Scheme, out.URL.Host = p.target.Scheme, p.target.Host
	out.URL.Path, out.URL.RawPath = pr.In.URL.Path, ""
	if raw := pr.In.URL.EscapedPath(); raw != pr.In.URL.Path {
		out.URL.RawPath = raw
	}
	out.Host = p.target.Host
	for _, h := range credentialHeaders {
		out.Header.Del(h)
	}
	out.Header.Del("Origin") // the provider gets a plain API call, not a browser's
	// A browser or notebook names the page it came from, and that page's
	// address holds the per-run key: it never leaves this computer.
	out.Header.Del("Referer")
	keepForRetry(out)
}

// keepForRetry reads a small body into memory so that the request can be
// sent again after a 401; a large or streamed body is sent once.
func keepForRetry(out *http.Request) {
	if out.Body == nil || out.Body == http.NoBody || out.ContentLength < 0 || out.ContentLength > retryBody {
		return
	}
	data, err := io.ReadAll(io.LimitReader(out.Body, out.ContentLength+1))
	_ = out.Body.Close()
	if err != nil {
		out.Body = io.NopCloser(errReader{err})
		return
	}
	out.Body = io.NopCloser(strings.NewReader(string(data)))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(string(data))), nil }
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// response keeps redirects on the API host inside the proxy; any other
// redirect reaches the caller as it is, and the caller never held the
// credential to send along.
func (p *Proxy) response(resp *http.Response) error {
	loc := resp.Header.Get("Location")
	if loc == "" || p.base == "" {
		return nil
	}
	u, err := resp.Request.URL.Parse(loc)
	if err != nil || !strings.EqualFold(u.Host, p.target.Host) || u.Scheme != p.target.Scheme {
		return nil
	}
	resp.Header.Set("Location", p.base+u.EscapedPath()+queryPart(u))
	return nil
}

func queryPart(u *url.URL) string {
	if u.RawQuery == "" {
		return ""
	}
	return "?" + u.RawQuery
}

// failed answers a request that could not be forwarded, in words that hold
// no secret and no address with a query.
func (p *Proxy) failed(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	var cred credentialError
	switch {
	case errors.As(err, &tooBig):
		refuse(w, http.StatusRequestEntityTooLarge, "the request body is too large")
	case errors.As(err, &cred):
		refuse(w, http.StatusBadGateway, "Authdeck has no usable credential: "+cred.Error())
	case errors.Is(err, context.Canceled):
		w.WriteHeader(499) // the caller went away; nobody reads this
	default:
		refuse(w, http.StatusBadGateway, "the API did not answer: "+describeNetwork(err))
	}
}

// describeNetwork words a transport error without the URL (which may hold
// a query credential).
func describeNetwork(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return sanitize.Clip(sanitize.Line(err.Error()), 200)
}

func refuse(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, "authdeck proxy: "+msg+"\n")
}
