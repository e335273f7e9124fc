package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
)

// issuerHashLen is how many hex digits of the issuer's hash end an id made
// from it: the readable part may be the same for two issuers
// (login.acme.com and login-acme.com), the hash is not.
const issuerHashLen = 10

// CanonicalIssuer is the form of an issuer address two definitions are
// compared by: scheme and host in lower case, the port as given (a
// default one dropped), the path without a trailing slash.
func CanonicalIssuer(issuer string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(issuer))
	if err != nil {
		return "", err
	}
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	if scheme == "https" && port == "443" || scheme == "http" && port == "80" {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host + strings.TrimSuffix(u.EscapedPath(), "/"), nil
}

// IssuerID is the provider id for an issuer: its host, port and path made
// readable, then a hash of the whole canonical address, so that ids are
// unique per issuer (scheme, host, port, path) and never those of a
// built-in. Two ports, two realms or two tenants on one host, and hosts
// that differ only in a dot or a dash, get different ids.
func IssuerID(issuer string) string {
	canon, err := CanonicalIssuer(issuer)
	if err != nil {
		canon = issuer
	}
	sum := sha256.Sum256([]byte(canon))
	hash := hex.EncodeToString(sum[:])[:issuerHashLen]
	readable := canon
	if _, rest, ok := strings.Cut(canon, "://"); ok {
		readable = rest
	}
	var b strings.Builder
	dash := false
	for _, r := range readable {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		switch {
		case ok:
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	room := 40 - issuerHashLen - 1
	prefix := strings.Trim(b.String(), "-")
	if len(prefix) > room {
		prefix = strings.Trim(prefix[:room], "-")
	}
	if prefix == "" {
		return "oidc-" + hash
	}
	return prefix + "-" + hash
}
