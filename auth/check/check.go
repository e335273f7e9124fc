// Package check makes the live "who am I" request with a stored credential
// and says in words what came back: who is signed in, or what to do next.
package check

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"authdeck/auth/network"
	"authdeck/auth/sanitize"
)

// Result is the outcome of one check.
type Result struct {
	OK      bool   // the provider accepted the credential
	Status  int    // HTTP status, 0 when no response came
	Account string // who the credential belongs to, when the response says; "" if unknown
	Message string // what happened, in words; never holds a secret
	// NoSuchHost says no answer came because the host's name does not
	// exist (a wrong address, more often than a passing failure).
	NoSuchHost bool
	At         time.Time // when the check ran
}

// DefaultTimeout bounds a check when the caller's client sets no timeout.
const DefaultTimeout = 15 * time.Second

// maxBody is how much of a response is read: a who-am-I answer is small,
// and a provider's error page must not fill memory.
const maxBody = 1 << 20

// Run sends req (which carries the credential) with hc and reports what came
// back. hc may be nil: a client with DefaultTimeout is used. Redirects to
// another host or from https to http are not followed, so the credential is
// never handed to a site it was not made for; the redirect is reported.
//
// Everything in the Result that came from outside (the account name, a
// redirect's host, a decoded path, a network error) arrives with every form
// of the request's credential redacted and its control characters shown as
// visible escapes, ready to store and print.
func Run(ctx context.Context, hc *http.Client, req *http.Request, now time.Time) Result {
	secrets := secretsOf(req)
	r := run(ctx, hc, req)
	r.At = now
	r.Account = clean(sanitize.Redact(r.Account, secrets...))
	if r.OK && r.Account != "" {
		r.Message = "OK — signed in as " + r.Account
	}
	r.Message = sanitize.Line(cut(sanitize.Redact(r.Message, secrets...), maxMessage))
	return r
}

// maxMessage bounds a message: it is stored and shown by every status, and a
// redirect's host comes from the provider.
const maxMessage = 500

// cut shortens s to at most n characters, marking the cut.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// run makes the request. Its Result's Account is the raw value the response
// named (Run cleans it) and its Message does not name the account yet.
func run(ctx context.Context, hc *http.Client, req *http.Request) Result {
	host := req.URL.Hostname()
	client := guarded(hc)
	timeout := client.Timeout
	if timeout == 0 {
		if _, ok := ctx.Deadline(); !ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
			defer cancel()
		}
	}
	if d, ok := ctx.Deadline(); ok && (timeout == 0 || time.Until(d) < timeout) {
		timeout = time.Until(d)
	}

	resp, err := client.Do(req.WithContext(ctx)) // #nosec G704 -- calling the provider's check URL (from a validated definition) is the point; redirects off-host are refused by guarded
	if err != nil {
		return Result{Message: networkWords(ctx, err, host, timeout), NoSuchHost: network.NoSuchHost(err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		// A 200 whose answer stalls or breaks off has not answered: a cut
		// body must not read as "accepted".
		return Result{Status: resp.StatusCode, Message: networkWords(ctx, err, host, timeout)}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody)) // lets the connection be reused

	res := Result{Status: resp.StatusCode, Message: words(resp, req)}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if isHTML(resp.Header.Get("Content-Type"), body) {
			// An API that answers with a web page has usually sent its sign-in page.
			res.Message = strconv.Itoa(resp.StatusCode) + ": " + host + " answered with a web page instead of data — the sign-in may have expired"
			return res
		}
		res.OK = true
		res.Account = account(body)
	}
	return res
}

// words says what the response's status means, and only that: what fixes
// it (sign in again, replace the key, wait, check the account's access) is
// the front end's to say, from the verdict: it knows which the connection
// needs and names its own button or command.
func words(resp *http.Response, req *http.Request) string {
	host := req.URL.Hostname()
	code := strconv.Itoa(resp.StatusCode)
	switch s := resp.StatusCode; {
	case s >= 200 && s < 300:
		return "OK — " + host + " accepted the credential"
	case s >= 300 && s < 400:
		to := "another address"
		if loc, err := resp.Location(); err == nil {
			to = loc.Scheme + "://" + loc.Host
		}
		return code + ": " + host + " redirected to " + to + " — Authdeck did not follow, so the credential stays with " + host
	case s == http.StatusUnauthorized:
		return "401: the token was rejected"
	case s == http.StatusForbidden:
		return "403: signed in, but this account may not read " + req.URL.Path
	case s == http.StatusNotFound:
		return "404: " + host + req.URL.Path + " was not found"
	case s == http.StatusTooManyRequests:
		msg := "429: " + host + " is receiving too many requests from this account"
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			if secs, err := strconv.Atoi(ra); err == nil && secs >= 0 {
				msg += " and asks for " + strconv.Itoa(secs) + " s before the next"
			}
		}
		return msg
	case s == http.StatusBadGateway, s == http.StatusServiceUnavailable, s == http.StatusGatewayTimeout:
		return code + ": " + host + " is unavailable right now"
	case s >= 500:
		return code + ": " + host + " had an internal error"
	}
	return code + ": " + host + " refused the request (" + http.StatusText(resp.StatusCode) + ")"
}

