//go:build unix

package team_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"authdeck/auth/store"
	"authdeck/auth/team"
	"authdeck/internal/vaultdev"
)

// Authdeck's own KV version 2 client and HashiCorp's official one agree
// on a real Vault: what one writes the other reads, field for field and
// version for version; a name listed, a record deleted, a token looked up.
func TestOwnClientAgreesWithTheOfficialOne(t *testing.T) {
	v := vaultdev.Start(t)
	official := client(t, v, v.Token)
	kv := official.KVv2("secret")
	theirs := map[string]any{"authdeck": 1, "connection": map[string]any{"provider": "vend", "owner": "Ann", "note": "n"},
		"secrets": map[string]any{"access_token": "a", "refresh_token": "r"}}
	for range 2 {
		if _, err := kv.Put(ctx(t), "authdeck/theirs", theirs); err != nil {
			t.Fatal(err)
		}
	}
	st := open(t, v, team.Config{})
	rec, err := st.Read(ctx(t), "theirs")
	if err != nil || rec.Version != 2 || rec.Connection.Owner != "Ann" || rec.Connection.Provider != "vend" {
		t.Fatalf("the official client's record read as %+v, %v; want version 2 by Ann", rec, err)
	}
	var sec map[string]string
	if err := json.Unmarshal(rec.Secrets, &sec); err != nil || sec["refresh_token"] != "r" {
		t.Fatalf("secrets read as %s (%v)", rec.Secrets, err)
	}

	rec.Connection.Note = "ours"
	rec.Lease = &team.Lease{By: "m/1", ID: "abc", Until: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
	out, err := st.Write(ctx(t), rec)
	if err != nil || out.Version != 3 {
		t.Fatalf("write over version 2: %+v %v", out.Version, err)
	}
	got, err := kv.Get(ctx(t), "authdeck/theirs")
	if err != nil || got.VersionMetadata.Version != 3 {
		t.Fatalf("the official client reads %+v, %v; want version 3", got, err)
	}
	want, _ := json.Marshal(out)
	var wantMap map[string]any
	_ = json.Unmarshal(want, &wantMap)
	if gotJSON, _ := json.Marshal(got.Data); !reflect.DeepEqual(decodeAny(t, gotJSON), wantMap) {
		t.Errorf("the official client reads\n%s\nwant\n%s", gotJSON, want)
	}
	if _, err := kv.Put(ctx(t), "authdeck/theirs", theirs, vault.WithCheckAndSet(2)); err == nil {
		t.Error("the official client's stale write went through after ours")
	}

	if _, err := st.Write(ctx(t), team.Record{Name: "ours", Connection: store.Connection{Provider: "rot"}}); err != nil {
		t.Fatal(err)
	}
	names, err := st.Names(ctx(t))
	if err != nil || !slices.Equal(names, []string{"ours", "theirs"}) {
		t.Fatalf("names: %v %v", names, err)
	}
	if err := st.Delete(ctx(t), "theirs"); err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Get(ctx(t), "authdeck/theirs"); !errors.Is(err, vault.ErrSecretNotFound) {
		t.Errorf("after our delete the official client reads: %v", err)
	}
	if _, err := st.Read(ctx(t), "theirs"); team.KindOf(err) != team.KindNotFound {
		t.Errorf("after delete: %v; want not found", err)
	}
	if _, err := open(t, v, team.Config{Path: "empty"}).Names(ctx(t)); err != nil {
		t.Errorf("an empty path lists as %v; want no names", err)
	}

	child := childToken(t, official, `path "secret/data/authdeck/*" { capabilities = ["read"] }`)
	look, err := client(t, v, child).Auth().Token().LookupSelf()
	if err != nil {
		t.Fatal(err)
	}
	pols, _ := look.TokenPolicies()
	ttl, _ := look.TokenTTL()
	mine, _ := team.Open(team.Config{Address: v.Addr}, child)
	tok, err := mine.Whoami(ctx(t))
	if err != nil || !slices.Equal(tok.Policies, pols) || tok.DisplayName != look.Data["display_name"] ||
		tok.ExpiresAt == nil || tok.ExpiresAt.Sub(time.Now().Add(ttl)).Abs() > time.Minute {
		t.Errorf("whoami: %+v %v; the official client: %v %v %v", tok, err, pols, look.Data["display_name"], ttl)
	}
}

func decodeAny(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// A store's answers are outside text: a body too large, one that is not
// Vault's JSON, error lines with control characters, a redirect to plain
// http elsewhere: each is a kind, in clean words, and never hangs or
// follows. The token and the namespace go in Vault's headers.
func TestOwnClientTreatsAnswersAsHostile(t *testing.T) {
	t.Setenv("VAULT_NAMESPACE", "team-a")
	var token, ns, path string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ns, path = r.Header.Get("X-Vault-Token"), r.Header.Get("X-Vault-Namespace"), r.URL.Path
		switch {
		case strings.HasSuffix(r.URL.Path, "/huge"):
			_, _ = w.Write([]byte(`{"data":{"data":"` + strings.Repeat("x", 2<<20) + `"}}`))
		case strings.HasSuffix(r.URL.Path, "/html"):
			_, _ = w.Write([]byte("<html>sign in to the wifi</html>"))
		case strings.HasSuffix(r.URL.Path, "/evil"):
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"errors":["boom\u001b[2J\u202egone"]}`))
		case strings.HasSuffix(r.URL.Path, "/away"):
			http.Redirect(w, r, "http://vault.example.invalid/v1/secret/data/authdeck/away", http.StatusTemporaryRedirect)
		default:
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"errors":["check-and-set parameter did not match the current version"]}`))
		}
	}))
	defer srv.Close()
	st, err := team.Open(team.Config{Address: srv.URL}, "tok-1")
	if err != nil {
		t.Fatal(err)
	}
	c := ctx(t)
	for _, tc := range []struct {
		name string
		kind team.Kind
		word string
	}{
		{"huge", team.KindDamaged, "not an Authdeck connection"},
		{"html", team.KindServer, "cannot read"},
		{"evil", team.KindServer, "HTTP 500"},
		{"away", team.KindUnreachable, "redirect"},
	} {
		_, err := st.Read(c, tc.name)
		if team.KindOf(err) != tc.kind || !strings.Contains(err.Error(), tc.word) || strings.ContainsAny(err.Error(), "\x1b\u202e") {
			t.Errorf("%s: %v; want %s saying %q, in clean words", tc.name, err, tc.kind, tc.word)
		}
	}
	if _, err := st.Write(c, team.Record{Name: "x", Version: 4}); team.KindOf(err) != team.KindStale {
		t.Errorf("a refused check-and-set: %v; want stale", err)
	}
	if token != "tok-1" || ns != "team-a" {
		t.Errorf("sent X-Vault-Token %q and X-Vault-Namespace %q", token, ns)
	}
	_, _ = st.Read(c, "a?b#c d")
	if path != "/v1/secret/data/authdeck/a?b#c d" {
		t.Errorf("a name with ? and # reached the server as the path %q", path)
	}
	bad, _ := team.Open(team.Config{Address: srv.URL}, "tok\nX-Evil: 1")
	if _, err := bad.Read(context.Background(), "x"); team.KindOf(err) != team.KindDenied {
		t.Errorf("a token with a line break: %v; want denied before any request", err)
	}
}
