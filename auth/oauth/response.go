package oauth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"math"
	"mime"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"authdeck/auth/sanitize"
)

// maxBody bounds every response body Authdeck reads.
const maxBody = 1 << 20

// Bounds on what is kept from a response, so that a hostile provider cannot
// make Authdeck store (or show) an arbitrary amount of text.
const (
	maxExtraValue = 1024
	maxExcerpt    = 300
	maxScopeText  = 16 << 10 // the granted scopes are stored and shown
	maxScopes     = 100
	maxScopeLen   = 200
	// maxLifetime caps a stated lifetime: beyond a century it means "forever"
	// and would overflow time.Duration arithmetic.
	maxLifetime = 100 * 365 * 24 * time.Hour
)

// harmlessExtras are the only token-response and callback fields kept in
// Extra, which the caller stores in plain text (connections.json): an
// allow-list, because a provider may name a credential anything
// ("accessToken", "mac_key", "token"). scope, token_type and expires_in are
// read into Token's own fields.
var harmlessExtras = map[string]bool{
	"token_id":                 true, // Vinsight's installation id
	"domain_prefix":            true, // Vend's store, from the callback
	"created_at":               true, // vcita: expires_in counts from it
	"expires":                  true, // Vend's absolute expiry
	"expires_at":               true,
	"refresh_expires_in":       true,
	"refresh_token_expires_in": true,
	"account_id":               true,
	"user_id":                  true,
}

// KeepExtra reports whether a field from a token response or a callback may
// be kept in plain text. The name must match exactly: any other field, in
// any casing, is dropped. The core applies it to values stored before.
func KeepExtra(name string) bool { return harmlessExtras[name] }

