package ui

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"authdeck/auth"
	"authdeck/auth/catalog"
)

// Issue 20.2: a provider read from an issuer whose id already has another
// definition replaces it only after a question that names the connections
// using it; "Keep the old one" writes nothing.
func TestWizardAsksBeforeReplacingADefinition(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(rw, `{"issuer": %q, "authorization_endpoint": %q, "token_endpoint": %q}`, srv.URL, srv.URL+"/authorize", srv.URL+"/token")
	}))
	t.Cleanup(srv.Close)
	opened := make(chan struct{}, 4)
	a := wizardApp(t, func(string) error { opened <- struct{}{}; return nil }, nil)
	p, err := a.m.Catalog().DiscoverProvider(a.ctx(), "", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	p.Name = "My CRM" // the saved definition says something else
	if _, err := a.m.Catalog().SaveProvider(p); err != nil {
		t.Fatal(err)
	}
	run := func(answer string) {
		a.showWizard("", "")
		w := a.wizard
		w.providerPick.SetSelected(otherProvider)
		test.Tap(w.next)
		w.issuer.SetText(srv.URL)
		pressKey(a, fyne.KeyReturn)
		pressKey(a, fyne.KeyReturn)
		w.clientID.SetText("app")
		w.clientSecret.SetText("s3cret")
		test.Tap(w.next)
		a.wait()
		if !strings.Contains(strings.Join(texts(a.win.Canvas()), " "), "Replace the provider definition?") {
			t.Fatalf("no question before the replacement: %q", w.fieldErr.Text)
		}
		test.Tap(findIn(t, a.win.Canvas(), answer, func(b *keyButton) bool { return b.Text == answer }))
	}
	run("Keep the old one")
	a.wait()
	if got, _ := a.m.Catalog().Provider(p.ID); got.Name != "My CRM" {
		t.Fatalf("Keep the old one replaced it: %q", got.Name)
	}
	if names := connections(t, a); len(names) != 0 {
		t.Fatalf("Keep the old one left %v", names)
	}
	test.Tap(a.wizard.close)
	// What was typed (the client ID and secret) is not thrown away unasked.
	test.Tap(findIn(t, a.win.Canvas(), "Close", func(b *keyButton) bool { return b.Text == "Close" }))
	run("Replace")
	<-opened // the sign-in goes ahead with the new definition
	if got, _ := a.m.Catalog().Provider(p.ID); got.Name == "My CRM" {
		t.Fatal("Replace did not replace the definition")
	}
	pressKey(a, fyne.KeyEscape)
	a.wait()
}

// Issue 20.4: every guess is said in words on the step where the person
// decides, not only the addresses folded under Advanced.
func TestWizardSaysEveryGuess(t *testing.T) {
	a := wizardApp(t, nil, nil)
	a.showWizard("vinli", catalog.KindOAuth)
	all := strings.Join(texts(a.win.Canvas()), " ")
	for _, want := range []string{"Vinli's documentation does not state", "how the app's ID and secret are sent", "how the credential is sent with each request"} {
		if !strings.Contains(all, want) {
			t.Errorf("the sign-in step does not say %q", want)
		}
	}
	test.Tap(a.wizard.close)
	// And in the detail pane, under the method.
	if _, err := a.m.Add(a.ctx(), auth.AddRequest{Name: "Fleet", Provider: "vinli", Method: catalog.KindOAuth, ClientID: "app", Secret: "s"}); err != nil {
		t.Fatal(err)
	}
	a.reload()
	a.wait()
	a.selectConnection("Fleet")
	if all := strings.Join(texts(a.win.Canvas()), " "); !strings.Contains(all, "Vinli's documentation does not state") {
		t.Errorf("the detail pane does not say which values are guesses")
	}
}
