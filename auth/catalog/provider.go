// Package catalog holds provider definitions: what a provider's API is called,
// how a credential is obtained from it and how that credential is applied to a
// request. Definitions are data (JSON): built-ins are embedded, and a user can
// add or replace one with a file CONFIG/providers.d/ID.json.
package catalog

import "net/url"

// Kind names how a method obtains its credential.
type Kind string

// The kinds of method a provider can offer.
const (
	KindOAuth    Kind = "oauth"    // authorization code grant in the browser
	KindImplicit Kind = "implicit" // legacy implicit grant: token in the URL fragment
	KindBasic    Kind = "basic"    // an ID and a secret sent as HTTP Basic
	KindAPIKey   Kind = "api-key"  // a key the user pastes
	KindToken    Kind = "token"    // a personal token the user pastes
	KindSession  Kind = "session"  // a login that yields cookies
)

// Kinds lists every method kind in the order the CLI documents them.
var Kinds = []Kind{KindOAuth, KindImplicit, KindBasic, KindAPIKey, KindToken, KindSession}

// Browser reports whether the method needs the browser consent flow.
func (k Kind) Browser() bool { return k == KindOAuth || k == KindImplicit }

// Token request encodings (the "dialects" providers use).
const (
	RequestForm  = "form"  // application/x-www-form-urlencoded body (RFC 6749)
	RequestJSON  = "json"  // JSON body (vcita)
	RequestQuery = "query" // parameters in the query string of a POST (Vinsight)
)

// Client authentication styles for the token request.
const (
	ClientAuthBody  = "body"  // client_id and client_secret as request parameters
	ClientAuthBasic = "basic" // client_id:client_secret as HTTP Basic, each form-encoded first (RFC 6749 §2.3.1)
	// ClientAuthBasicRaw is HTTP Basic over the raw id:secret (RFC 7617),
	// as Vinli's own recipe builds it: "Combine the App ID and App Secret
	// using a colon", then Base64.
	ClientAuthBasicRaw = "basic-raw"
)

// Provider is one API a person can hold connections to.
type Provider struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	DocsURL string   `json:"docs_url,omitempty"`
	Params  []Param  `json:"params,omitempty"`
	Methods []Method `json:"methods"`

	// Source says where the definition came from: "built-in" or a file path.
	Source string `json:"-"`
}

// Param is a value that fills a {name} placeholder in the provider's URLs,
// such as Vend's domain_prefix. Values are restricted to letters, digits and
// hyphens because they may become part of a host name.
type Param struct {
	Name    string `json:"name"`
	Label   string `json:"label"`
	Help    string `json:"help,omitempty"`
	Default string `json:"default,omitempty"`
}

// Scope is one permission a provider's document names (e.g. Vinsight's
// read_contacts) and what it allows, in plain words.
type Scope struct {
	Name  string `json:"name"`
	Label string `json:"label"`
}

