package ui

import (
	"testing"

	"authdeck/auth"
	"authdeck/auth/catalog"
)

// Issue 21.11: a provider's developer documentation is a link that opens in
// the browser, not an address to copy by hand; a definition's address that
// is not a web address (providers.d is outside text) is not offered.
func TestProviderDocsAreALink(t *testing.T) {
	f := newFixture(t)
	f.a.showWizard(auth.SandboxID, catalog.KindOAuth)
	w := f.a.wizard
	w.chooseProvider("Vend")
	if !w.providerDocs.Visible() || w.providerDocs.URL == nil || w.providerDocs.URL.Scheme != "https" {
		t.Fatalf("Vend's documentation is no link: visible %v, %v", w.providerDocs.Visible(), w.providerDocs.URL)
	}
	if got := w.providerHelp.Text; got != "" {
		t.Errorf("the address is also written out as text: %q", got)
	}
	for _, bad := range []string{"javascript:alert(1)", "file:///etc/passwd", "https://", ""} {
		showDocsLink(w.providerDocs, catalog.Provider{Name: "Hostile", DocsURL: bad})
		if w.providerDocs.Visible() {
			t.Errorf("a link is offered for %q", bad)
		}
	}
	w.chooseProvider(otherProvider)
	if w.providerDocs.Visible() {
		t.Error("the last provider's link stays under the OpenID Connect choice")
	}
}
