package session

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	email    = "ann@example.com"
	password = "pa:ss w0rd'$(x)"
)

// provider is an in-process stand-in for Vinsight's cookie login: POST
// /LoginContexts?accept-types=json with Basic email:password issues a
// session cookie, and /LoginContexts/Current.json answers only with it.
type provider struct {
	mu       sync.Mutex
	sessions map[string]bool
	bodies   []string
}

func newProvider(t *testing.T) (*provider, *httptest.Server) {
	p := &provider{sessions: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/LoginContexts", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		p.mu.Lock()
		p.bodies = append(p.bodies, string(body))
		p.mu.Unlock()
		if r.Method != http.MethodPost || r.URL.Query().Get("accept-types") != "json" {
			http.Error(w, "POST with accept-types=json", http.StatusMethodNotAllowed)
			return
		}
		u, pw, ok := r.BasicAuth()
		if !ok || u != email || pw != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="vinsight"`)
			http.Error(w, `{"error":"bad login"}`, http.StatusUnauthorized)
			return
		}
		buf := make([]byte, 16)
		_, _ = rand.Read(buf)
		sid := hex.EncodeToString(buf)
		p.mu.Lock()
		p.sessions[sid] = true
		p.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "old", Value: "x", MaxAge: -1})
		http.SetCookie(w, &http.Cookie{Name: "ASP.NET_SessionId", Value: sid, Path: "/", HttpOnly: true})
		http.SetCookie(w, &http.Cookie{Name: ".ASPXAUTH", Value: "auth-" + sid, Path: "/", HttpOnly: true, Secure: false})
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"UserName":"ann"}`))
	})
	mux.HandleFunc("/LoginContexts/Current.json", func(w http.ResponseWriter, r *http.Request) {
		sid, err := r.Cookie("ASP.NET_SessionId")
		auth, err2 := r.Cookie(".ASPXAUTH")
		p.mu.Lock()
		valid := err == nil && err2 == nil && p.sessions[sid.Value] && auth.Value == "auth-"+sid.Value
		p.mu.Unlock()
		if !valid {
			http.Error(w, "sign in first", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"Email":"ann@example.com"}`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return p, srv
}

func TestLoginIssuesACookieThatWorks(t *testing.T) {
	p, srv := newProvider(t)
	cookie, err := Login(context.Background(), srv.Client(), srv.URL+"/LoginContexts?accept-types=json", email, password)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cookie, "ASP.NET_SessionId=") || !strings.Contains(cookie, "; .ASPXAUTH=auth-") || strings.Contains(cookie, "old=") {
		t.Fatalf("cookie %q: want the two session cookies, without the deleted one", cookie)
	}
	if p.bodies[0] != "" {
		t.Errorf("the login sent a body %q, want none", p.bodies[0])
	}

	// The cookie signs the next request in, as the check would send it.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/LoginContexts/Current.json", nil)
	req.Header.Set("Cookie", cookie)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "ann@example.com") {
		t.Fatalf("with the cookie: %d %s", resp.StatusCode, body)
	}

	// Without it (or with a made-up one) the endpoint refuses: the test can fail.
	req.Header.Set("Cookie", "ASP.NET_SessionId=forged; .ASPXAUTH=auth-forged")
	resp, err = srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a forged cookie got %d", resp.StatusCode)
	}
}

func TestLoginWrongPassword(t *testing.T) {
	_, srv := newProvider(t)
	cookie, err := Login(context.Background(), srv.Client(), srv.URL+"/LoginContexts?accept-types=json", email, "wrong-password")
	if cookie != "" || !errors.Is(err, ErrRejected) {
		t.Fatalf("got %q, %v; want ErrRejected", cookie, err)
	}
	if err.Error() != "the email or password was not accepted" {
		t.Fatalf("message %q", err)
	}
}

func TestLoginFailuresInWords(t *testing.T) {
	serve := func(h http.HandlerFunc) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL + "/LoginContexts?accept-types=json"
	}
	status := func(code int, headers ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i+1 < len(headers); i += 2 {
				w.Header().Add(headers[i], headers[i+1])
			}
			w.WriteHeader(code)
		}
	}
	refused, _ := net.Listen("tcp", "127.0.0.1:0")
	refusedURL := "http://" + refused.Addr().String() + "/login"
	refused.Close()

	cases := []struct {
		name, url, user, password string
		want                      string
		is                        error
	}{
		{"no cookie", serve(status(200)), email, password, "127.0.0.1 accepted the sign-in (200) but set no session cookie", ErrNoCookie},
		{"only a deleted cookie", serve(status(200, "Set-Cookie", "sid=; Max-Age=0")), email, password, "set no session cookie", ErrNoCookie},
		{"403", serve(status(403)), email, password, "403: 127.0.0.1 refused the sign-in", nil},
		{"429", serve(status(429)), email, password, "too many sign-in attempts", nil},
		{"500", serve(status(500)), email, password, "500: 127.0.0.1 had an internal error: the provider cannot take a sign-in now", nil},
		{"404", serve(status(404)), email, password, "404: 127.0.0.1 refused the sign-in (Not Found)", nil},
		{"connection refused", refusedURL, email, password, "could not reach 127.0.0.1: connection refused", nil},
		{"plain http to a remote host", "http://app.vinsight.net/LoginContexts", email, password, "plain http", nil},
		{"empty email", "https://app.vinsight.net/LoginContexts", "", password, "email address is empty", nil},
		{"colon in the email", "https://app.vinsight.net/LoginContexts", "a:b@example.com", password, "contains ':'", nil},
		{"empty password", "https://app.vinsight.net/LoginContexts", email, "", "password is empty", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cookie, err := Login(context.Background(), &http.Client{Timeout: 5 * time.Second}, tc.url, tc.user, tc.password)
			if err == nil || cookie != "" {
				t.Fatalf("got %q, %v; want an error", cookie, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Fatalf("error %v is not %v", err, tc.is)
			}
			if tc.password != "" && strings.Contains(err.Error(), tc.password) {
				t.Fatalf("the error shows the password: %v", err)
			}
		})
	}
}

func TestLoginDoesNotFollowRedirects(t *testing.T) {
	var followed atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { followed.Store(true) }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "abc"})
		http.Redirect(w, r, other.URL+"/home", http.StatusFound)
	}))
	defer srv.Close()
	cookie, err := Login(context.Background(), srv.Client(), srv.URL+"/login", email, password)
	if err != nil || cookie != "sid=abc" {
		t.Fatalf("got %q, %v", cookie, err)
	}
	if followed.Load() {
		t.Fatal("the redirect was followed with the password")
	}
}

func TestLoginTimeoutAndCancel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	hc := srv.Client()
	hc.Timeout = 100 * time.Millisecond
	_, err := Login(context.Background(), hc, srv.URL+"/login", email, password)
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("timeout: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Login(ctx, srv.Client(), srv.URL+"/login", email, password)
	if err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("cancel: %v", err)
	}
}

func TestHeader(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cookies := []*http.Cookie{
		{Name: "a", Value: "1"},
		{Name: "b", Value: "2"},
		{Name: "a", Value: "3"},                               // set again: last value wins, first place kept
		{Name: "c", Value: "x", Expires: now.Add(-time.Hour)}, // expired
		{Name: "d", Value: "4", Expires: now.Add(time.Hour)},
		{Name: "b", Value: "", MaxAge: -1}, // deleted
	}
	if got := header(cookies, now); got != "a=3; d=4" {
		t.Fatalf("header = %q", got)
	}
}
