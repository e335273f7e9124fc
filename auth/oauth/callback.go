package oauth

import (
	"crypto/subtle"
	"fmt"
	"net/url"

	"authdeck/auth/catalog"
)

// Bounds on callback values: real ones are far shorter, and a bound keeps a
// hostile page from making Authdeck send or keep megabytes.
const (
	maxStateLen = 512
	maxCodeLen  = 4096
	maxTokenLen = 16 << 10
)

// expectation is what a callback must carry to belong to this sign-in.
type expectation struct {
	provider  string   // name for messages
	stateName string   // Method.State(): "state", or Vinsight's "nonce"
	state     string   // the value sent
	implicit  bool     // the token itself is expected (fragment), not a code
	params    []string // callback_params, e.g. domain_prefix
}

// callback is a validated answer from the browser.
type callback struct {
	code   string
	fields url.Values        // the implicit grant's token fields
	params map[string]string // callback_params values, validated
}

// parseCallback checks the browser's answer before anything is done with it:
// the state first (in constant time), then the provider's error, then the
// code or token and the values the callback carries. Nothing here touches
// the network, so a refused answer never leads to a token request.
func parseCallback(q url.Values, e expectation) (callback, error) {
	got := q.Get(e.stateName)
	if got == "" && e.stateName != "state" {
		got = q.Get("state") // providers that call it a nonce may still answer "state"
	}
	stateOK := got != "" && len(got) <= maxStateLen && e.state != "" &&
		subtle.ConstantTimeCompare([]byte(got), []byte(e.state)) == 1

	if code := q.Get("error"); code != "" {
		// Vend's denial carries no state at all; a wrong one is still refused.
		if got != "" && !stateOK {
			return callback{}, ErrStateMismatch
		}
		if code == "access_denied" {
			return callback{}, ErrAccessDenied
		}
		return callback{}, &ProviderError{
			Code:        bounded(code, 64),
			Description: bounded(q.Get("error_description"), maxExcerpt),
			provider:    e.provider,
			action:      "the sign-in",
			hint:        firstNonEmpty(hintFor(code, false, 0), "connect again; if it keeps failing, check the app's settings with the provider"),
		}
	}
	if !stateOK {
		return callback{}, ErrStateMismatch
	}

	var cb callback
	if e.implicit {
		tok := q.Get("access_token")
		if tok == "" {
			return callback{}, fmt.Errorf("%s sent the browser back without a token: connect again", e.provider)
		}
		if len(tok) > maxTokenLen {
			return callback{}, fmt.Errorf("%s sent a token longer than %d bytes, which Authdeck does not accept", e.provider, maxTokenLen)
		}
		cb.fields = q
	} else {
		cb.code = q.Get("code")
		if cb.code == "" {
			return callback{}, fmt.Errorf("%s sent the browser back without a code: connect again", e.provider)
		}
		if len(cb.code) > maxCodeLen {
			return callback{}, fmt.Errorf("%s sent a code longer than %d bytes, which Authdeck does not accept", e.provider, maxCodeLen)
		}
	}
	for _, name := range e.params {
		v := q.Get(name)
		if v == "" {
			return callback{}, fmt.Errorf("%s sent the browser back without %s, which it needs to finish: connect again", e.provider, name)
		}
		// The value may become part of a host name (Vend's domain_prefix):
		// refuse it here, before any URL is built from it.
		if err := catalog.CheckParamValue(name, v); err != nil {
			return callback{}, fmt.Errorf("%s sent an unusable %s, so nothing was requested: %w", e.provider, name, err)
		}
		if cb.params == nil {
			cb.params = map[string]string{}
		}
		cb.params[name] = v
	}
	return cb, nil
}
