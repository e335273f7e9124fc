package catalog

import "testing"

// Issue 20.2: ids were built from the host only (port and path dropped, '.'
// and '-' merged, cut at 34), so one issuer's definition replaced
// another's. Every pair here must get two ids, each a valid provider id.
func TestIssuerIDsAreUniquePerIssuer(t *testing.T) {
	pairs := [][2]string{
		{"http://127.0.0.1:18131", "http://127.0.0.1:18132"},
		{"https://login.acme.com", "https://login-acme.com"},
		{"https://sso.example.com/realms/sales", "https://sso.example.com/realms/support"},
		{"https://login.example.com/tenant-a/v2.0", "https://login.example.com/tenant-b/v2.0"},
		{"https://a-very-long-host-name-for-sign-in.example.com/one", "https://a-very-long-host-name-for-sign-in.example.com/two"},
		{"http://login.example.com", "https://login.example.com"},
		{"https://vend", "https://vinsight"},
	}
	for _, p := range pairs {
		a, b := IssuerID(p[0]), IssuerID(p[1])
		if a == b {
			t.Errorf("%s and %s share the id %q", p[0], p[1], a)
		}
		for _, id := range []string{a, b} {
			if !idRE().MatchString(id) {
				t.Errorf("%q is not a valid provider id", id)
			}
			for _, builtin := range []string{"vinsight", "vinli", "vend", "vcita", "sandbox"} {
				if id == builtin {
					t.Errorf("%q takes a built-in's id", id)
				}
			}
		}
	}
	// The same issuer written differently is one issuer.
	same := []string{"https://Login.Example.com/", "https://login.example.com:443", "https://login.example.com"}
	for _, s := range same[1:] {
		if IssuerID(s) != IssuerID(same[0]) {
			t.Errorf("%s and %s are one issuer but got %q and %q", same[0], s, IssuerID(same[0]), IssuerID(s))
		}
	}
}
