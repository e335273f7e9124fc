package ui

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/internal/standin"
)

// The detail pane starts a local address for a connection, copies it like
// a secret (cleared later) and stops it; a connection that is not signed in
// says so instead.
func TestLocalAddressForTools(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "demo", Provider: auth.SandboxID, Method: catalog.KindOAuth, Params: map[string]string{"port": standin.FreePort(t)}})
	f.reload()
	f.a.selectConnection("demo")
	var got error
	startProxy(f.a, "demo", func(err error) { got = err })
	f.a.wait()
	if got == nil || runningProxy(f.a, "demo") != nil || !strings.Contains(plain(got), "not signed in") {
		t.Fatalf("a proxy for a connection not signed in: %v", got)
	}
	if _, err := f.m.Connect(context.Background(), "demo", auth.ConnectOptions{}); err != nil {
		t.Fatal(err)
	}
	showProxy(f.a.detail) // the dialog opens over the window
	startProxy(f.a, "demo", func(err error) { got = err })
	f.a.wait()
	p := runningProxy(f.a, "demo")
	if got != nil || p == nil || !strings.HasPrefix(p.URL, "http://127.0.0.1:") {
		t.Fatalf("start: %v, %+v", got, p)
	}
	f.a.copySecret(p.URL)
	if f.a.fyne.Clipboard().Content() != p.URL || f.a.copied != p.URL {
		t.Fatal("the address was not copied as a secret (cleared later)")
	}
	stopProxy(f.a, "demo")
	if runningProxy(f.a, "demo") != nil || !strings.Contains(f.a.statusBar.Text, "stopped") {
		t.Fatalf("after stop: %q", f.a.statusBar.Text)
	}

	// A proxy still running when the window quits stops with it.
	startProxy(f.a, "demo", func(err error) { got = err })
	f.a.wait()
	q := runningProxy(f.a, "demo")
	if got != nil || q == nil {
		t.Fatalf("second start: %v", got)
	}
	f.a.Stop()
	if resp, err := http.Get(q.URL); err == nil { // #nosec G107 -- the test's own proxy on 127.0.0.1
		resp.Body.Close()
		t.Fatal("the proxy still answers after the window quit")
	}
	if runningProxy(f.a, "demo") != nil {
		t.Fatal("the window still lists a proxy after it quit")
	}
}
