package catalog

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"authdeck/assets"
)

const providersDoc = "../../docs/providers.md"

// docExample returns the JSON block that follows the "example:" marker in
// docs/providers.md.
func docExample(t *testing.T) []byte {
	t.Helper()
	doc, err := os.ReadFile(providersDoc)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "<!-- example: providers.d/acme.json")
	if !ok {
		t.Fatalf("%s: the worked example's marker is gone", providersDoc)
	}
	_, rest, ok = strings.Cut(rest, "```json\n")
	if !ok {
		t.Fatalf("%s: no ```json block after the example marker", providersDoc)
	}
	block, _, ok := strings.Cut(rest, "\n```")
	if !ok {
		t.Fatalf("%s: the example's JSON block is not closed", providersDoc)
	}
	return []byte(block)
}

// TestDocExampleLoads keeps the worked example in docs/providers.md true: it
// parses and validates, and as providers.d/acme.json it adds a provider.
func TestDocExampleLoads(t *testing.T) {
	data := docExample(t)
	p, err := Parse(data, "docs/providers.md example")
	if err != nil {
		t.Fatalf("the documented example is refused: %v", err)
	}
	oauth, ok := p.Method(KindOAuth)
	if p.ID != "acme" || !ok || !oauth.PKCE || !oauth.PublicClient || !oauth.Refresh {
		t.Fatalf("the example should be an oauth provider acme with PKCE, a public client and refresh: %+v", p)
	}
	if _, err := p.Expand(oauth.TokenURL, map[string]string{"tenant": "mycompany"}); err != nil {
		t.Fatalf("the example's token address with the documented --param: %v", err)
	}

	dir := filepath.Join(t.TempDir(), "providers.d")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "acme.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(assets.Providers, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) != 0 {
		t.Fatalf("problems: %v", c.Problems)
	}
	got, ok := c.Lookup("acme")
	if !ok {
		t.Fatalf("acme is not in the catalog: %v", c.IDs())
	}
	// `providers show --json` prints Marshal's output; it must read back the same.
	out, err := Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(out, "round trip")
	if err != nil {
		t.Fatalf("show's output of the example is refused: %v", err)
	}
	again.Source, got.Source = "", ""
	if !reflect.DeepEqual(again, got) {
		t.Fatalf("round trip changed the definition:\n%+v\n%+v", got, again)
	}
}

// TestDocNamesEveryField fails when a field is added to the format without
// a line in docs/providers.md.
func TestDocNamesEveryField(t *testing.T) {
	doc, err := os.ReadFile(providersDoc)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[Provider](), reflect.TypeFor[Param](), reflect.TypeFor[Method]()} {
		for f := range typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			if !strings.Contains(string(doc), "| `"+name+"` |") {
				t.Errorf("%s: field %s.%s (%q) has no row in the field tables", providersDoc, typ.Name(), f.Name, name)
			}
		}
	}
	for f := range reflect.TypeFor[Apply]().Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !strings.Contains(string(doc), "| `apply."+name+"` |") {
			t.Errorf("%s: field apply.%s has no row in the field tables", providersDoc, name)
		}
	}
	for _, k := range Kinds {
		if !strings.Contains(string(doc), "`"+string(k)+"` (") {
			t.Errorf("%s: method kind %q is not described", providersDoc, k)
		}
	}
}
