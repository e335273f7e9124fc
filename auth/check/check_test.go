package check

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"authdeck/auth/sanitize"
)

const token = "s3cr3t-T0KEN-value"

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newRequest(t *testing.T, rawURL string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Access", token)
	return req
}

func reply(status int, contentType, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Access") != token {
			http.Error(w, "no credential", http.StatusUnauthorized)
			return
		}
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func TestRunResponses(t *testing.T) {
	const js = "application/json"
	cases := []struct {
		name    string
		handler http.HandlerFunc
		ok      bool
		status  int
		account string
		message string // the message must contain this
	}{
		{"email at the top", reply(200, js, `{"email":"ann@example.com","id":7}`), true, 200, "ann@example.com", "OK — signed in as ann@example.com"},
		{"capitalised keys (Vinsight style)", reply(200, js, `{"UserName":"ann","Email":"ann@example.com"}`), true, 200, "ann@example.com", "signed in as ann@example.com"},
		{"nested user", reply(200, js, `{"ok":true,"user":{"id":1,"login":"ann"}}`), true, 200, "ann", "signed in as ann"},
		{"nested data", reply(200, js, `{"data":{"display_name":"Ann Lee","sub":"u-1"}}`), true, 200, "Ann Lee", "signed in as Ann Lee"},
		{"name before sub", reply(200, js, `{"sub":"248289761001","name":"Jane Doe"}`), true, 200, "Jane Doe", ""},
		{"wrapper before other objects", reply(200, js, `{"a":{"name":"wrong"},"user":{"name":"right"}}`), true, 200, "right", ""},
		{"no account in the answer", reply(200, js, `{"devices":[{"id":"d1"}],"meta":{"pagination":{"total":1}}}`), true, 200, "", "OK — 127.0.0.1 accepted the credential"},
		{"a JSON array", reply(200, js, `[{"email":"x@example.com"}]`), true, 200, "", "accepted"},
		{"invalid JSON", reply(200, js, `{"email":`), true, 200, "", "accepted"},
		{"control bytes in the account", reply(200, js, `{"email":"ann\u001b[31m@example.com\n"}`), true, 200, `ann\x1b[31m@example.com`, ""},
		{"sign-in page instead of data", reply(200, "text/html; charset=utf-8", `<!doctype html><title>Log in</title>`), false, 200, "", "web page instead of data — the sign-in may have expired"},
		{"401", reply(401, js, `{"error":"invalid_token"}`), false, 401, "", "401: the token was rejected"},
		{"403", reply(403, js, `{}`), false, 403, "", "403: signed in, but this account may not read /LoginContexts/Current.json"},
		{"404", reply(404, "text/plain", "nope"), false, 404, "", "404: 127.0.0.1/LoginContexts/Current.json was not found"},
		{"429 with Retry-After", reply(429, "", "", "Retry-After", "30"), false, 429, "", "429: 127.0.0.1 is receiving too many requests from this account and asks for 30 s before the next"},
		{"429 without", reply(429, "", ""), false, 429, "", "too many requests from this account"},
		{"500", reply(500, js, `{"message":"boom"}`), false, 500, "", "500: 127.0.0.1 had an internal error"},
		{"502 HTML error page", reply(502, "text/html", "<html><body><h1>Bad gateway</h1></body></html>"), false, 502, "", "502: 127.0.0.1 is unavailable right now"},
		{"400", reply(400, js, `{}`), false, 400, "", "400: 127.0.0.1 refused the request (Bad Request)"},
		{"server echoes the token", reply(500, "text/plain", "bad token "+token), false, 500, "", "internal error"},
		{"huge answer", reply(200, js, `{"email":"ann@example.com","pad":"`+strings.Repeat("x", 2<<20)+`"}`), true, 200, "", "accepted"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			res := Run(context.Background(), srv.Client(), newRequest(t, srv.URL+"/LoginContexts/Current.json?accept-types=json"), now)
			if res.OK != tc.ok || res.Status != tc.status || res.Account != tc.account || !strings.Contains(res.Message, tc.message) {
				t.Fatalf("got %+v\nwant ok=%v status=%d account=%q message containing %q", res, tc.ok, tc.status, tc.account, tc.message)
			}
			if !res.At.Equal(now) {
				t.Errorf("At = %v, want %v", res.At, now)
			}
			// Facts only: the remedy (Reconnect, Replace key…, a command) is
			// each front end's, which knows what this connection needs.
			if strings.Contains(res.Message, "reconnect") || strings.Contains(res.Message, "try again") || strings.Contains(res.Message, "check the") || strings.Contains(res.Message, "wait ") {
				t.Errorf("the verdict gives advice of its own: %q", res.Message)
			}
			if strings.Contains(res.Message, token) || strings.Contains(res.Account, token) {
				t.Errorf("the result shows the token: %+v", res)
			}
		})
	}
}

func TestRunTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers
	}))
	defer srv.Close()
	hc := srv.Client()
	hc.Timeout = 200 * time.Millisecond
	res := Run(context.Background(), hc, newRequest(t, srv.URL+"/me"), now)
	if res.OK || res.Status != 0 || !strings.HasPrefix(res.Message, "timed out after 0.2 s — 127.0.0.1 did not answer") {
		t.Fatalf("got %+v", res)
	}

	// A deadline on the context counts the same way.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	res = Run(ctx, nil, newRequest(t, srv.URL+"/me"), now)
	if res.OK || !strings.HasPrefix(res.Message, "timed out after 0.3 s") {
		t.Fatalf("context deadline: got %+v", res)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := Run(ctx, nil, newRequest(t, "http://127.0.0.1:9/me"), now)
	if res.OK || res.Message != "the check of 127.0.0.1 was cancelled" {
		t.Fatalf("got %+v", res)
	}
}

func TestRunConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	req := newRequest(t, "http://"+addr+"/me?api-key="+token)
	res := Run(context.Background(), nil, req, now)
	if res.OK || res.Status != 0 || res.Message != "could not reach 127.0.0.1: connection refused" {
		t.Fatalf("got %+v", res)
	}
}

func TestRunUnknownHost(t *testing.T) {
	res := Run(context.Background(), nil, newRequest(t, "https://no-such-host.invalid/me"), now)
	if res.OK || !strings.HasPrefix(res.Message, "could not reach no-such-host.invalid:") || strings.Contains(res.Message, token) {
		t.Fatalf("got %+v", res)
	}
}

func TestRunUntrustedCertificate(t *testing.T) {
	srv := httptest.NewTLSServer(reply(200, "application/json", `{}`))
	defer srv.Close()
	// http.DefaultClient does not trust the test server's certificate.
	res := Run(context.Background(), &http.Client{Timeout: 5 * time.Second}, newRequest(t, srv.URL+"/me"), now)
	if res.OK || !strings.Contains(res.Message, "certificate is not trusted") {
		t.Fatalf("got %+v", res)
	}
}

func TestRunRefusesCrossHostRedirect(t *testing.T) {
	var leaked atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Access") != "" || strings.Contains(r.URL.RawQuery, token) {
			leaked.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"email":"thief@example.com"}`))
	}))
	defer other.Close()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, "/me", http.StatusFound) // same host: followed
		case "/me":
			reply(200, "application/json", `{"email":"ann@example.com"}`)(w, r)
		default:
			http.Redirect(w, r, other.URL+"/steal?copy="+token, http.StatusFound)
		}
	}))
	defer origin.Close()

	res := Run(context.Background(), origin.Client(), newRequest(t, origin.URL+"/away"), now)
	if res.OK || res.Status != http.StatusFound || !strings.Contains(res.Message, "302: 127.0.0.1 redirected to "+other.URL+" — Authdeck did not follow") {
		t.Fatalf("got %+v", res)
	}
	if leaked.Load() != 0 {
		t.Fatal("the credential reached the other host")
	}
	if strings.Contains(res.Message, token) {
		t.Fatalf("the message shows the token: %q", res.Message)
	}

	res = Run(context.Background(), origin.Client(), newRequest(t, origin.URL+"/moved"), now)
	if !res.OK || res.Account != "ann@example.com" {
		t.Fatalf("same-host redirect: got %+v", res)
	}
}

func TestRedactIsTheLastGuard(t *testing.T) {
	req := newRequest(t, "https://a.example/me?api-key=key-0123456789")
	req.Header.Set("Authorization", "Bearer bearer-0123456789")
	req.Header.Set("Cookie", "sid=cookie-0123456789; theme=dark")
	msg := sanitize.Redact("x key-0123456789 bearer-0123456789 cookie-0123456789 dark", secretsOf(req)...)
	if msg != "x [redacted] [redacted] [redacted] dark" {
		t.Fatalf("redact: %q", msg)
	}
}

// A host whose name does not exist is a verdict of its own: a wrong
// address, which trying again does not fix.
func TestNoSuchHostIsSaidApart(t *testing.T) {
	req := newRequest(t, "https://no-such-store.invalid/api/me")
	// The resolver's answer, as Go gives it for a name that does not exist
	// (no DNS server is asked: the test machine may have none).
	tr := &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) {
		return nil, &net.DNSError{Err: "no such host", Name: "no-such-store.invalid", IsNotFound: true}
	}}
	res := Run(context.Background(), &http.Client{Transport: tr, Timeout: 10 * time.Second}, req, time.Now())
	if res.OK || res.Status != 0 || !res.NoSuchHost || !strings.Contains(res.Message, "no such host") {
		t.Fatalf("%+v", res)
	}
}
