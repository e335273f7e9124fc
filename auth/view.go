package auth

import (
	"net/http"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/check"
	"authdeck/auth/oauth"
	"authdeck/auth/store"
)

// Notice is something the browser did while a sign-in goes on waiting: the
// front ends word it by its Kind (they never import auth/oauth).
type Notice = oauth.Notice

// NoticeKind says what came back that did not finish the sign-in.
type NoticeKind = oauth.NoticeKind

// The notices a sign-in can give.
const (
	NoticeEmptyAnswer   = oauth.NoticeEmptyAnswer   // the browser came back with no answer
	NoticeForeignAnswer = oauth.NoticeForeignAnswer // an answer of another sign-in was ignored
	NoticeStateMissing  = oauth.NoticeStateMissing  // an answer without state that nothing ties to this sign-in was not used
)

// Connection is what the core tells its front ends about one connection:
// never a secret, never a type of the store. Its JSON form is the contract
// of `authdeck list --json` and `status --json`.
type Connection struct {
	Name         string       `json:"name"`
	Provider     string       `json:"provider"`
	ProviderName string       `json:"provider_name"`
	Method       catalog.Kind `json:"method"`
	// Status is StatusAt when the connection was read; front ends that tick
	// work it out again with StatusAt.
	Status Status `json:"status"`
	// ExpiresAt is when the credential stops working; nil: never, or unknown.
	ExpiresAt *time.Time `json:"expires_at"`
	// ExpiryEstimated says ExpiresAt is Authdeck's estimate from the
	// provider's usual lifetime, not a date anyone gave.
	ExpiryEstimated bool `json:"expiry_estimated,omitempty"`
	// Refreshable says Authdeck renews the credential by itself.
	Refreshable     bool     `json:"refreshable"`
	HasRefreshToken bool     `json:"has_refresh_token,omitempty"`
	Scopes          []string `json:"scopes"`
	// ScopesMissing lists what was asked for at sign-in and not granted.
	ScopesMissing []string          `json:"scopes_missing,omitempty"`
	Account       string            `json:"account,omitempty"`
	Owner         string            `json:"owner,omitempty"`
	Note          string            `json:"note,omitempty"`
	User          string            `json:"user,omitempty"`
	ClientID      string            `json:"client_id,omitempty"`
	RedirectURI   string            `json:"redirect_uri,omitempty"`
	Params        map[string]string `json:"params,omitempty"`
	CreatedAt     time.Time         `json:"created_at"`
	ConnectedAt   *time.Time        `json:"connected_at,omitempty"`
	LastRefresh   *Outcome          `json:"last_refresh,omitempty"`
	LastCheck     *Outcome          `json:"last_check,omitempty"`
	// Fault is what is wrong that time alone does not explain; it makes the
	// status StatusError.
	Fault Fault `json:"fault,omitempty"`
	// ReplacedBy names the connection whose sign-in made this one's token
	// invalid (Vinsight keeps one token per organisation).
	ReplacedBy string `json:"replaced_by,omitempty"`
	// FaultDetail is the provider's or the system's own words for Fault,
	// already cleaned of control characters and secrets.
	FaultDetail string `json:"fault_detail,omitempty"`
	// Shared says the connection lives in the team store, not only on this
	// machine.
	Shared bool `json:"shared,omitempty"`
	// StoreProblem, for a shared connection, says the team store could not
	// be asked and this machine's copy was used instead: why.
	StoreProblem string `json:"store_problem,omitempty"`
	// APIHosts, filled by Snippet, are the hosts the credential is meant
	// for (see Manager.APIHosts): a front end warns before a URL elsewhere.
	APIHosts []string `json:"-"`
}

// Outcome records how an action (refresh, check) last went.
type Outcome struct {
	At      time.Time `json:"at"`
	OK      bool      `json:"ok"`
	Message string    `json:"message"`
	// Rejected says the provider refused the credential itself (HTTP 401),
	// as opposed to a network or server failure.
	Rejected bool `json:"rejected,omitempty"`
	// By names the machine and process that made it (shared connections).
	By string `json:"by,omitempty"`
}

// Fault is a stored reason for StatusError.
type Fault string

// The faults a connection can have.
const (
	FaultNone            Fault = ""
	FaultRemoving        Fault = "removal-interrupted" // a removal stopped half-way
	FaultProviderMissing Fault = "provider-missing"    // its provider or method left the catalog
	FaultRefreshFailed   Fault = "refresh-failed"      // the last refresh failed
	FaultRejected        Fault = "rejected"            // the provider refused the credential
	FaultReplaced        Fault = "replaced"            // a newer sign-in made its token invalid
	FaultMoved           Fault = "provider-moved"      // its provider's addresses changed since it was bound (auth/bound.go)
)

func outcome(o *store.Outcome) *Outcome {
	if o == nil {
		return nil
	}
	return &Outcome{At: o.At, OK: o.OK, Message: o.Message, Rejected: o.Rejected, By: o.By}
}

// view is a resolved connection as the front ends see it now.
func (m *Manager) view(cn conn) Connection {
	return m.viewAt(cn, m.now(), m.Settings().ExpiringWithin())
}

