package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"authdeck/auth"
	"authdeck/auth/catalog"
)

// Issue 21.4: the wizard stores a browser connection as pending, and a
// window started after one was killed during the browser wait removes the
// half-made connection and says so in the status bar.
func TestStartRemovesAConnectionWhoseSignInDied(t *testing.T) {
	f := newFixture(t)
	w := sandboxWizard(t, f.a)
	w.name.SetText("Sandbox demo")
	req, p := w.request()
	if p.msg != "" {
		t.Fatal(p.msg)
	}
	if !req.SignInNext {
		t.Fatal("the wizard's request does not say a sign-in follows: a killed window would leave the connection half-made")
	}
	// What the killed window left: stored for its sign-in, never signed in.
	if _, err := f.m.Add(context.Background(), auth.AddRequest{Name: "Half made", Provider: "sandbox", Method: catalog.KindOAuth, SignInNext: true}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(10 * time.Minute)
	f.a.clearAbandoned() // what Start runs (Start's tick loop races the test driver's inline fyne.Do)
	f.a.wait()
	if _, err := f.m.Get("Half made"); err == nil {
		t.Fatal("the half-made connection is still there after the window started")
	}
	if !strings.Contains(f.a.statusBar.Text, "Half made") || !strings.Contains(f.a.statusBar.Text, "never finished") {
		t.Errorf("status bar says %q; want it to name what was removed and why", f.a.statusBar.Text)
	}
}
