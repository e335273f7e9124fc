package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/sanitize"
)

// metadata is the part of an OpenID Connect discovery document (or RFC 8414
// authorization server metadata) a provider definition is built from.
type metadata struct {
	Issuer                   string   `json:"issuer"`
	AuthorizationEndpoint    string   `json:"authorization_endpoint"`
	TokenEndpoint            string   `json:"token_endpoint"`
	UserinfoEndpoint         string   `json:"userinfo_endpoint"`
	ScopesSupported          []string `json:"scopes_supported"`
	GrantTypesSupported      []string `json:"grant_types_supported"`
	CodeChallengeMethods     []string `json:"code_challenge_methods_supported"`
	TokenEndpointAuthMethods []string `json:"token_endpoint_auth_methods_supported"`
	ServiceDocumentation     string   `json:"service_documentation"`
}

// Discover reads issuer's OpenID Connect discovery document, falling back to
// RFC 8414 authorization server metadata, and builds a provider definition
// with one oauth method. The result passes Validate. An empty id is made
// from the issuer (catalog.IssuerID): one id per scheme, host, port and path.
func Discover(ctx context.Context, hc *http.Client, id, issuer string) (catalog.Provider, error) {
	hc = discoveryClient(hc)
	issuer = strings.TrimSpace(issuer)
	if issuer != "" && !strings.Contains(issuer, "://") {
		// A bare host ("login.example.com") is what people type: an
		// issuer is https (CheckURL below refuses anything else that
		// leaves this computer).
		issuer = "https://" + issuer
	}
	if id == "" {
		id = catalog.IssuerID(issuer)
	}
	if err := catalog.CheckURL(issuer); err != nil {
		return catalog.Provider{}, fmt.Errorf("issuer: %w", err)
	}
	u, err := url.Parse(issuer)
	if err != nil {
		return catalog.Provider{}, fmt.Errorf("issuer %q is not a URL: %v", issuer, err)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return catalog.Provider{}, fmt.Errorf("issuer %q must not have a query or fragment: give the address the provider calls its issuer", issuer)
	}
	trimmed := strings.TrimSuffix(u.Path, "/")
	root := u.Scheme + "://" + u.Host
	candidates := []string{
		root + trimmed + "/.well-known/openid-configuration",       // OIDC: appended
		root + "/.well-known/oauth-authorization-server" + trimmed, // RFC 8414: inserted
	}
	if trimmed != "" {
		candidates = append(candidates, root+trimmed+"/.well-known/oauth-authorization-server")
	}
	var md metadata
	var tried []string
	openID := false
	for i, c := range candidates {
		md, err = fetchMetadata(ctx, hc, c)
		if err == nil {
			openID = i == 0 || slices.Contains(md.ScopesSupported, "openid")
			break
		}
		tried = append(tried, err.Error())
		if ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		return catalog.Provider{}, fmt.Errorf("no discovery document found for %s (%s): the issuer address may be wrong, or the provider publishes none", issuer, strings.Join(tried, "; "))
	}
	// RFC 8414 §3.3 / OIDC Discovery §4.3: the document must name the issuer it
	// was fetched for, or it may describe another server (mix-up).
	if strings.TrimSuffix(md.Issuer, "/") != strings.TrimSuffix(issuer, "/") {
		return catalog.Provider{}, fmt.Errorf("the discovery document at %s names issuer %q, not %q: refusing it; use the issuer it names if you trust it", issuer, sanitize.Line(sanitize.Clip(md.Issuer, 200)), issuer)
	}
	if err := samePlainness(u, md); err != nil {
		return catalog.Provider{}, err
	}
	return providerFromMetadata(id, u, md, openID)
}

// samePlainness refuses a plain-http endpoint named by an https issuer: the
// client secret, the codes and the tokens would cross the network (or, for
// a loopback address, reach whichever local user listens on that port)
// unprotected. A loopback issuer (a test provider) may use plain http.
func samePlainness(issuer *url.URL, md metadata) error {
	if issuer.Scheme != "https" {
		return nil
	}
	for _, e := range []struct{ name, at string }{
		{"authorization_endpoint", md.AuthorizationEndpoint},
		{"token_endpoint", md.TokenEndpoint},
		{"userinfo_endpoint", md.UserinfoEndpoint},
	} {
		if u, err := url.Parse(e.at); e.at != "" && (err != nil || !strings.EqualFold(u.Scheme, "https")) {
			return fmt.Errorf("the discovery document of the https issuer %s names a %s that is not https (%s): refusing it, secrets would travel unprotected", issuer, e.name, sanitize.Line(sanitize.Clip(e.at, 200)))
		}
	}
	return nil
}

