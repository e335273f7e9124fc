package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/auth/secret"
	"authdeck/internal/fakeclock"
	"authdeck/internal/standin"
)

// wizardApp is a window over a fresh config whose browser is open (nil:
// one that approves) and whose keyring is secrets (nil: in memory).
func wizardApp(t *testing.T, open func(string) error, secrets secret.Store) *App {
	t.Helper()
	if open == nil {
		open = standin.Browser("approve")
	}
	if secrets == nil {
		secrets = secret.NewMemory()
	}
	clock := fakeclock.New(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	m, err := auth.Open(auth.Options{ConfigDir: t.TempDir(), Secrets: secrets, Now: clock.Now, OpenBrowser: open})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	a := New(test.NewTempApp(t), m)
	t.Cleanup(a.Stop)
	a.wait()
	a.win.Resize(fyne.NewSize(800, 600))
	return a
}

// sandboxWizard opens the wizard at the sandbox's fields, on a free port.
func sandboxWizard(t *testing.T, a *App) *wizard {
	t.Helper()
	a.showWizard(auth.SandboxID, catalog.KindOAuth)
	w := a.wizard
	w.params["port"].SetText(standin.FreePort(t))
	return w
}

// pressKey sends a key to whatever has the keyboard focus in the window, as
// the window does (the canvas's own handler when nothing is focused).
func pressKey(a *App, name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	if f := a.win.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
	} else if h := a.win.Canvas().OnTypedKey(); h != nil {
		h(ev)
	}
	a.wait()
}

// shown is every text the wizard shows now (hidden parts left out).
func shown(w *wizard) []string {
	var out []string
	var visit func(o fyne.CanvasObject)
	visit = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *canvas.Text:
			if o.Text != "" {
				out = append(out, o.Text)
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				visit(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				visit(c)
			}
		}
	}
	visit(w.root)
	return out
}

// noCommands fails if the wizard shows a command-line flag or command.
func noCommands(t *testing.T, w *wizard, path string) {
	t.Helper()
	for _, s := range shown(w) {
		if strings.Contains(s, "--") || strings.Contains(s, "authdeck ") {
			t.Errorf("%s: the wizard shows a command-line instruction: %q", path, s)
		}
	}
}

func connections(t *testing.T, a *App) []string {
	t.Helper()
	conns, err := a.m.List()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range conns {
		names = append(names, c.Name)
	}
	return names
}

// Every step starts at its top and renders whole, whatever the scroll
// position of the step before; Back after scrolling shows the page.
func TestWizardStepsStartAtTheirTop(t *testing.T) {
	opened := make(chan struct{}, 1)
	a := wizardApp(t, func(string) error { opened <- struct{}{}; return nil }, nil)
	a.showWizard("vinsight", catalog.KindOAuth)
	w := a.wizard
	w.showAdvanced(true) // make the page longer than the dialog
	w.scroll.ScrollToBottom()
	if w.scroll.Offset.Y == 0 {
		t.Fatal("the fields step does not scroll at 800×600: the test proves nothing")
	}
	test.Tap(w.back)
	if w.step != stepMethod || w.scroll.Offset.Y != 0 {
		t.Fatalf("Back after scrolling: step %d at offset %v", w.step, w.scroll.Offset)
	}
	if w.methodPick.box.Size().Height == 0 || w.body.Objects[0].Size().Height == 0 {
		t.Error("the method step is laid out empty")
	}
	test.Tap(w.next)
	w.scroll.ScrollToBottom()
	w.timeout = time.Hour
	a.wizard.close.Tapped(nil) // closing with nothing stored
	a.wait()

	a.showWizard(auth.SandboxID, catalog.KindOAuth)
	w = a.wizard
	w.params["port"].SetText(standin.FreePort(t))
	w.showAdvanced(true)
	w.scroll.ScrollToBottom()
	scrolled := w.scroll.Offset.Y
	test.Tap(w.next) // Connect
	<-opened
	if w.step != stepWait || w.scroll.Offset.Y != 0 || scrolled == 0 {
		t.Fatalf("Connect after scrolling %v: step %d at offset %v", scrolled, w.step, w.scroll.Offset)
	}
	w.wait.tick(w.wait.started.Add(30 * time.Second)) // a fixed time left for the markup
	test.AssertRendersToMarkup(t, "wizard/waiting_after_scroll.xml", a.win.Canvas())
	test.Tap(w.close) // Cancel
	a.wait()
}

