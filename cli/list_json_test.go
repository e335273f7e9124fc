package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"authdeck/auth"
	"authdeck/auth/catalog"
)

// listStub answers List with connections a test made up, at a fixed time;
// every other call is the embedded (nil) Service's and must not happen.
type listStub struct {
	Service
	conns []auth.Connection
	now   time.Time
}

func (s listStub) List() ([]auth.Connection, error) { return s.conns, nil }
func (s listStub) Now() time.Time                   { return s.now }
func (s listStub) ExpiringWithin() time.Duration    { return 7 * 24 * time.Hour }
func (s listStub) Close()                           {}
func (s listStub) Providers() []catalog.Provider    { return nil }

// hostileConnections are connections with every field set, some to text
// that JSON must escape: control characters, U+2028/2029, invalid UTF-8,
// <>& and text outside ASCII.
func hostileConnections(now time.Time) []auth.Connection {
	past, soon, later := now.Add(-26*time.Hour), now.Add(3*24*time.Hour), now.Add(90*24*time.Hour+time.Nanosecond*123456789)
	local := time.FixedZone("", 5*3600+30*60)
	conns := []auth.Connection{
		{
			Name: "acme-reports", Provider: "vend", ProviderName: "Vend <Lightspeed> & co", Method: catalog.KindOAuth,
			ExpiresAt: &later, ExpiryEstimated: true, Refreshable: true, HasRefreshToken: true,
			Scopes: []string{"read", "write\u2028all"}, ScopesMissing: []string{"admin"},
			Account: "priya@acme.example", Owner: "Priya (IT) \x01", Note: "line one\nline two\t\"quoted\" \\ \u2029 é 日本 \xff\xfe",
			User: "u\xff\xc3", ClientID: "cid\u2029\x00", RedirectURI: "http://127.0.0.1:8765/callback?a=1&b=<2>",
			Params:    map[string]string{"z": "last", "domain_prefix": "acme", "é<": "\x7f"},
			CreatedAt: now.Add(-48 * time.Hour).In(local), ConnectedAt: &past,
			LastRefresh: &auth.Outcome{At: past, OK: false, Message: "token endpoint said \"no\"\r\n", Rejected: true, By: "host/123"},
			LastCheck:   &auth.Outcome{At: past, OK: true, Message: "OK"},
			Fault:       auth.FaultRefreshFailed, ReplacedBy: "other", FaultDetail: "detail \x1b[31m", Shared: true, StoreProblem: "the store <timed out>",
			APIHosts: []string{"never.example"},
		},
		{Name: "reports", Provider: "vinsight", ProviderName: "Vinsight", Method: catalog.KindAPIKey, ExpiresAt: &soon, Scopes: []string{}, CreatedAt: now, ConnectedAt: &now},
		{Name: "expired", Provider: "vinsight", ProviderName: "Vinsight", Method: catalog.KindAPIKey, ExpiresAt: &past, CreatedAt: now, ConnectedAt: &now},
		{Name: "forever", Provider: "sandbox", ProviderName: "Sandbox", Method: catalog.KindToken, CreatedAt: now, ConnectedAt: &now},
		// list writes each item's words in place: an estimated date on a
		// pasted key, no sign-in yet, and a name a shell must see quoted.
		{Name: "guessed", Provider: "vend", ProviderName: "Vend", Method: catalog.KindToken, ExpiresAt: &soon, ExpiryEstimated: true, CreatedAt: now, ConnectedAt: &now},
		{Name: "new one", Provider: "vinli", ProviderName: "Vinli", Method: catalog.KindOAuth, CreatedAt: now},
		{Name: "it's <\"odd\"> & \u2028", Provider: "vinsight", ProviderName: "Vinsight", Method: catalog.KindAPIKey, ExpiresAt: &past, CreatedAt: now, ConnectedAt: &now},
	}
	for i := range conns {
		conns[i].Status = auth.StatusAt(conns[i], now, 7*24*time.Hour)
	}
	return conns
}

