package catalog

import (
	"os"
	"strings"
	"testing"
)

func builtinMethod(t *testing.T, id string, k Kind) Method {
	t.Helper()
	p, ok := builtins(t).Lookup(id)
	if !ok {
		t.Fatalf("no provider %s", id)
	}
	m, ok := p.Method(k)
	if !ok {
		t.Fatalf("%s has no %s method", id, k)
	}
	return m
}

// What the seed documents say about each provider's sign-in, and what they
// leave to Authdeck's understanding (issue 13.10-13.14).
func TestSeedSignInFacts(t *testing.T) {
	vinsight := builtinMethod(t, "vinsight", KindOAuth)
	if vinsight.State() != "nonce" || !vinsight.IsUnconfirmed("state_param") {
		t.Errorf("Vinsight: the anti-forgery value is {nonce} in the document, \"state nonce\" after: the name must be marked unconfirmed (%v)", vinsight.Unconfirmed)
	}
	vend := builtinMethod(t, "vend", KindOAuth)
	if !vend.NoScopes || vend.SendsScopes() || !vend.DeniesWithoutState || vend.CodeLifetimeSeconds != 600 {
		t.Errorf("Vend: no scopes, a denial without state, 10-minute codes: %+v", vend)
	}
	vcita := builtinMethod(t, "vcita", KindOAuth)
	if vcita.CodeLifetimeSeconds != 30 || !strings.Contains(vcita.Help, "once you approve") || strings.Contains(strings.ToLower(vcita.Help), "approve quickly") {
		t.Errorf("vcita: codes are valid 30 s from approval, not from the consent page opening: %q", vcita.Help)
	}
	if h := builtinMethod(t, "vend", KindToken).Help; strings.Contains(h, "Setup > Personal Tokens") {
		t.Errorf("Vend personal tokens: the document does not say where they are created: %q", h)
	}
	if h := builtinMethod(t, "vinli", KindBasic).Help; !strings.Contains(h, "rotated often") {
		t.Errorf("Vinli App Secret: the document says to rotate it often: %q", h)
	}
	for _, k := range []Kind{KindOAuth, KindImplicit} {
		for _, f := range builtinMethod(t, "vinli", k).Unconfirmed {
			if UnconfirmedWords[f] == "" {
				t.Errorf("Vinli %s: unconfirmed %q has no words for the window", k, f)
			}
		}
	}
}

// The README's provider sections say what the documents say and mark the
// rest as Authdeck's understanding (issue 13.11, 13.14).
func TestReadmeProviderClaims(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.Join(strings.Fields(string(data)), " ")
	for _, claim := range []string{
		"within 30 seconds of the consent page",
		"approve within 30 seconds",
		"the only one vcita offers",
		"Tokens last 20 years and cannot be refreshed",
		"nothing that expires",
		"an admin creates one in Vend (Setup › Personal Tokens)",
	} {
		if strings.Contains(readme, claim) {
			t.Errorf("README claims %q, which the provider documents do not support", claim)
		}
	}
	for _, says := range []string{
		"valid for 30 seconds from then",
		"rotated often",
		"Authdeck's understanding is Setup › Personal Tokens",
		"Authdeck's understanding is that a token cannot be refreshed",
	} {
		if !strings.Contains(readme, says) {
			t.Errorf("README does not say %q", says)
		}
	}
}
