package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
	"authdeck/auth/catalog"
)

// discoverTimeout bounds reading an issuer's discovery document.
const discoverTimeout = 30 * time.Second

// buildChoices makes the provider and method choices and the issuer field.
func (w *wizard) buildChoices() {
	w.providerHelp = wrapLabel("")
	w.providerHelp.Importance = widget.LowImportance
	w.providerDocs = widget.NewHyperlink("", nil)
	// Wrapped: unwrapped, "vcita (inTandem)'s developer documentation (opens
	// in your browser)" set the wizard's least width, wider than a 500 px
	// window's wizard, for every step after.
	w.providerDocs.Wrapping = fyne.TextWrapWord
	w.providerDocs.Hide()
	w.providerPick = newChoice(w.chooseProvider)
	w.providerPick.SetOptions(w.providerNames())
	w.providerPick.onEnter, w.providerPick.onEscape = w.forward, w.escape
	w.methodHelp = wrapLabel("")
	w.methodPick = newChoice(w.chooseMethod)
	w.methodPick.onEnter, w.methodPick.onEscape = w.forward, w.escape
	w.issuer = w.entry("", "https://accounts.example.com", false)
}

// providerNames are the choices of the first step: every provider in the
// catalog, then any OpenID Connect provider by its issuer.
func (w *wizard) providerNames() []string {
	var names []string
	for _, p := range w.providers {
		names = append(names, p.Name)
	}
	return append(names, otherProvider)
}

func (w *wizard) chooseProvider(name string) {
	if name == otherProvider {
		w.provider = catalog.Provider{}
		w.providerHelp.SetText("Any service that signs in with OpenID Connect: you type its address, Authdeck reads the rest from it.")
		w.providerDocs.Hide()
		w.resetMethods()
	}
	for _, p := range w.providers {
		if p.Name == name {
			w.provider = p
			w.providerHelp.SetText(providerBlurb(p))
			showDocsLink(w.providerDocs, p)
			w.resetMethods()
		}
	}
	w.updateButtons()
}

func (w *wizard) chooseMethod(label string) {
	for _, m := range w.provider.Methods {
		if m.Label == label {
			w.method = m
			w.methodHelp.SetText(m.Help)
			w.fields = nil // rebuilt for the new method
		}
	}
	w.updateButtons()
}

// resetMethods offers the chosen provider's methods, the first selected.
func (w *wizard) resetMethods() {
	var labels []string
	for _, m := range w.provider.Methods {
		labels = append(labels, m.Label)
	}
	w.methodPick.SetOptions(labels)
	w.method = catalog.Method{}
	w.methodHelp.SetText("")
	w.fields = nil
	if len(labels) > 0 {
		w.methodPick.SetSelected(labels[0])
	}
}

// issuerPage asks for the address of an OpenID Connect provider.
func (w *wizard) issuerPage() fyne.CanvasObject {
	help := wrapLabel("Type the address of the service's sign-in server (its \"issuer\"), as its documentation or administrator gives it. " +
		"Authdeck reads the provider's published description from it and keeps it, so next time the provider is in the list.")
	help.SizeName = theme.SizeNameCaptionText
	return container.NewVBox(boldLabel("Issuer address"), w.issuer, help)
}

// discover reads the issuer's discovery document and goes on to choosing
// how to connect with the provider it describes. Nothing is written yet:
// the definition is saved when the person presses Save or Connect (save),
// so Cancel leaves no trace. Its id is the core's, one per issuer.
func (w *wizard) discover() {
	issuer := text(w.issuer)
	if issuer == "" {
		w.showProblem(problem{msg: "Type the issuer address first, e.g. https://accounts.example.com.", field: w.issuer})
		return
	}
	setEnabled(w.next, false)
	w.a.say("Reading " + issuer + "…")
	background(w.a, func() (catalog.Provider, error) {
		ctx, cancel := context.WithTimeout(w.a.ctx(), discoverTimeout)
		defer cancel()
		return w.a.m.Catalog().DiscoverProvider(ctx, "", issuer)
	}, func(p catalog.Provider, err error) {
		w.a.say("")
		setEnabled(w.next, true)
		if err != nil {
			w.showProblem(w.issuerProblem(err))
			return
		}
		w.providers = withDiscovered(w.a.m.Catalog().Providers(), p)
		w.providerPick.SetOptions(w.providerNames())
		w.providerPick.SetSelected(p.Name)
		w.show(stepMethod)
	})
}

