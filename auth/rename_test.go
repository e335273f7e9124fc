package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"authdeck/auth/catalog"
	"authdeck/auth/store"
)

// Issue 21.1: a value changed elsewhere while the person edited another
// field is kept; an edited field changed elsewhere is not overwritten.
func TestSetDetailsComparesBeforeWriting(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	if _, err := f.m.Add(ctx, AddRequest{Name: "winery", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "tok", Owner: "Dana", Note: "old"}); err != nil {
		t.Fatal(err)
	}
	seen := Details{Owner: "Dana", Note: "old"}
	// Elsewhere (the command line) the owner changes.
	if _, err := f.m.SetDetails(ctx, "winery", seen, Details{Owner: "Priya (IT)", Note: "old"}); err != nil {
		t.Fatal(err)
	}
	// The window saves its note, started from the old owner.
	c, err := f.m.SetDetails(ctx, "winery", seen, Details{Owner: "Dana", Note: "for the shop"})
	if err != nil || c.Owner != "Priya (IT)" || c.Note != "for the shop" {
		t.Fatalf("unedited owner did not follow the outside change: %+v, %v", c, err)
	}
	// An edited owner that changed elsewhere meanwhile is a question.
	_, err = f.m.SetDetails(ctx, "winery", seen, Details{Owner: "Ben", Note: "for the shop"})
	e, ok := AsError(err)
	if !errors.Is(err, ErrChanged) || !ok || e.Input != InputOwner || e.Kind != KindChanged {
		t.Fatalf("conflict not reported as one: %#v", err)
	}
	if c, _ := f.m.Get("winery"); c.Owner != "Priya (IT)" {
		t.Fatalf("conflict overwrote the owner: %q", c.Owner)
	}
	// Starting again from what is stored now writes it.
	if c, err := f.m.SetDetails(ctx, "winery", Details{Owner: "Priya (IT)", Note: "for the shop"}, Details{Owner: "Ben", Note: "for the shop"}); err != nil || c.Owner != "Ben" {
		t.Fatalf("save after choosing: %+v, %v", c, err)
	}
}

// Issue 21.9: two names that differ only in capitals are refused; an empty
// name is worded as a missing name.
func TestNamesDifferingOnlyInCaseAreRefused(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	add := func(name string) error {
		_, err := f.m.Add(ctx, AddRequest{Name: name, Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "tok"})
		return err
	}
	if err := add("Sandbox demo"); err != nil {
		t.Fatal(err)
	}
	err := add("sandbox demo")
	if e, ok := AsError(err); !ok || e.Input != InputName || e.Kind != KindNameTaken || !strings.Contains(err.Error(), "capitals") {
		t.Fatalf("case twin allowed or badly said: %v", err)
	}
	if err := add(""); err == nil || strings.Contains(err.Error(), `""`) {
		t.Fatalf("empty name: %v", err)
	}
}

// Issue 21.10: a rename keeps the secret, the owner and note, the history
// and the "replaced by" notes that named the connection.
func TestRenameKeepsSecretsAndHistory(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	if _, err := f.m.Add(ctx, AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "tok-1", Owner: "Ana", Note: "nightly"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Add(ctx, AddRequest{Name: "other", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "tok-2"}); err != nil {
		t.Fatal(err)
	}
	if err := f.m.update(ctx, "other", func(c *store.Connection) error { c.ReplacedBy = "shop"; return nil }); err != nil {
		t.Fatal(err)
	}
	before, _ := f.m.Get("shop")
	c, err := f.m.Rename(ctx, "shop", "Shop Main")
	if err != nil || c.Name != "Shop Main" || c.Owner != "Ana" || c.Note != "nightly" || !c.CreatedAt.Equal(before.CreatedAt) {
		t.Fatalf("rename: %+v, %v", c, err)
	}
	cred, err := f.m.Credential(ctx, "Shop Main")
	if err != nil || cred.Secret != "tok-1" {
		t.Fatalf("secret after rename: %q, %v", cred.Secret, err)
	}
	if _, err := f.m.Get("shop"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("old name still there: %v", err)
	}
	if raw, _ := f.secrets.Get("connection/shop"); raw != "" {
		t.Error("the old keyring item was left behind")
	}
	if o, _ := f.m.Get("other"); o.ReplacedBy != "Shop Main" {
		t.Errorf("replaced-by not renamed: %q", o.ReplacedBy)
	}
	if _, err := f.m.Rename(ctx, "Shop Main", "OTHER"); !errors.Is(err, ErrNotFound) && err == nil {
		t.Fatal("renamed onto a case twin")
	} else if e, ok := AsError(err); !ok || e.Kind != KindNameTaken {
		t.Fatalf("rename onto a taken name: %v", err)
	}
	if cred, err := f.m.Credential(ctx, "Shop Main"); err != nil || cred.Secret != "tok-1" {
		t.Fatalf("a refused rename lost the secret: %v", err)
	}
}
