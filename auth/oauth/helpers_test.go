package oauth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"authdeck/assets"
	"authdeck/auth/catalog"

	"authdeck/internal/fakeclock"
)

// builtin returns a built-in definition from assets/providers.json.
func builtin(t testing.TB, id string) catalog.Provider {
	t.Helper()
	c, err := catalog.Load(assets.Providers, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p, ok := c.Lookup(id)
	if !ok {
		t.Fatalf("no built-in provider %q", id)
	}
	return p
}

// repoint returns a copy of p whose kind method was changed by edit, run
// through catalog.Parse as a providers.d file would be.
func repoint(t testing.TB, p catalog.Provider, kind catalog.Kind, edit func(m *catalog.Method)) (catalog.Provider, catalog.Method) {
	t.Helper()
	p.Methods = append([]catalog.Method(nil), p.Methods...)
	found := false
	for i := range p.Methods {
		if p.Methods[i].Kind == kind {
			edit(&p.Methods[i])
			found = true
		}
	}
	if !found {
		t.Fatalf("%s has no %s method", p.ID, kind)
	}
	data, err := catalog.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := catalog.Parse(data, "test/"+p.ID+".json")
	if err != nil {
		t.Fatalf("re-pointed definition refused: %v", err)
	}
	m, _ := q.Method(kind)
	return q, m
}

func newClock() *fakeclock.Clock {
	return fakeclock.New(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
}

// visit is what the stand-in browser saw at the end of a flow.
type visit struct {
	status int
	header http.Header
	body   string
	url    *url.URL
}

// browser is a stand-in for the person's browser: it follows redirects with
// an http.Client, as a real one does, and keeps the last page. before, when
// set, runs on every redirect (a hook to tamper with or delay the callback).
type browser struct {
	t      testing.TB
	hc     *http.Client
	before func(req *http.Request)

	mu    sync.Mutex
	last  visit
	pages []visit
	busy  sync.WaitGroup // Open runs on Authorize's goroutine; tests wait for it
}

func newBrowser(t testing.TB, transport http.RoundTripper) *browser {
	b := &browser{t: t}
	jar, _ := cookiejar.New(nil)
	b.hc = &http.Client{Transport: transport, Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if b.before != nil {
				b.before(req)
			}
			return nil
		}}
	return b
}

func (b *browser) get(u string) (visit, error) {
	resp, err := b.hc.Get(u)
	if err != nil {
		return visit{}, err
	}
	return b.keep(resp)
}

func (b *browser) keep(resp *http.Response) (visit, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	v := visit{status: resp.StatusCode, header: resp.Header, body: string(body), url: resp.Request.URL}
	b.mu.Lock()
	b.last = v
	b.pages = append(b.pages, v)
	b.mu.Unlock()
	return v, err
}

// Open is an AuthorizeOptions.Open for the code flow.
func (b *browser) Open(u string) error {
	b.busy.Add(1)
	defer b.busy.Done()
	_, err := b.get(u)
	return err
}

// OpenImplicit does what the relay page's script does: it reads the
// fragment the provider redirected to and posts it back, same origin.
func (b *browser) OpenImplicit(u string) error {
	b.busy.Add(1)
	defer b.busy.Done()
	v, err := b.get(u)
	if err != nil {
		return err
	}
	if !strings.Contains(v.body, `id="relay"`) {
		return nil // not the relay page: an error page, kept for the test
	}
	if csp := v.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'sha256-") {
		b.t.Errorf("relay page CSP %q does not pin its script by hash", csp)
	}
	target := *v.url
	fragment := target.Fragment
	target.Fragment, target.RawFragment, target.RawQuery = "", "", ""
	req, _ := http.NewRequest(http.MethodPost, target.String(), strings.NewReader(url.Values{"fragment": {fragment}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://"+target.Host)
	resp, err := b.hc.Do(req)
	if err != nil {
		return err
	}
	_, err = b.keep(resp)
	return err
}

// lastVisit waits until the browser has read its last page.
func (b *browser) lastVisit() visit {
	b.busy.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last
}

// counter counts requests by path.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) add(path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[path]++
}

func (c *counter) get(path string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[path]
}

func (c *counter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.n {
		n += v
	}
	return n
}

// redirectBack sends the browser to the redirect_uri of an authorize request
// with values v added to the query (the provider's answer).
func redirectBack(w http.ResponseWriter, r *http.Request, v url.Values) {
	u, err := url.Parse(r.URL.Query().Get("redirect_uri"))
	if err != nil || u.Host == "" {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	q := u.Query()
	for k := range v {
		q.Set(k, v.Get(k))
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// tlsFor makes a certificate for hosts and a client pool that trusts it.
func tlsFor(t testing.TB, hosts ...string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: hosts[0]},
		DNSNames:              hosts,
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// routedTransport dials the test server for every host for which route
// says so (and the real address otherwise), trusting pool: the real host
// names go through TLS name checks and Host headers unchanged.
func routedTransport(addr string, pool *x509.CertPool, route func(host string) bool) *http.Transport {
	var d net.Dialer
	return &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
			host, _, _ := net.SplitHostPort(a)
			if route(host) {
				return d.DialContext(ctx, network, addr)
			}
			return d.DialContext(ctx, network, a)
		},
		ForceAttemptHTTP2: false,
	}
}

// newTLSServer starts an httptest TLS server with the given certificate.
func newTLSServer(t testing.TB, h http.Handler, cert tls.Certificate) *httptest.Server {
	ts := httptest.NewUnstartedServer(h)
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return ts
}

// withTimeout is a test context that ends well before the test's deadline.
func withTimeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
