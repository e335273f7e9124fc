package catalog

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"authdeck/assets"
)

// TestBuiltinsPassEveryCheck: Load reads the embedded providers without
// the checks a providers.d file gets (issue 22: they were most of the cost
// of opening the catalog, which every command does), so each built-in must
// pass them here — key spelling, duplicate keys, unknown fields,
// validation — and come out of Load exactly as Parse makes it.
func TestBuiltinsPassEveryCheck(t *testing.T) {
	var raw []json.RawMessage
	if err := json.Unmarshal(assets.Providers, &raw); err != nil {
		t.Fatal(err)
	}
	index, err := indexBuiltins(assets.Providers)
	if err != nil {
		t.Fatal(err)
	}
	if len(index) != len(raw) {
		t.Fatalf("indexBuiltins found %d providers, the file holds %d", len(index), len(raw))
	}
	for i, r := range raw {
		p, err := Parse(r, SourceBuiltIn)
		if err != nil {
			t.Errorf("built-in provider #%d fails the checks a providers.d file gets: %v", i, err)
			continue
		}
		if !bytes.Equal(index[i].raw, r) || index[i].id != p.ID {
			t.Errorf("built-in #%d: the index holds %q as\n%s\nwant %q as\n%s", i, index[i].id, index[i].raw, p.ID, r)
		}
		if quick := index[i].provider(); !reflect.DeepEqual(p, quick) {
			t.Errorf("built-in %s: Load's quick read differs from Parse:\nquick %+v\nparse %+v", p.ID, quick, p)
		}
	}
}

// TestBuiltinsRefuseUnknownFields: a misspelt field in a built-in is still
// caught, not silently dropped.
func TestBuiltinsRefuseUnknownFields(t *testing.T) {
	if _, err := decodeBuiltin([]byte(`{"id":"x","nmae":"typo"}`)); err == nil {
		t.Error("a built-in with an unknown field was accepted")
	}
	for _, bad := range []string{`{}`, `[{"name":"no id"}]`, `[{"id":"a"} {"id":"b"}]`, `[{"id":"a","x":[1,"]"}`, `["x"]`} {
		if _, err := indexBuiltins([]byte(bad)); err == nil {
			t.Errorf("%s: indexed without an error", bad)
		}
	}
	index, err := indexBuiltins([]byte(` [ {"x":{"id":"inner"},"y":["}",{"a":"\"id\""}],"id":"outer","n":-1.5e3,"t":true} ] `))
	if err != nil || len(index) != 1 || index[0].id != "outer" {
		t.Errorf("nested values and strings with brackets: %+v %v", index, err)
	}
}

// A command pays for the one provider it uses (issue 22): loading the
// catalog decodes no built-in, looking one up decodes that one only.
func TestCatalogDecodesOnlyWhatIsAskedFor(t *testing.T) {
	c, err := Load(assets.Providers, filepath.Join(t.TempDir(), "providers.d"))
	if err != nil {
		t.Fatal(err)
	}
	decoded := func() (ids []string) {
		for _, e := range c.entries {
			if e.raw == nil {
				ids = append(ids, e.id)
			}
		}
		return ids
	}
	if d := decoded(); len(d) != 0 {
		t.Fatalf("Load decoded %v", d)
	}
	if _, ok := c.Lookup("vend"); !ok {
		t.Fatal("no vend")
	}
	_ = c.IDs()
	if d := decoded(); !reflect.DeepEqual(d, []string{"vend"}) {
		t.Errorf("after looking vend up, decoded: %v", d)
	}
}