// HarmlessExtras returns the entries of m that KeepExtra allows, with their
// values made safe to show and bounded; nil when none is left.
func HarmlessExtras(m map[string]string) map[string]string {
	var out map[string]string
	for k, v := range m {
		if !KeepExtra(k) {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = sanitize.Clip(sanitize.Line(v), maxExtraValue)
	}
	return out
}

// tokenResponse is a token response (JSON body, form body or URL fragment)
// reduced to string or number values by field name.
type tokenResponse map[string]any

// parseTokenResponse normalises a successful token response body. now is
// when it arrived; requested are the scopes asked for, which stand in when
// the response states none.
func parseTokenResponse(body []byte, contentType string, now time.Time, requested []string) (Token, error) {
	fields, err := decodeResponse(body, contentType)
	if err != nil {
		return Token{}, err
	}
	return fields.token(now, requested)
}

// decodeResponse reads a JSON object or, when the provider says so (or the
// body is clearly not JSON), a form-encoded body.
func decodeResponse(body []byte, contentType string) (tokenResponse, error) {
	media, _, _ := mime.ParseMediaType(contentType)
	trimmed := bytes.TrimSpace(body)
	if media == "application/x-www-form-urlencoded" || (media == "text/plain" && !bytes.HasPrefix(trimmed, []byte("{"))) {
		v, err := url.ParseQuery(string(trimmed))
		if err != nil {
			return nil, errors.New("the response is not a token response (unreadable form encoding)")
		}
		return fromValues(v), nil
	}
	fields, err := decodeJSONObject(trimmed)
	if err != nil {
		return nil, err
	}
	return fields, nil
}

func decodeJSONObject(b []byte) (tokenResponse, error) {
	var raw map[string]json.RawMessage
	err := json.Unmarshal(b, &raw)
	if err != nil {
		// vcita's documented response ends with a trailing comma; accept
		// that one common slip rather than fail the whole connect.
		if fixed, ok := dropTrailingCommas(b); ok {
			err = json.Unmarshal(fixed, &raw)
		}
	}
	if err != nil || raw == nil {
		return nil, errors.New("the response is not a token response (not a JSON object)")
	}
	out := make(tokenResponse, len(raw))
	for k, v := range raw {
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		var x any
		if dec.Decode(&x) != nil {
			continue
		}
		switch x := x.(type) {
		case string, json.Number, bool:
			out[k] = x
		case []any:
			// Some providers return scope as an array of strings.
			var parts []string
			for _, e := range x {
				if s, ok := e.(string); ok {
					parts = append(parts, s)
				}
			}
			if k == "scope" || k == "scopes" {
				out[k] = strings.Join(parts, " ")
			}
		}
	}
	return out, nil
}

// dropTrailingCommas removes commas that directly precede } or ] outside
// strings. It reports whether it changed anything.
func dropTrailingCommas(b []byte) ([]byte, bool) {
	out := make([]byte, 0, len(b))
	inString, escaped, changed := false, false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			out = append(out, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if c == '"' {
			inString = true
		}
		if c == ',' {
			j := i + 1
			for j < len(b) && (b[j] == ' ' || b[j] == '\n' || b[j] == '\r' || b[j] == '\t') {
				j++
			}
			if j < len(b) && (b[j] == '}' || b[j] == ']') {
				changed = true
				continue
			}
		}
		out = append(out, c)
	}
	return out, changed
}

// fromValues reads a form body or URL fragment.
func fromValues(v url.Values) tokenResponse {
	out := make(tokenResponse, len(v))
	for k := range v {
		out[k] = v.Get(k)
	}
	return out
}

func (r tokenResponse) str(k string) string {
	switch v := r[k].(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// seconds reads a number of seconds given as a JSON number (3600 or 3600.0)
// or a string ("3600"). ok is false when absent or not a finite number.
func (r tokenResponse) seconds(k string) (float64, bool) {
	s := strings.TrimSpace(r.str(k))
	if s == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// token turns the fields into a Token.
func (r tokenResponse) token(now time.Time, requested []string) (Token, error) {
	if code := r.str("error"); code != "" {
		// Raw: the caller removes the secrets it sent, then cuts (tidy).
		return Token{}, &ProviderError{Code: code, Description: r.str("error_description")}
	}
	t := Token{
		AccessToken:  r.str("access_token"),
		RefreshToken: r.str("refresh_token"),
		TokenType:    sanitize.Clip(sanitize.Line(r.str("token_type")), 64),
	}
	if t.AccessToken == "" {
		return Token{}, errors.New("the response holds no access_token")
	}
	// A token is printed as it is (authdeck token, header): one that holds
	// control or invisible characters would act on the terminal it reaches.
	// No real token does (RFC 6750 b64token), so such a response is refused.
	if !vschars(t.AccessToken) || !vschars(t.RefreshToken) {
		return Token{}, errors.New("the provider sent a token with control, invisible or non-ASCII characters, which no token may hold (RFC 6749 appendix A): it cannot be used")
	}
	t.ExpiresAt, t.ExpiryUnknown = r.expiry(now)
	if s := r.str("scope"); s != "" {
		t.Scopes = splitScopes(sanitize.Line(sanitize.Clip(s, maxScopeText)))
		for _, want := range requested {
			if !slices.Contains(t.Scopes, want) {
				t.NotGranted = append(t.NotGranted, want)
			}
		}
	} else if len(requested) > 0 {
		t.Scopes = append([]string(nil), requested...)
	}
	t.Extra = r.extras()
	return t, nil
}

// vschars reports whether s holds only RFC 6749's VSCHAR (%x20-7E), the
// characters an access or refresh token is made of.
func vschars(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// expiry turns the provider's way of stating a lifetime into an absolute
// time: expires_in (relative to created_at when given, as vcita does, else to
// now) and Vend's absolute expires. When both are stated the earlier wins:
// refreshing early costs nothing, refreshing late breaks requests.
//
// unknown reports a lifetime stated in a way that says nothing: expires_in
// of 0, below 0 or not a number (and no usable expires). That is not
// "never": the caller assumes a lifetime. A created_at in the future (a
// provider's clock ahead of this one, or a hostile answer that would make a
// token look fresh for years) counts from now instead.
func (r tokenResponse) expiry(now time.Time) (at time.Time, unknown bool) {
	if in, ok := r.seconds("expires_in"); ok && in > 0 {
		base := now
		if created, ok := r.seconds("created_at"); ok && created > 0 && created < 1e11 {
			if c := time.Unix(int64(created), 0); c.Before(now) {
				base = c
			}
		}
		at = base.Add(clampSeconds(in))
	} else if _, stated := r["expires_in"]; stated {
		unknown = true
	}
	if abs, ok := r.seconds("expires"); ok && abs > 0 && abs < 1e11 {
		e := time.Unix(int64(abs), 0)
		// An absolute time already past by this computer's clock, next to a
		// stated lifetime, means the clocks differ: trust the lifetime.
		if at.IsZero() || e.Before(at) && e.After(now) {
			at, unknown = e, false
		}
	}
	return at, unknown && at.IsZero()
}

func clampSeconds(s float64) time.Duration {
	if s >= maxLifetime.Seconds() {
		return maxLifetime
	}
	return time.Duration(s * float64(time.Second))
}

// splitScopes reads granted scopes separated by commas and/or spaces
// (Vinsight answers "a,b,c" to a request for "a b c").
// The granted scopes are stored and listed: at most maxScopes, each at
// most maxScopeLen long (a longer one is no scope, and is dropped).
func splitScopes(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '+' }) {
		if len(out) == maxScopes {
			break
		}
		if len(f) <= maxScopeLen {
			out = append(out, f)
		}
	}
	return out
}

// readFields are read into Token's own fields and hold no secret.
var readFields = map[string]bool{"scope": true, "scopes": true, "token_type": true, "expires_in": true}

// secrets lists the response's values that may be credentials: the tokens,
// and every other field that is not allow-listed, unless it is a short
// word or a number (a lifetime that an allowed field may repeat).
func (r tokenResponse) secrets() []string {
	var out []string
	for k := range r {
		v := r.str(k)
		switch {
		case k == "access_token" || k == "refresh_token" || k == "id_token":
			out = append(out, v)
		case KeepExtra(k) || readFields[k] || len(v) < 8:
		default:
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				out = append(out, v)
			}
		}
	}
	return out
}

// extras keeps only the harmless fields (KeepExtra), bounded. An allowed
// field whose value holds a secret of the same response, in any form (a
// provider that puts the refresh token into user_id), is dropped: Extra is
// stored in plain text.
func (r tokenResponse) extras() map[string]string {
	var out map[string]string
	secrets := r.secrets()
	for k := range r {
		if !KeepExtra(k) {
			continue
		}
		if v := r.str(k); sanitize.Redact(v, secrets...) != v {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = sanitize.Clip(sanitize.Line(r.str(k)), maxExtraValue)
	}
	return out
}

var (
	titleRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`) })
	dropRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?is)<(script|style)[^>]*>.*?</(script|style)>`) })
	tagRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?s)<[^>]*>`) })
	spaceRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\s+`) })
)

