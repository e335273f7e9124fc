// Package standin holds what tests put in place of a person and their
// machine: a free loopback port, and a browser that answers the sandbox
// provider's consent page.
package standin

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

// FreePort returns a loopback port that was free a moment ago.
func FreePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// Browser returns an opener that answers the sandbox's consent page with
// decision ("approve" or "deny") and follows the redirect to the loopback
// callback, in the background as a real browser would.
func Browser(decision string) func(authorizeURL string) error {
	return func(authorizeURL string) error {
		go func() {
			// #nosec G107 -- a test's stand-in browser: the URL is the consent page the flow under test just opened.
			resp, err := http.PostForm(authorizeURL, url.Values{"decision": {decision}})
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
		return nil
	}
}