// Method is one way to obtain and apply a credential for a provider.
type Method struct {
	Kind  Kind   `json:"kind"`
	Label string `json:"label"`          // one plain line for the wizard
	Help  string `json:"help,omitempty"` // where to find what must be pasted

	// Browser consent (oauth, implicit).
	AuthorizeURL   string   `json:"authorize_url,omitempty"`
	TokenURL       string   `json:"token_url,omitempty"`
	TokenRequest   string   `json:"token_request,omitempty"`   // form | json | query
	ClientAuth     string   `json:"client_auth,omitempty"`     // body | basic
	StateParam     string   `json:"state_param,omitempty"`     // default "state"
	ScopeSeparator string   `json:"scope_separator,omitempty"` // default " "
	DefaultScopes  []string `json:"default_scopes,omitempty"`
	// KnownScopes are the permissions the provider's document names, each
	// with a plain-language label: the window offers them as choices.
	KnownScopes    []Scope  `json:"known_scopes,omitempty"`
	PKCE           bool     `json:"pkce,omitempty"`
	CallbackParams []string `json:"callback_params,omitempty"` // extra values the callback carries
	Refresh        bool     `json:"refresh,omitempty"`         // supports the refresh_token grant
	AnyPort        bool     `json:"any_port,omitempty"`        // accepts any loopback port (RFC 8252 §7.3)
	PublicClient   bool     `json:"public_client,omitempty"`   // no client secret is needed
	ClientID       string   `json:"client_id,omitempty"`       // a default client id (the sandbox's)
	// NoScopes: the provider takes no scopes (Vend), so none are sent,
	// whatever the connection asks for.
	NoScopes bool `json:"no_scopes,omitempty"`
	// OpenID: an OpenID Connect provider. With offline_access among the
	// scopes, the authorize request says prompt=consent (OpenID Connect
	// Core §11), or a strict provider drops offline_access.
	OpenID bool `json:"openid,omitempty"`
	// DeniesWithoutState: the provider's documented denial carries no state
	// (Vend: "{redirect_uri}?error=access_denied"). Only then may an answer
	// without state end the sign-in, and only as a refusal.
	DeniesWithoutState bool `json:"denies_without_state,omitempty"`
	// CodeLifetimeSeconds is how long the provider's document says an
	// authorization code stays valid after it is issued (vcita 30, Vend
	// 600): used to word the hint when a code expired.
	CodeLifetimeSeconds int64 `json:"code_lifetime_seconds,omitempty"`
	// SignInReplacesEarlier: a new sign-in invalidates every earlier token
	// of the same organisation (Vinsight), so other connections of it are
	// marked replaced instead of failing later with 401.
	SignInReplacesEarlier bool `json:"sign_in_replaces_earlier,omitempty"`

	// Session login.
	LoginURL string `json:"login_url,omitempty"`
	// PercentEncodeUser: the login's user name goes percent-encoded into
	// its HTTP Basic credentials, as the provider's document writes it
	// (Vinsight: "-u youremail%40yourdomain.com:yourpassword").
	PercentEncodeUser bool `json:"percent_encode_user,omitempty"`

	// What the user pastes (basic, api-key, token, session).
	UserLabel   string `json:"user_label,omitempty"`
	SecretLabel string `json:"secret_label,omitempty"`

	Apply           Apply    `json:"apply"`
	CheckURL        string   `json:"check_url,omitempty"`
	LifetimeSeconds int64    `json:"lifetime_seconds,omitempty"` // stated lifetime of the credential
	Unconfirmed     []string `json:"unconfirmed,omitempty"`      // fields the provider's document leaves out
}

// Apply says how a credential is attached to a request: a header (with an
// optional scheme such as "Bearer") or a query parameter.
type Apply struct {
	Header string `json:"header,omitempty"`
	Scheme string `json:"scheme,omitempty"`
	Query  string `json:"query,omitempty"`
}

// Method returns the provider's method of the given kind.
func (p Provider) Method(kind Kind) (Method, bool) {
	for _, m := range p.Methods {
		if m.Kind == kind {
			return m, true
		}
	}
	return Method{}, false
}

// Param returns the provider's parameter with the given name.
func (p Provider) Param(name string) (Param, bool) {
	for _, q := range p.Params {
		if q.Name == name {
			return q, true
		}
	}
	return Param{}, false
}

// BuiltIn reports whether the definition is one the app ships.
func (p Provider) BuiltIn() bool { return p.Source == SourceBuiltIn }

// SourceBuiltIn is the Source of definitions embedded in the binary.
const SourceBuiltIn = "built-in"

// SourceDiscovery is the Source of a definition just read from an issuer's
// discovery document and not saved yet.
const SourceDiscovery = "discovery"

// State returns the name under which the method sends its anti-forgery value.
func (m Method) State() string {
	if m.StateParam == "" {
		return "state"
	}
	return m.StateParam
}

// LoginUser is the user name as the session login sends it.
func (m Method) LoginUser(user string) string {
	if m.PercentEncodeUser {
		return url.QueryEscape(user)
	}
	return user
}

// Separator returns the string that joins requested scopes.
func (m Method) Separator() string {
	if m.ScopeSeparator == "" {
		return " "
	}
	return m.ScopeSeparator
}

// SendsScopes reports whether requested scopes go out with the authorize
// request: not for a provider that takes none.
func (m Method) SendsScopes() bool { return !m.NoScopes }

// UnconfirmedWords say, in plain words, what each field that can be marked
// unconfirmed holds: the window and the CLI name what a provider's document
// leaves out (fields missing here are shown by their JSON name).
var UnconfirmedWords = map[string]string{
	"authorize_url": "the sign-in page address",
	"token_url":     "the token address",
	"check_url":     "the address used to check the credential",
	"login_url":     "the login address",
	"apply":         "how the credential is sent with each request",
	"client_auth":   "how the app's ID and secret are sent to the token address",
	"token_request": "how the token request is encoded",
	"state_param":   "the name under which the anti-forgery value travels and comes back",
}

// IsUnconfirmed reports whether field (a JSON name such as "authorize_url")
// is a best-known value that the provider's own document does not state.
func (m Method) IsUnconfirmed(field string) bool {
	for _, f := range m.Unconfirmed {
		if f == field {
			return true
		}
	}
	return false
}
