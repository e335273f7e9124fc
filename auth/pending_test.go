package auth

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"authdeck/auth/catalog"
	"authdeck/internal/standin"
)

// Issue 21.4: a connection the wizard stored for a sign-in whose window was
// killed during the wait is removed at the next start; one whose sign-in is
// still waiting, one just stored, and one that signed in are kept.
func TestClearAbandonedRemovesOnlyHalfMadeConnections(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	add := func(name string, signInNext bool) {
		t.Helper()
		if _, err := f.m.Add(ctx, AddRequest{Name: name, Provider: "sandbox", Method: catalog.KindOAuth, SignInNext: signInNext}); err != nil {
			t.Fatal(err)
		}
	}
	add("killed during the wait", true)
	add("still waiting", true)
	add("added from the terminal", false)
	_, release, err := f.m.claimSignIn(ctx, "still waiting", nil) // another window's sign-in
	if err != nil {
		t.Fatal(err)
	}
	defer release()

	if removed, err := f.m.ClearAbandoned(ctx); err != nil || len(removed) != 0 {
		t.Fatalf("right after they were stored: removed %v, %v; want nothing (their sign-ins may be starting)", removed, err)
	}
	f.clock.Advance(2 * time.Minute)
	removed, err := f.m.ClearAbandoned(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0] != "killed during the wait" {
		t.Fatalf("removed %q, want only the connection whose sign-in died", removed)
	}
	if _, err := f.m.Get("killed during the wait"); !errors.Is(err, ErrNotFound) {
		t.Errorf("the half-made connection is still there: %v", err)
	}
	for _, name := range []string{"still waiting", "added from the terminal"} {
		if _, err := f.m.Get(name); err != nil {
			t.Errorf("%s was removed: %v", name, err)
		}
	}
	if _, err := f.secrets.Get("connection/killed during the wait"); err == nil {
		t.Error("the half-made connection's keyring item is left behind")
	}
}

// A pasted credential is complete the moment it is stored: never pending.
func TestPastedCredentialsAreNeverPending(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	if _, err := f.m.Add(ctx, AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken,
		Params: map[string]string{"domain_prefix": "myshop"}, Secret: "tok", SignInNext: true}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)
	if removed, err := f.m.ClearAbandoned(ctx); err != nil || len(removed) != 0 {
		t.Fatalf("removed %v, %v: a pasted key is never half-made", removed, err)
	}
}

// The sign-in that finishes makes the connection whole: it is no longer
// pending, so a later start never removes a connection that works.
func TestFinishedSignInIsNoLongerPending(t *testing.T) {
	f := newFixture(t, Options{OpenBrowser: standin.Browser("approve"), HTTP: &http.Client{Timeout: 10 * time.Second}})
	ctx := context.Background()
	if _, err := f.m.Add(ctx, AddRequest{Name: "demo", Provider: "sandbox", Method: catalog.KindOAuth, SignInNext: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Connect(ctx, "demo", ConnectOptions{}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)
	if removed, err := f.m.ClearAbandoned(ctx); err != nil || len(removed) != 0 {
		t.Fatalf("removed %v, %v after a finished sign-in", removed, err)
	}
}
