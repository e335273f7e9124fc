package cli

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"authdeck/auth"
	"authdeck/auth/render"
)

// The one place that words the core's typed errors: the input becomes the
// flag that gives it, the remedy the command that carries it out, and
// nothing from outside reaches the terminal unescaped.
func TestDescribeWordsTypedErrors(t *testing.T) {
	near := func(string) []string { return []string{"shop"} }
	cases := []struct {
		name    string
		err     error
		suggest func(string) []string
		want    string
	}{
		{"input to flag", &auth.Error{Input: auth.InputUser, Remedy: auth.RemedyFixInput, Msg: "Vinli needs the App ID"}, nil,
			"Vinli needs the App ID (--user)"},
		{"client id", &auth.Error{Input: auth.InputClientID, Remedy: auth.RemedyFixInput, Msg: "Vend needs a client ID"}, nil,
			"Vend needs a client ID (--client-id)"},
		{"param", &auth.Error{Input: auth.InputParam, Param: "domain_prefix", Remedy: auth.RemedyFixInput, Msg: "Vend needs the store address"}, nil,
			"Vend needs the store address (--param domain_prefix=VALUE)"},
		{"secret", &auth.Error{Input: auth.InputSecret, Remedy: auth.RemedyFixInput, Msg: "no token was given"}, nil,
			"no token was given (pipe it in with --secret-stdin)"},
		{"sign in", &auth.Error{Connection: "my shop", Remedy: auth.RemedySignIn, Msg: `"my shop" has no refresh token`}, nil,
			`"my shop" has no refresh token; run authdeck connect 'my shop'`},
		{"replace", fmt.Errorf("wrapped: %w", &auth.Error{Connection: "k", Remedy: auth.RemedyReplaceSecret, Msg: "rejected"}), nil,
			"rejected; run authdeck replace k --secret-stdin"},
		{"retry", &auth.Error{Connection: "demo", Remedy: auth.RemedyRetry, Msg: "renewing failed", Err: errors.New("timed out")}, nil,
			"renewing failed: timed out; run authdeck refresh demo"},
		{"not found, near", &auth.Error{Connection: "shp", Input: auth.InputName, Remedy: auth.RemedySeeList, Msg: `there is no connection called "shp"`}, near,
			`there is no connection called "shp": did you mean shop?`},
		{"not found, nothing near", &auth.Error{Connection: "zz", Input: auth.InputName, Remedy: auth.RemedySeeList, Msg: `there is no connection called "zz"`}, func(string) []string { return nil },
			`there is no connection called "zz"; run authdeck list`},
		{"outside text", &auth.Error{Connection: "x", Remedy: auth.RemedyRetry, Msg: "provider said \x1b[2J\u202egnp.exe\nnext"}, nil,
			`provider said \x1b[2J\u202egnp.exe\x0anext; run authdeck refresh x`},
		{"not a header", &auth.Error{Connection: "reports", Kind: auth.KindNotAHeader, Param: "api-key", Err: &render.NotAHeaderError{Query: "api-key"}}, nil,
			"reports is not sent in a header: it goes in the URL, as the query parameter api-key; for a usable form run authdeck curl reports [URL] or authdeck snippet reports --format url [URL]"},
		{"plain", errors.New("two\nlines\x07"), nil, `two\x0alines\x07`},
		{"missing params", &auth.Error{Kind: auth.KindMissingParam, Input: auth.InputParam, Remedy: auth.RemedyFixInput, Params: []string{"domain_prefix", "port"}, Msg: "Vend needs domain_prefix, port"}, nil,
			"Vend needs domain_prefix, port (--param domain_prefix=VALUE --param port=VALUE)"},
		{"newer file", &auth.Error{Kind: auth.KindNewerFormat, Remedy: auth.RemedyUpdateApp, Msg: "connections.json was written by a newer Authdeck"}, nil,
			"connections.json was written by a newer Authdeck: update Authdeck (the file was left unchanged)"},
		{"damaged keyring item", &auth.Error{Connection: "k", Kind: auth.KindKeyringDamage, Remedy: auth.RemedyRemove, Msg: "the keyring item of \"k\" is damaged"}, nil,
			"the keyring item of \"k\" is damaged: remove the connection and add it again; run authdeck remove k"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := describe(tc.err, tc.suggest); got != tc.want {
				t.Fatalf("\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// Outside text in a connection (a provider's name, its words about a
// failure, an owner) reaches the status lines and JSON escaped.
func TestStatusEscapesOutsideText(t *testing.T) {
	now := time.Now()
	c := auth.Connection{Name: "x", ProviderName: "Evil\x1b]0;pwned\x07", Method: "oauth", Status: auth.StatusError,
		Fault: auth.FaultRefreshFailed, FaultDetail: "bad\u202etxt.exe", Owner: "o\x1b[31m", ConnectedAt: &now}
	items, attention := statusItems([]auth.Connection{c}, now, time.Hour)
	var b strings.Builder
	if err := writeStatusLines(&b, items); err != nil || attention != 1 {
		t.Fatal(err)
	}
	if err := (jsonExporter{}).Write(&b, items); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); strings.ContainsAny(out, "\x1b\x07\u202e") || !strings.Contains(out, `Evil\x1b]0;pwned\x07`) {
		t.Fatalf("unescaped or missing: %q", out)
	}
}

func TestClosestNames(t *testing.T) {
	names := []string{"shop", "shops-eu", "reports", "my shop"}
	for typed, want := range map[string]string{"shp": "shop", "report": "reports", "SHOP": "shop", "xyzzy": ""} {
		got := closest(typed, names)
		if (want == "") != (len(got) == 0) || want != "" && got[0] != want {
			t.Errorf("closest(%q) = %q, want %q first", typed, got, want)
		}
	}
}
