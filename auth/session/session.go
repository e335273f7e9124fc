// Package session signs in to providers that hand out a session cookie for
// an email and password (Vinsight's cookie login) and turns the cookies they
// set into the Cookie header value later requests send.
package session

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/network"
	"authdeck/auth/sanitize"
)

// ErrRejected is wrapped by Login's error when the provider refused the email
// or password: asking again makes sense, retrying the same ones does not.
var ErrRejected = errors.New("the email or password was not accepted")

// ErrBusy is wrapped by Login's error when the provider cannot take a
// sign-in now (too many attempts, its own trouble): the same email and
// password may work later.
var ErrBusy = errors.New("the provider cannot take a sign-in now")

// ErrNoCookie is wrapped by Login's error when the sign-in succeeded but no
// session Authdeck can keep came back (no cookie, or far too many): this
// way of connecting cannot work here, whatever the password.
var ErrNoCookie = errors.New("no session Authdeck can keep came back")

// maxCookie bounds the Cookie header kept in the keyring and sent with every
// request: servers refuse request headers much above 8–16 KiB anyway.
const maxCookie = 16 << 10

// DefaultTimeout bounds a login when the caller's client sets no timeout.
const DefaultTimeout = 15 * time.Second

// Login signs in at loginURL with HTTP Basic user:password and an empty POST
// body (what `curl -u USER:PASSWORD --data ""` sends) and returns the
// cookies the answer set as one Cookie header value, "a=1; b=2".
//
// A redirect is not followed: the cookies are read from the first answer,
// and the password is never sent on to another address. hc may be nil. No
// error holds the password in any form (raw, escaped, the Basic header's
// base64), and what in an error came from outside (a certificate's names, a
// network error) shows its control characters as visible escapes.
func Login(ctx context.Context, hc *http.Client, loginURL, user, password string) (cookie string, err error) {
	cookie, err = login(ctx, hc, loginURL, user, password)
	if err != nil {
		return "", cleanError(err, user+":"+password, password)
	}
	return cookie, nil
}

// maxError bounds what a login error says: it is shown and may be stored.
const maxError = 500

// loginError is an error's cleaned words; it still matches the sentinel
// errors (ErrRejected, ErrBusy, ErrNoCookie) the original wrapped, and nothing else,
// so the raw text cannot be reached by unwrapping.
type loginError struct {
	msg  string
	kind error
}

func (e *loginError) Error() string { return e.msg }
func (e *loginError) Unwrap() error { return e.kind }

func cleanError(err error, secrets ...string) error {
	msg := sanitize.Redact(err.Error(), secrets...)
	if r := []rune(msg); len(r) > maxError {
		msg = string(r[:maxError]) + "…" // a network error may quote a huge status line
	}
	e := &loginError{msg: sanitize.Line(msg)}
	for _, kind := range []error{ErrRejected, ErrBusy, ErrNoCookie} {
		if errors.Is(err, kind) {
			e.kind = kind
		}
	}
	return e
}

func login(ctx context.Context, hc *http.Client, loginURL, user, password string) (cookie string, err error) {
	if err := catalog.CheckURL(loginURL); err != nil {
		return "", fmt.Errorf("login address: %w", err)
	}
	switch {
	case user == "":
		return "", errors.New("the email address is empty: enter the one you sign in with")
	case strings.ContainsRune(user, ':'):
		// Basic authentication ends the user name at the first colon (RFC 7617).
		return "", errors.New("the email address contains ':', which a login cannot carry: check it")
	case password == "":
		return "", errors.New("the password is empty: enter it again")
	}

	client := http.Client{Timeout: DefaultTimeout}
	if hc != nil {
		client = *hc
	}
	client.Jar = nil // a fresh login: no cookies of an earlier session go along
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, loginURL, http.NoBody)
	if err != nil {
		return "", fmt.Errorf("login address: %w", err)
	}
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+password)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")

	host := req.URL.Hostname()
	resp, err := client.Do(req)
	if err != nil {
		return "", errors.New(network.Words(ctx, err, host))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // lets the connection be reused

	code := strconv.Itoa(resp.StatusCode)
	switch s := resp.StatusCode; {
	case s == http.StatusUnauthorized:
		return "", ErrRejected
	case s == http.StatusForbidden:
		return "", fmt.Errorf("403: %s refused the sign-in — the account may be locked or not allowed to use the API", host)
	case s == http.StatusTooManyRequests:
		return "", fmt.Errorf("429: too many sign-in attempts at %s: %w", host, ErrBusy)
	case s >= 500:
		return "", fmt.Errorf("%s: %s had an internal error: %w", code, host, ErrBusy)
	case s >= 400:
		return "", fmt.Errorf("%s: %s refused the sign-in (%s) — the login address in the provider's definition may be wrong", code, host, http.StatusText(s))
	}

	cookie = header(resp.Cookies(), time.Now())
	if cookie == "" {
		return "", fmt.Errorf("%w: %s accepted the sign-in (%s) but set no session cookie, so Authdeck cannot keep it", ErrNoCookie, host, code)
	}
	if len(cookie) > maxCookie {
		return "", fmt.Errorf("%w: %s set %d KiB of cookies, more than a session needs (at most %d KiB are kept)", ErrNoCookie, host, len(cookie)>>10, maxCookie>>10)
	}
	return cookie, nil
}

// header joins the cookies a response set into a Cookie header value. A
// cookie set twice keeps its last value; one that the response deletes
// (Max-Age=0, an expiry in the past, an empty value) is left out.
func header(cookies []*http.Cookie, now time.Time) string {
	var order []string
	values := map[string]string{}
	for _, c := range cookies {
		expired := c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(now))
		if expired || c.Value == "" {
			delete(values, c.Name)
			continue
		}
		if _, seen := values[c.Name]; !seen {
			order = append(order, c.Name)
		}
		values[c.Name] = c.Value
	}
	var parts []string
	for _, name := range order {
		if v, ok := values[name]; ok {
			parts = append(parts, name+"="+v)
			delete(values, name) // a name deleted and set again appears once
		}
	}
	return strings.Join(parts, "; ")
}
