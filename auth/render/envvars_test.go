package render

import (
	"regexp"
	"testing"
)

// The variable names are a contract (exec, the env and dotenv snippets):
// these cases must never change.
func TestEnvVarsFor(t *testing.T) {
	valid := regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)
	for in, want := range map[string]EnvVars{
		"My shop":    {Token: "MY_SHOP_TOKEN", ExpiresAt: "AUTHDECK_MY_SHOP_EXPIRES_AT", URL: "AUTHDECK_MY_SHOP_URL", Header: "AUTHDECK_MY_SHOP_HEADER"},
		"vend token": {Token: "VEND_TOKEN", ExpiresAt: "AUTHDECK_VEND_TOKEN_EXPIRES_AT", URL: "AUTHDECK_VEND_TOKEN_URL", Header: "AUTHDECK_VEND_TOKEN_HEADER"},
		"2nd shop":   {Token: "_2ND_SHOP_TOKEN", ExpiresAt: "AUTHDECK_2ND_SHOP_EXPIRES_AT", URL: "AUTHDECK_2ND_SHOP_URL", Header: "AUTHDECK_2ND_SHOP_HEADER"},
		"☃":          {Token: "AUTHDECK_TOKEN", ExpiresAt: "AUTHDECK_EXPIRES_AT", URL: "AUTHDECK_URL", Header: "AUTHDECK_HEADER"},
		"a$(x)b":     {Token: "A_X_B_TOKEN", ExpiresAt: "AUTHDECK_A_X_B_EXPIRES_AT", URL: "AUTHDECK_A_X_B_URL", Header: "AUTHDECK_A_X_B_HEADER"},
	} {
		got := EnvVarsFor(in)
		if got != want {
			t.Errorf("EnvVarsFor(%q) = %+v, want %+v", in, got, want)
		}
		for _, v := range []string{got.Token, got.ExpiresAt, got.URL, got.Header} {
			if !valid.MatchString(v) {
				t.Errorf("EnvVarsFor(%q): %q is not a variable name", in, v)
			}
		}
	}
	if EnvStem("my-shop") != EnvStem("My shop") {
		t.Error("names differing only in punctuation and case must be seen to collide")
	}
}