// The sign-in waits at most the timeout, shows the time left, ends with
// words and a Try again button, and leaves no connection behind.
func TestWizardSignInTimesOut(t *testing.T) {
	opened, goOn := make(chan struct{}), make(chan struct{})
	a := wizardApp(t, func(string) error { opened <- struct{}{}; <-goOn; return nil }, nil)
	w := sandboxWizard(t, a)
	if w.timeout != 5*time.Minute {
		t.Errorf("the wizard waits %s, the command line 5 minutes", w.timeout)
	}
	w.timeout = 200 * time.Millisecond // the browser never answers
	test.Tap(w.next)
	<-opened
	if !w.wait.Visible() || !w.wait.left.Visible() || !strings.HasPrefix(w.wait.left.TextFormatter(), "Waiting 0:0") {
		t.Fatal("no time left shown while waiting")
	}
	close(goOn)
	a.wait()
	if !strings.HasPrefix(w.waitErr.Text, "No answer came back from the browser within") {
		t.Errorf("after the timeout: %q", w.waitErr.Text)
	}
	if !w.next.Visible() || w.next.Text != "Try again" || w.close.Text != "Close" {
		t.Errorf("after the timeout: next %q (visible %v), close %q", w.next.Text, w.next.Visible(), w.close.Text)
	}
	if names := connections(t, a); len(names) != 0 {
		t.Errorf("a sign-in that timed out left %v in the list", names)
	}
	noCommands(t, w, "timeout")
}

func TestWaitingShowsTheTimeLeft(t *testing.T) {
	test.NewTempApp(t)
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	wt := newWaiting(func(string) {}, func(string) {}, nil)
	wt.start("Approve the request in your browser.", start, start.Add(5*time.Minute))
	wt.tick(start.Add(28 * time.Second))
	if got := wt.left.TextFormatter(); got != "Waiting 4:32 more" {
		t.Errorf("time left shows %q", got)
	}
	if wt.left.Value <= 0.9 || wt.left.Value >= 0.91 {
		t.Errorf("the bar is at %v", wt.left.Value)
	}
	wt.tick(start.Add(6 * time.Minute))
	if got := wt.left.TextFormatter(); got != "Waiting 0:00 more" {
		t.Errorf("after the deadline: %q", got)
	}
}

// A denied consent says so, in the provider's name, and leaves nothing.
func TestWizardSaysAccessWasDenied(t *testing.T) {
	a := wizardApp(t, standin.Browser("deny"), nil)
	w := sandboxWizard(t, a)
	test.Tap(w.next)
	a.wait()
	if !strings.HasPrefix(w.waitErr.Text, "Sandbox (demo) said access was denied.") {
		t.Errorf("a denied consent says %q", w.waitErr.Text)
	}
	if names := connections(t, a); len(names) != 0 {
		t.Errorf("a denied sign-in left %v in the list", names)
	}
	noCommands(t, w, "denied")
	// Try again signs in afresh (a browser that approves this time).
	a.m.Close()
}

// Cancel during the sign-in leaves no half-made connection; Try again
// stores it again and signs in.
func TestWizardCancelLeavesNothingAndTryAgainConnects(t *testing.T) {
	var mu sync.Mutex
	approve := false
	opened := make(chan struct{}, 4)
	a := wizardApp(t, func(u string) error {
		mu.Lock()
		defer mu.Unlock()
		if approve {
			return standin.Browser("approve")(u)
		}
		opened <- struct{}{}
		return nil
	}, nil)
	w := sandboxWizard(t, a)
	test.Tap(w.next)
	<-opened
	if names := connections(t, a); len(names) != 1 {
		t.Fatalf("while waiting the list holds %v", names)
	}
	pressKey(a, fyne.KeyEscape) // Esc cancels the wait, it does not close yet
	if a.wizard == nil || !strings.HasPrefix(w.waitErr.Text, "Cancelled.") {
		t.Fatalf("after Esc: wizard open %v, %q", a.wizard != nil, w.waitErr.Text)
	}
	if names := connections(t, a); len(names) != 0 {
		t.Errorf("Cancel left %v in the list", names)
	}
	mu.Lock()
	approve = true
	mu.Unlock()
	if a.win.Canvas().Focused() != w.next {
		t.Errorf("Try again does not have the focus: %v", a.win.Canvas().Focused())
	}
	pressKey(a, fyne.KeyReturn) // Try again
	if a.wizard != nil {
		t.Fatalf("Try again did not finish: %q", w.waitErr.Text)
	}
	if names := connections(t, a); len(names) != 1 || names[0] != "Sandbox demo" {
		t.Errorf("after Try again the list holds %v", names)
	}
}

