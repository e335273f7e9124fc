package proxy

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"authdeck/auth/render"
)

// source is a stand-in for the Manager: it hands out tok-N, and a refusal
// moves it to the next N.
type source struct {
	mu       sync.Mutex
	n        int
	renewals atomic.Int32
	query    string // apply as a query parameter instead of a header
}

func (s *source) cred() Credential {
	tok := fmt.Sprintf("tok-%d", s.n)
	c := render.Credential{Header: "Authorization", Value: "Bearer " + tok, Secret: tok}
	if s.query != "" {
		c = render.Credential{Query: s.query, Value: tok, Secret: tok}
	}
	return Credential{Credential: c}
}

func (s *source) Lease(context.Context, time.Duration) (Credential, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cred(), nil
}

func (s *source) Rejected(_ context.Context, refused Credential) (Credential, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if refused.Secret == fmt.Sprintf("tok-%d", s.n) {
		s.n++
		s.renewals.Add(1)
	}
	return s.cred(), nil
}

// upstream is the API: it records what reached it and accepts only the
// token named valid (nil: any).
type upstream struct {
	*httptest.Server
	mu    sync.Mutex
	seen  []*http.Request
	valid atomic.Pointer[string]
}

func newUpstream(t *testing.T, handler http.HandlerFunc) *upstream {
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.seen = append(u.seen, r.Clone(context.Background()))
		u.mu.Unlock()
		if v := u.valid.Load(); v != nil && r.Header.Get("Authorization") != "Bearer "+*v {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if handler != nil {
			handler(w, r)
			return
		}
		fmt.Fprintf(w, "ok %s", r.URL.RequestURI())
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) requests() []*http.Request {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]*http.Request(nil), u.seen...)
}

func start(t *testing.T, up *upstream, src Source) (*Proxy, *Running) {
	t.Helper()
	target, _ := url.Parse(up.URL)
	p, err := New(Options{Target: target, Hosts: []string{"127.0.0.1"}, Source: src})
	if err != nil {
		t.Fatal(err)
	}
	run, err := p.Listen(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Close() })
	return p, run
}

func get(t *testing.T, rawURL string, header http.Header) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, rawURL, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// With its key (in the path or the header) a request reaches the API with
// the credential and without the caller's own; without it, nothing is
// forwarded.
func TestProxyAddsTheCredentialOnlyForItsKey(t *testing.T) {
	up := newUpstream(t, nil)
	p, run := start(t, up, &source{})
	code, body := get(t, run.URL+"/api/2.0/products?page=2", http.Header{"Authorization": {"Bearer stolen"}, "Cookie": {"a=b"}, "Referer": {run.URL + "/notebook"}})
	if code != 200 || body != "ok /api/2.0/products?page=2" {
		t.Fatalf("with the key in the path: %d %q", code, body)
	}
	code, _ = get(t, "http://"+run.Addr+"/api/x", http.Header{KeyHeader: {p.Key()}})
	if code != 200 {
		t.Fatalf("with the key in the header: %d", code)
	}
	for _, r := range up.requests() {
		if r.Header.Get("Authorization") != "Bearer tok-0" || r.Header.Get("Cookie") != "" || r.Header.Get(KeyHeader) != "" || strings.Contains(r.URL.Path, p.Key()) || strings.Contains(r.Header.Get("Referer"), p.Key()) {
			t.Fatalf("upstream saw %v %v", r.URL, r.Header)
		}
	}
	before := len(up.requests())
	for _, u := range []string{"http://" + run.Addr + "/api/x", "http://" + run.Addr + "/" + p.Key()[:20] + "/api/x", "http://" + run.Addr + "/wrong" + p.Key()[5:] + "/api"} {
		if code, _ := get(t, u, nil); code != http.StatusForbidden {
			t.Fatalf("%s without the key: %d", u, code)
		}
	}
	if code, _ := get(t, "http://"+run.Addr+"/api/x", http.Header{KeyHeader: {"nope"}}); code != http.StatusForbidden {
		t.Fatalf("wrong key header: %d", code)
	}
	if n := len(up.requests()); n != before {
		t.Fatalf("%d refused requests were forwarded", n-before)
	}
}

// A query-parameter credential replaces any the caller put in the URL.
func TestProxyAppliesAQueryKey(t *testing.T) {
	up := newUpstream(t, nil)
	_, run := start(t, up, &source{query: "api-key"})
	code, body := get(t, run.URL+"/v1/items?api-key=mine&x=1", nil)
	if code != 200 || body != "ok /v1/items?x=1&api-key=tok-0" {
		t.Fatalf("%d %q", code, body)
	}
}

