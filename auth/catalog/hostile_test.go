package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"authdeck/assets"
	"authdeck/auth/private"
)

// hostile holds every kind of character that acts on a terminal or hides
// text: ESC (a title change), BEL, a one-byte CSI (C1), a right-to-left
// override, an isolate and a zero-width space.
const hostile = "\x1b]0;pwned\x07\u009b2J\u202eevil\u2066x\u200by"

// escaped is hostile as a person sees it after neutralising.
const escaped = `\x1b]0;pwned\x07\x9b2J\u202eevil\u2066x\u200by`

const tokenMethod = `"kind":"token","apply":{"header":"Authorization","scheme":"Bearer"}`

// loadOne writes one providers.d file and loads the catalog.
func loadOne(t *testing.T, name, content string) (*Catalog, string) {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, name, content)
	c, err := Load(assets.Providers, dir)
	if err != nil {
		t.Fatal(err)
	}
	return c, dir
}

// Names, labels and help texts from a providers.d file reach the terminal
// and the window: their control characters arrive as visible escapes.
func TestProvidersDTextIsNeutralised(t *testing.T) {
	j := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	def := `{"id":"acme","name":` + j("Acme "+hostile) + `,` +
		`"params":[{"name":"tenant","label":` + j("L"+hostile) + `,"help":` + j("H"+hostile+"\nnext line") + `}],` +
		`"methods":[{` + tokenMethod + `,"label":` + j("Paste "+hostile) + `,"help":` + j("Help "+hostile) + `,` +
		`"user_label":` + j("U"+hostile) + `,"secret_label":` + j("S"+hostile) + `,` +
		`"known_scopes":[{"name":"read","label":` + j("K"+hostile) + `}]}]}`
	c, _ := loadOne(t, "acme.json", def)
	if len(c.Problems) > 0 {
		t.Fatal(c.Problems)
	}
	p, _ := c.Lookup("acme")
	m := p.Methods[0]
	for field, got := range map[string]string{
		"name": p.Name, "params.label": p.Params[0].Label, "params.help": p.Params[0].Help,
		"label": m.Label, "help": m.Help, "user_label": m.UserLabel, "secret_label": m.SecretLabel,
		"known_scopes.label": m.KnownScopes[0].Label,
	} {
		if !strings.Contains(got, escaped) || strings.ContainsAny(got, "\x1b\x07\u009b\u202e\u2066\u200b") {
			t.Errorf("%s = %q, want the escapes %s", field, got, escaped)
		}
	}
	if p.Params[0].Help != `H`+escaped+"\nnext line" {
		t.Errorf("a help text keeps its line breaks: %q", p.Params[0].Help)
	}
}

// Values a machine reads and a person sees (scopes, client id, header
// scheme) are refused, not rewritten, when they hold such characters; so are
// addresses with C1 controls or bidi overrides, which url.Parse lets through.
func TestProvidersDRefusesControlCharactersInValues(t *testing.T) {
	cases := map[string]string{
		"default_scopes": `"kind":"oauth","label":"x","authorize_url":"https://a.example/a","token_url":"https://a.example/t","apply":{"header":"Authorization","scheme":"Bearer"},"default_scopes":["read\u001b[2J"]`,
		"client_id":      `"kind":"oauth","label":"x","authorize_url":"https://a.example/a","token_url":"https://a.example/t","apply":{"header":"Authorization","scheme":"Bearer"},"client_id":"id\u202e"`,
		"known_scopes":   `"kind":"token","label":"x","apply":{"header":"Authorization","scheme":"Bearer"},"known_scopes":[{"name":"read\u009b","label":"Read"}]`,
		"apply.scheme":   `"kind":"token","label":"x","apply":{"header":"Authorization","scheme":"Bearer\nX-Evil: 1"}`,
		"check_url":      `"kind":"token","label":"x","apply":{"header":"Authorization","scheme":"Bearer"},"check_url":"https://\u202eexample.com/me"`,
		"authorize_url":  `"kind":"oauth","label":"x","authorize_url":"https://%E2%80%AEexample.com/a","token_url":"https://a.example/t","apply":{"header":"Authorization","scheme":"Bearer"}`,
		"docs_url":       `"kind":"token","label":"x","apply":{"header":"Authorization","scheme":"Bearer"}`,
	}
	for field, method := range cases {
		t.Run(field, func(t *testing.T) {
			docs := ""
			if field == "docs_url" {
				docs = `"docs_url":"https://example.com/\u009b2J",`
			}
			c, dir := loadOne(t, "acme.json", `{"id":"acme","name":"Acme",`+docs+`"methods":[{`+method+`}]}`)
			if _, ok := c.Lookup("acme"); ok || len(c.Problems) != 1 {
				t.Fatalf("accepted (problems %v)", c.Problems)
			}
			msg := c.Problems[0].Error()
			if !strings.Contains(msg, filepath.Join(dir, "acme.json")) || !strings.Contains(msg, field) {
				t.Fatalf("problem does not name the file and %s: %s", field, msg)
			}
			if strings.ContainsAny(msg, "\x1b\n\u202e\u009b") {
				t.Fatalf("the problem itself carries the characters: %q", msg)
			}
		})
	}
}

