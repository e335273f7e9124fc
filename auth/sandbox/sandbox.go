// Package sandbox is a small OAuth 2.0 provider that runs inside Authdeck on
// 127.0.0.1, so that anyone can try the whole sign-in with no account and
// tests can run the real flow end to end: a consent page, the code flow with
// PKCE, refresh-token rotation, short-lived tokens on request, a who-am-I
// endpoint and a discovery document.
//
// Codes and tokens are signed with HMAC-SHA256 under the key given to New, so
// the server keeps no store: another process holding the same key validates
// the tokens this one issued. Only single use (of codes and of rotated
// refresh tokens) is remembered, in memory.
package sandbox

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Lifetimes of what the sandbox issues.
const (
	DefaultAccessLifetime = 10 * time.Minute
	ShortAccessLifetime   = 60 * time.Second // with scope "short"
	CodeLifetime          = 60 * time.Second
	RefreshLifetime       = 30 * 24 * time.Hour
)

// Options tune a Server. The zero value is ready to use.
type Options struct {
	Now            func() time.Time // nil → time.Now
	AccessLifetime time.Duration    // 0 → DefaultAccessLifetime
}

// Server is the sandbox provider; it is an http.Handler.
type Server struct {
	key  []byte
	opts Options
	mux  *http.ServeMux

	mu   sync.Mutex
	used map[string]time.Time // ids of consumed codes and rotated refresh tokens → when they expire anyway
}

// Proof answers an identity challenge: a domain-separated HMAC-SHA256 of
// the challenge under the signing key, in hex. Only a holder of the key can
// compute it, and a fresh challenge each time makes an answer seen once
// worthless: a program that reads a sandbox's answers (another local user
// on the port after the sandbox stops) cannot pass for it. A fixed public
// id could be copied and replayed to receive refresh tokens.
func Proof(key []byte, challenge string) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("authdeck-sandbox-proof:" + challenge))
	return hex.EncodeToString(h.Sum(nil))
}

// maxChallenge bounds the identity challenge a sandbox answers.
const maxChallenge = 128

// New returns a sandbox that signs with key (at least 16 bytes is wise).
func New(key []byte, opts Options) *Server {
	if opts.AccessLifetime <= 0 {
		opts.AccessLifetime = DefaultAccessLifetime
	}
	s := &Server{key: slices.Clone(key), opts: opts, used: map[string]time.Time{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", s.authorize)
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("GET /userinfo", s.userinfo)
	mux.HandleFunc("GET /.well-known/openid-configuration", s.discovery)
	// Proves which signing key this sandbox holds (see Proof), so that a
	// process of another config folder, or a stand-in, is never used.
	mux.HandleFunc("GET /.well-known/authdeck-sandbox", func(w http.ResponseWriter, r *http.Request) {
		answer := map[string]any{"authdeck_sandbox": true}
		if c := r.URL.Query().Get("challenge"); c != "" && len(c) <= maxChallenge {
			answer["proof"] = Proof(s.key, c)
		}
		writeJSON(w, http.StatusOK, answer)
	})
	s.mux = mux
	return s
}

func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

// ServeHTTP answers the sandbox's endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	s.mux.ServeHTTP(w, r)
}

// Listen serves the sandbox on addr (a loopback address such as
// "127.0.0.1:17824" or "127.0.0.1:0") and returns its base URL and a function
// that stops it.
func (s *Server) Listen(addr string) (baseURL string, stop func(), err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", nil, fmt.Errorf("sandbox address %q: %v (use 127.0.0.1:PORT)", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return "", nil, fmt.Errorf("sandbox address %q: the sandbox listens only on a loopback address such as 127.0.0.1", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("cannot start the sandbox on %s (%v): is another sandbox already running? Use another port", addr, err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if srv.Shutdown(ctx) != nil {
				_ = srv.Close()
			}
		})
	}
	return "http://" + ln.Addr().String(), stop, nil
}

// claims is what a signed code or token says.
type claims struct {
	Type      string `json:"typ"` // code | access | refresh
	ID        string `json:"jti"`
	ClientID  string `json:"cid,omitempty"`
	Scope     string `json:"scp,omitempty"`
	Redirect  string `json:"rdr,omitempty"`
	Challenge string `json:"chl,omitempty"`
	// Pair is, on a refresh token, the id of the access token issued with
	// it: refreshing revokes that access token, as strict providers do.
	Pair    string `json:"par,omitempty"`
	Expires int64  `json:"exp"`
}

