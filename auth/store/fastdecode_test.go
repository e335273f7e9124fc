package store

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"authdeck/internal/cputime"
)

// full is a connection with every field set, including text that needs
// escaping and text that is not ASCII.
func full(name string) Connection {
	at := time.Date(2026, 12, 2, 3, 4, 5, 600, time.FixedZone("", 3600))
	later := at.Add(90 * 24 * time.Hour)
	return Connection{
		Name: name, Provider: "vend", Method: "oauth", ClientID: "cid", Scopes: []string{"a", "b c"},
		RedirectURI: "http://127.0.0.1:1/cb", User: "sam", Params: map[string]string{"domain_prefix": "shop", "x": ""},
		Extra: map[string]string{"token_id": "7"}, CreatedAt: at, ConnectedAt: &at, ExpiresAt: &later,
		ExpiresSet: true, HasRefreshToken: true,
		LastRefresh: &Outcome{At: at, OK: true, Message: "fine \"quoted\" <b> & é ✓ \u2028", Rejected: true, By: "host 1"},
		LastCheck:   &Outcome{At: later, Message: "tab\there\nnewline \\ back"},
		Account:     "Sam (IT)", Owner: "Dana — ops", Note: "zero\u200bwidth \x01 control", ScopesMissing: []string{"c"},
		ReplacedBy: "other", Removing: true, Endpoints: &Endpoints{Token: "https://t", Check: "https://c", Login: "https://l"},
		Pending: true,
	}
}

// TestFastDecodeReadsWhatTheStoreWrites: the file Update writes is read by
// decodeFast (not the slow path) into exactly what encoding/json reads.
func TestFastDecodeReadsWhatTheStoreWrites(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	conns := []Connection{full("one"), {Name: "bare", Provider: "vinli", Method: "basic"}, full("three")}
	conns[2].Scopes, conns[2].Params = []string{}, map[string]string{}
	if err := st.Update(context.Background(), func([]Connection) ([]Connection, error) { return conns, nil }); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(st.Path())
	if err != nil {
		t.Fatal(err)
	}
	got, ok := decodeFast(data)
	if !ok {
		t.Fatal("decodeFast gave up on the file the store itself wrote: every list would take the slow path")
	}
	var want file
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decodeFast and encoding/json differ:\nfast %+v\njson %+v", got, want)
	}
}

