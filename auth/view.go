package auth

import (
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/store"
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
}

// Outcome records how an action (refresh, check) last went.
type Outcome struct {
	At      time.Time `json:"at"`
	OK      bool      `json:"ok"`
	Message string    `json:"message"`
	// Rejected says the provider refused the credential itself (HTTP 401),
	// as opposed to a network or server failure.
	Rejected bool `json:"rejected,omitempty"`
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
)

func outcome(o *store.Outcome) *Outcome {
	if o == nil {
		return nil
	}
	return &Outcome{At: o.At, OK: o.OK, Message: o.Message, Rejected: o.Rejected}
}

// viewOf is a connection as the front ends see it, at now with the warning
// window within.
func viewOf(c store.Connection, p catalog.Provider, meth catalog.Method, lookupErr error, now time.Time, within time.Duration) Connection {
	v := Connection{
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
	v.Status = StatusAt(v, now, within)
	return v
}

// faultOf is what is wrong with a stored connection apart from time.
func faultOf(c store.Connection, lookupErr error) (Fault, string) {
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