// A hostile definition cannot make lists and the wizard unusable with huge
// names or arrays.
func TestProvidersDRefusesHugeValues(t *testing.T) {
	scopes := `"` + strings.Repeat(`s","`, 1000) + `s"`
	cases := map[string]string{
		"name":                      `{"id":"acme","name":"` + strings.Repeat("A", 81) + `","methods":[{` + tokenMethod + `,"label":"x"}]}`,
		"methods[0].help":           `{"id":"acme","name":"A","methods":[{` + tokenMethod + `,"label":"x","help":"` + strings.Repeat("h", 2001) + `"}]}`,
		"methods[0].default_scopes": `{"id":"acme","name":"A","methods":[{"kind":"oauth","label":"x","authorize_url":"https://a.example/a","token_url":"https://a.example/t","apply":{"header":"Authorization","scheme":"Bearer"},"default_scopes":[` + scopes + `]}]}`,
	}
	cases["methods[0].lifetime_seconds"] = `{"id":"acme","name":"A","methods":[{` + tokenMethod + `,"label":"x","lifetime_seconds":9223372036854775807}]}`
	cases["methods[0].code_lifetime_seconds"] = `{"id":"acme","name":"A","methods":[{` + tokenMethod + `,"label":"x","code_lifetime_seconds":-1}]}`
	for field, def := range cases {
		c, _ := loadOne(t, "acme.json", def)
		if _, ok := c.Lookup("acme"); ok || len(c.Problems) != 1 || !strings.Contains(c.Problems[0].Error(), field) {
			t.Errorf("%s: problems %v", field, c.Problems)
		}
	}
}

// problemFor loads dir and returns the one problem, which must name path.
func problemFor(t *testing.T, dir, path string) error {
	t.Helper()
	c, err := Load(assets.Providers, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.All()) != 5 || len(c.Problems) != 1 || !strings.Contains(c.Problems[0].Error(), path) {
		t.Fatalf("providers %v, problems %v", c.IDs(), c.Problems)
	}
	return c.Problems[0]
}

// A 100 MB definition is refused by its size, without reading it: before,
// every command read it whole (2 s and 460 MB).
func TestProvidersDRefusesAHugeFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.json")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(100 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err = problemFor(t, dir, path)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, private.ErrTooLarge) {
		t.Fatalf("problem = %v, want too large", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
		t.Fatalf("loading allocated %d MB", grew>>20)
	}
}