// The JSON of list and status, byte for byte: the contract scripts read.
func TestListJSONGolden(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	f := &fixture{dir: t.TempDir(), service: listStub{conns: hostileConnections(now), now: now}}
	for _, tc := range []struct {
		golden string
		code   int
		args   []string
	}{
		{"list", 0, []string{"list", "--json"}},
		{"status", exitAttention, []string{"status", "--json"}},
	} {
		r := f.run(t, "", tc.args...)
		if r.code != tc.code {
			t.Fatalf("%v: %+v", tc.args, r)
		}
		golden(t, tc.golden, r.stdout)
	}
}

// sameAsEncodingJSON holds writeListJSON to encoding/json's Encoder on
// items: the same bytes, or both refusing (writeListJSON writing
// nothing); and what it wrote decodes.
func sameAsEncodingJSON(t *testing.T, items []listItem) {
	t.Helper()
	var want, out bytes.Buffer
	werr := json.NewEncoder(&want).Encode(items)
	var handled bool
	var err error
	if items == nil {
		err = (jsonExporter{}).Write(&out, items)
		handled = err == nil
	} else {
		handled, err = writeListJSON(&out, itemSlice(items))
	}
	got := out.Bytes()
	if err != nil {
		t.Fatalf("writeListJSON: %v", err)
	}
	if werr != nil || !handled {
		if werr == nil || handled || len(got) > 0 {
			t.Fatalf("encoding/json: %v; writeListJSON handled it: %v, wrote %d bytes", werr, handled, len(got))
		}
		return
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("writeListJSON differs from encoding/json:\n got %q\nwant %q", got, want.Bytes())
	}
	var back []listItem
	if err := json.Unmarshal(got, &back); err != nil || len(back) != len(items) {
		t.Fatalf("encoding/json cannot read it back (%d items): %v", len(back), err)
	}
}

// fullItem has every field of listItem set (TestListJSONEveryField checks
// that none is left out: a field added to auth.Connection or listItem must
// be added here and to writeListJSON).
func fullItem() listItem {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	c := hostileConnections(now)[0]
	c.Status, c.StoreProblem = auth.StatusError, "store"
	c.LastRefresh = &auth.Outcome{At: now, OK: true, Message: "m", Rejected: true, By: "b"}
	c.LastCheck = &auth.Outcome{At: now.Add(time.Second), OK: true, Message: "<m>", Rejected: true, By: "b\u2028"}
	yes := true
	return listItem{Connection: c, Countdown: "in 3 days", Problem: "p", Command: "c", Attention: &yes}
}

// Every field the encoder writes, set and unset, against encoding/json.
func TestListJSONEveryField(t *testing.T) {
	full := fullItem()
	var unset func(v reflect.Value, path string)
	unset = func(v reflect.Value, path string) {
		for i := range v.NumField() {
			f, fv := v.Type().Field(i), v.Field(i)
			switch {
			case !f.IsExported():
			case f.Anonymous:
				unset(fv, path+f.Name+".")
			case fv.IsZero():
				t.Errorf("fullItem leaves %s%s unset: set it, and write it in writeListJSON", path, f.Name)
			case f.Type == reflect.TypeFor[*auth.Outcome]():
				unset(fv.Elem(), path+f.Name+".")
			}
		}
	}
	unset(reflect.ValueOf(full), "")
	no := false
	sameAsEncodingJSON(t, []listItem{full})
	sameAsEncodingJSON(t, []listItem{{}, {Attention: &no}, {Connection: auth.Connection{Scopes: []string{}, Params: map[string]string{}, ScopesMissing: []string{}}}})
	sameAsEncodingJSON(t, []listItem{})
	sameAsEncodingJSON(t, nil)
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for _, c := range hostileConnections(now) {
		sameAsEncodingJSON(t, []listItem{itemOf(c, c.Status, now)})
	}
	// Many pieces of output: the same as one.
	many := make([]listItem, 800)
	for i := range many {
		many[i] = full
	}
	sameAsEncodingJSON(t, many)
	// A date JSON cannot hold, even after a long list: both refuse, and
	// nothing is written (the exporter then lets encoding/json say why).
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	sameAsEncodingJSON(t, []listItem{{Connection: auth.Connection{ExpiresAt: &far}}})
	many[len(many)-1].LastCheck = &auth.Outcome{At: far}
	sameAsEncodingJSON(t, many)
	east := time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("", 24*3600))
	sameAsEncodingJSON(t, []listItem{{Connection: auth.Connection{CreatedAt: east}}})
	var out bytes.Buffer
	if err := (jsonExporter{}).Write(&out, []listItem{{Connection: auth.Connection{ExpiresAt: &far}}}); err == nil || out.Len() != 0 {
		t.Fatalf("a date past 9999: %v, wrote %q", err, out.String())
	}
	// list makes its items as it writes them: the same bytes, and the same
	// refusal.
	conns := hostileConnections(now)
	var fromList, fromItems bytes.Buffer
	if err := (jsonExporter{}).Write(&fromList, newListing(conns, now)); err != nil {
		t.Fatal(err)
	}
	if err := (jsonExporter{}).Write(&fromItems, newListing(conns, now).items()); err != nil {
		t.Fatal(err)
	}
	if fromList.String() != fromItems.String() {
		t.Fatalf("list's items made one by one:\n%s\nall at once:\n%s", fromList.String(), fromItems.String())
	}
	conns[1].ExpiresAt = &far
	fromList.Reset()
	err := (jsonExporter{}).Write(&fromList, newListing(conns, now))
	werr := json.NewEncoder(io.Discard).Encode(newListing(conns, now).items())
	if err == nil || werr == nil || err.Error() != werr.Error() || fromList.Len() != 0 {
		t.Fatalf("list with a date past 9999: %v (encoding/json: %v), wrote %q", err, werr, fromList.String())
	}
}

