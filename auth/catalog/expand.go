package catalog

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"authdeck/auth/sanitize"
)

var placeholderRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{([a-z][a-z0-9_]*)\}`) })

// paramValueOK says what a placeholder value may hold: it can become part
// of a host name (Vend's domain_prefix), so nothing that could end or
// extend one: ^[A-Za-z0-9][A-Za-z0-9-]{0,62}$, written out because every
// header expands a URL and compiling the expression was most of what that
// cost (issue 22).
func paramValueOK(v string) bool {
	if v == "" || len(v) > 63 || v[0] == '-' {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// placeholderAt reports the placeholder {name} (placeholderRE: a lower-case
// letter, then lower-case letters, digits and underscores) that starts at
// s[i], and where it ends.
func placeholderAt(s string, i int) (name string, end int, ok bool) {
	if s[i] != '{' || i+2 >= len(s) || s[i+1] < 'a' || s[i+1] > 'z' {
		return "", 0, false
	}
	for j := i + 2; j < len(s); j++ {
		switch c := s[j]; {
		case c == '}':
			return s[i+1 : j], j + 1, true
		case !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'):
			return "", 0, false
		}
	}
	return "", 0, false
}

// CheckParamValue refuses a placeholder value that is not letters, digits and
// hyphens. It runs before any URL built from the value reaches the network.
func CheckParamValue(name, value string) error {
	if !paramValueOK(value) {
		return fmt.Errorf("%s %q is not valid: use only letters, digits and hyphens (at most 63), e.g. %q", name, value, "myshop")
	}
	return nil
}

// Placeholders lists the {name} placeholders in a URL template, in order.
func Placeholders(template string) []string {
	var names []string
	for _, m := range placeholderRE().FindAllStringSubmatch(template, -1) {
		names = append(names, m[1])
	}
	return names
}

// Expand fills a URL template's placeholders from params (falling back to the
// provider's defaults) and checks the result is a URL Authdeck may send
// credentials to.
func (p Provider) Expand(template string, params map[string]string) (string, error) {
	var missing []string
	var bad error
	var b strings.Builder
	for i := 0; i < len(template); {
		name, end, ok := placeholderAt(template, i)
		if !ok {
			b.WriteByte(template[i])
			i++
			continue
		}
		v := params[name]
		if q, declared := p.Param(name); v == "" && declared {
			v = q.Default
		}
		switch {
		case v == "":
			missing = append(missing, name)
			v = template[i:end]
		case bad == nil:
			bad = CheckParamValue(name, v)
		}
		b.WriteString(v)
		i = end
	}
	out := b.String()
	if bad != nil {
		return "", bad
	}
	if len(missing) > 0 {
		return "", &MissingParamError{Provider: p.Name, Names: missing}
	}
	if err := CheckURL(out); err != nil {
		return "", err
	}
	return out, nil
}

// CheckURL accepts https URLs, and http only for loopback hosts, so that no
// credential is ever sent in clear text over a network.
func CheckURL(raw string) error {
	if sanitize.Line(raw) != raw {
		// url.Parse refuses ASCII controls but lets C1 controls and bidi
		// overrides through into the host and path that messages show.
		return fmt.Errorf("%q holds control or invisible characters: write the address as plain text", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %v", raw, err)
	}
	if sanitize.Line(u.Hostname()) != u.Hostname() {
		// A host may be percent-encoded: %E2%80%AE decodes to a bidi override.
		return fmt.Errorf("%q names a host with control or invisible characters: write the address as plain text", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("%q has no host: write a full address such as https://login.example.com", raw)
	}
	if u.User != nil {
		return fmt.Errorf("%q carries a user name or password: remove it", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if IsLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q is not https: plain http is allowed only for 127.0.0.1, [::1] and localhost", raw)
	default:
		return fmt.Errorf("%q must start with https://", raw)
	}
}

// IsLoopback reports whether host names this machine's loopback interface.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// MissingParamError says which of a provider's parameters (a store's
// domain, a port) a connection lacks; each front end names its own field or
// flag for them.
type MissingParamError struct {
	Provider string
	Names    []string
}

func (e *MissingParamError) Error() string {
	return fmt.Sprintf("%s needs %s: give the connection that value", e.Provider, strings.Join(e.Names, ", "))
}