// Something that came back without finishing the sign-in is said in the
// waiting panel, and Cancel stays.
func TestWizardShowsWhatCameBackWhileWaiting(t *testing.T) {
	came := make(chan struct{})
	a := wizardApp(t, func(authorizeURL string) error {
		u, _ := url.Parse(authorizeURL)
		back := u.Query().Get("redirect_uri")
		go func() {
			defer close(came)
			if resp, err := http.Get(back); err == nil { // an answer with nothing in it
				resp.Body.Close()
			}
		}()
		return nil
	}, nil)
	w := sandboxWizard(t, a)
	test.Tap(w.next)
	<-came
	if !w.wait.notice.Visible() || !strings.Contains(w.wait.notice.Text, "without an answer") {
		t.Errorf("the notice shows %q (visible %v)", w.wait.notice.Text, w.wait.notice.Visible())
	}
	if !w.close.Visible() || w.close.Text != "Cancel" || w.cancel == nil {
		t.Error("Cancel is gone while the sign-in still waits")
	}
	test.Tap(w.close)
	a.wait()
}

// failingKeyring refuses to store anything, like a locked keyring.
type failingKeyring struct{ secret.Store }

func (failingKeyring) Set(string, string) error { return errors.New("the keyring is locked") }

// Every error the wizard can meet is said in the window's words: the field
// it is about is marked and in view, the message at the top, and no
// command-line flag or command anywhere.
func TestWizardErrorsInWindowWords(t *testing.T) {
	cases := []struct {
		name     string
		provider string
		kind     catalog.Kind
		fill     func(w *wizard)
		field    func(w *wizard) *keyEntry // nil: about no field
		want     string
	}{
		{"bad name", "vinsight", catalog.KindAPIKey, func(w *wizard) { w.name.SetText("!!"); w.secret.SetText("k") },
			func(w *wizard) *keyEntry { return w.name }, "not a usable name"},
		{"no key", "vinsight", catalog.KindAPIKey, func(w *wizard) {}, func(w *wizard) *keyEntry { return w.secret }, "API key"},
		{"bad date", "vinsight", catalog.KindAPIKey, func(w *wizard) { w.secret.SetText("k"); w.expires.SetText("next year") },
			func(w *wizard) *keyEntry { return w.expires }, "YYYY-MM-DD"},
		{"no user", "vinsight", catalog.KindSession, func(w *wizard) { w.secret.SetText("pw") }, func(w *wizard) *keyEntry { return w.user }, "email"},
		{"no client id", "vinsight", catalog.KindOAuth, func(w *wizard) {}, func(w *wizard) *keyEntry { return w.clientID }, "client ID"},
		{"no client secret", "vinsight", catalog.KindOAuth, func(w *wizard) { w.clientID.SetText("app") },
			func(w *wizard) *keyEntry { return w.clientSecret }, "client secret"},
		{"no store", "vend", catalog.KindToken, func(w *wizard) { w.secret.SetText("t") },
			func(w *wizard) *keyEntry { return w.params["domain_prefix"] }, "is empty"},
		{"bad store", "vend", catalog.KindToken, func(w *wizard) { w.secret.SetText("t"); w.params["domain_prefix"].SetText("my shop!") },
			func(w *wizard) *keyEntry { return w.params["domain_prefix"] }, "letters, digits and hyphens"},
		{"bad correction", "vcita", catalog.KindOAuth, func(w *wizard) {
			w.clientID.SetText("app")
			w.clientSecret.SetText("s")
			w.unconfirmed[catalog.FieldAuthorizeURL].SetText("http://not-loopback.example/authorize")
		}, func(w *wizard) *keyEntry { return w.unconfirmed[catalog.FieldAuthorizeURL] }, "https"},
		{"name taken", "vinsight", catalog.KindAPIKey, func(w *wizard) { w.name.SetText("Taken"); w.secret.SetText("k") },
			func(w *wizard) *keyEntry { return w.name }, "already exists"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := wizardApp(t, nil, nil)
			if _, err := a.m.Add(context.Background(), auth.AddRequest{Name: "Taken", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"}); err != nil {
				t.Fatal(err)
			}
			a.showWizard(tc.provider, tc.kind)
			w := a.wizard
			tc.fill(w)
			w.scroll.ScrollToTop()
			test.Tap(w.next)
			a.wait()
			if !w.fieldErr.Visible() || !strings.Contains(strings.ToLower(w.fieldErr.Text), strings.ToLower(tc.want)) {
				t.Fatalf("the wizard says %q (visible %v), want %q", w.fieldErr.Text, w.fieldErr.Visible(), tc.want)
			}
			t.Logf("%s: %s", tc.name, w.fieldErr.Text)
			noCommands(t, w, tc.name)
			if tc.field == nil {
				return
			}
			f := tc.field(w)
			if f == nil || !f.AlwaysShowValidationError || w.labels[f] == nil || w.labels[f].Importance != widget.DangerImportance {
				t.Fatalf("the field is not marked")
			}
			if a.win.Canvas().Focused() != f {
				t.Error("the field does not have the keyboard focus")
			}
			inView(t, w, f)
		})
	}
}

