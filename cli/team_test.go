//go:build unix

package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"authdeck/internal/vaultdev"
)

// The team store's command line, as documented: team set (checked on the
// spot, in words), team, share, list and list --json with "shared": true,
// header from a second config folder, unshare --yes, team unset.
func TestTeamCommands(t *testing.T) {
	v := vaultdev.Start(t)
	a, b := newFixture(t), newFixture(t)
	if r := a.run(t, "tok", "team", "set", "http://vault.example.com:8200", "--token-stdin"); r.code != exitUsage || !strings.Contains(r.stderr, "https") {
		t.Fatalf("plain http to another host: %+v", r)
	}
	if r := a.run(t, v.Token, "team", "set", v.Addr, "--mount", "nothere", "--token-stdin"); r.code != exitFailure || !strings.Contains(r.stderr, "no mount") || !strings.Contains(r.stderr, "authdeck team") {
		t.Fatalf("missing mount: %+v", r)
	}
	for _, f := range []*fixture{a, b} {
		if r := f.run(t, v.Token, "team", "set", v.Addr, "--token-stdin"); r.code != 0 {
			t.Fatalf("team set: %+v", r)
		}
	}
	if r := a.run(t, "tok-abc", "add", "shop", "--provider", "vend", "--method", "token", "--param", "domain_prefix=myshop", "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if r := a.run(t, "", "share", "shop"); r.code != 0 {
		t.Fatalf("share: %+v", r)
	}
	if r := b.run(t, "", "list"); r.code != 0 || !strings.Contains(r.stdout, "shop (shared)") {
		t.Fatalf("list on the other machine: %+v", r)
	}
	r := b.run(t, "", "list", "--json")
	var items []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &items); err != nil || len(items) != 1 || items[0]["shared"] != true {
		t.Fatalf("list --json: %s %v", r.stdout, err)
	}
	if r := b.run(t, "", "header", "shop"); r.code != 0 || !strings.Contains(r.stdout, "tok-abc") {
		t.Fatalf("header on the other machine: %+v", r)
	}
	if r := b.run(t, "", "team"); r.code != 0 || !strings.Contains(r.stdout, "reachable: yes") || !strings.Contains(r.stdout, "1 connection") {
		t.Fatalf("team: %+v", r)
	}
	if r := b.run(t, "", "unshare", "shop"); r.code != exitUsage || !strings.Contains(r.stderr, "--yes") {
		t.Fatalf("unshare without --yes from a pipe: %+v", r)
	}
	if r := b.run(t, "", "unshare", "shop", "--yes"); r.code != 0 {
		t.Fatalf("unshare: %+v", r)
	}
	if r := a.run(t, "", "header", "shop"); r.code == 0 {
		t.Fatalf("the first machine still finds it after the other took it back: %+v", r)
	}
	if r := b.run(t, "", "header", "shop"); r.code != 0 || !strings.Contains(r.stdout, "tok-abc") {
		t.Fatalf("header after unshare: %+v", r)
	}
	if r := a.run(t, "", "team", "unset"); r.code != 0 {
		t.Fatalf("team unset: %+v", r)
	}
	if r := a.run(t, "", "team"); r.code != 0 || !strings.Contains(r.stdout, "No team store") {
		t.Fatalf("team after unset: %+v", r)
	}
}
