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
	entries []*entry
	// Problems lists definitions that were refused, each naming its file and
	// field. A bad file never hides the other providers.
	Problems []error
}

// entry is one provider of the catalog. A built-in is kept as its raw
// definition and decoded when first asked for: a command uses one
// provider, and decoding all of them was most of what opening the catalog
// cost (issue 22).
type entry struct {
	id   string
	raw  []byte // a built-in's definition, until decoded
	once sync.Once
	p    Provider
}

func (e *entry) provider() Provider {
	e.once.Do(func() {
		if e.raw == nil {
			return // a providers.d file, parsed when the catalog was loaded
		}
		p, err := decodeBuiltin(e.raw)
		if err != nil || p.ID != e.id {
			// A build defect, caught by TestBuiltinsPassEveryCheck.
			panic(fmt.Sprintf("built-in provider %q: %v", e.id, err))
		}
		e.p, e.raw = p, nil
	})
	return e.p
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
	raw, err := indexBuiltins(builtin)
	if err != nil {
		return nil, err
	}
	c := &Catalog{entries: raw}
	byID := map[string]int{}
	for i, e := range raw {
		byID[e.id] = i
	}
	for _, p := range c.readDir(dir) {
		e := &entry{id: p.ID, p: p}
		if i, ok := byID[p.ID]; ok {
			c.entries[i] = e
		} else {
			byID[p.ID] = len(c.entries)
			c.entries = append(c.entries, e)
		}
	}
	// Built-ins keep their order; added providers follow, by id.
	added := c.entries[len(raw):]
	sort.Slice(added, func(i, j int) bool { return added[i].id < added[j].id })
	return c, nil
}

// decodeBuiltin reads one embedded definition without the checks a
// providers.d file gets (key spelling, duplicate keys, validation): they
// are this program's own, and TestBuiltinsPassEveryCheck holds each of them
// to Parse. Unknown fields are still refused.
func decodeBuiltin(raw []byte) (Provider, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var p Provider
	if err := dec.Decode(&p); err != nil {
		return p, err
	}
	p.Source = SourceBuiltIn
	p.neutralise()
	return p, nil
}

// indexBuiltins finds each definition in the embedded JSON array and its
// id, decoding none of them.
func indexBuiltins(builtin []byte) ([]*entry, error) {
	var out []*entry
	s := jsonScan{b: builtin}
	if !s.skip('[') {
		return nil, errors.New("built-in provider catalog: not a JSON array")
	}
	for !s.skip(']') {
		if len(out) > 0 && !s.skip(',') {
			return nil, fmt.Errorf("built-in provider catalog: a ',' or ']' expected at byte %d", s.i)
		}
		s.space()
		start := s.i
		id, ok := s.object()
		if !ok || id == "" {
			return nil, fmt.Errorf("built-in provider catalog: definition #%d is not an object with an id", len(out)+1)
		}
		out = append(out, &entry{id: id, raw: builtin[start:s.i]})
	}
	return out, nil
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
func (c *Catalog) All() []Provider {
	out := make([]Provider, len(c.entries))
	for i, e := range c.entries {
		out[i] = e.provider()
	}
	return out
}

// Lookup returns the provider with the given id.
func (c *Catalog) Lookup(id string) (Provider, bool) {
	for _, e := range c.entries {
		if e.id == id {
			return e.provider(), true
		}
	}
	return Provider{}, false
}

// IDs lists the provider ids, for error messages.
func (c *Catalog) IDs() []string {
	ids := make([]string, len(c.entries))
	for i, e := range c.entries {
		ids[i] = e.id
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
