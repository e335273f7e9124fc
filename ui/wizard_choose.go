package ui

import (
	"context"
	"regexp"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth/catalog"
)

// discoverTimeout bounds reading an issuer's discovery document.
const discoverTimeout = 30 * time.Second

// buildChoices makes the provider and method choices and the issuer field.
func (w *wizard) buildChoices() {
	w.providerHelp = wrapLabel("")
	w.providerHelp.Importance = widget.LowImportance
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
		w.resetMethods()
	}
	for _, p := range w.providers {
		if p.Name == name {
			w.provider = p
			w.providerHelp.SetText(providerBlurb(p))
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

// discover reads the issuer's discovery document, keeps the provider it
// describes and goes on to choosing how to connect.
func (w *wizard) discover() {
	issuer := text(w.issuer)
	if issuer == "" {
		w.showProblem(problem{msg: "Type the issuer address first, e.g. https://accounts.example.com.", field: w.issuer})
		return
	}
	id := w.providerID(issuer)
	setEnabled(w.next, false)
	w.a.say("Reading " + issuer + "…")
	background(w.a, func() (catalog.Provider, error) {
		ctx, cancel := context.WithTimeout(w.a.ctx(), discoverTimeout)
		defer cancel()
		p, err := w.a.m.DiscoverProvider(ctx, id, issuer)
		if err != nil {
			return p, err
		}
		if _, err := w.a.m.SaveProvider(p); err != nil {
			return p, err
		}
		return w.a.m.Provider(id)
	}, func(p catalog.Provider, err error) {
		w.a.say("")
		setEnabled(w.next, true)
		if err != nil {
			w.showProblem(w.issuerProblem(err))
			return
		}
		w.providers = w.a.m.Providers()
		w.providerPick.SetOptions(w.providerNames())
		w.providerPick.SetSelected(p.Name)
		w.show(stepMethod)
	})
}

var idUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

// providerID names the provider read from issuer after its host, without
// replacing a built-in provider of the same name.
func (w *wizard) providerID(issuer string) string {
	host := strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(issuer), "https://"), "http://")
	host, _, _ = strings.Cut(host, "/")
	host, _, _ = strings.Cut(host, ":")
	id := strings.Trim(idUnsafe.ReplaceAllString(host, "-"), "-")
	if len(id) > 34 {
		id = strings.Trim(id[:34], "-")
	}
	if id == "" {
		id = "oidc"
	}
	if p, err := w.a.m.Provider(id); err == nil && p.BuiltIn() {
		id += "-oidc"
	}
	return id
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
