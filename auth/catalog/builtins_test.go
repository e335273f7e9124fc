package catalog

import (
	"encoding/json"
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
	fast, err := decodeBuiltins(assets.Providers)
	if err != nil {
		t.Fatal(err)
	}
	if len(fast) != len(raw) {
		t.Fatalf("decodeBuiltins read %d providers, the file holds %d", len(fast), len(raw))
	}
	for i, r := range raw {
		p, err := Parse(r, SourceBuiltIn)
		if err != nil {
			t.Errorf("built-in provider #%d fails the checks a providers.d file gets: %v", i, err)
			continue
		}
		if !reflect.DeepEqual(p, fast[i]) {
			t.Errorf("built-in %s: Load's quick read differs from Parse:\nquick %+v\nparse %+v", p.ID, fast[i], p)
		}
	}
}

// TestBuiltinsRefuseUnknownFields: a misspelt field in a built-in is still
// caught when the program starts, not silently dropped.
func TestBuiltinsRefuseUnknownFields(t *testing.T) {
	if _, err := decodeBuiltins([]byte(`[{"id":"x","nmae":"typo"}]`)); err == nil {
		t.Error("a built-in with an unknown field was accepted")
	}
}
