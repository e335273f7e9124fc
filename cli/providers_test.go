package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"authdeck/auth/catalog"
	"authdeck/auth/secret"
)

// discoveryIssuer is an issuer on 127.0.0.1 that publishes only its
// OpenID configuration.
func discoveryIssuer(t *testing.T) string {
	t.Helper()
	var ts *httptest.Server
	ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": ts.URL, "authorization_endpoint": ts.URL + "/authorize", "token_endpoint": ts.URL + "/token",
			"userinfo_endpoint": ts.URL + "/userinfo", "scopes_supported": []string{"openid"},
		})
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// Issue 20.2: `providers add vend --from-issuer …` silently replaced the
// built-in Vend. An existing id is refused, saying how many connections use
// it; --replace replaces it and names them.
func TestProvidersAddRefusesAnExistingID(t *testing.T) {
	dir := t.TempDir()
	issuer := discoveryIssuer(t)
	mem := secret.NewMemory()
	if r := run(t, dir, mem, "tok", "add", "shop", "--provider", "vend", "--method", "token", "--param", "domain_prefix=myshop", "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	r := run(t, dir, mem, "", "providers", "add", "vend", "--from-issuer", issuer)
	if r.code == 0 || !strings.Contains(r.stderr, `there is already a provider "vend"`) || !strings.Contains(r.stderr, "used by 1 connection (shop)") || !strings.Contains(r.stderr, "--replace") {
		t.Fatalf("providers add over vend: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "providers.d", "vend.json")); err == nil {
		t.Fatal("the refused definition was written")
	}
	r = run(t, dir, mem, "", "providers", "add", "vend", "--from-issuer", issuer, "--replace")
	if r.code != 0 || !strings.Contains(r.stderr, "Replacing vend (Vend, built in), used by 1 connection(s): shop") {
		t.Fatalf("providers add --replace: %+v", r)
	}
	// The replaced definition gets nothing of the connection's.
	r = run(t, dir, mem, "", "header", "shop")
	if r.code == 0 || strings.Contains(r.stdout, "tok") {
		t.Fatalf("header after the definition was replaced: %+v", r)
	}
}

// Issue 21.13 and 20.2: without an ID the id is made from the issuer, one
// per issuer (two ports on one host get two), and --name names it.
func TestProvidersAddFromIssuerWithName(t *testing.T) {
	dir := t.TempDir()
	a, b := discoveryIssuer(t), discoveryIssuer(t)
	r := run(t, dir, secret.NewMemory(), "", "providers", "add", "--from-issuer", a, "--name", "CRM")
	want := filepath.Join(dir, "providers.d", catalog.IssuerID(a)+".json")
	if r.code != 0 || strings.TrimSpace(r.stdout) != want || !strings.Contains(r.stderr, "(CRM)") {
		t.Fatalf("providers add --name: %+v", r)
	}
	if r := run(t, dir, secret.NewMemory(), "", "providers", "add", "--from-issuer", b); r.code != 0 {
		t.Fatalf("a second issuer on another port: %+v", r)
	}
	r = run(t, dir, secret.NewMemory(), "", "providers", "--json")
	var rows []providerRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, row := range rows {
		names[row.ID] = row.Name
	}
	if names[catalog.IssuerID(a)] != "CRM" || names[catalog.IssuerID(b)] != strings.TrimPrefix(b, "http://") {
		t.Fatalf("providers: %v", names)
	}
}

// Issue 20.4: guesses are shown in words where a person decides.
func TestProvidersShowSaysWhichValuesAreGuesses(t *testing.T) {
	r := run(t, t.TempDir(), secret.NewMemory(), "", "providers", "show", "vinsight", "--json")
	want := fmt.Sprintf("Best guesses for oauth (%s): Vinsight's documentation does not state the sign-in page address (authorize_url)", "Sign in with your Vinsight account (recommended)")
	if r.code != 0 || !strings.Contains(r.stderr, want) {
		t.Fatalf("show vinsight: %+v", r)
	}
	if _, err := catalog.Parse([]byte(r.stdout), "stdout"); err != nil {
		t.Fatalf("stdout is no longer a definition alone: %v", err)
	}
	dir, mem := t.TempDir(), secret.NewMemory()
	if r := run(t, dir, mem, "cs", "add", "cellar", "--provider", "vinsight", "--client-id", "app", "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if r := run(t, dir, mem, "", "details", "cellar"); r.code != 0 || !strings.Contains(r.stdout, "guesses: Vinsight's documentation does not state the sign-in page address (authorize_url)") {
		t.Fatalf("details: %+v", r)
	}
}