// withDiscovered is the list of providers with p, not saved yet, in place
// of the saved one with its id, last (chooseProvider takes the last of a
// name).
func withDiscovered(all []catalog.Provider, p catalog.Provider) []catalog.Provider {
	out := all[:0:0]
	for _, q := range all {
		if q.ID != p.ID {
			out = append(out, q)
		}
	}
	return append(out, p)
}

// issuerCauses say in a few words why an issuer could not be read, by a
// telling part of the error (the full error lists every address tried).
var issuerCauses = []struct{ in, words string }{
	{"no such host", "no server is known by that name: check the spelling"},
	{"connection refused", "nothing answers at that address"},
	{"names issuer", "the description found there belongs to another issuer: use the issuer address it names, if you trust it"},
	{"HTTP 40", "the server answers, but publishes no OpenID Connect description at that address"},
	{"not a JSON", "the server answers, but not with an OpenID Connect description"},
	{"timeout", "the server did not answer in time"},
	{"deadline", "the server did not answer in time"},
}

// issuerProblem words a failed discovery for the issuer field.
func (w *wizard) issuerProblem(err error) problem {
	cause := what(err)
	for _, c := range issuerCauses {
		if strings.Contains(err.Error(), c.in) {
			cause = sentence(c.words)
			break
		}
	}
	return problem{field: w.issuer, msg: "Authdeck could not read a provider description from this address: " +
		strings.TrimSuffix(lowerFirst(cause), ".") + ". Correct the issuer address (it usually starts with https://), then press Next again."}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func boldLabel(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// replaceNeeded: a provider read from an issuer has the id of a saved
// definition that says something else; only the person may replace it.
type replaceNeeded struct {
	p     catalog.Provider
	users []string
	err   error
}

func (r *replaceNeeded) Error() string { return r.err.Error() }

// keepDiscovered saves a provider read from an issuer (off the UI thread),
// when the person confirms the connection; any other provider is saved
// already.
func (w *wizard) keepDiscovered(p catalog.Provider) error {
	if p.Source != catalog.SourceDiscovery {
		return nil
	}
	_, err := w.a.m.Catalog().SaveProvider(p)
	if e, ok := auth.AsError(err); ok && e.Remedy == auth.RemedyReplaceProvider {
		users, uerr := w.a.m.Catalog().ProviderUsers(p.ID)
		if uerr != nil {
			return uerr
		}
		return &replaceNeeded{p: p, users: users, err: err}
	}
	return err
}

// askReplace asks before a saved definition is replaced, naming the
// connections that use it; nothing is written unless the person says so.
func (w *wizard) askReplace(r *replaceNeeded) {
	text := "Authdeck already has a definition for " + r.p.Name + " that says something else. "
	switch len(r.users) {
	case 0:
		text += "No connection uses it."
	default:
		text += fmt.Sprintf("%d connection(s) use it: %s. They keep the addresses they signed in with and must sign in again before Authdeck sends them to the new ones.", len(r.users), strings.Join(r.users, ", "))
	}
	w.a.ask("Replace the provider definition?", text+" Replace it with what "+r.p.Name+" publishes now?", "Replace", "Keep the old one",
		func() {
			background(w.a, func() (string, error) { return w.a.m.Catalog().ReplaceProvider(r.p, len(r.users)) },
				func(_ string, err error) {
					if err != nil {
						w.showProblem(w.problemFor(err))
						return
					}
					w.save()
				})
		},
		func() { w.showProblem(problem{msg: "Nothing was saved: the definition Authdeck has stays as it was."}) })
}

// guessWords says in words which of a method's values are Authdeck's best
// guesses (its "unconfirmed" fields), all of them, not only the addresses
// offered for correction; "" when there are none.
func guessWords(p catalog.Provider, m catalog.Method) string {
	if len(m.Unconfirmed) == 0 {
		return ""
	}
	words := make([]string, len(m.Unconfirmed))
	for i, f := range m.Unconfirmed {
		words[i] = catalog.FieldWords(f)
	}
	last := len(words) - 1
	list := words[last]
	if last > 0 {
		list = strings.Join(words[:last], ", ") + " and " + words[last]
	}
	return p.Name + "'s documentation does not state " + list + ": Authdeck uses its best guess. If a sign-in or a check fails, ask " + p.Name + " for the real values."
}