// A definition another user can change is refused: its check_url could
// send your API key to them.
func TestProvidersDRefusesFilesOthersCanChange(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permissions are ACLs on Windows")
	}
	dir := t.TempDir()
	vend, _ := builtins(t).Lookup("vend")
	vend.Methods[1].CheckURL = "https://attacker.example/steal"
	data, _ := Marshal(vend)
	write(t, dir, "vend.json", string(data))
	path := filepath.Join(dir, "vend.json")
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	var pe *private.Error
	if err := problemFor(t, dir, path); !errors.As(err, &pe) || pe.Why != private.Writable {
		t.Fatalf("world-writable file: %v", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(path, 4242, 4242); err != nil {
			t.Fatal(err)
		}
		if err := problemFor(t, dir, path); !errors.As(err, &pe) || pe.Why != private.OtherOwner {
			t.Fatalf("another user's file: %v", err)
		}
		if err := os.Chown(path, 0, 0); err != nil {
			t.Fatal(err)
		}
	}
	// The folder itself: none of its files is used.
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := problemFor(t, dir, dir); !errors.As(err, &pe) || !pe.Dir {
		t.Fatalf("world-writable providers.d: %v", err)
	}
	c, _ := Load(assets.Providers, dir)
	if got, _ := c.Lookup("vend"); got.Methods[1].CheckURL == vend.Methods[1].CheckURL {
		t.Fatal("the override from a world-writable folder was used")
	}
}

// A problem quotes the value it refuses, but a huge value (an id, an
// unknown field's name, a URL) must not become a huge line on every command.
func TestProblemsStayShort(t *testing.T) {
	huge := strings.Repeat("x", 100<<10)
	for name, def := range map[string]string{
		"id.json":    `{"id":"` + huge + `","name":"A","methods":[{` + tokenMethod + `,"label":"x"}]}`,
		"field.json": `{"id":"field","name":"A","` + huge + `":1,"methods":[{` + tokenMethod + `,"label":"x"}]}`,
		"url.json":   `{"id":"url","name":"A","methods":[{` + tokenMethod + `,"label":"x","check_url":"http://` + huge + `.example/"}]}`,
	} {
		c, _ := loadOne(t, name, def)
		if len(c.Problems) != 1 || len(c.Problems[0].Error()) > 1000 {
			t.Errorf("%s: %d problems, first %d bytes long", name, len(c.Problems), len(fmt.Sprint(c.Problems)))
		}
	}
}

// encoding/json matches keys regardless of case and keeps the last of two:
// a file could show "check_url" to its reader and hide a "CHECK_URL" (or a
// "ſ" for an "s") further down that wins. Such files are refused.
func TestProvidersDRefusesKeysThatHideOthers(t *testing.T) {
	head := `{"id":"acme","name":"Acme","methods":[{` + tokenMethod + `,"label":"x","check_url":"https://api.example.com/me"`
	for name, tail := range map[string]string{
		"upper case":       `,"CHECK_URL":"https://attacker.example/steal"}]}`,
		"twice":            `,"check_url":"https://attacker.example/steal"}]}`,
		"long s":           `,"ſcope_separator":","}]}`,
		"twice at the top": `}],"name":"Other"}`,
	} {
		c, _ := loadOne(t, "acme.json", head+strings.Repeat(" ", 1000)+tail)
		if p, ok := c.Lookup("acme"); ok || len(c.Problems) != 1 || !strings.Contains(c.Problems[0].Error(), "key") {
			t.Errorf("%s: loaded %+v, problems %v", name, p.Methods, c.Problems)
		}
	}
	c, _ := loadOne(t, "acme.json", head+`}]}`)
	if _, ok := c.Lookup("acme"); !ok {
		t.Fatalf("the plain file was refused: %v", c.Problems)
	}
}

// The key check walks any bytes without panicking: broken JSON is left to
// the decoder's own error.
func TestCheckKeysSurvivesBrokenJSON(t *testing.T) {
	for _, in := range []string{"", "]", "}", "[}", "{]", `{"a":}`, `{"a"`, `{"a":[1,{"b":2}],"c":{}}`, `[[[`, `{"a":1}}`, `"x"`, `{"A":1`} {
		_ = checkKeys([]byte(in))
		if _, err := Parse([]byte(in), "x.json"); err == nil {
			t.Errorf("%q parsed", in)
		}
	}
}
