package oauth

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"authdeck/auth/catalog"
)

// discoveryDoc is a minimal OpenID configuration for issuer.
func discoveryDoc(issuer string) map[string]any {
	return map[string]any{
		"issuer":                 issuer,
		"authorization_endpoint": issuer + "/authorize",
		"token_endpoint":         issuer + "/token",
		"userinfo_endpoint":      issuer + "/userinfo",
		"scopes_supported":       []string{"openid", "offline_access"},
		"grant_types_supported":  []string{"authorization_code", "refresh_token"},
	}
}

// Issue 13.5: discovery follows no redirect but a same-origin https one,
// and refuses a document naming another issuer.
func TestDiscoveryRefusesRedirectsAndMismatch(t *testing.T) {
	var hits counter
	mux := http.NewServeMux()
	serve := func(w http.ResponseWriter, doc map[string]any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(doc)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		hits.add(r.Host + r.URL.Path)
		switch r.Host + r.URL.Path {
		case "cross.example/.well-known/openid-configuration":
			http.Redirect(w, r, "https://evil.example/.well-known/openid-configuration", http.StatusFound)
		case "downgrade.example/.well-known/openid-configuration":
			http.Redirect(w, r, "http://downgrade.example/.well-known/openid-configuration", http.StatusMovedPermanently)
		case "moved.example/.well-known/openid-configuration":
			http.Redirect(w, r, "/v2/.well-known/openid-configuration", http.StatusFound)
		case "moved.example/v2/.well-known/openid-configuration":
			serve(w, discoveryDoc("https://moved.example"))
		case "mixup.example/.well-known/openid-configuration":
			serve(w, discoveryDoc("https://other.example"))
		case "evil.example/.well-known/openid-configuration":
			serve(w, discoveryDoc("https://"+r.Host))
		default:
			http.NotFound(w, r)
		}
	})
	hosts := []string{"cross.example", "downgrade.example", "moved.example", "mixup.example", "evil.example"}
	cert, pool := tlsFor(t, hosts...)
	ts := newTLSServer(t, mux, cert)
	tr := routedTransport(ts.Listener.Addr().String(), pool, func(string) bool { return true })
	hc := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	ctx := withTimeout(t, 10*time.Second)

	for _, tc := range []struct{ issuer, words string }{
		{"https://cross.example", "refused"},
		{"https://downgrade.example", "refused"},
		{"https://mixup.example", `names issuer "https://other.example"`},
	} {
		_, err := Discover(ctx, hc, "idp", tc.issuer)
		if err == nil || !strings.Contains(err.Error(), tc.words) {
			t.Errorf("%s: err = %v, want %q", tc.issuer, err, tc.words)
		}
	}
	if n := hits.get("evil.example/.well-known/openid-configuration"); n != 0 {
		t.Errorf("the cross-origin redirect was followed (%d requests)", n)
	}
	if n := hits.get("downgrade.example/.well-known/openid-configuration"); n != 1 {
		t.Errorf("downgrade: %d https requests (the plain-http target must never be asked)", n)
	}
	p, err := Discover(ctx, hc, "idp", "https://moved.example")
	if err != nil {
		t.Fatalf("a same-origin https redirect: %v", err)
	}
	m := p.Methods[0]
	if m.TokenURL != "https://moved.example/token" || !m.OpenID || !m.Refresh {
		t.Errorf("discovered method = %+v", m)
	}
	// A bare host, as people type it, means https (the walk typed
	// "login.mycompany.test" and was told to write a token address).
	bare, err := Discover(ctx, hc, "", "moved.example")
	if err != nil || bare.ID != catalog.IssuerID("https://moved.example") || bare.Methods[0].TokenURL != "https://moved.example/token" {
		t.Errorf("a bare host: %+v, %v", bare, err)
	}
}

// Issue 13.8: for a discovered OpenID provider, asking for offline_access
// adds prompt=consent (OpenID Connect Core §11); without offline_access,
// or for a provider not marked OpenID, it does not.
func TestPromptConsentWithOfflineAccess(t *testing.T) {
	def := `{"id":"idp","name":"IdP","methods":[{"kind":"oauth","label":"Sign in","authorize_url":"https://idp.example/authorize","token_url":"https://idp.example/token",
		"openid":true,"apply":{"header":"Authorization","scheme":"Bearer"}}]}`
	p, err := catalog.Parse([]byte(def), "providers.d/idp.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		openID bool
		scopes []string
		prompt string
	}{
		{true, []string{"openid", "offline_access"}, "consent"},
		{true, []string{"openid"}, ""},
		{false, []string{"openid", "offline_access"}, ""},
	} {
		m := p.Methods[0]
		m.OpenID = tc.openID
		fl, err := (&Client{}).newFlow(Config{Provider: p, Method: m, ClientID: "c", Scopes: tc.scopes, RedirectURI: anyPort + "idp"}, AuthorizeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		fl.redirectURI = "http://127.0.0.1:1/callback/idp"
		raw, err := fl.authorizeURL()
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(raw)
		if got := u.Query().Get("prompt"); got != tc.prompt {
			t.Errorf("openid %v scopes %v: prompt = %q, want %q", tc.openID, tc.scopes, got, tc.prompt)
		}
	}
}

// Issue 20.3: an https issuer whose document names a plain-http endpoint —
// even a loopback one, where any local user may listen — is refused; an
// empty id is made from the issuer, one per issuer.
func TestDiscoveryRefusesPlainEndpointsOfAnHTTPSIssuer(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		doc := discoveryDoc("https://" + r.Host)
		switch r.Host {
		case "plain.example":
			doc["token_endpoint"] = "http://127.0.0.1:9/token"
		case "plainuser.example":
			doc["userinfo_endpoint"] = "http://127.0.0.1:9/userinfo"
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(doc)
	})
	hosts := []string{"plain.example", "plainuser.example", "fine.example"}
	cert, pool := tlsFor(t, hosts...)
	ts := newTLSServer(t, mux, cert)
	hc := &http.Client{Transport: routedTransport(ts.Listener.Addr().String(), pool, func(string) bool { return true }), Timeout: 5 * time.Second}
	ctx := withTimeout(t, 10*time.Second)
	for _, issuer := range []string{"https://plain.example", "https://plainuser.example"} {
		if _, err := Discover(ctx, hc, "", issuer); err == nil || !strings.Contains(err.Error(), "not https") {
			t.Errorf("%s: err = %v, want a refusal of the plain-http endpoint", issuer, err)
		}
	}
	p, err := Discover(ctx, hc, "", "https://fine.example")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != catalog.IssuerID("https://fine.example") {
		t.Errorf("id = %q, want the issuer's own id %q", p.ID, catalog.IssuerID("https://fine.example"))
	}
}
