package oauth

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
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/network"
	"authdeck/auth/sanitize"
)

// basicAuth reports whether the client authenticates with HTTP Basic.
// Never both ways, never a retry the other way: that would resend a
// single-use code.
func (f flowConfig) basicAuth() bool {
	return f.ClientSecret != "" && (f.Method.ClientAuth == catalog.ClientAuthBasic || f.Method.ClientAuth == catalog.ClientAuthBasicRaw)
}

// httpClient is the caller's client (or one with a timeout) that never
// follows a redirect: a token request carries credentials, and a redirect
// would hand them to whichever host the provider names.
func (c *Client) httpClient() *http.Client {
	hc := http.Client{Timeout: 30 * time.Second}
	if c.HTTP != nil {
		hc = *c.HTTP
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &hc
}

// tokenReply is the raw answer of a token endpoint.
type tokenReply struct {
	status      int
	contentType string
	location    string
	body        []byte
	tooLarge    bool
}

func readReply(resp *http.Response) (*tokenReply, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, err
	}
	r := &tokenReply{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), location: resp.Header.Get("Location"), body: body}
	if len(body) > maxBody {
		r.body, r.tooLarge = body[:maxBody], true
	}
	return r, nil
}

// grant is one token request's own parameters.
type grant struct {
	kind         string // authorization_code | refresh_token
	code         string
	verifier     string
	redirectURI  string
	refreshToken string
}

func (g grant) values() url.Values {
	v := url.Values{"grant_type": {g.kind}}
	if g.kind == "refresh_token" {
		v.Set("refresh_token", g.refreshToken)
		return v
	}
	v.Set("code", g.code)
	v.Set("redirect_uri", g.redirectURI)
	if g.verifier != "" {
		v.Set("code_verifier", g.verifier)
	}
	return v
}

// secrets lists every secret the request carries, in every shape it goes
// out in (the Basic pair as one), for sanitize.Redact.
func (f flowConfig) secrets(g grant) []string {
	s := []string{f.ClientSecret, g.code, g.verifier, g.refreshToken}
	if f.ClientSecret != "" {
		s = append(s, f.clientID+":"+f.ClientSecret)
	}
	return s
}

// requestToken sends one token request in the method's dialect and
// normalises the answer.
func (c *Client) requestToken(ctx context.Context, f flowConfig, tokenURL string, g grant) (Token, error) {
	req, err := f.tokenRequest(ctx, tokenURL, g)
	if err != nil {
		return Token{}, err
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return Token{}, c.networkError(ctx, f, g, tokenURL, err)
	}
	reply, err := readReply(resp)
	if err != nil {
		return Token{}, c.networkError(ctx, f, g, tokenURL, err)
	}
	return c.interpret(f, g, reply)
}