// A request naming another host — by its Host header or in absolute form,
// as to a forward proxy — is refused and reaches no one.
func TestProxyRefusesAForeignHost(t *testing.T) {
	up := newUpstream(t, nil)
	foreign := newUpstream(t, nil)
	p, run := start(t, up, &source{})
	fu, _ := url.Parse(foreign.URL)
	for _, raw := range []string{
		"GET /" + p.Key() + "/x HTTP/1.1\r\nHost: " + fu.Host + "\r\n\r\n",
		"GET " + foreign.URL + "/" + p.Key() + "/x HTTP/1.1\r\nHost: " + run.Addr + "\r\n\r\n",
		"GET /" + p.Key() + "/x HTTP/1.1\r\nHost: evil.example\r\n\r\n",
	} {
		if status := rawRequest(t, run.Addr, raw); status != http.StatusMisdirectedRequest {
			t.Fatalf("%q: status %d", raw, status)
		}
	}
	if n := len(up.requests()) + len(foreign.requests()); n != 0 {
		t.Fatalf("%d requests forwarded", n)
	}
	if _, err := New(Options{Target: &url.URL{Scheme: "https", Host: "evil.example"}, Hosts: []string{"shop.vendhq.com"}, Source: &source{}}); err == nil {
		t.Fatal("a target outside the credential's hosts was accepted")
	}
}

func rawRequest(t *testing.T, addr, raw string) int {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// A redirect to another host reaches the caller unfollowed (the caller
// never held the credential, so following it sends none); a redirect on
// the API's own host stays inside the proxy.
func TestProxyNeverFollowsARedirectWithTheCredential(t *testing.T) {
	foreign := newUpstream(t, nil)
	var up *upstream
	up = newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, foreign.URL+"/steal", http.StatusFound)
		case "/here":
			http.Redirect(w, r, up.URL+"/there?a=1", http.StatusFound)
		default:
			fmt.Fprint(w, "ok "+r.URL.RequestURI())
		}
	})
	_, run := start(t, up, &source{})
	code, body := get(t, run.URL+"/away", nil) // the default client follows redirects, like curl -L
	if code != 200 || body != "ok /steal" {
		t.Fatalf("%d %q", code, body)
	}
	for _, r := range foreign.requests() {
		if len(r.Header.Values("Authorization")) > 0 || strings.Contains(r.URL.RawQuery, "tok-") {
			t.Fatalf("the foreign host got a credential: %v", r.Header)
		}
	}
	code, body = get(t, run.URL+"/here", nil)
	if code != 200 || body != "ok /there?a=1" || len(up.requests()) != 3 {
		t.Fatalf("same-host redirect: %d %q (%d upstream requests)", code, body, len(up.requests()))
	}
}

// Headers beyond the bound are refused before anything is forwarded; a
// body beyond it too.
func TestProxyBoundsHeadersAndBodies(t *testing.T) {
	up := newUpstream(t, nil)
	p, run := start(t, up, &source{})
	huge := strings.Repeat("a", MaxHeaderBytes+4096)
	if status := rawRequest(t, run.Addr, "GET /"+p.Key()+"/x HTTP/1.1\r\nHost: "+run.Addr+"\r\nX-Big: "+huge+"\r\n\r\n"); status != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("oversized header: %d", status)
	}
	req, _ := http.NewRequest(http.MethodPost, run.URL+"/upload", strings.NewReader("x"))
	req.ContentLength = MaxBody + 1
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("oversized body: %d", resp.StatusCode)
		}
	}
	if n := len(up.requests()); n != 0 {
		t.Fatalf("%d oversized requests forwarded", n)
	}
}

// A body streams through as it comes, and the answer streams back.
func TestProxyStreams(t *testing.T) {
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, "got %d\n", n)
		w.(http.Flusher).Flush()
		<-r.Context().Done() // an endless stream, like server-sent events
	})
	_, run := start(t, up, &source{})
	pr, pw := io.Pipe()
	go func() {
		for range 100 {
			_, _ = pw.Write(make([]byte, 10<<10))
		}
		pw.Close()
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, run.URL+"/stream", pr)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || line != "got 1024000\n" {
		t.Fatalf("%q %v", line, err)
	}
}

// Twenty requests refused at once (the token was revoked elsewhere) cause
// one renewal, and each is answered with the renewed token.
func TestProxyRenewsOnceOnA401(t *testing.T) {
	up := newUpstream(t, nil)
	src := &source{}
	_, run := start(t, up, src)
	if code, _ := get(t, run.URL+"/warm", nil); code != 200 {
		t.Fatal("warm-up failed")
	}
	valid := "tok-1"
	up.valid.Store(&valid)
	var wg sync.WaitGroup
	var failed atomic.Int32
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Post(run.URL+"/items", "text/plain", strings.NewReader("payload"))
			if err != nil || resp.StatusCode != 200 {
				failed.Add(1)
			}
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if failed.Load() != 0 || src.renewals.Load() != 1 {
		t.Fatalf("%d failed, %d renewals", failed.Load(), src.renewals.Load())
	}
}
