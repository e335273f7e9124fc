package auth

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"authdeck/auth/secret"
	"authdeck/internal/browsertest"
	"authdeck/internal/standin"
)

// The README's first journey, end to end through the Manager with the
// system Chromium as the browser: add the sandbox connection, connect, and a
// person's click on Approve on the consent page ends in a connected
// connection whose check says who is signed in. (In Chromium, the consent
// page's form-action 'self' blocked the redirect: Approve did nothing and
// the sign-in waited until it timed out.)
func TestQuickstartWithChromium(t *testing.T) {
	b := browsertest.Start(t)
	open, tabs := b.Opener()
	f := newFixture(t, Options{OpenBrowser: open, Secrets: secret.NewMemory(), HTTP: &http.Client{Timeout: 10 * time.Second}})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	port := standin.FreePort(t)
	if _, err := f.m.Add(ctx, AddRequest{Name: "demo", Provider: "sandbox", Params: map[string]string{"port": port}}); err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		c   Connection
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		c, err := f.m.Connect(ctx, "demo", ConnectOptions{})
		done <- outcome{c, err}
	}()
	var tab context.Context
	select {
	case tab = <-tabs:
	case o := <-done:
		t.Fatalf("connect ended before the browser opened: %v", o.err)
	}
	if err := browsertest.Click(tab, `button[value="approve"]`); err != nil {
		t.Fatal(err)
	}
	o := <-done
	if o.err != nil || o.c.Status != StatusOK || o.c.ConnectedAt == nil {
		t.Fatalf("connect: %+v, %v", o.c, o.err)
	}
	if _, text, err := browsertest.Landing(tab, "body.ok h1"); err != nil || !strings.Contains(text, "Connected to Sandbox") {
		t.Fatalf("the browser's page: %q, %v", text, err)
	}
	res, err := f.m.Check(ctx, "demo")
	if err != nil || !res.OK || !strings.Contains(res.Account, "demo") {
		t.Fatalf("check: %+v, %v", res, err)
	}
}
