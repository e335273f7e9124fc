package auth

import "time"

// Status is a connection's state in one word, as `list --json` prints it.
type Status string

// The statuses a connection can be in.
const (
	StatusOK           Status = "ok"
	StatusExpiring     Status = "expiring"
	StatusExpired      Status = "expired"
	StatusNeedsConnect Status = "needs-connect"
	StatusError        Status = "error"
)

// NeedsAttention says a person has something to do: everything but ok.
func (s Status) NeedsAttention() bool { return s != StatusOK }

// StatusAt is the one rule that turns a connection's facts into its status
// at now: a stored fault first, then a missing sign-in, then the expiry of a
// credential that cannot renew itself, measured against the warning window
// within. The window, its report and notifications, and every command use
// it.
func StatusAt(c Connection, now time.Time, within time.Duration) Status {
	switch {
	case c.Fault != FaultNone:
		return StatusError
	case c.ConnectedAt == nil:
		return StatusNeedsConnect
	case c.Refreshable || c.ExpiresAt == nil:
		return StatusOK
	case !now.Before(*c.ExpiresAt):
		return StatusExpired
	case c.ExpiresAt.Sub(now) <= within:
		return StatusExpiring
	}
	return StatusOK
}

// RemedyFor is what fixes a connection in status s: the front ends word it.
func RemedyFor(c Connection, s Status) Remedy {
	browser := c.Method.Browser()
	switch s {
	case StatusNeedsConnect:
		return RemedySignIn
	case StatusExpiring, StatusExpired:
		if browser {
			return RemedySignIn
		}
		return RemedyReplaceSecret
	case StatusError:
		switch c.Fault {
		case FaultRemoving:
			return RemedyRemove
		case FaultProviderMissing:
			return RemedyFixProviderFile
		case FaultRefreshFailed:
			if c.LastRefresh != nil && c.LastRefresh.Rejected {
				return RemedySignIn // the provider refused the refresh token
			}
			return RemedyRetry
		}
		if browser {
			return RemedySignIn
		}
		return RemedyReplaceSecret
	}
	return RemedyNone
}

// RemedyForRejected is what fixes a credential the provider refused at a
// check: a browser sign-in is done again, anything pasted is replaced.
// Both front ends word it; the choice is the core's.
func RemedyForRejected(c Connection) Remedy {
	if c.Method.Browser() {
		return RemedySignIn
	}
	return RemedyReplaceSecret
}
