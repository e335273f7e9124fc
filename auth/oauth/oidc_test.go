package oauth

import (
	"bufio"
	"encoding/json"
	"html"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// oidcProvider starts panva's oidc-provider (a certified OpenID provider,
// installed under testdata/oidc by `make deps-oidc`, i.e. npm ci) on
// 127.0.0.1 and returns its issuer. Without node or the installed package
// the test is skipped, unless AUTHDECK_REQUIRE_OIDC is set (make test).
func oidcProvider(t *testing.T, clientID, clientSecret string) string {
	t.Helper()
	dir := filepath.Join("testdata", "oidc")
	node, err := exec.LookPath("node")
	_, modErr := os.Stat(filepath.Join(dir, "node_modules", "oidc-provider"))
	if err != nil || modErr != nil {
		if os.Getenv("AUTHDECK_REQUIRE_OIDC") != "" {
			t.Fatalf("oidc-provider is required: install it with `make deps-oidc` (node: %v, package: %v)", err, modErr)
		}
		t.Skip("oidc-provider is not installed: run `make deps-oidc`")
	}
	cmd := exec.Command(node, "server.mjs", clientID, clientSecret)
	cmd.Dir = dir
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close() // the server ends with its stdin
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- s
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case s := <-line:
		var out struct{ Issuer string }
		if json.Unmarshal([]byte(s), &out) != nil || out.Issuer == "" {
			t.Fatalf("oidc-provider did not start: %q %s", s, stderr.String())
		}
		return out.Issuer
	case <-time.After(30 * time.Second):
		t.Fatalf("oidc-provider did not start within 30 s: %s", stderr.String())
	}
	return ""
}

var formRE = regexp.MustCompile(`(?s)<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>`)
var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)

// submit posts the page's first form with its hidden fields and extra, as a
// person pressing its button does, and keeps the page it leads to.
func (b *browser) submit(page visit, extra url.Values) (visit, error) {
	m := formRE.FindStringSubmatch(page.body)
	if m == nil {
		b.t.Fatalf("no form on %s: %s", page.url, page.body)
	}
	action, err := page.url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		return visit{}, err
	}
	v := url.Values{}
	for _, h := range hiddenRE.FindAllStringSubmatch(m[2], -1) {
		v.Set(h[1], html.UnescapeString(h[2]))
	}
	for k := range extra {
		v.Set(k, extra.Get(k))
	}
	resp, err := b.hc.PostForm(action.String(), v)
	if err != nil {
		return visit{}, err
	}
	return b.keep(resp)
}

// Issue 13.8, against a real certified OpenID provider: discovery, the
// consent through its own login and consent pages, the code exchange with
// Basic client auth and PKCE, and a refresh. oidc-provider follows OpenID
// Connect Core §11 strictly: offline_access without prompt=consent is
// dropped and no refresh token is issued.
func TestCertifiedOpenIDProvider(t *testing.T) {
	const clientID, clientSecret = "authdeck-test", "oidc-client-secret-0123456789"
	issuer := oidcProvider(t, clientID, clientSecret)
	ctx := withTimeout(t, 60*time.Second)
	p, err := Discover(ctx, nil, "oidc", issuer)
	if err != nil {
		t.Fatal(err)
	}
	m := p.Methods[0]
	if !m.OpenID || !m.PKCE || !m.Refresh || !slices.Contains(m.DefaultScopes, "offline_access") {
		t.Fatalf("discovered method = %+v: want OpenID, PKCE, refresh and offline_access", m)
	}
	signIn := func(t *testing.T, openID bool) Result {
		m := m
		m.OpenID = openID
		b := newBrowser(t, nil)
		open := func(u string) error {
			b.busy.Add(1)
			defer b.busy.Done()
			login, err := b.get(u)
			if err != nil {
				return err
			}
			consent, err := b.submit(login, url.Values{"login": {"alice"}, "password": {"any"}})
			if err != nil {
				return err
			}
			_, err = b.submit(consent, nil)
			return err
		}
		res, err := (&Client{}).Authorize(ctx, Config{Provider: p, Method: m, ClientID: clientID, ClientSecret: clientSecret,
			RedirectURI: "http://127.0.0.1:0/callback/oidc"}, AuthorizeOptions{Open: open})
		if err != nil {
			t.Fatal(err)
		}
		assertPage(t, b.lastVisit(), 200, "Connected to 127.0.0.1", clientSecret)
		return res
	}

	t.Run("prompt=consent with offline_access", func(t *testing.T) {
		res := signIn(t, true)
		if res.Token.RefreshToken == "" || len(res.Token.NotGranted) != 0 || !slices.Contains(res.Token.Scopes, "offline_access") {
			t.Fatalf("token = %+v: want a refresh token and offline_access granted", res.Token)
		}
		tok, err := (&Client{}).Refresh(ctx, Config{Provider: p, Method: m, ClientID: clientID, ClientSecret: clientSecret}, res.Token.RefreshToken)
		if err != nil || tok.AccessToken == "" || tok.AccessToken == res.Token.AccessToken || tok.RefreshToken == "" {
			t.Fatalf("refresh: %+v, %v", tok, err)
		}
	})
	t.Run("without prompt=consent the provider drops offline_access, and says so", func(t *testing.T) {
		res := signIn(t, false)
		if res.Token.RefreshToken != "" || !slices.Equal(res.Token.NotGranted, []string{"offline_access"}) {
			t.Fatalf("token = %+v: want no refresh token and offline_access reported not granted", res.Token)
		}
	})
}
