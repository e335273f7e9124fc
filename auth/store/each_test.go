package store

import (
	"context"
	"os"
	"reflect"
	"testing"
)

// TestEachHandsWhatLoadReads: Each hands over exactly Load's connections,
// in order, for the file the store writes and for a missing one.
func TestEachHandsWhatLoadReads(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	each := func() (got []Connection, most int) {
		ok := st.Each(func(c *Connection, n int) { got, most = append(got, *c), n })
		if !ok {
			t.Fatal("Each gave up on a file the store wrote: every list would read it twice")
		}
		return got, most
	}
	if got, _ := each(); got != nil {
		t.Fatalf("no file: Each handed %v", got)
	}
	conns := []Connection{full("one"), {Name: "bare", Provider: "vinli", Method: "basic"}, full("three")}
	conns[2].Params = map[string]string{"domain_prefix": "shop", "x": "y"}
	if err := st.Update(context.Background(), func([]Connection) ([]Connection, error) { return conns, nil }); err != nil {
		t.Fatal(err)
	}
	want, err := st.Load()
	if err != nil {
		t.Fatal(err)
	}
	got, most := each()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Each and Load differ:\nEach %+v\nLoad %+v", got, want)
	}
	if most < len(want) {
		t.Errorf("Each said at most %d connections and gave %d", most, len(want))
	}
}

// TestEachLeavesToLoad: a file Load reads otherwise, or refuses, is not
// Each's (it says so, whatever it handed over before).
func TestEachLeavesToLoad(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range []string{
		`{"connections":[{"name":"a"}],"version":1}`,
		`{"version":1,"connections":[{"name":"a"}],"version":2}`,
		`{"version":2,"connections":[{"name":"a"}]}`,
		`{"version":0,"connections":[{"name":"a"}]}`,
		`{"version":1,"connections":[{"name":"a"}],"connections":[{"name":"b"}]}`,
		`{"version":1,"connections":[{"name":"a"},{"name":"b","surprise":1}]}`,
		`{"version":1,"connections":[{"name":"a"},{"name":1}]}`,
		`{"version":1,"connections":[{"name":"a"}]`,
	} {
		if err := os.WriteFile(st.Path(), []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		if st.Each(func(*Connection, int) {}) {
			t.Errorf("Each took %s, which is Load's to read or refuse", doc)
		}
	}
}
