package oauth

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"authdeck/auth/catalog"
)

// Signing in from a machine without a browser (over SSH): the person opens
// the sign-in address on another computer, whose browser is sent back to
// http://127.0.0.1:PORT/… — a page that fails to load there, since the
// listener runs here. The address in that browser's address bar is the
// callback itself; pasted into the waiting Authdeck, it is taken exactly as
// if the browser had reached the listener: the same state check, the same
// one-answer claim, the same exchange with the PKCE verifier.

// maxPasted bounds a pasted address (a code, a state and a few parameters
// are far shorter; an implicit grant's token fits).
const maxPasted = 32 << 10

// ErrPastedAddress is matched by errors.Is for a pasted text that is not
// the address the browser landed on for this sign-in.
var ErrPastedAddress = errors.New("that is not the address the browser was sent back to")

// takePasted reads one pasted line; a refusal goes to the caller's hook and
// the sign-in goes on waiting.
func (fl *flow) takePasted(raw string, refused func(error)) {
	if err := fl.paste(raw); err != nil && refused != nil {
		refused(err)
	}
}

// paste checks a pasted address like a callback and, when it belongs to
// this sign-in, hands it to Authorize as the one answer.
func (fl *flow) paste(raw string) error {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return nil // an empty line: nothing pasted
	case len(raw) > maxPasted:
		return fmt.Errorf("%w: it is longer than %d characters", ErrPastedAddress, maxPasted)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || !catalog.IsLoopback(u.Hostname()) {
		return fmt.Errorf("%w: copy the whole address from the browser's address bar; it starts %s", ErrPastedAddress, fl.redirectURI)
	}
	if !fl.hostAllowed(u.Host) || (u.Path != fl.lb.path() && !(u.Path == "" && fl.lb.path() == "/")) {
		return fmt.Errorf("%w: this sign-in waits for an address starting %s", ErrPastedAddress, fl.redirectURI)
	}
	q := u.Query()
	if fl.implicit && u.Fragment != "" {
		// The implicit grant's token is in the fragment, which the address
		// bar shows and a request never carries.
		if q, err = url.ParseQuery(u.Fragment); err != nil {
			return fmt.Errorf("%w: its #… part cannot be read", ErrPastedAddress)
		}
	}
	// The person copied it from their own browser: they vouch that it came
	// from the provider's sign-in (what the Referer says for the listener).
	cb, err := parseCallbackFrom(q, fl.expect, fl.expect.signInOrigin)
	switch {
	case errors.Is(err, errEmptyAnswer):
		return fmt.Errorf("%w: it carries no code, token or error; approve in the browser first, then copy the address it lands on", ErrPastedAddress)
	case errors.Is(err, ErrStateMismatch):
		return ErrStateMismatch
	}
	if !fl.claim() {
		return ErrAlreadyUsed
	}
	fl.answers <- answer{cb: cb, err: err, reply: make(chan page, 1)} // buffered; only the claimed answer is sent
	return nil
}
