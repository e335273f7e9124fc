package catalog

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"authdeck/assets"
)

func builtins(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load(assets.Providers, filepath.Join(t.TempDir(), "providers.d"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBuiltinsLoad(t *testing.T) {
	c := builtins(t)
	if got, want := c.IDs(), []string{"vinsight", "vinli", "vend", "vcita", "sandbox"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ids = %v, want %v", got, want)
	}
	if len(c.Problems) != 0 {
		t.Fatalf("problems: %v", c.Problems)
	}
}

// Every value the seed documents state is in the catalog exactly.
func TestSeedValues(t *testing.T) {
	c := builtins(t)
	method := func(id string, k Kind) Method {
		p, ok := c.Lookup(id)
		if !ok {
			t.Fatalf("no provider %s", id)
		}
		m, ok := p.Method(k)
		if !ok {
			t.Fatalf("%s has no %s method", id, k)
		}
		return m
	}
	cases := []struct {
		name      string
		got, want any
	}{
		{"vinsight token url", method("vinsight", KindOAuth).TokenURL, "https://app.vinsight.net/oauth/access_token"},
		{"vinsight token request in query", method("vinsight", KindOAuth).TokenRequest, RequestQuery},
		{"vinsight state is a nonce", method("vinsight", KindOAuth).State(), "nonce"},
		{"vinsight scopes space-separated", method("vinsight", KindOAuth).Separator(), " "},
		{"vinsight X-Access", method("vinsight", KindOAuth).Apply, Apply{Header: "X-Access"}},
		{"vinsight who-am-I", method("vinsight", KindOAuth).CheckURL, "https://app.vinsight.net/LoginContexts/Current.json"},
		{"vinsight one year", method("vinsight", KindOAuth).LifetimeSeconds, int64(31536000)},
		{"vinsight no refresh", method("vinsight", KindOAuth).Refresh, false},
		{"vinsight authorize unconfirmed", method("vinsight", KindOAuth).IsUnconfirmed("authorize_url"), true},
		{"vinsight api-key query", method("vinsight", KindAPIKey).Apply, Apply{Query: "api-key"}},
		{"vinsight api-key 12 months", method("vinsight", KindAPIKey).LifetimeSeconds, int64(365 * 24 * 3600)},
		{"vinsight cookie login", method("vinsight", KindSession).LoginURL, "https://app.vinsight.net/LoginContexts?accept-types=json"},
		{"vinli authorize", method("vinli", KindImplicit).AuthorizeURL, "https://auth.vin.li/oauth/authorization/new"},
		{"vinli code flow authorize", method("vinli", KindOAuth).AuthorizeURL, "https://auth.vin.li/oauth/authorization/new"},
		{"vinli token url unconfirmed", method("vinli", KindOAuth).IsUnconfirmed("token_url"), true},
		{"vinli bearer", method("vinli", KindImplicit).Apply, Apply{Header: "Authorization", Scheme: "Bearer"}},
		{"vinli devices", method("vinli", KindBasic).CheckURL, "https://platform.vin.li/api/v1/devices"},
		{"vinli basic", method("vinli", KindBasic).Apply, Apply{Header: "Authorization", Scheme: "Basic"}},
		{"vend authorize", method("vend", KindOAuth).AuthorizeURL, "https://secure.vendhq.com/connect"},
		{"vend per-store token url", method("vend", KindOAuth).TokenURL, "https://{domain_prefix}.vendhq.com/api/1.0/token"},
		{"vend form body", method("vend", KindOAuth).TokenRequest, RequestForm},
		{"vend domain_prefix from callback", method("vend", KindOAuth).CallbackParams, []string{"domain_prefix"}},
		{"vend refresh", method("vend", KindOAuth).Refresh, true},
		{"vend 24 h", method("vend", KindOAuth).LifetimeSeconds, int64(86400)},
		{"vend personal token bearer", method("vend", KindToken).Apply, Apply{Header: "Authorization", Scheme: "Bearer"}},
		{"vcita token url", method("vcita", KindOAuth).TokenURL, "https://api.vcita.biz/oauth/token"},
		{"vcita JSON body", method("vcita", KindOAuth).TokenRequest, RequestJSON},
		{"vcita userinfo", method("vcita", KindOAuth).CheckURL, "https://api.vcita.biz/oauth/userinfo"},
		{"vcita 20 years", method("vcita", KindOAuth).LifetimeSeconds, int64(631152000)},
		{"vcita no refresh", method("vcita", KindOAuth).Refresh, false},
		{"vcita authorize unconfirmed", method("vcita", KindOAuth).IsUnconfirmed("authorize_url"), true},
	}
	for _, tc := range cases {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

// Marshal prints exactly what Parse reads back: `providers show ID --json >
// providers.d/ID.json` round-trips.
func TestMarshalRoundTrips(t *testing.T) {
	for _, p := range builtins(t).All() {
		data, err := Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(data, "x.json")
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		back.Source = p.Source
		if !reflect.DeepEqual(back, p) {
			t.Errorf("%s does not round-trip:\n%+v\n%+v", p.ID, p, back)
		}
		again, _ := Marshal(back)
		if !bytes.Equal(again, data) {
			t.Errorf("%s: second Marshal differs", p.ID)
		}
	}
}

func TestProvidersDirOverridesAndAdds(t *testing.T) {
	dir := t.TempDir()
	vend, _ := builtins(t).Lookup("vend")
	vend.Name = "Vend (our override)"
	data, _ := Marshal(vend)
	write(t, dir, "vend.json", string(data))
	write(t, dir, "acme.json", `{"id":"acme","name":"Acme","methods":[{"kind":"token","label":"Paste a token","apply":{"header":"Authorization","scheme":"Bearer"}}]}`)
	c, err := Load(assets.Providers, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) > 0 {
		t.Fatal(c.Problems)
	}
	got, _ := c.Lookup("vend")
	if got.Name != "Vend (our override)" || got.BuiltIn() {
		t.Fatalf("override not applied: %+v", got)
	}
	if _, ok := c.Lookup("acme"); !ok {
		t.Fatal("new provider not added")
	}
	if ids := c.IDs(); ids[len(ids)-1] != "acme" || len(ids) != 6 {
		t.Fatalf("ids = %v", ids)
	}
}

// A bad file is refused with its file and field named, and never hides the
// other providers.
func TestBadDefinitionsNameFileAndField(t *testing.T) {
	const ok = `"apply":{"header":"Authorization","scheme":"Bearer"}`
	cases := []struct {
		file, content, want string
	}{
		{"unknown.json", `{"id":"unknown","name":"U","colour":"red","methods":[{"kind":"token","label":"x",` + ok + `}]}`, `unknown field "colour"`},
		{"nourl.json", `{"id":"nourl","name":"N","methods":[{"kind":"oauth","label":"x","authorize_url":"https://a.example/auth",` + ok + `}]}`, "methods[0].token_url: missing"},
		{"plain.json", `{"id":"plain","name":"P","methods":[{"kind":"oauth","label":"x","authorize_url":"http://a.example/auth","token_url":"https://a.example/t",` + ok + `}]}`, "methods[0].authorize_url"},
		{"mismatch.json", `{"id":"other","name":"M","methods":[{"kind":"token","label":"x",` + ok + `}]}`, "does not match the file name"},
		{"broken.json", `{"id":`, "not a valid definition"},
		{"undeclared.json", `{"id":"undeclared","name":"U","methods":[{"kind":"token","label":"x","check_url":"https://{tenant}.example/me",` + ok + `}]}`, "{tenant}"},
		{"kind.json", `{"id":"kind","name":"K","methods":[{"kind":"magic","label":"x",` + ok + `}]}`, `"magic" is not a method kind`},
	}
	dir := t.TempDir()
	for _, tc := range cases {
		write(t, dir, tc.file, tc.content)
	}
	c, err := Load(assets.Providers, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.All()) != 5 {
		t.Errorf("bad files hid or added providers: %v", c.IDs())
	}
	for _, tc := range cases {
		found := false
		for _, p := range c.Problems {
			msg := p.Error()
			if strings.Contains(msg, filepath.Join(dir, tc.file)) && strings.Contains(msg, tc.want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no problem naming the file and %q in %v", tc.file, tc.want, c.Problems)
		}
	}
}

func TestLoopbackHTTPAllowed(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080/t", "http://[::1]:9/t", "http://localhost/t", "https://example.com/t"} {
		if err := CheckURL(u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	for _, u := range []string{"http://example.com/t", "ftp://example.com", "https://user:pw@example.com/", "/relative", "http://127.0.0.1.example.com/"} {
		if err := CheckURL(u); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
}

// A hostile domain_prefix never becomes part of a URL.
func TestExpandRefusesHostileParams(t *testing.T) {
	vend, _ := builtins(t).Lookup("vend")
	m, _ := vend.Method(KindOAuth)
	for _, bad := range []string{"evil.example.net/x?", "a.b", "shop/..", "-x", "x y", "x%2e", "", "ünï"} {
		if got, err := vend.Expand(m.TokenURL, map[string]string{"domain_prefix": bad}); err == nil {
			t.Errorf("%q expanded to %s", bad, got)
		}
	}
	got, err := vend.Expand(m.TokenURL, map[string]string{"domain_prefix": "my-shop1"})
	if err != nil || got != "https://my-shop1.vendhq.com/api/1.0/token" {
		t.Fatalf("Expand = %q, %v", got, err)
	}
	sb, _ := builtins(t).Lookup("sandbox")
	if got, _ := sb.Expand("http://127.0.0.1:{port}/x", nil); got != "http://127.0.0.1:17824/x" {
		t.Fatalf("default not used: %s", got)
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