// guarded returns a copy of hc that refuses redirects which would carry the
// credential elsewhere. Go drops Authorization and Cookie on a cross-domain
// redirect, but not custom headers such as X-Access.
func guarded(hc *http.Client) *http.Client {
	c := http.Client{Timeout: DefaultTimeout}
	if hc != nil {
		c = *hc
	}
	next := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if !strings.EqualFold(req.URL.Host, first.Host) || (first.Scheme == "https" && req.URL.Scheme != "https") {
			return http.ErrUseLastResponse
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	return &c
}

// networkWords words a check that got no response: the phrasing shared
// with the token request and the session login, with the check's limit.
func networkWords(ctx context.Context, err error, host string, timeout time.Duration) string {
	if errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled) {
		return "the check of " + host + " was cancelled"
	}
	return strings.Replace(network.Words(ctx, err, host), "timed out", "timed out after "+seconds(timeout), 1)
}

// seconds writes a duration as people read a timeout: "15 s", "0.2 s".
func seconds(d time.Duration) string {
	if d <= 0 {
		return "the time limit"
	}
	return strconv.FormatFloat(d.Round(100*time.Millisecond).Seconds(), 'f', -1, 64) + " s"
}

func isHTML(contentType string, body []byte) bool {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		return mt == "text/html" || mt == "application/xhtml+xml"
	}
	trimmed := strings.TrimSpace(string(body[:min(len(body), 512)]))
	return strings.HasPrefix(trimmed, "<")
}

// accountKeys are the fields that name the account, most telling first.
// Keys are compared lower-case without _ and -.
var accountKeys = []string{"email", "emailaddress", "mail", "preferredusername", "username", "login", "name", "displayname", "fullname", "sub"}

// wrapperKeys are where providers nest the account, looked at first.
var wrapperKeys = []string{"user", "data", "me", "account", "profile", "result", "logincontext", "currentuser"}

// account finds who the response names: in the top-level object, else one
// level down (e.g. {"user":{"email":…}} or {"data":{…}}).
func account(body []byte) string {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return ""
	}
	if a := accountIn(top); a != "" {
		return a
	}
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		for i, w := range wrapperKeys {
			if norm(k) == w {
				return i
			}
		}
		return len(wrapperKeys)
	}
	sort.Slice(keys, func(i, j int) bool {
		if ri, rj := rank(keys[i]), rank(keys[j]); ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		var nested map[string]json.RawMessage
		if json.Unmarshal(top[k], &nested) == nil {
			if a := accountIn(nested); a != "" {
				return a
			}
		}
	}
	return ""
}

func accountIn(obj map[string]json.RawMessage) string {
	byKey := map[string]string{}
	for k, raw := range obj {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			if s = strings.TrimSpace(s); s != "" {
				byKey[norm(k)] = s
			}
		}
	}
	for _, k := range accountKeys {
		if v, ok := byKey[k]; ok {
			return v
		}
	}
	return ""
}

func norm(k string) string {
	return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(k))
}

// clean keeps an account name short and printable: it is shown in a
// terminal and a window, and comes from the network. It is cut before the
// control characters are escaped, so an escape is never cut in half.
func clean(s string) string {
	return sanitize.Line(cut(strings.TrimSpace(s), 100))
}

// notSecret are the request headers that carry no credential: redacting
// "application/json" would only garble the words.
var notSecret = map[string]bool{"Accept": true, "Accept-Encoding": true, "Content-Type": true, "User-Agent": true}

// minGuess is the shortest header or query value treated as a possible
// secret: shorter ones ("json", "1") are settings, and replacing them would
// garble the words.
const minGuess = 6

// secretsOf lists what in req could be a secret: each header value, its
// part after a scheme ("Bearer x" → "x"), the id:secret pair of a Basic
// header and the secret alone, cookie values, query values and URL user
// info. sanitize.Redact then removes each in every form it can take.
func secretsOf(req *http.Request) []string {
	var out []string
	guess := func(v string) {
		if len(v) >= minGuess {
			out = append(out, v)
		}
	}
	for name, values := range req.Header {
		if notSecret[name] {
			continue
		}
		for _, v := range values {
			guess(v)
			scheme, rest, ok := strings.Cut(v, " ")
			if ok {
				guess(strings.TrimSpace(rest))
			}
			if ok && strings.EqualFold(scheme, "Basic") {
				out = append(out, basicSecrets(rest)...)
			}
			for _, part := range strings.Split(v, ";") {
				if _, val, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
					guess(val)
				}
			}
		}
	}
	if req.URL != nil {
		for _, values := range req.URL.Query() {
			for _, v := range values {
				guess(v)
			}
		}
		if req.URL.User != nil {
			p, _ := req.URL.User.Password()
			out = append(out, req.URL.User.Username()+":"+p, p)
		}
	}
	return out
}

// basicSecrets decodes a Basic credential into the id:secret pair and the
// secret alone, however short: both are known to be secret.
func basicSecrets(encoded string) []string {
	pair, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
	if err != nil {
		return nil
	}
	_, secret, _ := strings.Cut(string(pair), ":")
	return []string{string(pair), secret}
}
