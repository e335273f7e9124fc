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

	"golang.org/x/oauth2"

	"authdeck/auth/catalog"
)

// codeLifetimes are the authorization-code lifetimes the providers' own
// documents state, used to say how quickly to approve when a code expired.
var codeLifetimes = map[string]time.Duration{
	"vcita": 30 * time.Second,
	"vend":  10 * time.Minute,
}

// flowConfig is a Config with its fallbacks applied.
type flowConfig struct {
	Config
	clientID string
	scopes   []string
	dialect  string
	name     string
}

func resolve(cfg Config) (flowConfig, error) {
	f := flowConfig{Config: cfg, name: providerName(cfg.Provider)}
	if !cfg.Method.Kind.Browser() {
		return f, fmt.Errorf("%s: the %q method does not sign in through the browser", f.name, cfg.Method.Kind)
	}
	f.clientID = firstNonEmpty(cfg.ClientID, cfg.Method.ClientID)
	if f.clientID == "" {
		return f, fmt.Errorf("%s needs a client ID: add it to the connection (--client-id) from the app you registered with %s", f.name, f.name)
	}
	f.scopes = cfg.Scopes
	if len(f.scopes) == 0 {
		f.scopes = cfg.Method.DefaultScopes
	}
	f.dialect = firstNonEmpty(cfg.Method.TokenRequest, catalog.RequestForm)
	return f, nil
}