func (m *Manager) viewAt(cn conn, now time.Time, within time.Duration) Connection {
	lookupErr := cn.lookupErr
	if cn.cached != nil && lookupErr == nil && cn.Provider == "" {
		lookupErr = cn.cached // listed, but the store would not give it
	}
	var v Connection
	viewOf(&v, &cn.Connection, &cn.p, &cn.meth, lookupErr, now, within)
	v.Shared = cn.home != nil
	if cn.cached != nil {
		v.StoreProblem = cn.cached.Error()
	}
	return v
}

// viewOf is a connection as the front ends see it, at now with the warning
// window within. It fills v and takes everything by its address: a list
// copied ~2 KB per connection in passing them by value (issue 22).
func viewOf(v *Connection, c *store.Connection, p *catalog.Provider, meth *catalog.Method, lookupErr error, now time.Time, within time.Duration) {
	*v = Connection{
		Name: c.Name, Provider: c.Provider, ProviderName: c.Provider, Method: c.Method,
		ExpiresAt: c.ExpiresAt, Scopes: c.Scopes, ScopesMissing: c.ScopesMissing,
		Account: c.Account, Owner: c.Owner, Note: c.Note, User: c.User,
		ClientID: c.ClientID, RedirectURI: c.RedirectURI, Params: c.Params,
		CreatedAt: c.CreatedAt, ConnectedAt: c.ConnectedAt,
		LastRefresh: outcome(c.LastRefresh), LastCheck: outcome(c.LastCheck),
		ReplacedBy: c.ReplacedBy, HasRefreshToken: c.HasRefreshToken,
	}
	if v.Scopes == nil {
		v.Scopes = []string{}
	}
	if lookupErr == nil {
		v.ProviderName = p.Name
		v.Refreshable = meth.Refresh && c.HasRefreshToken
		v.ExpiryEstimated = c.ExpiresAt != nil && !c.ExpiresSet && !meth.Kind.Browser()
	}
	v.Fault, v.FaultDetail = faultOf(c, lookupErr)
	if f, why := movedFault(c, p, meth); lookupErr == nil && !c.Removing && f != FaultNone {
		v.Fault, v.FaultDetail = f, why
	}
	v.Status = StatusAt(*v, now, within)
}

// faultOf is what is wrong with a stored connection apart from time.
func faultOf(c *store.Connection, lookupErr error) (Fault, string) {
	connected := func(at time.Time) bool { return c.ConnectedAt != nil && at.After(*c.ConnectedAt) }
	switch {
	case c.Removing:
		return FaultRemoving, ""
	case lookupErr != nil:
		return FaultProviderMissing, lookupErr.Error()
	case c.ReplacedBy != "":
		return FaultReplaced, ""
	case c.LastRefresh != nil && !c.LastRefresh.OK && connected(c.LastRefresh.At):
		return FaultRefreshFailed, c.LastRefresh.Message
	case c.LastCheck != nil && !c.LastCheck.OK && c.LastCheck.Rejected && connected(c.LastCheck.At):
		return FaultRejected, c.LastCheck.Message
	}
	return FaultNone, ""
}

// Verdict is how a who-am-I check went, as a fact the front ends word.
type Verdict string

// The verdicts of a check.
const (
	VerdictAccepted    Verdict = "accepted"     // the provider took the credential
	VerdictRejected    Verdict = "rejected"     // HTTP 401: the credential itself was refused
	VerdictForbidden   Verdict = "forbidden"    // HTTP 403: valid, but not allowed this request
	VerdictRedirected  Verdict = "redirected"   // sent elsewhere; not followed with the credential
	VerdictNotFound    Verdict = "not-found"    // HTTP 404: the address checked does not exist (a wrong store name, say)
	VerdictBusy        Verdict = "busy"         // HTTP 429: too many requests from this account for now
	VerdictServerError Verdict = "server-error" // the provider failed (5xx)
	VerdictUnreachable Verdict = "unreachable"  // no answer came (network, timeout)
	VerdictNoSuchHost  Verdict = "no-such-host" // the host's name does not exist: a wrong address, usually
	VerdictUnexpected  Verdict = "unexpected"   // any other answer
)

// CheckResult is how a check went: the core's own type, never the check
// package's.
type CheckResult struct {
	Verdict Verdict
	OK      bool      // Verdict is VerdictAccepted
	Status  int       // HTTP status, 0 when no response came
	Account string    // who the credential belongs to, when the answer says
	Message string    // the check's own account of it, cleaned (no secret, no control characters)
	At      time.Time // when the check ran
}

func checkResult(r check.Result) CheckResult {
	v := VerdictUnexpected
	switch {
	case r.OK:
		v = VerdictAccepted
	case r.Status == 0 && r.NoSuchHost:
		v = VerdictNoSuchHost
	case r.Status == 0:
		v = VerdictUnreachable
	case r.Status == http.StatusUnauthorized:
		v = VerdictRejected
	case r.Status == http.StatusForbidden:
		v = VerdictForbidden
	case r.Status >= 300 && r.Status < 400:
		v = VerdictRedirected
	case r.Status == http.StatusNotFound:
		v = VerdictNotFound
	case r.Status == http.StatusTooManyRequests:
		v = VerdictBusy
	case r.Status >= 500:
		v = VerdictServerError
	}
	return CheckResult{Verdict: v, OK: r.OK, Status: r.Status, Account: r.Account, Message: r.Message, At: r.At}
}
