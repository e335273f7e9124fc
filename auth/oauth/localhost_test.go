package oauth

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"authdeck/auth/catalog"
)

func localhostProvider() (catalog.Provider, catalog.Method) {
	p := catalog.Provider{ID: "acme", Name: "Acme", Methods: []catalog.Method{{Kind: catalog.KindImplicit,
		AuthorizeURL: "http://127.0.0.1:9/authorize", ClientID: "app", AnyPort: true}}}
	return p, p.Methods[0]
}

// Issue 20.3: a redirect address on localhost binds every address a browser
// takes localhost to — 127.0.0.1 and ::1 on the same port — so no other
// local user can listen on the one left free and receive the token there.
// The answer may come back on either.
func TestLocalhostRedirectBindsBothLoopbacks(t *testing.T) {
	if ln, err := net.Listen("tcp6", "[::1]:0"); err != nil {
		t.Skip("no IPv6 loopback here: ", err)
	} else {
		ln.Close()
	}
	p, m := localhostProvider()
	var taken error
	open := func(u string) error {
		au, _ := url.Parse(u)
		q := au.Query()
		ru, _ := url.Parse(q.Get("redirect_uri"))
		// Another local user tries the address left free.
		if ln, err := net.Listen("tcp6", net.JoinHostPort("::1", ru.Port())); err == nil {
			ln.Close()
			taken = err
		} else {
			taken = err
		}
		go func() {
			form := url.Values{"fragment": {"access_token=tok-123&state=" + url.QueryEscape(q.Get("state"))}}
			resp, err := http.PostForm("http://[::1]:"+ru.Port()+ru.Path, form)
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
		return nil
	}
	res, err := (&Client{}).Authorize(withTimeout(t, 30*time.Second), Config{Provider: p, Method: m,
		RedirectURI: "http://localhost:0/callback/acme"}, AuthorizeOptions{Open: open})
	if taken == nil {
		t.Error("[::1] on the callback's port was free for another program while the sign-in waited")
	}
	if err != nil || res.Token.AccessToken != "tok-123" || !strings.HasPrefix(res.RedirectURI, "http://localhost:") {
		t.Fatalf("the answer through ::1: %+v, %v", res, err)
	}
}

// If [::1] on the registered port is held by someone else, the sign-in does
// not start (the browser could be sent there).
func TestLocalhostRedirectRefusesAHeldIPv6Port(t *testing.T) {
	other, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skip("no IPv6 loopback here: ", err)
	}
	defer other.Close()
	port := other.Addr().(*net.TCPAddr).Port
	p, m := localhostProvider()
	m.AnyPort = false
	_, err = (&Client{}).Authorize(withTimeout(t, 10*time.Second), Config{Provider: p, Method: m,
		RedirectURI: "http://localhost:" + strconv.Itoa(port) + "/callback/acme"}, AuthorizeOptions{Open: func(string) error {
		t.Error("the browser was opened though ::1 on the port belongs to another program")
		return nil
	}})
	if err == nil || !strings.Contains(err.Error(), "cannot listen on [::1]:") {
		t.Fatalf("err = %v, want a refusal naming [::1]", err)
	}
}
