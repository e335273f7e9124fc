// Package oauth runs the browser consent for a provider definition: it builds
// the authorize URL, receives the answer on a loopback callback (RFC 8252,
// RFC 9700), exchanges the code in the token-request dialect the provider
// speaks, normalises the response and refreshes tokens. It also reads OpenID
// Connect / RFC 8414 discovery documents into provider definitions.
//
// It knows nothing of the keyring, files or windows: the caller stores what
// Authorize and Refresh return.
package oauth

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/sanitize"
)

// DefaultPort is the loopback port Authdeck's redirect URI uses unless the
// method accepts any port or the user registered another.
const DefaultPort = 17823

// Token is what a provider issued, normalised across dialects.
type Token struct {
	AccessToken  string
	RefreshToken string
	TokenType    string
	ExpiresAt    time.Time // zero: the provider stated no expiry (or, with ExpiryUnknown, none usable)
	// ExpiryUnknown: the response stated a lifetime that says nothing
	// (expires_in 0, negative or not a number). That is not "never
	// expires": the caller assumes a lifetime (UnknownLifetime).
	ExpiryUnknown bool
	Scopes        []string // granted scopes (requested ones when the response states none)
	// NotGranted are the scopes asked for that the response's scope leaves
	// out (empty when the response states no scope): the caller records
	// them; the front ends word it (Connection.ScopesMissing).
	NotGranted []string
	Extra      map[string]string // harmless extras only (see KeepExtra): token_id, domain_prefix, created_at...
}

// UnknownLifetime is what a caller assumes for a token whose stated
// lifetime says nothing (Token.ExpiryUnknown) when the method states none:
// the most common access-token lifetime, so that a refreshable connection
// renews early (which costs nothing) rather than late (which breaks
// requests), and one that cannot renew warns instead of claiming forever.
const UnknownLifetime = time.Hour

// Config is one connection's flow.
type Config struct {
	Provider     catalog.Provider
	Method       catalog.Method    // KindOAuth or KindImplicit
	ClientID     string            // falls back to Method.ClientID
	ClientSecret string            // empty for public clients (PKCE)
	Scopes       []string          // falls back to Method.DefaultScopes
	RedirectURI  string            // "" → DefaultRedirectURI(Provider, Method)
	Params       map[string]string // placeholder values, e.g. domain_prefix, port
}

// Client runs flows and token requests. The zero value is ready to use.
type Client struct {
	HTTP *http.Client     // nil → a client with a 30 s timeout; redirects from the token endpoint are never followed
	Now  func() time.Time // nil → time.Now
}

// AuthorizeOptions are the caller's hooks into Authorize.
type AuthorizeOptions struct {
	// Open opens the browser on authorizeURL. It is called only once the
	// listener is up, on its own goroutine (it may block, as some openers
	// do until the browser exits).
	Open func(authorizeURL string) error
	// Listening is called once the listener is up, before Open: the CLI
	// prints the redirect URI to register and the URL to open.
	Listening func(redirectURI, authorizeURL string)
	// Notice is called when the browser brought back something that does
	// not finish the sign-in, which goes on waiting: the front end tells
	// the person what to look for and keeps Cancel available. It runs on
	// the listener's goroutine, at most once per kind of notice.
	Notice func(Notice)
	// Pasted brings addresses the person pasted: the address a browser on
	// another machine was sent back to (see paste.go). Each is checked as a
	// callback; PasteRefused hears why one was not taken.
	Pasted       <-chan string
	PasteRefused func(error)
}

// NoticeKind says what came back that did not finish the sign-in.
type NoticeKind int

const (
	// NoticeEmptyAnswer: the browser came back with no code, no token and
	// no error. Some providers (Vinli) show their error on their own page.
	NoticeEmptyAnswer NoticeKind = iota + 1
	// NoticeForeignAnswer: an answer whose state is missing or wrong: it
	// belongs to another sign-in (or to a web page trying to end this one)
	// and was ignored.
	NoticeForeignAnswer
	// NoticeStateMissing: an answer without the state Authdeck sent, from
	// a provider that may not send it back (Vinli), that nothing else ties
	// to this sign-in (no PKCE, and the browser did not come from the
	// provider's sign-in page): it was not used.
	NoticeStateMissing
)

// Notice is something the browser did while the sign-in goes on waiting.
type Notice struct {
	Kind     NoticeKind
	Provider string // the provider's name
}

