package team

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"authdeck/auth/sanitize"
)

// client speaks the few calls of Vault's (and OpenBao's) HTTP API the store
// makes, over net/http. It replaces github.com/hashicorp/vault/api, whose
// package initialisers alone cost every command ~0.8 ms and 3,400
// allocations (issue 22); that client stays in the tests, as the second
// party Authdeck's records must agree with.
type client struct {
	addr      string // scheme://host[:port][/prefix], no trailing slash
	token     string
	namespace string // X-Vault-Namespace; "" for the root namespace
	hc        *http.Client
}

// maxBody bounds what is read of any answer: a record (maxRecord) and its
// metadata. An answer is outside text: it is size-limited before decoding.
const maxBody = maxRecord + 64<<10

// statusError is an answer outside 2xx (or 3xx left unfollowed): the HTTP
// status and Vault's own error lines, cleaned and clipped.
type statusError struct {
	Status int
	Errors []string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("HTTP %d: %s", e.Status, strings.Join(e.Errors, "; "))
}

// errTooLarge says an answer was longer than maxBody; errNotVault that it
// was not the JSON Vault answers with.
var (
	errTooLarge = errors.New("the answer is larger than an Authdeck record can be")
	errNotVault = errors.New("the answer is not Vault's JSON")
)

// envelope is the frame of every answer of Vault's API.
type envelope struct {
	Data   json.RawMessage `json:"data"`
	Errors []string        `json:"errors"`
}

// call sends one request and decodes the answer's data into out (nil: the
// data is not wanted). in, when not nil, is sent as the JSON body.
func (c *client) call(ctx context.Context, method, path string, query url.Values, in, out any) error {
	raw, err := c.send(ctx, method, path, query, in)
	if err != nil {
		return err
	}
	if out == nil || len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	var env envelope
	if json.Unmarshal(raw, &env) != nil {
		return errNotVault
	}
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return nil
	}
	if json.Unmarshal(env.Data, out) != nil {
		return errNotVault
	}
	return nil
}

// send makes the request and returns the body of a 2xx answer; any other
// status is a *statusError.
func (c *client) send(ctx context.Context, method, path string, query url.Values, in any) ([]byte, error) {
	if strings.ContainsFunc(c.token, func(r rune) bool { return !unicode.IsPrint(r) || r == ' ' }) {
		return nil, &Error{Kind: KindDenied, Msg: "the team store's token holds characters no token has: set it again"}
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	// The path is set, not pasted: a name is escaped, never read as a query.
	u, err := url.Parse(c.addr)
	if err != nil {
		return nil, err
	}
	u.Path += "/v1/" + strings.TrimPrefix(path, "/")
	u.RawQuery = query.Encode()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		req.Header.Set("X-Vault-Token", c.token)
	}
	if c.namespace != "" {
		req.Header.Set("X-Vault-Namespace", c.namespace)
	}
	req.Header.Set("X-Vault-Request", "true")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req) // #nosec G704 -- the store's address the person configured, checked by Normalize
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxBody {
		return nil, errTooLarge
	}
	// The health endpoint answers 429 from a standby node: an answer, not
	// an error (as the official client reads it).
	if resp.StatusCode/100 == 2 || (resp.StatusCode == http.StatusTooManyRequests && path == "sys/health") {
		return raw, nil
	}
	return nil, &statusError{Status: resp.StatusCode, Errors: errorLines(raw)}
}

// errorLines are Vault's error messages in a failed answer, else the body.
func errorLines(raw []byte) []string {
	var env envelope
	lines := []string{string(raw)}
	if json.Unmarshal(raw, &env) == nil {
		lines = env.Errors
	}
	for i, l := range lines {
		lines[i] = clip(sanitize.Line(l))
	}
	return lines
}

// redirectPolicy follows at most one redirect, as the official client does
// (a standby node may send a request to the active one), and only to an
// address the store itself could have been given: the token goes along.
func redirectPolicy(req *http.Request, via []*http.Request) error {
	if len(via) > 1 {
		return http.ErrUseLastResponse
	}
	if _, err := (Config{Address: req.URL.Scheme + "://" + req.URL.Host}).Normalize(); err != nil {
		return fmt.Errorf("refused a redirect to %s: %s", req.URL.Host, err.Error())
	}
	return nil
}