// tokenRequest builds the request for every dialect: RFC 6749's form body,
// a JSON body (vcita) or the parameters in the query string of a POST
// (Vinsight). The client authenticates in the parameters or with Basic.
func (f flowConfig) tokenRequest(ctx context.Context, tokenURL string, g grant) (*http.Request, error) {
	v := g.values()
	if !f.basicAuth() {
		v.Set("client_id", f.clientID)
		if f.ClientSecret != "" {
			v.Set("client_secret", f.ClientSecret)
		}
	}
	var body io.Reader = http.NoBody
	contentType := ""
	switch f.dialect {
	case catalog.RequestForm:
		body, contentType = strings.NewReader(v.Encode()), "application/x-www-form-urlencoded"
	case catalog.RequestJSON:
		obj := make(map[string]string, len(v))
		for k := range v {
			obj[k] = v.Get(k)
		}
		b, _ := json.Marshal(obj)
		body, contentType = bytes.NewReader(b), "application/json"
	case catalog.RequestQuery:
		u, err := url.Parse(tokenURL)
		if err != nil {
			return nil, fmt.Errorf("%s token address is not a URL: %v", f.name, err)
		}
		q := u.Query()
		for k := range v {
			q.Set(k, v.Get(k))
		}
		u.RawQuery = q.Encode()
		tokenURL = u.String()
	default:
		return nil, fmt.Errorf("%s: token_request %q is not known: use form, json or query", f.name, f.dialect)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, body)
	if err != nil {
		return nil, fmt.Errorf("%s token address: %v", f.name, sanitize.Redact(err.Error(), f.secrets(g)...))
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	switch {
	case f.basicAuth() && f.Method.ClientAuth == catalog.ClientAuthBasicRaw:
		// Vinli's recipe: the raw "App ID:App Secret", Base64 (RFC 7617).
		req.SetBasicAuth(f.clientID, f.ClientSecret)
	case f.basicAuth():
		// RFC 6749 §2.3.1: id and secret are form-encoded before Basic.
		req.SetBasicAuth(url.QueryEscape(f.clientID), url.QueryEscape(f.ClientSecret))
	}
	return req, nil
}

// interpret reads the token endpoint's reply.
func (c *Client) interpret(f flowConfig, g grant, r *tokenReply) (Token, error) {
	refreshing := g.kind == "refresh_token"
	action := "the token request"
	if refreshing {
		action = "the refresh"
	}
	secrets := f.secrets(g)
	fail := func(e *ProviderError) error {
		e.provider, e.action = f.name, action
		if e.hint == "" {
			e.hint = hintFor(e.Code, refreshing, time.Duration(f.Method.CodeLifetimeSeconds)*time.Second)
		}
		return e.tidy(secrets)
	}
	if r.status >= 300 && r.status < 400 {
		where := "another address"
		if u, err := url.Parse(r.location); err == nil && u.Host != "" {
			where = u.Host
		}
		return Token{}, fail(&ProviderError{Status: r.status, Description: "the token endpoint redirected to " + where + " instead of answering; Authdeck does not follow it with your credentials",
			hint: "the provider definition's token_url may not be its token endpoint"})
	}
	if r.tooLarge {
		return Token{}, fail(&ProviderError{Status: r.status, Description: "the answer is larger than 1 MiB, which no token response is", hint: "the provider definition's token_url may not be its token endpoint"})
	}
	if r.status < 200 || r.status > 299 {
		return Token{}, fail(errorFromBody(r.status, r.contentType, r.body, secrets))
	}
	var requested []string
	if !refreshing {
		requested = f.scopes
	}
	t, err := parseTokenResponse(r.body, r.contentType, c.now(), requested)
	var pe *ProviderError
	if errors.As(err, &pe) {
		pe.Status = r.status
		return Token{}, fail(pe)
	}
	if err != nil {
		return Token{}, fmt.Errorf("%s answered %s with something that is not a token (%v): the provider definition's token_url may be wrong", f.name, action, err)
	}
	if refreshing && t.RefreshToken == "" {
		// No new refresh token means it was not rotated: keep using the old one.
		t.RefreshToken = g.refreshToken
	}
	return t, nil
}

// networkError says the token endpoint could not be reached, naming the
// host and never the URL (Vinsight's query carries the secret and the code).
func (c *Client) networkError(ctx context.Context, f flowConfig, g grant, tokenURL string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			return ErrTimeout
		}
		return ErrCanceled
	}
	host := "its token address"
	if u, perr := url.Parse(tokenURL); perr == nil && u.Host != "" {
		host = u.Host
	}
	words := sanitize.Redact(network.Words(ctx, err, host), f.secrets(g)...)
	return fmt.Errorf("%s token request: %s (if it keeps failing, the provider definition's token_url may be wrong)", f.name, words)
}

// Refresh uses the refresh_token grant in the method's dialect. When the
// response carries no refresh token, the returned Token keeps the old one;
// when it carries one, the caller must store it before anything else (the
// old one may already be invalid).
func (c *Client) Refresh(ctx context.Context, cfg Config, refreshToken string) (Token, error) {
	f, err := resolve(cfg)
	if err != nil {
		return Token{}, err
	}
	if !cfg.Method.Refresh || cfg.Method.Kind != catalog.KindOAuth {
		return Token{}, fmt.Errorf("%s: %w", f.name, ErrNoRefresh)
	}
	if strings.TrimSpace(refreshToken) == "" {
		return Token{}, fmt.Errorf("%s: no refresh token is stored for this connection: %w", f.name, ErrNoRefresh)
	}
	return c.exchange(ctx, f, cfg.Params, grant{kind: "refresh_token", refreshToken: refreshToken})
}

// exchange sends the code to the token address, which may name a value the
// callback carried (Vend's domain_prefix).
func (c *Client) exchange(ctx context.Context, f flowConfig, params map[string]string, g grant) (Token, error) {
	tokenURL, err := f.Provider.Expand(f.Method.TokenURL, params)
	if err != nil {
		return Token{}, fmt.Errorf("%s token address: %w", f.name, err)
	}
	return c.requestToken(ctx, f, tokenURL, g)
}
