package proxy

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"authdeck/auth/render"
)

// ahead is how long before its expiry the proxy asks for a renewed
// credential: long enough that a request in flight does not carry a token
// that runs out on the way.
const ahead = 30 * time.Second

// retryLater is how long a credential that could not be made fresh (one
// that cannot be renewed) is used before the source is asked again.
const retryLater = 5 * time.Second

// cache holds the credential between requests: a request costs no keyring
// or file read until the credential comes close to its expiry, and then
// one request at a time asks the source (which renews once across every
// Authdeck process).
type cache struct {
	src Source
	now func() time.Time

	mu  sync.Mutex // one request at a time asks the source
	cur atomic.Pointer[held]
}

type held struct {
	cred  Credential
	until time.Time // ask the source again from then on
}

func (c *cache) get(ctx context.Context) (Credential, error) {
	if h := c.cur.Load(); h != nil && c.now().Before(h.until) {
		return h.cred, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if h := c.cur.Load(); h != nil && c.now().Before(h.until) {
		return h.cred, nil
	}
	cred, err := c.src.Lease(ctx, ahead)
	if err != nil {
		return Credential{}, credentialError{err}
	}
	c.keep(cred)
	return cred, nil
}

func (c *cache) keep(cred Credential) {
	now := c.now()
	until := now.Add(24 * time.Hour) // a credential with no known expiry is asked for daily
	if cred.ExpiresAt != nil {
		until = cred.ExpiresAt.Add(-ahead)
	}
	if !until.After(now) {
		until = now.Add(retryLater)
	}
	c.cur.Store(&held{cred: cred, until: until})
}

// rejected renews the credential the provider refused, unless another
// request has already replaced it.
func (c *cache) rejected(ctx context.Context, refused Credential) (Credential, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h := c.cur.Load(); h != nil && h.cred.Value != refused.Value {
		return h.cred, nil
	}
	cred, err := c.src.Rejected(ctx, refused)
	if err != nil {
		return Credential{}, err
	}
	c.keep(cred)
	return cred, nil
}

// credentialError marks a failure to get a credential (as opposed to the
// API not answering).
type credentialError struct{ err error }

func (e credentialError) Error() string { return e.err.Error() }
func (e credentialError) Unwrap() error { return e.err }

// credTransport applies the credential to each request and, when the
// provider answers 401, renews it and sends the request once more.
type credTransport struct {
	next  http.RoundTripper
	creds *cache
}

func (t *credTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	cred, err := t.creds.get(req.Context())
	if err != nil {
		return nil, err
	}
	resp, err := t.send(req, cred)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !replayable(req) {
		return resp, err
	}
	renewed, err := t.creds.rejected(req.Context(), cred)
	if err != nil || renewed.Value == cred.Value {
		return resp, nil // nothing newer to try: the provider's answer stands
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	again := req.Clone(req.Context())
	if req.GetBody != nil {
		if again.Body, err = req.GetBody(); err != nil {
			return nil, err
		}
	}
	return t.send(again, renewed)
}

func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// send applies cred to a copy of req and sends it.
func (t *credTransport) send(req *http.Request, cred Credential) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.Body = req.Body
	if cred.Query != "" {
		withKey, err := render.AddQuery(out.URL.String(), cred.Query, cred.Value)
		if err != nil {
			return nil, credentialError{err}
		}
		if out.URL, err = out.URL.Parse(withKey); err != nil {
			return nil, credentialError{errors.New("cannot add the key to the address")}
		}
	}
	if cred.Header != "" {
		out.Header.Set(cred.Header, cred.Value)
	}
	return t.next.RoundTrip(out)
}
