package oauth

import (
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"authdeck/auth/catalog"
)

const chromiumPath = "/usr/bin/chromium"

// TestImplicitRelayChromium runs the relay page's real script in headless
// Chromium: the token in the fragment reaches Authdeck only through it, and
// the page's CSP must let that one script (and nothing else) run.
func TestImplicitRelayChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("AUTHDECK_REQUIRE_CHROMIUM") == "1" {
			t.Fatalf("chromium is required (AUTHDECK_REQUIRE_CHROMIUM=1) but %s is missing", chromiumPath)
		}
		t.Skip("chromium not installed")
	}
	clock := newClock()
	ts := vinliFake(t)
	p, m := repoint(t, builtin(t, "vinli"), catalog.KindImplicit, func(m *catalog.Method) {
		m.AuthorizeURL = ts.URL + "/oauth/authorization/new"
	})
	var mu sync.Mutex
	var cmd *exec.Cmd
	open := func(u string) error {
		mu.Lock()
		defer mu.Unlock()
		cmd = exec.Command(chromiumPath, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--user-data-dir="+t.TempDir(), u)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // so the cleanup ends chromium's helpers too
		return cmd.Start()
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if cmd != nil && cmd.Process != nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			_ = cmd.Wait()
		}
	})
	res, err := (&Client{Now: clock.Now}).Authorize(withTimeout(t, 60*time.Second), Config{
		Provider: p, Method: m, ClientID: "vinli-app", RedirectURI: anyPort + "vinli",
	}, AuthorizeOptions{Open: open})
	if err != nil {
		t.Fatal(err)
	}
	if res.Token.AccessToken != "vinli-token-1" || !res.Token.ExpiresAt.Equal(clock.Now().Add(2*time.Hour)) {
		t.Errorf("token = %+v", res.Token)
	}
}
