package render

import "strings"

// EnvVars are the environment variable names that carry one connection's
// credential: in the env and dotenv snippets and in the environment
// `exec` gives a program. They are derived from the connection's name
// alone, so they are stable: renaming the connection renames them, nothing
// else does.
//
//	connection "My shop"   → Token  MY_SHOP_TOKEN
//	                          ExpiresAt AUTHDECK_MY_SHOP_EXPIRES_AT
//	                          URL    AUTHDECK_MY_SHOP_URL
//	                          Header AUTHDECK_MY_SHOP_HEADER
//
// Every name holds only [A-Z0-9_] and never starts with a digit. Two
// connection names that differ only in punctuation or case ("my-shop",
// "My shop") get the same names: a caller putting several connections in
// one environment must refuse such a pair (EnvStem says whether two
// collide).
type EnvVars struct {
	// Token holds the raw token, key or cookie (what `token` prints); it is
	// EnvName(connection), the name the env snippet has always used.
	Token string `json:"token"`
	// ExpiresAt holds the expiry as RFC 3339 in UTC ("" when none is known).
	ExpiresAt string `json:"expires_at"`
	// URL holds the address of a local credential proxy, when one runs.
	URL string `json:"url"`
	// Header holds the whole header line, name and value
	// ("Authorization: Bearer abc"), what `header` prints, so that
	// curl -H "$VAR" works for any provider's header.
	Header string `json:"header"`
}

// EnvVarsFor returns the variable names for the connection called
// connectionName.
func EnvVarsFor(connectionName string) EnvVars {
	stem := EnvStem(connectionName)
	prefix := "AUTHDECK_"
	if stem != "" {
		prefix += stem + "_"
	}
	return EnvVars{
		Token:     EnvName(connectionName),
		ExpiresAt: prefix + "EXPIRES_AT",
		URL:       prefix + "URL",
		Header:    prefix + "HEADER",
	}
}

// EnvStem is the connection name in upper case with every run of other
// characters than A-Z and 0-9 made one "_", trimmed: "my shop" → "MY_SHOP",
// "vend token" → "VEND_TOKEN", "☃" → "". Two connections whose stems are
// equal share their variable names.
func EnvStem(connectionName string) string {
	var b strings.Builder
	underscore := true // suppresses leading and repeated underscores
	for _, r := range strings.ToUpper(connectionName) {
		switch {
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
			underscore = false
		case !underscore:
			b.WriteByte('_')
			underscore = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}
