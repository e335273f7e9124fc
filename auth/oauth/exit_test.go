package oauth

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"authdeck/auth/catalog"
)

// TestHelperSignInThenExit is not a test on its own: run by
// TestPageArrivesBeforeTheProgramExits as a child process, it waits for one
// sign-in and exits the moment Authorize returns, as `authdeck connect` does.
func TestHelperSignInThenExit(t *testing.T) {
	if os.Getenv("AUTHDECK_HELPER_SIGN_IN_EXIT") != "1" {
		t.Skip("a helper process for TestPageArrivesBeforeTheProgramExits")
	}
	p := catalog.Provider{ID: "acme", Name: "Acme", Methods: []catalog.Method{{Kind: catalog.KindOAuth,
		AuthorizeURL: "http://127.0.0.1:9/authorize", TokenURL: "http://127.0.0.1:9/token", ClientID: "app", PKCE: true}}}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := (&Client{}).Authorize(ctx, Config{Provider: p, Method: p.Methods[0], RedirectURI: "http://127.0.0.1:0/callback/acme"},
		AuthorizeOptions{Open: func(u string) error { fmt.Println("OPEN " + u); return nil }})
	fmt.Println("DONE", err != nil)
	os.Exit(0) // at once, with the listener's goroutines still running
}

// Issue 20.4: `connect` exited before the browser had its error page (2 of
// 8 runs). Authorize returns only once the last page was sent whole.
func TestPageArrivesBeforeTheProgramExits(t *testing.T) {
	for run := 0; run < 8; run++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSignInThenExit$", "-test.count=1")
		cmd.Env = append(os.Environ(), "AUTHDECK_HELPER_SIGN_IN_EXIT=1")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(out)
		var authorizeURL string
		for lines.Scan() {
			if u, ok := strings.CutPrefix(lines.Text(), "OPEN "); ok {
				authorizeURL = u
				break
			}
		}
		au, err := url.Parse(authorizeURL)
		if err != nil || authorizeURL == "" {
			_ = cmd.Process.Kill()
			t.Fatalf("run %d: no authorize URL from the helper (%v)", run, err)
		}
		q := au.Query()
		resp, err := http.Get(q.Get("redirect_uri") + "?error=access_denied&state=" + url.QueryEscape(q.Get("state")))
		var body []byte
		if err == nil {
			body, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		_, _ = io.Copy(io.Discard, out)
		_ = cmd.Wait()
		if err != nil || !strings.Contains(string(body), "Access was denied") || !strings.Contains(string(body), "</html>") {
			t.Fatalf("run %d: the browser did not get the whole page before the program exited: %v, %q", run, err, body)
		}
	}
}