// Result is what a completed consent yields.
type Result struct {
	Token       Token
	Params      map[string]string // values the callback carried (callback_params, e.g. domain_prefix), validated
	RedirectURI string            // the exact redirect URI used (real port filled in)
}

// Errors a caller may want to tell apart. Their messages state what
// happened; what to do about it is the front end's to say (auth.Kind).
var (
	ErrAccessDenied = errors.New("access was denied in the browser")
	// ErrStateMismatch marks an answer whose state is missing or wrong.
	// Authorize never ends with it: it answers such a page, reports it
	// through AuthorizeOptions.Notice and goes on waiting for the real one.
	ErrStateMismatch = errors.New("the answer in the browser did not belong to this sign-in (state missing or wrong), so it was refused")
	ErrTimeout       = errors.New("no answer came back from the browser in time")
	// ErrAlreadyUsed is a pasted answer for a sign-in that has taken one.
	ErrAlreadyUsed = errors.New("this sign-in has already taken an answer")
	ErrCanceled    = errors.New("the sign-in was cancelled")
	ErrNoRefresh   = errors.New("this connection has nothing to renew its token with")
	// ErrIncompleteAnswer is a provider's answer in the browser that lacks
	// what finishing the sign-in needs (a code, a token, a parameter).
	ErrIncompleteAnswer = errors.New("nothing was connected")
)

// ProviderError is a refusal from the provider: an error in the callback or a
// failed token request. Description never holds a secret Authdeck sent.
type ProviderError struct {
	Status      int    // HTTP status of the token response; 0 for an error in the callback
	Code        string // OAuth error code, e.g. invalid_grant
	Description string // the provider's words (or a bounded excerpt of its response)

	provider string // provider name, for the message
	action   string // "the token request", "the refresh", "the sign-in"
	hint     string // what to do next
}

func (e *ProviderError) Error() string {
	var b strings.Builder
	name := e.provider
	if name == "" {
		name = "the provider"
	}
	action := e.action
	if action == "" {
		action = "the token request"
	}
	fmt.Fprintf(&b, "%s refused %s", name, action)
	switch {
	case e.Code != "":
		fmt.Fprintf(&b, " (%s)", e.Code)
	case e.Status != 0:
		fmt.Fprintf(&b, " (HTTP %d %s)", e.Status, http.StatusText(e.Status))
	}
	if e.Description != "" {
		fmt.Fprintf(&b, ": %s", e.Description)
	}
	if e.hint != "" {
		fmt.Fprintf(&b, " — %s", e.hint)
	}
	return b.String()
}

// DefaultRedirectURI is the redirect URI to register with the provider: a
// distinct path per provider, so that an answer meant for one provider is
// never taken for another's (mix-up protection). For a method that accepts
// any loopback port the port is 0: a free one is chosen at connect time.
func DefaultRedirectURI(p catalog.Provider, m catalog.Method) string {
	port := DefaultPort
	if m.AnyPort {
		port = 0
	}
	return fmt.Sprintf("http://127.0.0.1:%d/callback/%s", port, p.ID)
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// providerName names the provider in messages.
func providerName(p catalog.Provider) string {
	if p.Name != "" {
		return sanitize.Line(p.Name) // a providers.d file is outside text too
	}
	if p.ID != "" {
		return p.ID
	}
	return "the provider"
}

// flowConfig is a Config with its fallbacks applied.
type flowConfig struct {
	Config
	clientID string
	scopes   []string
	dialect  string
	name     string
}

// resolve applies a Config's fallbacks (client ID, scopes, token dialect):
// the first step of both a sign-in (authorize.go) and a refresh
// (exchange.go), so it lives beside Config.
func resolve(cfg Config) (flowConfig, error) {
	f := flowConfig{Config: cfg, name: providerName(cfg.Provider)}
	if !cfg.Method.Kind.Browser() {
		return f, fmt.Errorf("%s: the %q method does not sign in through the browser", f.name, cfg.Method.Kind)
	}
	f.clientID = firstNonEmpty(cfg.ClientID, cfg.Method.ClientID)
	if f.clientID == "" {
		return f, fmt.Errorf("%s needs a client ID: add the one from the app you registered with %s to the connection", f.name, f.name)
	}
	f.scopes = cfg.Scopes
	if len(f.scopes) == 0 {
		f.scopes = cfg.Method.DefaultScopes
	}
	if !cfg.Method.SendsScopes() {
		f.scopes = nil // Vend: "the Vend API does not support scopes"
	}
	f.dialect = firstNonEmpty(cfg.Method.TokenRequest, catalog.RequestForm)
	return f, nil
}