// inView fails unless o is inside the scrolled part of the step.
func inView(t *testing.T, w *wizard, o fyne.CanvasObject) {
	t.Helper()
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(w.scroll).Y
	y := d.AbsolutePositionForObject(o).Y
	if y < top || y+o.Size().Height > top+w.scroll.Size().Height {
		t.Errorf("the field is out of view: at %v, the step shows %v to %v", y, top, top+w.scroll.Size().Height)
	}
}

// A keyring that refuses and a failed sign-in are said without commands.
func TestWizardKeyringAndSignInFailuresInWindowWords(t *testing.T) {
	a := wizardApp(t, nil, failingKeyring{secret.NewMemory()})
	a.showWizard("vinsight", catalog.KindAPIKey)
	w := a.wizard
	w.secret.SetText("k")
	test.Tap(w.next)
	a.wait()
	if !strings.Contains(w.fieldErr.Text, "keyring") || !strings.Contains(w.fieldErr.Text, "press Save again") {
		t.Errorf("a locked keyring says %q", w.fieldErr.Text)
	}
	noCommands(t, w, "keyring")

	// A provider that refuses the sign-in with an error of its own.
	a = wizardApp(t, func(authorizeURL string) error {
		u, _ := url.Parse(authorizeURL)
		q := u.Query()
		back := q.Get("redirect_uri") + "?" + url.Values{"error": {"invalid_scope"}, "error_description": {"use --scopes"}, "state": {q.Get("state")}}.Encode()
		go func() {
			if resp, err := http.Get(back); err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}, nil)
	w = sandboxWizard(t, a)
	test.Tap(w.next)
	a.wait()
	if w.waitErr.Text == "" && w.fieldErr.Text == "" {
		t.Fatal("a sandbox that cannot start says nothing")
	}
	t.Logf("a refused sign-in: %s %s", w.fieldErr.Text, w.waitErr.Text)
	noCommands(t, w, "sign-in failure")
}

// "Another provider (OpenID Connect)": the issuer's discovery document
// becomes a provider and the usual steps follow. Issue 20.2: its id is one
// per issuer, and it is saved only when the person presses Connect:
// Cancel before that leaves no trace.
func TestWizardAddsAnOpenIDConnectProviderByItsIssuer(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/openid-configuration" {
			http.NotFound(rw, r)
			return
		}
		fmt.Fprintf(rw, `{"issuer": %q, "authorization_endpoint": %q, "token_endpoint": %q, "scopes_supported": ["openid", "email"], "userinfo_endpoint": %q, "code_challenge_methods_supported": ["S256"]}`,
			srv.URL, srv.URL+"/authorize", srv.URL+"/token", srv.URL+"/userinfo")
	}))
	t.Cleanup(srv.Close)
	opened := make(chan struct{}, 4)
	a := wizardApp(t, func(string) error { opened <- struct{}{}; return nil }, nil)
	a.showWizard("", "")
	w := a.wizard
	w.providerPick.SetSelected(otherProvider)
	test.Tap(w.next)
	if w.step != stepIssuer || a.win.Canvas().Focused() != w.issuer {
		t.Fatalf("step %d, focus %v", w.step, a.win.Canvas().Focused())
	}
	// An address with nothing behind it is said on the field.
	test.Type(w.issuer, srv.URL+"/nothing")
	pressKey(a, fyne.KeyReturn)
	if w.step != stepIssuer || !strings.Contains(w.fieldErr.Text, "publishes no OpenID Connect description") || !w.issuer.AlwaysShowValidationError {
		t.Fatalf("a wrong issuer: step %d, %q", w.step, w.fieldErr.Text)
	}
	noCommands(t, w, "issuer")
	id := catalog.IssuerID(srv.URL)
	discover := func() {
		w.issuer.SetText(srv.URL)
		pressKey(a, fyne.KeyReturn)
		if w.step != stepMethod || w.provider.ID != id {
			t.Fatalf("after discovery: step %d, provider %q, problem %q", w.step, w.provider.ID, w.fieldErr.Text)
		}
		pressKey(a, fyne.KeyReturn)
		if w.step != stepFields || w.clientID == nil || w.scopes == nil || text(w.scopes) != "openid email" {
			t.Fatalf("the usual fields do not follow: step %d, scopes %q", w.step, text(w.scopes))
		}
	}
	discover()
	test.Tap(w.close) // Cancel
	if _, err := a.m.Catalog().Provider(id); err == nil {
		t.Fatal("the provider was saved although the person cancelled")
	}
	if _, err := os.Stat(a.m.Catalog().ProviderFile(id)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Cancel left %s behind: %v", a.m.Catalog().ProviderFile(id), err)
	}
	a.showWizard("", "")
	w = a.wizard
	w.providerPick.SetSelected(otherProvider)
	test.Tap(w.next)
	discover()
	w.clientID.SetText("app")
	w.clientSecret.SetText("s3cret")
	test.Tap(w.next) // Connect: the person confirms
	<-opened
	if _, err := a.m.Catalog().Provider(id); err != nil {
		t.Errorf("the provider was not saved on Connect: %v", err)
	}
	pressKey(a, fyne.KeyEscape)
}