// errorFromBody turns a failed token response into a *ProviderError: the
// OAuth error fields when the body has them, else a short excerpt of the text
// (of an HTML page, its title and words). secrets are removed from anything
// the provider may have echoed.
func errorFromBody(status int, contentType string, body []byte, secrets []string) *ProviderError {
	e := &ProviderError{Status: status}
	if fields, err := decodeResponse(body, contentType); err == nil {
		e.Code = fields.str("error")
		e.Description = fields.str("error_description")
		if e.Code == "" && e.Description == "" {
			e.Description = firstNonEmpty(fields.str("message"), fields.str("error_message"), fields.str("detail"))
		}
	}
	if e.Code == "" && e.Description == "" {
		e.Description = excerpt(body, contentType)
	}
	return e.tidy(secrets)
}

// tidy makes a provider's words safe to keep and show: every form of every
// secret the request carried removed first, on the whole text, then control
// characters escaped, then the cut. Cutting first could leave part of a
// secret that no longer matches (issue 20.3: 15 characters of it survived).
func (e *ProviderError) tidy(secrets []string) *ProviderError {
	e.Code = sanitize.Clip(sanitize.Line(sanitize.Redact(e.Code, secrets...)), 64)
	e.Description = sanitize.Clip(sanitize.Line(sanitize.Redact(e.Description, secrets...)), maxExcerpt)
	return e
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// excerpt reduces a body to a line of readable text.
func excerpt(body []byte, contentType string) string {
	if len(body) > 64<<10 {
		body = body[:64<<10]
	}
	s := string(body)
	media, _, _ := mime.ParseMediaType(contentType)
	looksHTML := media == "text/html" || strings.Contains(strings.ToLower(s[:min(len(s), 512)]), "<html")
	if looksHTML {
		title := ""
		if m := titleRE().FindStringSubmatch(s); m != nil {
			title = strings.TrimSpace(html.UnescapeString(tagRE().ReplaceAllString(m[1], " ")))
		}
		s = dropRE().ReplaceAllString(s, " ")
		s = titleRE().ReplaceAllString(s, " ")
		s = html.UnescapeString(tagRE().ReplaceAllString(s, " "))
		s = strings.TrimSpace(spaceRE().ReplaceAllString(s, " "))
		if title != "" && !strings.HasPrefix(s, title) {
			s = strings.TrimSpace(title + ": " + s)
		}
	}
	// Not cut here: the caller redacts the whole text first (tidy); it is
	// bounded to 64 KiB above.
	return strings.TrimSpace(spaceRE().ReplaceAllString(s, " "))
}

// hintFor says what the common OAuth error codes mean here, as facts: the
// remedy is chosen from the code by the core's classify and worded by the
// front ends.
func hintFor(code string, refreshing bool, codeLifetime time.Duration) string {
	switch code {
	case "invalid_grant":
		if refreshing {
			return "the refresh token is no longer valid (revoked, expired or already used)"
		}
		if codeLifetime > 0 {
			// The code is issued when the person approves and exchanged at
			// once: how long the consent page was open does not matter.
			return fmt.Sprintf("the sign-in code expired or was already used — the provider's codes are valid for %s after you approve and Authdeck exchanges them at once; if it keeps happening, the network to the provider may be slow", humanDuration(codeLifetime))
		}
		return "the sign-in code expired, was already used, or the redirect address differs"
	case "invalid_client", "unauthorized_client":
		return "the provider did not accept the connection's client ID or client secret, or the app is not registered with it"
	case "redirect_uri_mismatch":
		return "the redirect address is not exactly the one registered with the provider"
	case "invalid_scope":
		return "the connection asks for scopes this app is not allowed"
	case "temporarily_unavailable", "server_error":
		return "the provider has a problem at its end"
	}
	return ""
}

func humanDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return plural(int(d/time.Minute), "minute")
	default:
		return plural(int(d/time.Second), "second")
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
