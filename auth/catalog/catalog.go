package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"authdeck/auth/private"
)

// MaxFileSize is the largest providers.d file Authdeck reads: a definition is
// a few KiB, and a huge file must not cost every command seconds and memory.
const MaxFileSize = 256 << 10

// Catalog is the set of providers a person can connect to: the built-ins,
// replaced or extended by the files in providers.d.
type Catalog struct {
	providers []Provider
	// Problems lists definitions that were refused, each naming its file and
	// field. A bad file never hides the other providers.
	Problems []error
}

// Parse decodes and validates one definition. source names it in errors.
func Parse(data []byte, source string) (Provider, error) {
	if err := checkKeys(data); err != nil {
		return Provider{}, &FieldError{Source: source, Reason: err.Error()}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Provider
	if err := dec.Decode(&p); err != nil {
		return Provider{}, &FieldError{Source: source, Reason: "not a valid definition: " + jsonReason(err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return Provider{}, &FieldError{Source: source, Reason: "unexpected data after the definition: a file holds one provider"}
	}
	p.Source = source
	p.neutralise()
	return p, p.Validate()
}

// keyFrame is one open object or array while checkKeys walks a document.
type keyFrame struct {
	object, wantKey bool
	seen            map[string]bool
}

// keyRE is what every key of the format looks like. encoding/json would
// also match "CHECK_URL", and "ſtate_param" (a long s) to "state_param".
var keyRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9_]+$`) })

// checkKeys refuses a key that is not lower case or that appears twice in
// one object. encoding/json matches keys regardless of case and keeps the
// last of two, so a file could show "check_url" to a reader and hide a
// "CHECK_URL" further down that wins. Syntax errors are left to the decoder.
func checkKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []*keyFrame
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		var top *keyFrame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if top != nil && top.object && top.wantKey {
			key, _ := tok.(string)
			if !keyRE().MatchString(key) {
				return fmt.Errorf("key %q: keys are lower-case ASCII, e.g. check_url", key)
			}
			if top.seen[key] {
				return fmt.Errorf("key %q appears twice in one object: keep one", key)
			}
			top.seen[key], top.wantKey = true, false
			continue
		}
		if top != nil && top.object {
			top.wantKey = true // after this value comes the next key
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, &keyFrame{object: d == '{', wantKey: d == '{', seen: map[string]bool{}})
		}
	}
}

// jsonReason turns a decoding error into words that name the field.
func jsonReason(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("%s: expected %s, found %s", typeErr.Field, typeErr.Type, typeErr.Value)
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Sprintf("JSON syntax error at byte %d: %v", syntax.Offset, err)
	}
	// encoding/json says `json: unknown field "x"`; keep the field, drop the prefix.
	return strings.TrimPrefix(err.Error(), "json: ")
}

// Load builds the catalog from the embedded built-ins (a JSON array of
// definitions) and the files NAME.json in dir. A file replaces the built-in
// with the same id; a new id adds a provider. A missing dir is not an error.
//
// dir and each file must be private to the person running Authdeck (another
// user could otherwise redirect their credentials), regular files (a FIFO
// would hang every command) and at most MaxFileSize; anything else is refused
// and listed in Problems, and the built-ins stay.
func Load(builtin []byte, dir string) (*Catalog, error) {
	raw, err := decodeBuiltins(builtin)
	if err != nil {
		return nil, err
	}
	c := &Catalog{}
	byID := map[string]int{}
	for _, p := range raw {
		byID[p.ID] = len(c.providers)
		c.providers = append(c.providers, p)
	}
	for _, p := range c.readDir(dir) {
		if i, ok := byID[p.ID]; ok {
			c.providers[i] = p
		} else {
			byID[p.ID] = len(c.providers)
			c.providers = append(c.providers, p)
		}
	}
	// Built-ins keep their order; added providers follow, by id.
	builtins := len(raw)
	added := c.providers[builtins:]
	sort.Slice(added, func(i, j int) bool { return added[i].ID < added[j].ID })
	return c, nil
}

// decodeBuiltins reads the embedded definitions without the checks a
// providers.d file gets (key spelling, duplicate keys, validation): they are
// this program's own, TestBuiltinsPassEveryCheck holds each of them to
// Parse, and every command opens the catalog, so those checks were most of
// what opening it cost (issue 22). Unknown fields are still refused.
func decodeBuiltins(builtin []byte) ([]Provider, error) {
	dec := json.NewDecoder(bytes.NewReader(builtin))
	dec.DisallowUnknownFields()
	var ps []Provider
	if err := dec.Decode(&ps); err != nil {
		// A broken built-in is a bug in this program, not the user's doing.
		return nil, fmt.Errorf("built-in provider catalog: %w", err)
	}
	for i := range ps {
		ps[i].Source = SourceBuiltIn
		ps[i].neutralise()
	}
	return ps, nil
}

// readDir parses the definitions in dir, recording each refusal in Problems.
func (c *Catalog) readDir(dir string) []Provider {
	if err := private.CheckDir(dir); err != nil {
		// Not one file of a folder someone else controls is used.
		c.Problems = append(c.Problems, err)
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		c.Problems = append(c.Problems, fmt.Errorf("%s: cannot read the folder: %w", dir, err))
	}
	var out []Provider
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		p, err := readFile(filepath.Join(dir, e.Name()), e.Name())
		if err != nil {
			c.Problems = append(c.Problems, err)
			continue
		}
		out = append(out, p)
	}
	return out
}

// readFile reads and parses one providers.d file called name.
func readFile(path, name string) (Provider, error) {
	data, err := private.ReadFile(path, MaxFileSize)
	if err != nil {
		return Provider{}, err
	}
	p, err := Parse(data, path)
	if err == nil && p.ID+".json" != name {
		err = &FieldError{Source: path, Field: "id", Reason: fmt.Sprintf("%q does not match the file name: name the file %s.json", p.ID, p.ID)}
	}
	return p, err
}

// All returns every provider, built-ins first.
func (c *Catalog) All() []Provider { return append([]Provider(nil), c.providers...) }

// Lookup returns the provider with the given id.
func (c *Catalog) Lookup(id string) (Provider, bool) {
	for _, p := range c.providers {
		if p.ID == id {
			return p, true
		}
	}
	return Provider{}, false
}

// IDs lists the provider ids, for error messages.
func (c *Catalog) IDs() []string {
	ids := make([]string, len(c.providers))
	for i, p := range c.providers {
		ids[i] = p.ID
	}
	return ids
}

// Marshal renders a definition in exactly the format a providers.d file takes.
func Marshal(p Provider) ([]byte, error) {
	out, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}