// Vinsight's known scopes are offered by their plain labels, with free
// text for others; the ticked and typed ones are asked for.
func TestWizardOffersKnownScopes(t *testing.T) {
	a := wizardApp(t, nil, nil)
	a.showWizard("vinsight", catalog.KindOAuth)
	w := a.wizard
	c := w.scopeChecks["read_contacts"]
	if c == nil || !strings.HasPrefix(c.Text, "See contacts") {
		t.Fatalf("known scopes offered: %v", w.scopeChecks)
	}
	c.SetChecked(true)
	w.scopes.SetText("read_vessels")
	if got := w.chosenScopes(); strings.Join(got, " ") != "read_contacts read_vessels" {
		t.Errorf("asked for %v", got)
	}
	// Every browser method has a scopes field (Vend takes none: none asked).
	for _, p := range a.m.Catalog().Providers() {
		for _, m := range p.Methods {
			if !m.Kind.Browser() || !m.SendsScopes() {
				continue
			}
			test.Tap(w.close)
			a.showWizard(p.ID, m.Kind)
			w = a.wizard
			if w.scopes == nil {
				t.Errorf("%s %s has no scopes field", p.ID, m.Kind)
			}
		}
	}
}

// Technical values are folded under Advanced; the sandbox asks no one to
// register anything.
func TestWizardFoldsTechnicalValuesAway(t *testing.T) {
	a := wizardApp(t, nil, nil)
	a.showWizard("vcita", catalog.KindOAuth)
	w := a.wizard
	if w.advanced == nil || w.advanced.Visible() || !w.inAdvanced(w.unconfirmed[catalog.FieldAuthorizeURL]) {
		t.Fatal("the unconfirmed sign-in page address is not folded under Advanced")
	}
	pressKey(a, fyne.KeyEscape)
	a.showWizard(auth.SandboxID, catalog.KindOAuth)
	w = a.wizard
	for _, s := range shown(w) {
		if strings.Contains(strings.ToLower(s), "register") || strings.Contains(s, "Give this exact address") {
			t.Errorf("the sandbox asks: %q", s)
		}
	}
	test.AssertRendersToMarkup(t, "wizard/sandbox_fields.xml", a.win.Canvas())
}