// FuzzListJSON holds writeListJSON to encoding/json for any text in any
// field, any date and time zone, and every optional field present or not.
func FuzzListJSON(f *testing.F) {
	f.Add("acme", "Vend", "domain_prefix", int64(1764504000), uint32(0), 0, uint16(0))
	f.Add("<script>&amp;", "\u2028\u2029", "\x00\x1f\x7f", int64(-62135596800), uint32(1), 3600, uint16(0xffff))
	f.Add("\xff\xfe\xc3", "é 日本 \U0001F600", "\"\\/", int64(1), uint32(999999999), -43200, uint16(0x5555))
	f.Add(strings.Repeat("long \x01\u2028<>& ", 8192), strings.Repeat("x", 1<<16), "", int64(253402300799), uint32(999999999), 86400, uint16(0xaaaa))
	f.Add("a", "b", "c", int64(0), uint32(120000000), 5*3600+30*60+7, uint16(3))
	f.Add("first", "second", "", int64(-62167219200), uint32(0), 0, uint16(0x10))
	f.Add("before", "first", "", int64(-62167219200), uint32(0), -1, uint16(0x10))
	f.Add("last", "second", "", int64(253402300799), uint32(999999999), 0, uint16(0x10))
	f.Add("after", "last", "", int64(253402300799), uint32(0), 1, uint16(0x10))
	f.Add("zone", "", "", int64(0), uint32(0), -86399, uint16(0x10))
	f.Add("zone", "", "", int64(0), uint32(0), -86400, uint16(0x10))
	f.Add("utc", "", "", int64(1764504000), uint32(120000000), 0, uint16(0x4210))
	f.Add("utc first", "", "", int64(-62167219200), uint32(0), 0, uint16(0x4210))
	f.Add("utc last", "", "", int64(253402300799), uint32(999999999), 0, uint16(0x4210))
	f.Add("utc after", "", "", int64(253402300800), uint32(0), 0, uint16(0x4210))
	f.Fuzz(func(t *testing.T, s1, s2, key string, sec int64, nsec uint32, offset int, flags uint16) {
		at := time.Unix(sec, int64(nsec)).In(time.FixedZone("", offset))
		on := func(bit int) bool { return flags&(1<<bit) != 0 }
		if on(14) { // UTC itself, which appendTime writes its own way
			at = at.UTC()
		}
		c := auth.Connection{
			Name: s1, Provider: s2, ProviderName: s1 + s2, Method: catalog.Kind(key), Status: auth.Status(s2),
			ExpiryEstimated: on(0), Refreshable: on(1), HasRefreshToken: on(2), Shared: on(3),
			Account: s1, Owner: s2, Note: key, User: s1, ClientID: s2, RedirectURI: key,
			CreatedAt: at, Fault: auth.Fault(s1), ReplacedBy: s2, FaultDetail: key, StoreProblem: s1,
		}
		if on(4) {
			c.ExpiresAt, c.ConnectedAt = &at, &at
		}
		if on(5) {
			c.Scopes, c.ScopesMissing = []string{s1, s2, key}, []string{}
		} else if on(6) {
			c.Scopes, c.ScopesMissing = []string{}, []string{key}
		}
		if on(7) {
			c.Params = map[string]string{key: s1, s1: s2, s2: key}
		} else if on(8) {
			c.Params = map[string]string{}
		}
		if on(9) {
			c.LastRefresh = &auth.Outcome{At: at, OK: on(10), Message: s1, Rejected: on(11), By: s2}
			c.LastCheck = &auth.Outcome{At: at, Message: key}
		}
		it := listItem{Connection: c, Countdown: s2, Problem: s1, Command: key}
		if on(12) {
			v := on(13)
			it.Attention = &v
		}
		sameAsEncodingJSON(t, []listItem{it, {Connection: auth.Connection{Name: key, CreatedAt: at}}})
		// list writes the same connection's item without making it: its
		// words laid out in place, any name and status.
		now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		conns := []auth.Connection{c}
		var fromList bytes.Buffer
		err := (jsonExporter{}).Write(&fromList, newListing(conns, now))
		want, werr := json.Marshal(newListing(conns, now).items())
		if (err == nil) != (werr == nil) || err == nil && fromList.String() != string(want)+"\n" {
			t.Fatalf("list's item %q (%v) differs from encoding/json's %q (%v)", fromList.String(), err, want, werr)
		}
	})
}

