package catalog

import (
	"strings"
	"testing"

	"authdeck/assets"
)

// FuzzParse feeds arbitrary providers.d files to the parser: it must never
// panic, and whatever it accepts must be safe to use — every URL https or
// loopback http — and must survive Marshal/Parse unchanged.
func FuzzParse(f *testing.F) {
	c, err := Load(assets.Providers, "")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range c.All() {
		data, _ := Marshal(p)
		f.Add(data)
	}
	f.Add([]byte(`{"id":"x","name":"X","methods":[{"kind":"token","label":"t","apply":{"query":"k"}}]}`))
	f.Add([]byte(`{"id":"x","name":"X","params":[{"name":"t"}],"methods":[{"kind":"oauth","label":"t","authorize_url":"https://{t}.a/b","token_url":"http://127.0.0.1:{t}/t","apply":{"header":"A"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data, "fuzz.json")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, m := range p.Methods {
			for _, u := range []string{m.AuthorizeURL, m.TokenURL, m.LoginURL, m.CheckURL} {
				if u == "" {
					continue
				}
				sample := placeholderRE().ReplaceAllString(u, "1")
				if err := CheckURL(sample); err != nil {
					t.Fatalf("accepted an unsafe URL %q: %v", u, err)
				}
			}
		}
		out, err := Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(out, "fuzz.json")
		if err != nil {
			t.Fatalf("accepted definition does not re-parse: %v\n%s", err, out)
		}
		again, _ := Marshal(back)
		if string(again) != string(out) {
			t.Fatalf("round trip changed the definition:\n%s\n%s", out, again)
		}
	})
}
