// Package render turns a stored credential into the snippets people paste:
// a header line, curl, HTTPie and PowerShell commands, a .env line, the raw
// token, or a URL with the key added. The window and the CLI share it, so a
// snippet is quoted the same way wherever it is copied from. It also writes
// the iCalendar file of expiry dates (calendar.go) that both offer.
//
// Shell snippets are built so that no byte of a token can end a quoted
// string, start an expansion or run a command in sh, bash, zsh or fish
// (shQuote). Which program reads each format, and what each refuses, is
// listed in docs/SECURITY.md ("Readers of what Authdeck writes"). A value
// that no HTTP header may carry (control characters such as a newline) is
// refused with an error instead of being quoted: POSIX sh has no quoting that
// keeps such bytes on one pasteable line (dash does not know $'...'), and a
// terminal would interpret them when the snippet is printed or pasted.
package render

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"authdeck/auth/catalog"
)

// Credential is a secret in the form it is applied to a request.
type Credential struct {
	// Header is the header name ("Authorization", "X-Access", "Cookie");
	// "" when Query is set.
	Header string
	// Value is the complete header value ("Bearer abc", "Basic Yzg3…",
	// "abc"); for a query credential, the parameter's (unencoded) value.
	Value string
	// Query is the query parameter name of a query credential ("api-key").
	Query string
	// Secret is what `authdeck token` prints and the env format holds: the
	// token, key or cookie string; for Basic, the base64 credentials.
	Secret string
	// EnvName is the variable name for the env format ("VEND_TOKEN"); see
	// EnvName. "" means AUTHDECK_TOKEN.
	EnvName string
}

// Format names one kind of snippet.
type Format string

// The snippet formats, in the order Formats lists them.
const (
	FormatHeader     Format = "header"     // Authorization: Bearer TOKEN (a query credential has none: see NotAHeaderError)
	FormatCurl       Format = "curl"       // a curl command for sh, bash, zsh and fish; the header goes in on standard input
	FormatHTTPie     Format = "httpie"     // an HTTPie command for sh, bash, zsh and fish
	FormatPowerShell Format = "powershell" // Invoke-RestMethod, for PowerShell (not cmd.exe)
	FormatEnv        Format = "env"        // export NAME='secret', for sh, bash, zsh and fish (`. file`, `source file`)
	FormatDotenv     Format = "dotenv"     // NAME=secret, for files read by docker --env-file, python-dotenv and Node dotenv
	FormatToken      Format = "token"      // the raw secret
	FormatURL        Format = "url"        // the URL with a query credential added
)

// NeedsURL says the format is a request to an address (curl, HTTPie,
// PowerShell, the URL itself), not just the credential.
func (f Format) NeedsURL() bool {
	switch f {
	case FormatCurl, FormatHTTPie, FormatPowerShell, FormatURL:
		return true
	}
	return false
}

var formats = []Format{FormatHeader, FormatCurl, FormatHTTPie, FormatPowerShell, FormatEnv, FormatDotenv, FormatToken, FormatURL}

// Formats lists every snippet format.
func Formats() []Format { return append([]Format(nil), formats...) }

// ParseFormat reads a format name as typed after --format.
func ParseFormat(s string) (Format, error) {
	for _, f := range formats {
		if strings.EqualFold(strings.TrimSpace(s), string(f)) {
			return f, nil
		}
	}
	return "", fmt.Errorf("%q is not a snippet format: use one of %s", s, formatList())
}

func formatList() string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// BasicCredentials returns base64(user:secret), the part of a Basic header
// after the scheme (RFC 7617). It is what a basic method's Secret holds.
func BasicCredentials(user, secret string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + secret))
}

// FromMethod builds the Credential for a method's Apply rule.
//
// secret is the credential exactly as it follows the scheme: the token, the
// API key, the cookie string ("a=1; b=2"), and for a Basic method the
// base64 part, BasicCredentials(appID, appSecret). The header value is then
// always Scheme + " " + secret (or secret alone when no scheme is set), so
// one rule covers every method and Secret is what `authdeck token` prints.
// envName is the connection's variable name, usually EnvName(connection).
func FromMethod(apply catalog.Apply, secret, envName string) Credential {
	c := Credential{Secret: secret, EnvName: envName}
	if apply.Query != "" {
		c.Query, c.Value = apply.Query, secret
		return c
	}
	c.Header, c.Value = apply.Header, secret
	if apply.Scheme != "" {
		c.Value = apply.Scheme + " " + secret
	}
	return c
}

