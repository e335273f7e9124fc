package cli

import (
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
			Params: map[string]string{"z": "last", "domain_prefix": "acme", "é<": "\x7f"},
			CreatedAt: now.Add(-48 * time.Hour).In(local), ConnectedAt: &past,
			LastRefresh: &auth.Outcome{At: past, OK: false, Message: "token endpoint said \"no\"\r\n", Rejected: true, By: "host/123"},
			LastCheck:   &auth.Outcome{At: past, OK: true, Message: "OK"},
			Fault:       auth.FaultRefreshFailed, ReplacedBy: "other", FaultDetail: "detail \x1b[31m", Shared: true, StoreProblem: "the store <timed out>",
			APIHosts: []string{"never.example"},
		},
		{Name: "reports", Provider: "vinsight", ProviderName: "Vinsight", Method: catalog.KindAPIKey, ExpiresAt: &soon, Scopes: []string{}, CreatedAt: now, ConnectedAt: &now},
		{Name: "expired", Provider: "vinsight", ProviderName: "Vinsight", Method: catalog.KindAPIKey, ExpiresAt: &past, CreatedAt: now, ConnectedAt: &now},
		{Name: "forever", Provider: "sandbox", ProviderName: "Sandbox", Method: catalog.KindToken, CreatedAt: now, ConnectedAt: &now},
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