var typePrefix = map[string]string{"code": "sbc_", "access": "sba_", "refresh": "sbr_"}

func (s *Server) sign(c claims) string {
	if c.ID == "" {
		c.ID = newID()
	}
	payload, _ := json.Marshal(c)
	p := base64.RawURLEncoding.EncodeToString(payload)
	return typePrefix[c.Type] + p + "." + base64.RawURLEncoding.EncodeToString(s.mac(p))
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// spent reports whether a token id was consumed (a code or refresh token
// already used, an access token revoked by a refresh).
func (s *Server) spent(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.used[id]
	return ok
}

func (s *Server) mac(p string) []byte {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte(p))
	return h.Sum(nil)
}

var errInvalid = errors.New("invalid")

// verify checks signature, type and expiry.
func (s *Server) verify(tok, typ string) (claims, error) {
	rest, ok := strings.CutPrefix(tok, typePrefix[typ])
	if !ok {
		return claims{}, errInvalid
	}
	p, sig, ok := strings.Cut(rest, ".")
	if !ok {
		return claims{}, errInvalid
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac(p)) {
		return claims{}, errInvalid
	}
	raw, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return claims{}, errInvalid
	}
	var c claims
	if json.Unmarshal(raw, &c) != nil || c.Type != typ || c.ID == "" {
		return claims{}, errInvalid
	}
	if s.now().Unix() >= c.Expires {
		return claims{}, errors.New("expired")
	}
	return c, nil
}

// consume marks a code or refresh token used; false when it already was.
func (s *Server) consume(c claims) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for id, until := range s.used {
		if now.After(until) {
			delete(s.used, id) // expired anyway: verify refuses it without the entry
		}
	}
	if _, ok := s.used[c.ID]; ok {
		return false
	}
	s.used[c.ID] = time.Unix(c.Expires, 0)
	return true
}