var (
	envNameRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })
	headerNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+.^_|~-]+$`) }) // RFC 9110 token
)

// EnvName derives a shell variable name from a connection name: "my shop"
// → "MY_SHOP_TOKEN". The result holds only [A-Z0-9_], never starts with a
// digit, and does not repeat a trailing TOKEN ("vend token" → "VEND_TOKEN").
func EnvName(connectionName string) string {
	base := EnvStem(connectionName)
	switch {
	case base == "":
		return "AUTHDECK_TOKEN"
	case base == "TOKEN" || strings.HasSuffix(base, "_TOKEN"):
	default:
		base += "_TOKEN"
	}
	if base[0] >= '0' && base[0] <= '9' {
		base = "_" + base // a name starting with a digit is not a variable in sh
	}
	return base
}

// AddQuery returns target with the query parameter name=value added. The
// existing query is kept byte for byte, except earlier values of the same
// parameter, which are dropped so that only one key is sent; the value is
// percent-encoded (a space as %20, which every server decodes).
func AddQuery(target, name, value string) (string, error) {
	if name == "" {
		return "", errors.New("the query parameter has no name (the provider's apply.query is empty)")
	}
	u, err := url.Parse(target)
	if err != nil {
		return "", fmt.Errorf("%q is not a URL: %v", target, err)
	}
	var kept []string
	if u.RawQuery != "" {
		for _, part := range strings.Split(u.RawQuery, "&") {
			key, _, _ := strings.Cut(part, "=")
			if k, err := url.QueryUnescape(key); err == nil && k == name {
				continue
			}
			kept = append(kept, part)
		}
	}
	kept = append(kept, queryEscape(name)+"="+queryEscape(value))
	u.RawQuery = strings.Join(kept, "&")
	u.ForceQuery = false
	return u.String(), nil
}

// queryEscape encodes like url.QueryEscape but writes a space as %20: "+"
// means a space only to servers that decode forms.
func queryEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// AppendCurlArgs adds curl's own options to a curl snippet, each quoted as
// one word. The credential reaches curl on standard input, so an option
// that reads standard input (or a config) is refused: see CheckCurlArgs.
func AppendCurlArgs(snippet string, args []string) (string, error) {
	if err := CheckCurlArgs(args); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(snippet)
	for _, a := range args {
		b.WriteString(" " + shQuote(a))
	}
	return b.String(), nil
}

// CheckCurlArgs refuses curl options that cannot go after the snippet's
// URL: control characters, and reading standard input ("-", "@-", -K).
func CheckCurlArgs(args []string) error {
	for i, a := range args {
		if err := printable("curl option", a); err != nil {
			return err
		}
		if readsStdin(a) || a == "-K" || a == "--config" || strings.HasPrefix(a, "-K") {
			return fmt.Errorf("curl option %d (%q) would read standard input or a config file, but standard input carries the credential: put the data in a file (-d @body.json)", i+1, a)
		}
	}
	return nil
}

// Render returns the snippet for c in format f. target is the request URL
// for curl, httpie, powershell and url (required there, https or loopback
// http); the other formats ignore it.
func Render(f Format, c Credential, target string) (string, error) {
	if err := c.validate(); err != nil {
		return "", err
	}
	if f == FormatToken {
		// The raw token is for pipes and files: printed exactly as stored.
		return c.Secret, nil
	}
	if c.Header != "" {
		// A header value travels as is, in every other format.
		if err := printable("token", c.Value); err != nil {
			return "", err
		}
	}
	switch f {
	case FormatEnv, FormatDotenv:
		return renderEnv(f, c)
	case FormatHeader:
		if c.Query != "" {
			return "", &NotAHeaderError{Query: c.Query}
		}
		return c.Header + ": " + c.Value, nil
	}
	if f.NeedsURL() {
		return renderRequest(f, c, target)
	}
	return "", fmt.Errorf("%q is not a snippet format: use one of %s", f, formatList())
}

func renderRequest(f Format, c Credential, target string) (string, error) {
	if target == "" {
		return "", fmt.Errorf("the %s snippet needs a URL to call: add one, e.g. https://api.example.com/me", f)
	}
	if err := catalog.CheckURL(target); err != nil {
		return "", err
	}
	if err := printable("URL", target); err != nil {
		return "", err
	}
	if c.Query != "" {
		var err error
		if target, err = AddQuery(target, c.Query, c.Value); err != nil {
			return "", err
		}
	} else if f == FormatURL {
		return "", fmt.Errorf("this credential goes in the %s header, not in the URL: use the curl, httpie or header snippet", c.Header)
	}

	switch f {
	case FormatURL:
		return target, nil
	case FormatCurl:
		return curlCommand(c, target)
	case FormatHTTPie:
		s := "http GET " + shQuote(target)
		if c.Header != "" {
			item, err := httpieHeader(c.Header, c.Value)
			if err != nil {
				return "", err
			}
			s += " " + shQuote(item)
		}
		return s, nil
	default: // FormatPowerShell
		// PowerShell strings are UTF-16: bytes that are not UTF-8 cannot be written.
		if !utf8.ValidString(c.Value) || !utf8.ValidString(target) {
			return "", errors.New("the token is not valid UTF-8 text, which PowerShell cannot carry (curl can)")
		}
		s := "Invoke-RestMethod -Method Get -Uri " + psQuote(target)
		if c.Header != "" {
			s += " -Headers @{ " + psQuote(c.Header) + " = " + psQuote(c.Value) + " }"
		}
		return s, nil
	}
}

// NotAHeaderError refuses the header format for a credential that travels
// in the URL (Vinsight's API keys): no header line carries it, and
// "api-key=…" pasted as a header is refused by the provider. Front ends say
// which of their commands or buttons gives a usable form (the URL with the
// key, a curl command).
type NotAHeaderError struct {
	Query string // the query parameter the credential goes in
}

func (e *NotAHeaderError) Error() string {
	return fmt.Sprintf("this credential is not sent in a header: it goes in the URL, as the query parameter %s", e.Query)
}

// validate refuses credentials no request can carry.
func (c Credential) validate() error {
	switch {
	case c.Header == "" && c.Query == "":
		return errors.New("the credential has neither a header nor a query parameter (the provider's apply rule names neither)")
	case c.Header != "" && c.Query != "":
		return errors.New("the credential has both a header and a query parameter (the provider's apply rule names both)")
	case c.Secret == "" || c.Value == "":
		return errors.New("the credential is empty")
	case c.Header != "" && !headerNameRE().MatchString(c.Header):
		return fmt.Errorf("%q is not a header name", c.Header)
	}
	return nil
}

// printable refuses control characters (C0, DEL and C1). No HTTP header
// value may hold them, sh cannot quote them on one line, and a terminal
// would act on them. The message gives the position, never the secret.
func printable(what, s string) error {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError && unicode.IsControl(r) {
			return fmt.Errorf("the %s contains a control character (%U at byte %d), which no header or shell snippet can carry: check what was pasted, e.g. a line break copied with it", what, r, i+1)
		}
		i += size
	}
	return nil
}

// shQuote quotes s as one word for sh, bash, zsh and fish. Inside single
// quotes sh keeps every byte, but fish reads \' and \\ there as escapes
// (`'x\'; echo PWNED #'` would end the string in fish only), so a quote and
// a backslash are both written outside the quotes, as \' and \\, which
// every one of the four shells reads as the character itself. No empty
// quoted pair is emitted, so zsh's RC_QUOTES (where two quotes inside
// quotes mean one) reads it the same way.
func shQuote(s string) string {
	if s == "" {
		return "''"
	}
	var b strings.Builder
	start := 0
	flush := func(end int) {
		if end > start {
			b.WriteString("'" + s[start:end] + "'")
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' || s[i] == '\\' {
			flush(i)
			b.WriteByte('\\')
			b.WriteByte(s[i])
			start = i + 1
		}
	}
	flush(len(s))
	return b.String()
}

// psQuote quotes s as a PowerShell single-quoted string. PowerShell also
// ends such a string at the typographic quotes ‘ ’ ‚ ‛, so each of them is
// doubled like ' is.
func psQuote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\'', '\u2018', '\u2019', '\u201a', '\u201b':
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}

// httpieSpecial are the characters HTTPie's request-item parser treats as
// separators (:, ;, @, =); a backslash before one of them is an escape.
const httpieSpecial = ":;@="

// httpieHeader writes the request item Name:value so that HTTPie reads back
// exactly value. HTTPie picks the first and longest separator, so a value
// starting with = or @ would turn the item into JSON data (:=) or a file
// (:@); that first character is escaped. HTTPie has no escape for a
// backslash, so a value with an odd run of backslashes before a separator
// character cannot be written and is refused.
func httpieHeader(name, value string) (string, error) {
	run := 0
	for i := 0; i < len(value); i++ {
		switch {
		case value[i] == '\\':
			run++
			continue
		case run%2 == 1 && strings.IndexByte(httpieSpecial, value[i]) >= 0:
			return "", fmt.Errorf("HTTPie cannot carry this %s value (a backslash before %q at byte %d; curl can)", name, value[i], i+1)
		}
		run = 0
	}
	if value != "" && (value[0] == '=' || value[0] == '@') {
		value = `\` + value
	}
	return name + ":" + value, nil
}