// authStyle picks how the client authenticates. Never AutoDetect: on failure
// it retries the other way, resending a single-use code.
func (f flowConfig) authStyle() oauth2.AuthStyle {
	if f.ClientSecret == "" || f.Method.ClientAuth != catalog.ClientAuthBasic {
		return oauth2.AuthStyleInParams
	}
	return oauth2.AuthStyleInHeader
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

// captureTransport keeps the token endpoint's raw answer, so that the same
// normaliser reads every dialect: x/oauth2 rejects "expires_in": 3600.0,
// ignores Vend's absolute expires and reads its own clock.
type captureTransport struct {
	base  http.RoundTripper
	reply *tokenReply
}

func (t *captureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	reply, err := readReply(resp)
	if err != nil {
		return nil, err
	}
	t.reply = reply
	resp.Body = io.NopCloser(bytes.NewReader(reply.body))
	return resp, nil
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

// requestToken sends one token request in the method's dialect and
// normalises the answer.
func (c *Client) requestToken(ctx context.Context, f flowConfig, tokenURL string, g grant) (Token, error) {
	hc := c.httpClient()
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	capture := &captureTransport{base: base}
	hc.Transport = capture

	var err error
	switch f.dialect {
	case catalog.RequestForm:
		err = c.formRequest(ctx, hc, f, tokenURL, g)
	case catalog.RequestJSON, catalog.RequestQuery:
		err = c.ownRequest(ctx, hc, f, tokenURL, g)
	default:
		return Token{}, fmt.Errorf("%s: token_request %q is not known: use form, json or query", f.name, f.dialect)
	}
	if capture.reply == nil {
		return Token{}, c.networkError(ctx, f, tokenURL, err)
	}
	return c.interpret(f, g, capture.reply)
}

// formRequest is RFC 6749's form-encoded exchange, done by x/oauth2. Its
// verdict is not used: the captured reply is read by interpret.
func (c *Client) formRequest(ctx context.Context, hc *http.Client, f flowConfig, tokenURL string, g grant) error {
	conf := &oauth2.Config{
		ClientID:     f.clientID,
		ClientSecret: f.ClientSecret,
		Endpoint:     oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: f.authStyle()},
		RedirectURL:  g.redirectURI,
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, hc)
	var err error
	if g.kind == "refresh_token" {
		_, err = conf.TokenSource(ctx, &oauth2.Token{RefreshToken: g.refreshToken}).Token()
	} else {
		var opts []oauth2.AuthCodeOption
		if g.verifier != "" {
			opts = append(opts, oauth2.VerifierOption(g.verifier))
		}
		_, err = conf.Exchange(ctx, g.code, opts...)
	}
	return err
}

// ownRequest sends the dialects x/oauth2 lacks: a JSON body (vcita) or the
// parameters in the query string of a POST (Vinsight).
func (c *Client) ownRequest(ctx context.Context, hc *http.Client, f flowConfig, tokenURL string, g grant) error {
	v := g.values()
	basic := f.authStyle() == oauth2.AuthStyleInHeader
	if !basic {
		v.Set("client_id", f.clientID)
		if f.ClientSecret != "" {
			v.Set("client_secret", f.ClientSecret)
		}
	}
	var req *http.Request
	var err error
	if f.dialect == catalog.RequestJSON {
		obj := make(map[string]string, len(v))
		for k := range v {
			obj[k] = v.Get(k)
		}
		body, _ := json.Marshal(obj)
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
	} else {
		u, perr := url.Parse(tokenURL)
		if perr != nil {
			return perr
		}
		q := u.Query()
		for k := range v {
			q.Set(k, v.Get(k))
		}
		u.RawQuery = q.Encode()
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, u.String(), http.NoBody)
	}
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if basic {
		req.SetBasicAuth(url.QueryEscape(f.clientID), url.QueryEscape(f.ClientSecret))
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close() // already read by captureTransport
	return nil
}

// interpret reads the token endpoint's reply.
func (c *Client) interpret(f flowConfig, g grant, r *tokenReply) (Token, error) {
	refreshing := g.kind == "refresh_token"
	action := "the token request"
	if refreshing {
		action = "the refresh"
	}
	secrets := []string{f.ClientSecret, g.code, g.verifier, g.refreshToken}
	fail := func(e *ProviderError) error {
		e.provider, e.action = f.name, action
		if e.hint == "" {
			e.hint = hintFor(e.Code, refreshing, codeLifetimes[f.Provider.ID])
		}
		e.Code = redact(e.Code, secrets)
		e.Description = redact(e.Description, secrets)
		return e
	}
	if r.status >= 300 && r.status < 400 {
		where := "another address"
		if u, err := url.Parse(r.location); err == nil && u.Host != "" {
			where = u.Host
		}
		return Token{}, fail(&ProviderError{Status: r.status, Description: "the token endpoint redirected to " + where + " instead of answering; Authdeck does not follow it with your credentials",
			hint: "check the token_url in the provider definition"})
	}
	if r.tooLarge {
		return Token{}, fail(&ProviderError{Status: r.status, Description: "the answer is larger than 1 MiB, which no token response is", hint: "check the token_url in the provider definition"})
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
		return Token{}, fmt.Errorf("%s answered %s with something that is not a token (%v): check the token_url in the provider definition, then connect again", f.name, action, err)
	}
	if refreshing && t.RefreshToken == "" {
		// No new refresh token means it was not rotated: keep using the old one.
		t.RefreshToken = g.refreshToken
	}
	return t, nil
}

// networkError says the token endpoint could not be reached, without the
// URL's query (Vinsight's carries the client secret and the code).
func (c *Client) networkError(ctx context.Context, f flowConfig, tokenURL string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			return ErrTimeout
		}
		return ErrCanceled
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	host := "its token address"
	if u, perr := url.Parse(tokenURL); perr == nil {
		host = u.Host
	}
	msg := "unknown error"
	if err != nil {
		msg = redact(err.Error(), []string{f.ClientSecret})
	}
	return fmt.Errorf("could not reach %s at %s (%s): check your network connection and the token_url, then try again", f.name, host, msg)
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
		return Token{}, fmt.Errorf("%s: no refresh token is stored for this connection: connect again", f.name)
	}
	tokenURL, err := cfg.Provider.Expand(cfg.Method.TokenURL, cfg.Params)
	if err != nil {
		return Token{}, fmt.Errorf("%s token address: %w", f.name, err)
	}
	return c.requestToken(ctx, f, tokenURL, grant{kind: "refresh_token", refreshToken: refreshToken})
}
