package catalog

import (
	"os"
	"testing"
)

// Issue 21.9: a pasted store address gives the store's name.
func TestParamFromAddress(t *testing.T) {
	data, err := os.ReadFile("../../assets/providers.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load(data, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	vend, _ := c.Lookup("vend")
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"https://myshop.vendhq.com/", "myshop", true},
		{"myshop.vendhq.com", "myshop", true},
		{"  https://MyShop.vendhq.com/sell#x ", "myshop", true},
		{"https://myshop.vendhq.com.evil.example/", "", false},
		{"https://a.b.vendhq.com/", "", false},
		{"https://myshop.example.com/", "", false},
		{"myshop", "", false},
	} {
		got, ok := vend.ParamFromAddress("domain_prefix", tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%q: got %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