// noKeyring fails every call: list and status must not ask the keyring
// (a locked or slow one would stall them once per connection).
type noKeyring struct{ t *testing.T }

func (k noKeyring) Get(key string) (string, error) {
	k.t.Errorf("the keyring was read (%s)", key)
	return "", errors.New("no keyring")
}

func (k noKeyring) Set(key, _ string) error {
	k.t.Errorf("the keyring was written (%s)", key)
	return errors.New("no keyring")
}

func (k noKeyring) Delete(key string) error {
	k.t.Errorf("the keyring was changed (%s)", key)
	return errors.New("no keyring")
}

func TestListAsksNoKeyring(t *testing.T) {
	f := utcFixture(t)
	f.add(t, auth.AddRequest{Name: "reports", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "KEY-7f3a", ExpiresAt: f.days(2)})
	f.add(t, auth.AddRequest{Name: "acme", Provider: "vend", Method: catalog.KindToken, Secret: "tok-1", Params: map[string]string{"domain_prefix": "acme"}})
	f.secrets = noKeyring{t}
	for _, args := range [][]string{{"list", "--json"}, {"list"}, {"status", "--json"}, {"status"}} {
		if r := f.run(t, "", args...); r.code != 0 && r.code != exitAttention || !strings.Contains(r.stdout, "reports") {
			t.Errorf("%v: %+v", args, r)
		}
	}
}

// TestListJSONDatesInUTC holds appendTime's own way with dates in UTC to
// time.Time's MarshalJSON, on random dates of the years 0–9999 and on
// each edge.
func TestListJSONDatesInUTC(t *testing.T) {
	const first, last = -62167219200, 253402300799
	secs := []int64{first, first + 1, first + 59*86400, first + 60*86400, -1, 0, 951782400, 4107456000, last - 1, last, first - 1, last + 1}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		secs = append(secs, first+r.Int64N(last-first+1))
	}
	for i, sec := range secs {
		at := time.Unix(sec, 0).UTC()
		if i%2 == 1 {
			at = at.Add(time.Duration(r.Int64N(1e9))).Truncate(time.Duration(1 + r.IntN(1000)))
		}
		want, err := at.MarshalJSON()
		got, ok := appendTime([]byte("x"), at)
		if ok != (err == nil) || ok && string(got) != "x"+string(want) {
			t.Fatalf("%v: appendTime %q %v, MarshalJSON %q %v", sec, got, ok, want, err)
		}
	}
}