// maxDiscoveryRedirects bounds the same-origin https redirects followed.
const maxDiscoveryRedirects = 3

// discoveryClient is hc (or one with a timeout) that follows a redirect
// only to the same https origin: a discovery document names the addresses
// that later receive the client secret and the tokens, so it must come from
// the issuer itself, never from a host (or a plain-http page) it points to.
func discoveryClient(hc *http.Client) *http.Client {
	c := http.Client{Timeout: 30 * time.Second}
	if hc != nil {
		c = *hc
	}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		from := via[0].URL
		switch {
		case len(via) > maxDiscoveryRedirects:
			return fmt.Errorf("more than %d redirects: refused", maxDiscoveryRedirects)
		case from.Scheme != "https" || req.URL.Scheme != "https" || !strings.EqualFold(req.URL.Host, from.Host):
			return fmt.Errorf("redirected to %s: refused, a discovery document is read only from the issuer's own https address", sanitize.Line(req.URL.Scheme+"://"+req.URL.Host))
		}
		return nil
	}
	return &c
}

func fetchMetadata(ctx context.Context, hc *http.Client, where string) (metadata, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, where, nil)
	if err != nil {
		return metadata{}, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return metadata{}, fmt.Errorf("%s: %v", where, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return metadata{}, fmt.Errorf("%s: %v", where, err)
	}
	if resp.StatusCode != http.StatusOK {
		return metadata{}, fmt.Errorf("%s: HTTP %d", where, resp.StatusCode)
	}
	var md metadata
	if err := json.Unmarshal(body, &md); err != nil {
		return metadata{}, fmt.Errorf("%s: not a JSON metadata document", where)
	}
	if md.AuthorizationEndpoint == "" || md.TokenEndpoint == "" {
		return metadata{}, fmt.Errorf("%s: no authorization_endpoint or token_endpoint", where)
	}
	return md, nil
}

func providerFromMetadata(id string, issuer *url.URL, md metadata, openID bool) (catalog.Provider, error) {
	m := catalog.Method{
		Kind:         catalog.KindOAuth,
		Label:        "Sign in with your " + issuer.Hostname() + " account",
		Help:         "Register an app with " + issuer.Hostname() + " and give it the redirect address Authdeck shows on the next step (it has a Copy button). Built from the provider's discovery document.",
		AuthorizeURL: md.AuthorizationEndpoint,
		TokenURL:     md.TokenEndpoint,
		TokenRequest: catalog.RequestForm,
		PKCE:         slices.Contains(md.CodeChallengeMethods, "S256"),
		CheckURL:     md.UserinfoEndpoint,
		Apply:        catalog.Apply{Header: "Authorization", Scheme: "Bearer"},
		// RFC 6749 §6: absent grant_types_supported means the server does not say; try.
		Refresh: len(md.GrantTypesSupported) == 0 || slices.Contains(md.GrantTypesSupported, "refresh_token"),
		OpenID:  openID,
	}
	// RFC 8414 §2: absent token_endpoint_auth_methods_supported means client_secret_basic.
	auth := md.TokenEndpointAuthMethods
	switch {
	case len(auth) == 0 || slices.Contains(auth, "client_secret_basic"):
		m.ClientAuth = catalog.ClientAuthBasic
	default:
		m.ClientAuth = catalog.ClientAuthBody
	}
	m.PublicClient = slices.Contains(auth, "none")
	if slices.Contains(md.ScopesSupported, "openid") && md.UserinfoEndpoint != "" {
		m.DefaultScopes = []string{"openid"}
		for _, s := range []string{"profile", "email"} {
			if slices.Contains(md.ScopesSupported, s) {
				m.DefaultScopes = append(m.DefaultScopes, s)
			}
		}
	}
	if m.Refresh && slices.Contains(md.ScopesSupported, "offline_access") {
		m.DefaultScopes = append(m.DefaultScopes, "offline_access")
	}
	p := catalog.Provider{
		ID: id,
		// Host, port and path: two issuers on one host are told apart.
		Name:    issuer.Host + strings.TrimSuffix(issuer.EscapedPath(), "/"),
		Methods: []catalog.Method{m},
		Source:  catalog.SourceDiscovery,
	}
	if md.ServiceDocumentation != "" && catalog.CheckURL(md.ServiceDocumentation) == nil {
		p.DocsURL = md.ServiceDocumentation
	}
	if err := p.Validate(); err != nil {
		return catalog.Provider{}, fmt.Errorf("the discovery document does not make a usable definition: %w", err)
	}
	return p, nil
}
