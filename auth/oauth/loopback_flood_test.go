package oauth

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// floodLoopback sends a bounded flood of bogus requests to the callback
// listener at host (the redirect URI's host:port) and returns the status of
// every HTTP answer. None of them is aimed at the callback path with the
// right Host, so none may end or disturb the sign-in.
func floodLoopback(t *testing.T, host, path, state string) map[int]int {
	t.Helper()
	hc := &http.Client{Timeout: 3 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	type probe struct {
		method, target, host string
		header               http.Header
	}
	probes := []probe{
		{"GET", "/", "", nil},
		{"GET", "/favicon.ico", "", nil},
		{"GET", path + "/../admin", "", nil},
		{"GET", path + "x?code=c&state=" + state, "", nil},
		{"GET", path + "?code=c&state=" + state, "rebind.attacker.test:" + strings.Split(host, ":")[1], nil},
		{"GET", path + "?code=c&state=" + state, "attacker.test", nil},
		{"GET", path + "?code=c&state=forged", "127.0.0.2:" + strings.Split(host, ":")[1], nil},
		{"POST", path, "", nil},
		{"PUT", path + "?code=c&state=" + state, "", nil},
		{"OPTIONS", path, "", http.Header{"Origin": {"https://evil.test"}, "Access-Control-Request-Method": {"GET"}}},
		{"GET", path, "", http.Header{"X-Big": {strings.Repeat("a", 100<<10)}}},
	}
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	const workers, perWorker = 8, 40 // 320 requests
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				p := probes[(w*perWorker+i)%len(probes)]
				req, _ := http.NewRequest(p.method, "http://"+host+p.target, nil)
				if p.host != "" {
					req.Host = p.host
				}
				for k, v := range p.header {
					req.Header[k] = v
				}
				resp, err := hc.Do(req)
				mu.Lock()
				if err != nil {
					statuses[-1]++
				} else {
					statuses[resp.StatusCode]++
					resp.Body.Close()
				}
				mu.Unlock()
			}
		}()
	}
	// Garbage that is not HTTP, and connections that say nothing at all.
	var idle []net.Conn
	for i := range 20 {
		c, err := net.DialTimeout("tcp", host, time.Second)
		if err != nil {
			t.Errorf("dial %d: %v", i, err)
			continue
		}
		if i%2 == 0 {
			fmt.Fprintf(c, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03%s\r\n\r\n", strings.Repeat("\x00", 64))
			_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
			_, _ = bufio.NewReader(c).ReadString('\n')
			c.Close()
		} else {
			idle = append(idle, c)
		}
	}
	wg.Wait()
	for _, c := range idle {
		c.Close()
	}
	return statuses
}

// A bounded flood of bogus requests on the loopback listener (wrong paths,
// rebinding Host headers, wrong methods, huge headers, non-HTTP bytes, idle
// connections) neither crashes it nor ends the sign-in; none is answered
// with anything but a refusal; the real answer that follows completes the
// sign-in with exactly one token request; then nothing listens any more.
func TestLoopbackSurvivesFlood(t *testing.T) {
	g := newGeneric(t)
	b := newBrowser(t, nil)
	var statuses map[int]int
	var callbackHost string
	open := func(authorizeURL string) error {
		u, _ := url.Parse(authorizeURL)
		redirect, _ := url.Parse(u.Query().Get("redirect_uri"))
		callbackHost = redirect.Host
		start := time.Now()
		statuses = floodLoopback(t, redirect.Host, redirect.Path, u.Query().Get("state"))
		if d := time.Since(start); d > 15*time.Second {
			t.Errorf("the flood took %s", d)
		}
		return b.Open(authorizeURL)
	}
	res, err := (&Client{}).Authorize(withTimeout(t, 30*time.Second), g.config(), AuthorizeOptions{Open: open})
	if err != nil || res.Token.AccessToken != "the-token" {
		t.Fatalf("the sign-in after the flood: %+v, %v", res, err)
	}
	if n := g.hits.get("token"); n != 1 {
		t.Fatalf("%d token requests, want 1", n)
	}
	allowed := map[int]bool{-1: true, 400: true, 404: true, 405: true, 421: true, 431: true}
	total := 0
	for status, n := range statuses {
		total += n
		if !allowed[status] {
			t.Errorf("%d bogus requests were answered %d", n, status)
		}
	}
	if total != 320 || statuses[-1] > 0 {
		t.Errorf("answers %v: every bogus request must get a refusal", statuses)
	}
	t.Logf("flood answers by status: %v", statuses)
	if c, err := net.DialTimeout("tcp", callbackHost, time.Second); err == nil {
		c.Close()
		t.Fatal("the callback listener still accepts connections after the sign-in")
	}
}

// Many callbacks with forged states at once: none is let through (no token
// request), every one is refused, the sign-in keeps waiting (issue 13.4)
// and the real answer that follows completes it with one token request.
func TestLoopbackForgedStateFlood(t *testing.T) {
	g := newGeneric(t)
	statuses := map[int]int{}
	var mu sync.Mutex
	b := newBrowser(t, nil)
	open := func(authorizeURL string) error {
		u, _ := url.Parse(authorizeURL)
		redirect, _ := url.Parse(u.Query().Get("redirect_uri"))
		real := u.Query().Get("state")
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				forged := randomValue()
				if i%5 == 0 {
					forged = real[:len(real)-1] + "A" // one character off
					if forged == real {
						forged = real[:len(real)-1] + "B"
					}
				}
				resp, err := http.Get("http://" + redirect.Host + redirect.Path + "?code=forged&state=" + url.QueryEscape(forged))
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					statuses[-1]++
					return
				}
				statuses[resp.StatusCode]++
				resp.Body.Close()
			}()
		}
		wg.Wait()
		if n := g.hits.get("token"); n != 0 {
			t.Errorf("%d token requests for forged states", n)
		}
		return b.Open(authorizeURL)
	}
	var notices atomic.Int32
	res, err := (&Client{}).Authorize(withTimeout(t, 20*time.Second), g.config(), AuthorizeOptions{Open: open,
		Notice: func(Notice) { notices.Add(1) }})
	if err != nil || res.Token.AccessToken != "the-token" {
		t.Fatalf("the real answer after the flood: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if statuses[400] != 50 {
		t.Errorf("answers %v: want every forged state refused", statuses)
	}
	if n := g.hits.get("token"); n != 1 {
		t.Errorf("%d token requests, want exactly 1", n)
	}
	if n := notices.Load(); n != 1 {
		t.Errorf("%d notices for 50 forged answers, want 1", n)
	}
}
