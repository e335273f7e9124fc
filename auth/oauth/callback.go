package oauth

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"authdeck/auth/catalog"
	"authdeck/auth/sanitize"
)

// Bounds on callback values: real ones are far shorter, and a bound keeps a
// hostile page from making Authdeck send or keep megabytes.
const (
	maxStateLen = 512
	maxCodeLen  = 4096
	maxTokenLen = 16 << 10
)

// errEmptyAnswer marks a callback with no code, no token and no error.
var errEmptyAnswer = errors.New("the browser came back without an answer")

// errStateMissing marks an answer without any state, to a sign-in whose
// provider never promised to send it back (Vinli), that nothing else ties
// to this sign-in: it is ignored, and said so in true words.
var errStateMissing = errors.New("the answer came back without the state Authdeck sent, and nothing else shows it came from the provider's sign-in page")

// expectation is what a callback must carry to belong to this sign-in.
type expectation struct {
	provider           string   // name for messages
	stateName          string   // Method.State(): "state", or Vinsight's "nonce"
	state              string   // the value sent
	implicit           bool     // the token itself is expected (fragment), not a code
	params             []string // callback_params, e.g. domain_prefix
	deniesWithoutState bool     // Method.DeniesWithoutState (Vend)
	// stateOptional: the provider's documents never say it sends state
	// back (state_param unconfirmed: Vinli). An answer with no state at
	// all is then judged on what else ties it to this sign-in.
	stateOptional bool
	pkce          bool   // a PKCE verifier was sent: the exchange proves the code
	signInOrigin  string // scheme://host[:port] of the authorize URL
}

// callback is a validated answer from the browser.
type callback struct {
	code   string
	fields url.Values        // the implicit grant's token fields
	params map[string]string // callback_params values, validated
}

// stateOK reports whether q carries the value sent, under the method's name
// or as "state" (the value goes out under both), compared in constant time.
// present says whether any state came back at all.
func (e expectation) stateOK(q url.Values) (ok, present bool) {
	for _, name := range []string{e.stateName, "state"} {
		got := q.Get(name)
		if got == "" {
			continue
		}
		present = true
		if len(got) <= maxStateLen && e.state != "" && subtle.ConstantTimeCompare([]byte(got), []byte(e.state)) == 1 {
			return true, true
		}
	}
	return false, present
}

// parseCallbackFrom checks the browser's answer before anything is done
// with it, an answer the browser brought from the page at referrer (the
// Referer it sent, or the relay page's document.referrer; "" when
// unknown). errEmptyAnswer and ErrStateMismatch mean the answer is to be
// ignored; any other error ends the sign-in. Nothing here touches the
// network, so a refused answer never leads to a token request.
//
// An answer with no state at all, for a provider that never promised to
// send it back, is judged on what was sent: a code whose request carried a
// PKCE challenge is proved by the exchange (a code made for another
// sign-in fails there); an answer the browser brought straight from the
// provider's sign-in origin (which no other web page can claim as its
// referrer) is taken; anything else is ignored with errStateMissing.
func parseCallbackFrom(q url.Values, e expectation, referrer string) (callback, error) {
	if q.Get("code") == "" && q.Get("authorization_code") != "" {
		// Vinsight: "The authorization_code is passed in the confirmation
		// redirect". Read it as the code; the state check below still applies.
		q = cloneValues(q)
		q.Set("code", q.Get("authorization_code"))
	}
	if q.Get("code") == "" && q.Get("access_token") == "" && q.Get("error") == "" {
		return callback{}, errEmptyAnswer
	}
	ok, present := e.stateOK(q)
	if !ok {
		// Vend's documented denial carries no state: for such a provider an
		// error without any state may end the sign-in, in Authdeck's words
		// and the error code only (the page that sent it is unknown).
		if e.deniesWithoutState && !present && q.Get("error") != "" {
			return callback{}, e.refusal(q.Get("error"), "")
		}
		if present || !e.stateOptional {
			return callback{}, ErrStateMismatch
		}
		if !(e.pkce && q.Get("code") != "") && !e.fromSignIn(referrer) {
			return callback{}, errStateMissing
		}
	}
	if code := q.Get("error"); code != "" {
		return callback{}, e.refusal(code, q.Get("error_description"))
	}
	cb, err := e.grant(q)
	if err != nil {
		return callback{}, err
	}
	for _, name := range e.params {
		v := q.Get(name)
		if v == "" {
			return callback{}, fmt.Errorf("%s sent the browser back without %s, which it needs to finish: %w", e.provider, name, ErrIncompleteAnswer)
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

// fromSignIn reports whether referrer is the provider's sign-in origin.
func (e expectation) fromSignIn(referrer string) bool {
	u, err := url.Parse(referrer)
	return err == nil && e.signInOrigin != "" && u.Host != "" && strings.EqualFold(u.Scheme+"://"+u.Host, e.signInOrigin)
}

func cloneValues(q url.Values) url.Values {
	out := make(url.Values, len(q))
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// refusal is the error for a provider's error answer.
func (e expectation) refusal(code, description string) error {
	if code == "access_denied" {
		return ErrAccessDenied
	}
	return &ProviderError{
		Code:        sanitize.Clip(sanitize.Line(code), 64),
		Description: sanitize.Clip(sanitize.Line(sanitize.Redact(description, e.state)), maxExcerpt),
		provider:    e.provider,
		action:      "the sign-in",
		hint:        hintFor(code, false, 0),
	}
}

// grant reads the code (or, for the implicit grant, the token fields).
func (e expectation) grant(q url.Values) (callback, error) {
	var cb callback
	if e.implicit {
		tok := q.Get("access_token")
		if tok == "" {
			return callback{}, fmt.Errorf("%s sent the browser back without a token: %w", e.provider, ErrIncompleteAnswer)
		}
		if len(tok) > maxTokenLen {
			return callback{}, fmt.Errorf("%s sent a token longer than %d bytes, which Authdeck does not accept", e.provider, maxTokenLen)
		}
		cb.fields = q
		return cb, nil
	}
	cb.code = q.Get("code")
	if cb.code == "" {
		return callback{}, fmt.Errorf("%s sent the browser back without a code: %w", e.provider, ErrIncompleteAnswer)
	}
	if len(cb.code) > maxCodeLen {
		return callback{}, fmt.Errorf("%s sent a code longer than %d bytes, which Authdeck does not accept", e.provider, maxCodeLen)
	}
	return cb, nil
}