// The whole journey from the keyboard: Tab to the sandbox, Enter through
// the steps, Enter to connect; Esc closes.
func TestWizardKeyboardJourney(t *testing.T) {
	a := wizardApp(t, nil, nil)
	a.showWizard("", "")
	w := a.wizard
	c := a.win.Canvas()
	for i := 0; i < 10 && c.Focused() != w.providerPick.option("Sandbox (demo)"); i++ {
		c.FocusNext()
	}
	pressKey(a, fyne.KeySpace) // chooses, and the focus stays
	if w.providerPick.Selected != "Sandbox (demo)" || c.Focused() == nil {
		t.Fatalf("Space chose %q, focus %v", w.providerPick.Selected, c.Focused())
	}
	pressKey(a, fyne.KeyReturn)
	if w.step != stepMethod {
		t.Fatalf("Enter on the sandbox: step %d", w.step)
	}
	if b, ok := c.Focused().(*keyButton); !ok || !b.focused {
		t.Errorf("the focused option shows no focus ring: %v", c.Focused())
	}
	pressKey(a, fyne.KeyReturn)
	if w.step != stepFields || c.Focused() != w.name {
		t.Fatalf("Enter on the method: step %d, focus %v", w.step, c.Focused())
	}
	w.params["port"].SetText(standin.FreePort(t))
	pressKey(a, fyne.KeyReturn) // Connect
	if a.wizard != nil {
		t.Fatalf("Enter did not connect: %q %q", w.fieldErr.Text, w.waitErr.Text)
	}
	a.showWizard("", "")
	pressKey(a, fyne.KeyEscape)
	if a.wizard != nil {
		t.Error("Esc did not close the wizard")
	}
}

// A parameter the core finds missing is marked on the wizard's own field.
func TestWizardMarksAMissingParameter(t *testing.T) {
	a := wizardApp(t, nil, nil)
	a.showWizard("vend", catalog.KindToken)
	w := a.wizard
	p := w.problemFor(&auth.Error{Kind: auth.KindMissingParam, Input: auth.InputParam, Remedy: auth.RemedyFixInput,
		Param: "domain_prefix", Params: []string{"domain_prefix"}, Msg: "Vend needs domain_prefix"})
	if p.field != w.params["domain_prefix"] || !strings.HasPrefix(p.msg, w.provider.Params[0].Label+" is empty") {
		t.Errorf("a missing store says %q on %v", p.msg, p.field)
	}
}

// Closing the wizard (Escape, Cancel) or quitting with something typed in
// its details asks first; Escape on that question keeps editing.
func TestWizardNeverDropsTypingWithoutAsking(t *testing.T) {
	a := wizardApp(t, nil, nil)
	a.showWizard("vinsight", catalog.KindAPIKey)
	w := a.wizard
	if w.step != stepFields {
		t.Fatalf("the wizard opened at step %d", w.step)
	}
	// Nothing typed yet: Escape closes at once.
	pressKey(a, fyne.KeyEscape)
	if a.wizard != nil {
		t.Fatal("an untouched wizard did not close on Escape")
	}
	a.showWizard("vinsight", catalog.KindAPIKey)
	w = a.wizard
	w.entries[0].SetText("typed")
	pressKey(a, fyne.KeyEscape)
	if a.wizard == nil || !slices.Contains(texts(a.win.Canvas()), "Close without saving?") {
		t.Fatalf("Escape with typing closed the wizard (open %v)", a.wizard != nil)
	}
	pressKey(a, fyne.KeyEscape) // on the question: keep editing
	if a.wizard == nil || w.entries[0].Text != "typed" {
		t.Fatal("Escape on the question lost the typing")
	}
	a.quit()
	if !slices.Contains(texts(a.win.Canvas()), "Quit without saving?") {
		t.Fatalf("quitting with typing asked nothing: %q", texts(a.win.Canvas()))
	}
}

// The wizard's "Expires on" has the calendar Edit expiry has.
func TestWizardExpiryHasACalendar(t *testing.T) {
	a := wizardApp(t, nil, nil)
	a.showWizard("vinsight", catalog.KindAPIKey)
	c := a.win.Canvas()
	test.Tap(calendarButton(t, c))
	test.Tap(findButton(t, c, "15"))
	if got := a.wizard.expires.Text; !strings.HasSuffix(got, "-15") {
		t.Fatalf("picking 15 filled %q", got)
	}
}