// consentHTML is the consent page for a client and its scopes, each
// escaped (plain text and a double-quoted attribute: html.EscapeString is
// enough, and html/template's initialisers cost every command, issue 22).
func consentHTML(clientID, scopes, action string) string {
	asks := ""
	if scopes != "" {
		asks = " with: <strong>" + html.EscapeString(scopes) + "</strong>"
	}
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox sign-in</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1.25rem;color:#1f2328;line-height:1.5}button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.75rem}</style>
</head><body>
<h1>Authdeck sandbox</h1>
<p>The app <strong>` + html.EscapeString(clientID) + `</strong> asks to use your demo account` + asks + `.</p>
<p>This is a demo provider running on your own computer; no real account is involved.</p>
<form method="post" action="` + html.EscapeString(action) + `">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
</body></html>
`
}

// authorize shows the consent page (GET) and answers the decision (POST)
// with a redirect to the client's loopback redirect URI.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q, ok := authorizeRequest(w, r)
	if !ok {
		return
	}
	clientID, redirectURI := q.Get("client_id"), q.Get("redirect_uri")
	back := func(v url.Values) { redirectBack(w, r, redirectURI, q.Get("state"), v) }
	if rt := q.Get("response_type"); rt != "code" {
		back(url.Values{"error": {"unsupported_response_type"}, "error_description": {"the sandbox supports only response_type=code"}})
		return
	}
	challenge := q.Get("code_challenge")
	if challenge != "" && q.Get("code_challenge_method") != "S256" {
		back(url.Values{"error": {"invalid_request"}, "error_description": {"code_challenge_method must be S256"}})
		return
	}
	if r.Method == http.MethodGet {
		consentPage(w, r, q)
		return
	}
	if o := r.Header.Get("Origin"); o != "" && !strings.EqualFold(o, "http://"+r.Host) {
		// Another web page posting a decision (a cross-site form that
		// approves for the person, to a redirect address of its choosing).
		http.Error(w, "the decision must come from the sandbox's own consent page", http.StatusForbidden)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "unreadable form", http.StatusBadRequest)
		return
	}
	if r.PostForm.Get("decision") != "approve" {
		back(url.Values{"error": {"access_denied"}, "error_description": {"the request was denied on the consent page"}})
		return
	}
	code := s.sign(claims{
		Type: "code", ClientID: clientID, Scope: q.Get("scope"), Redirect: redirectURI,
		Challenge: challenge, Expires: s.now().Add(CodeLifetime).Unix(),
	})
	back(url.Values{"code": {code}})
}

// authorizeRequest refuses what the consent endpoint must never act on (a
// method other than GET or POST, no client, a redirect address that is not
// this computer) and returns the request's query otherwise.
func authorizeRequest(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, false
	}
	q := r.URL.Query()
	if q.Get("client_id") == "" {
		http.Error(w, "client_id is missing", http.StatusBadRequest)
		return nil, false
	}
	if err := checkRedirect(q.Get("redirect_uri")); err != nil {
		// Never redirect to an address that is not this computer.
		http.Error(w, err.Error(), http.StatusBadRequest)
		return nil, false
	}
	return q, true
}

// redirectBack sends the browser to the client's redirect address with v
// (and the request's state) added to its query.
func redirectBack(w http.ResponseWriter, r *http.Request, redirectURI, state string, v url.Values) {
	if state != "" {
		v.Set("state", state)
	}
	u, _ := url.Parse(redirectURI)
	qq := u.Query()
	for k := range v {
		qq.Set(k, v.Get(k))
	}
	u.RawQuery = qq.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound) // #nosec G710 -- checkRedirect allowed only loopback http redirect URIs
}

// consentPage shows the Approve / Deny page.
func consentPage(w http.ResponseWriter, r *http.Request, q url.Values) {
	w.Header().Set("Content-Security-Policy", consentCSP(q.Get("redirect_uri")))
	// same-origin: the decision's POST then names this origin (under
	// no-referrer a browser sends Origin: null, as any sandboxed frame
	// does), and nothing is sent to the callback's origin.
	w.Header().Set("Referrer-Policy", "same-origin")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	page := consentHTML(q.Get("client_id"), q.Get("scope"), "/authorize?"+r.URL.RawQuery)
	_, _ = w.Write([]byte(page)) // #nosec G705 -- consentHTML escapes every value it is given (TestConsentPageEscapesWhatTheAddressSays)
}

// consentCSP is the consent page's policy. Chromium checks form-action on
// every redirect that follows the form's POST, so it must allow, besides the
// sandbox itself, the one loopback origin the answer goes back to (another
// port is another origin): 'self' alone made Approve and Deny do nothing.
func consentCSP(redirectURI string) string {
	return "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' " + callbackOrigin(redirectURI) +
		"; base-uri 'none'; frame-ancestors 'none'"
}

// callbackOrigin is the origin of a redirect URI checkRedirect allowed, in
// CSP source syntax: scheme, host and the explicit port.
func callbackOrigin(redirectURI string) string {
	u, err := url.Parse(redirectURI)
	if err != nil || checkRedirect(redirectURI) != nil {
		return "'none'"
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	if strings.Contains(u.Hostname(), ":") {
		// A CSP host-source cannot name an IPv6 literal (CSP3 grammar:
		// letters, digits and "-"), so [::1] gets the scheme: the page holds
		// no markup from outside that could add another form.
		return "http:"
	}
	return "http://" + net.JoinHostPort(u.Hostname(), port)
}

func checkRedirect(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return errors.New("redirect_uri is missing or not a URL")
	}
	if u.Scheme != "http" || u.Fragment != "" || u.User != nil {
		return errors.New("redirect_uri must be an http loopback address such as http://127.0.0.1:17823/callback")
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
		return errors.New("redirect_uri must point to this computer (127.0.0.1, [::1] or localhost)")
	}
	return nil
}

type tokenError struct {
	status int
	code   string
	desc   string
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "send the parameters as a form body"})
		return
	}
	f := r.PostForm
	clientID := f.Get("client_id")
	if id, _, ok := r.BasicAuth(); ok {
		if unescaped, err := url.QueryUnescape(id); err == nil {
			clientID = unescaped
		}
	}
	var resp map[string]any
	var terr *tokenError
	switch f.Get("grant_type") {
	case "authorization_code":
		resp, terr = s.exchange(f, clientID)
	case "refresh_token":
		resp, terr = s.refresh(f, clientID)
	default:
		terr = &tokenError{http.StatusBadRequest, "unsupported_grant_type", "the sandbox supports authorization_code and refresh_token"}
	}
	if terr != nil {
		if terr.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="authdeck-sandbox"`)
		}
		writeJSON(w, terr.status, map[string]string{"error": terr.code, "error_description": terr.desc})
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) exchange(f url.Values, clientID string) (map[string]any, *tokenError) {
	c, err := s.verify(f.Get("code"), "code")
	if err != nil {
		return nil, &tokenError{http.StatusBadRequest, "invalid_grant", "the code is not valid or has expired"}
	}
	if clientID != c.ClientID {
		return nil, &tokenError{http.StatusUnauthorized, "invalid_client", "the client_id does not match the code"}
	}
	if f.Get("redirect_uri") != c.Redirect {
		return nil, &tokenError{http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the one in the authorization request"}
	}
	if c.Challenge != "" {
		v := f.Get("code_verifier")
		sum := sha256.Sum256([]byte(v))
		if v == "" || subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(c.Challenge)) != 1 {
			return nil, &tokenError{http.StatusBadRequest, "invalid_grant", "the PKCE code_verifier does not match the code_challenge"}
		}
	}
	if !s.consume(c) {
		return nil, &tokenError{http.StatusBadRequest, "invalid_grant", "the code was already used"}
	}
	return s.issue(c.ClientID, c.Scope), nil
}

