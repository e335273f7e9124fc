package auth

import (
	"context"
	"testing"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/render"
)

// A name is resolved once: every command reads connections.json once, and a
// command that changes a connection reads it again only under the
// connection's hold (withConn: once to hold it, once inside the store's own
// update). Before withConn, SetExpiry, SetDetails and Replace read it again
// outside the lock, and curl with a URL read it twice.
func TestEveryCommandReadsTheMetadataOnce(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	add := func(name string) {
		t.Helper()
		if _, err := f.m.Add(ctx, AddRequest{Name: name, Provider: "vend", Method: catalog.KindToken, Secret: "tok",
			Params: map[string]string{"domain_prefix": "myshop"}}); err != nil {
			t.Fatal(err)
		}
	}
	add("shop")
	add("gone")
	loads := countReads(t, f.m)
	at := f.clock.Now().Add(48 * time.Hour)
	for _, tc := range []struct {
		name  string
		reads int64
		run   func() error
	}{
		{"header", 1, func() error { _, err := f.m.Credential(ctx, "shop"); return err }},
		{"curl URL", 1, func() error {
			_, c, err := f.m.Snippet(ctx, "shop", render.FormatCurl, "https://myshop.retail.lightspeed.app/api/x")
			if err == nil && len(c.APIHosts) == 0 {
				t.Error("Snippet did not say which hosts the credential is meant for")
			}
			return err
		}},
		{"get", 1, func() error { _, err := f.m.Get("shop"); return err }},
		{"list", 1, func() error { _, err := f.m.List(); return err }},
		{"expires", 2, func() error { _, err := f.m.SetExpiry(ctx, "shop", &at); return err }},
		{"details", 2, func() error {
			_, err := f.m.SetDetails(ctx, "shop", Details{}, Details{Owner: "Ana"})
			return err
		}},
		{"replace", 2, func() error { _, err := f.m.Replace(ctx, "shop", "tok2", nil); return err }},
		{"exec (lease)", 1, func() error { _, err := f.m.Lease(ctx, "shop", time.Minute); return err }},
		{"hosts", 1, func() error { _, err := f.m.APIHosts("shop"); return err }},
		{"api base", 1, func() error { _, err := f.m.APIBase(ctx, "shop"); return err }},
		{"rename", 2, func() error { _, err := f.m.Rename(ctx, "shop", "shop2"); return err }},
		{"rename back", 2, func() error { _, err := f.m.Rename(ctx, "shop2", "shop"); return err }},
		{"remove", 3, func() error { return f.m.Remove(ctx, "gone") }}, // hold; mark; drop
	} {
		before := loads.Load()
		if err := tc.run(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if n := loads.Load() - before; n != tc.reads {
			t.Errorf("%s read connections.json %d times, want %d", tc.name, n, tc.reads)
		}
	}
}