// TestFastDecodeKnowsEveryField fails when a field is added to the format
// without teaching decodeFast its key: files holding it would be read by
// the slow path.
func TestFastDecodeKnowsEveryField(t *testing.T) {
	typ := reflect.TypeOf(Connection{})
	for i := 0; i < typ.NumField(); i++ {
		key, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		doc := `{"version":1,"connections":[{"` + key + `":` + string(mustJSON(t, reflect.ValueOf(full("x")).Field(i).Interface())) + `}]}`
		if _, ok := decodeFast([]byte(doc)); !ok {
			t.Errorf("decodeFast does not know Connection.%s (%q): add it to connField (auth/store/fastdecode.go)", typ.Field(i).Name, key)
		}
		if v := reflect.ValueOf(full("x")).Field(i); v.IsZero() {
			t.Errorf("full() leaves Connection.%s unset: the equality tests do not cover it", typ.Field(i).Name)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFastDecodeGivesUpRatherThanGuess: on what it was not written for,
// decodeFast either gives up or agrees with encoding/json.
func TestFastDecodeGivesUpRatherThanGuess(t *testing.T) {
	for _, doc := range []string{
		`{"version":1,"connections":[{"name":"a","NAME":"b"}]}`,
		`{"version":1,"connections":[{"name":"a","surprise":1}]}`,
		`{"version":1,"connections":null}`,
		`{"version":1.0,"connections":[]}`,
		`{"version":01,"connections":[]}`,
		`{"version":1,"connections":[]} x`,
		`{"version":1,"connections":[{"params":{"a":"1"},"params":{"b":"2"}}]}`,
		`{"version":1,"connections":[{"last_check":{"ok":true},"last_check":{"message":"m"}}]}`,
		`{"version":1,"connections":[{"name":"a\u00e9\ud83d\ude00 \"q\""}]}`,
		"{\"version\":1,\"connections\":[{\"name\":\"bad \xff utf-8\"}]}",
		"{\"version\":1,\"connections\":[{\"name\":\"raw \x01 control\"}]}",
		`{"version":1,"connections":[{"created_at":""}]}`,
		`{"version":1,"connections":[{"expires_at":null}]}`,
		`{"version":2,"connections":[{"name":"x"}],"more":true}`,
		` { "version" : 1 , "connections" : [ { "name" : "s" , "expires_set" : false } ] } `,
		// Maps shared with the connection before only when they hold the same pairs.
		`{"version":1,"connections":[{"params":{"a":"1","b":"2"}},{"params":{"b":"2","a":"1"}},{"params":{"a":"1"}},{"params":{"a":"1","a":"1"}},` +
			`{"params":{"a":"1","a":"2"}},{"params":{"a":"2"}},{"params":{}},{"params":{}},{"params":{"a":"2"},"extra":{"a":"2"}},` +
			`{"params":{"1":"","2":"","3":"","4":"","5":"","6":"","7":"","8":"","9":"","1":"x"}},{"params":{"1":"x"}}]}`,
	} {
		agree(t, []byte(doc))
	}
}

// agree fails when decodeFast reads doc differently from encoding/json.
func agree(t *testing.T, doc []byte) {
	t.Helper()
	got, ok := decodeFast(doc)
	if !ok {
		return
	}
	var want file
	if err := json.Unmarshal(doc, &want); err != nil {
		t.Errorf("decodeFast read %q, which encoding/json refuses (%v)", doc, err)
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%q: decodeFast %+v, encoding/json %+v", doc, got, want)
	}
}

// Both layouts read the same: the one this build writes (a connection to
// a line) and the indented one earlier builds wrote.
func TestBothLayoutsReadAlike(t *testing.T) {
	conns := []Connection{full("a"), {Name: "b"}}
	compact, err := encodeFile(conns)
	if err != nil {
		t.Fatal(err)
	}
	indented, _ := json.MarshalIndent(file{Version: Version, Connections: conns}, "", "  ")
	if strings.Count(string(compact), "\n") != len(conns)+2 {
		t.Errorf("not one connection to a line:\n%s", compact)
	}
	a, okA := decodeFast(compact)
	b, okB := decodeFast(indented)
	if !okA || !okB || !reflect.DeepEqual(a, b) {
		t.Fatalf("the layouts read differently (%v %v)", okA, okB)
	}
	agree(t, compact)
	agree(t, indented)
}

func FuzzDecodeFast(f *testing.F) {
	data, _ := json.MarshalIndent(file{Version: 1, Connections: []Connection{full("a"), {Name: "b"}}}, "", "  ")
	f.Add(data)
	compact, _ := encodeFile([]Connection{full("a"), {Name: "b"}})
	f.Add(compact)
	f.Add([]byte(`{"version":1,"connections":[{"name":"a\u00e9"}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) { agree(t, doc) })
}

// BenchmarkDecodeFast reads a file of 1,000 connections as bench/seed
// writes it (the file `list --json` reads in make bench).
func BenchmarkDecodeFast(b *testing.B) {
	now := time.Now()
	conns := make([]Connection, 1000)
	for i := range conns {
		at := now.Add(time.Duration(i*37%400-3) * 24 * time.Hour)
		conns[i] = Connection{
			Name: "conn-" + strings.Repeat("7", 5), Provider: "vend", Method: "token", User: "bench",
			Params: map[string]string{"domain_prefix": "benchshop"}, CreatedAt: now, ConnectedAt: &now, ExpiresAt: &at, ExpiresSet: true,
		}
	}
	data, err := encodeFile(conns)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu0 := cputime.Used()
	for b.Loop() {
		if _, ok := decodeFast(data); !ok {
			b.Fatal("slow path")
		}
	}
	// CPU time, not only the wall time: on a shared machine the wall
	// time says mostly how busy the others were.
	b.ReportMetric(float64(cputime.Used()-cpu0)/float64(b.N), "cpu-ns/op")
}