func (s *Server) refresh(f url.Values, clientID string) (map[string]any, *tokenError) {
	c, err := s.verify(f.Get("refresh_token"), "refresh")
	if err != nil {
		return nil, &tokenError{http.StatusBadRequest, "invalid_grant", "the refresh token is not valid or has expired"}
	}
	if clientID != c.ClientID {
		return nil, &tokenError{http.StatusUnauthorized, "invalid_client", "the client_id does not match the refresh token"}
	}
	if !s.consume(c) {
		return nil, &tokenError{http.StatusBadRequest, "invalid_grant", "the refresh token was already used: it is rotated on every refresh"}
	}
	if c.Pair != "" {
		s.consume(claims{ID: c.Pair, Expires: s.now().Add(s.opts.AccessLifetime + ShortAccessLifetime).Unix()})
	}
	return s.issue(c.ClientID, c.Scope), nil
}

// issue makes a new access token and a new (rotated) refresh token.
func (s *Server) issue(clientID, scope string) map[string]any {
	life := s.opts.AccessLifetime
	if slices.Contains(strings.Fields(scope), "short") {
		life = ShortAccessLifetime
	}
	now := s.now()
	accessID := newID()
	resp := map[string]any{
		"access_token":  s.sign(claims{Type: "access", ID: accessID, ClientID: clientID, Scope: scope, Expires: now.Add(life).Unix()}),
		"refresh_token": s.sign(claims{Type: "refresh", ClientID: clientID, Scope: scope, Pair: accessID, Expires: now.Add(RefreshLifetime).Unix()}),
		"token_type":    "Bearer",
		"expires_in":    int64(life / time.Second),
	}
	if scope != "" {
		resp["scope"] = scope
	}
	return resp
}

func (s *Server) userinfo(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="authdeck-sandbox"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_request", "error_description": "send Authorization: Bearer TOKEN"})
		return
	}
	c, err := s.verify(strings.TrimSpace(tok), "access")
	if err == nil && s.spent(c.ID) {
		err = errors.New("revoked by a refresh")
	}
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="authdeck-sandbox", error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token", "error_description": "the token is not valid or has expired"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{
		"sub": "demo-user", "name": "Demo User", "email": "demo@sandbox.invalid", "client_id": c.ClientID,
	})
}

func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	base := "http://" + r.Host
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                base,
		"authorization_endpoint":                base + "/authorize",
		"token_endpoint":                        base + "/token",
		"userinfo_endpoint":                     base + "/userinfo",
		"response_types_supported":              []string{"code"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"none", "client_secret_post"},
		"scopes_supported":                      []string{"openid", "profile", "email", "short"},
		"subject_types_supported":               []string{"public"},
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
