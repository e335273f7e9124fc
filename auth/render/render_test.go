package render

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"authdeck/auth/catalog"
)

// The App ID and App Secret from Vinli's authentication document (seed 001).
const (
	vinliAppID     = "c87d5be0-2e69-11e4-8c21-0800200c9a66"
	vinliAppSecret = "HKLFFoSILb8VHFJD"
	vinliHeader    = "Authorization: Basic Yzg3ZDViZTAtMmU2OS0xMWU0LThjMjEtMDgwMDIwMGM5YTY2OkhLTEZGb1NJTGI4VkhGSkQ="
)

func TestBasicValueSeedExample(t *testing.T) {
	if got, want := "Authorization: Basic "+BasicCredentials(vinliAppID, vinliAppSecret), vinliHeader; got != want {
		t.Fatalf("Basic credentials:\n got %s\nwant %s", got, want)
	}
	// The same header through the path the Manager takes: catalog apply rule + stored secret.
	apply := catalog.Apply{Header: "Authorization", Scheme: "Basic"}
	c := FromMethod(apply, BasicCredentials(vinliAppID, vinliAppSecret), "VINLI_TOKEN")
	got, err := Render(FormatHeader, c, "")
	if err != nil || got != vinliHeader {
		t.Fatalf("Render(header) = %q, %v; want %q", got, err, vinliHeader)
	}
}

// methods are the apply rules of the built-in catalog, one per way a
// credential is attached.
var methods = []struct {
	name   string
	apply  catalog.Apply
	secret string
	env    string
}{
	{"bearer", catalog.Apply{Header: "Authorization", Scheme: "Bearer"}, "fMYgxHEYtcyT8cvtvgi1Za5DRs4vArSyvydlnd9f", "VEND_TOKEN"},
	{"x-access", catalog.Apply{Header: "X-Access"}, "eyJ0eXAiOiJ.3HgH3Yxsau2UE7k", "VINSIGHT_TOKEN"},
	{"basic", catalog.Apply{Header: "Authorization", Scheme: "Basic"}, BasicCredentials(vinliAppID, vinliAppSecret), "VINLI_TOKEN"},
	{"cookie", catalog.Apply{Header: "Cookie"}, "ASP.NET_SessionId=x1y2; .ASPXAUTH=AB12", "VINSIGHT_COOKIE_TOKEN"},
	{"api-key", catalog.Apply{Query: "api-key"}, "k3y/+ =&x", "VINSIGHT_KEY_TOKEN"},
}

const target = "https://app.vinsight.net/LoginContexts/Current.json?accept-types=json"

func TestRenderEveryMethodAndFormat(t *testing.T) {
	const basicB64 = "Yzg3ZDViZTAtMmU2OS0xMWU0LThjMjEtMDgwMDIwMGM5YTY2OkhLTEZGb1NJTGI4VkhGSkQ="
	want := map[string]map[Format]string{
		"bearer": {
			FormatHeader:     "Authorization: Bearer fMYgxHEYtcyT8cvtvgi1Za5DRs4vArSyvydlnd9f",
			FormatCurl:       "printf '%s\\n' 'Authorization: Bearer fMYgxHEYtcyT8cvtvgi1Za5DRs4vArSyvydlnd9f' | curl -sS -H @- '" + target + "'",
			FormatHTTPie:     "http GET '" + target + "' 'Authorization:Bearer fMYgxHEYtcyT8cvtvgi1Za5DRs4vArSyvydlnd9f'",
			FormatPowerShell: "Invoke-RestMethod -Method Get -Uri '" + target + "' -Headers @{ 'Authorization' = 'Bearer fMYgxHEYtcyT8cvtvgi1Za5DRs4vArSyvydlnd9f' }",
			FormatEnv:        "export VEND_TOKEN='fMYgxHEYtcyT8cvtvgi1Za5DRs4vArSyvydlnd9f'",
			FormatDotenv:     "VEND_TOKEN=fMYgxHEYtcyT8cvtvgi1Za5DRs4vArSyvydlnd9f",
			FormatToken:      "fMYgxHEYtcyT8cvtvgi1Za5DRs4vArSyvydlnd9f",
			FormatURL:        "error: Authorization header",
		},
		"x-access": {
			FormatHeader:     "X-Access: eyJ0eXAiOiJ.3HgH3Yxsau2UE7k",
			FormatCurl:       "printf '%s\\n' 'X-Access: eyJ0eXAiOiJ.3HgH3Yxsau2UE7k' | curl -sS -H @- '" + target + "'",
			FormatHTTPie:     "http GET '" + target + "' 'X-Access:eyJ0eXAiOiJ.3HgH3Yxsau2UE7k'",
			FormatPowerShell: "Invoke-RestMethod -Method Get -Uri '" + target + "' -Headers @{ 'X-Access' = 'eyJ0eXAiOiJ.3HgH3Yxsau2UE7k' }",
			FormatEnv:        "export VINSIGHT_TOKEN='eyJ0eXAiOiJ.3HgH3Yxsau2UE7k'",
			FormatDotenv:     "VINSIGHT_TOKEN=eyJ0eXAiOiJ.3HgH3Yxsau2UE7k",
			FormatToken:      "eyJ0eXAiOiJ.3HgH3Yxsau2UE7k",
			FormatURL:        "error: X-Access header",
		},
		"basic": {
			FormatHeader:     vinliHeader,
			FormatCurl:       "printf '%s\\n' '" + vinliHeader + "' | curl -sS -H @- '" + target + "'",
			FormatHTTPie:     "http GET '" + target + "' 'Authorization:Basic " + basicB64 + "'",
			FormatPowerShell: "Invoke-RestMethod -Method Get -Uri '" + target + "' -Headers @{ 'Authorization' = 'Basic " + basicB64 + "' }",
			FormatEnv:        "export VINLI_TOKEN='" + basicB64 + "'",
			FormatDotenv:     "VINLI_TOKEN=" + basicB64,
			FormatToken:      basicB64,
			FormatURL:        "error: Authorization header",
		},
		"cookie": {
			FormatHeader:     "Cookie: ASP.NET_SessionId=x1y2; .ASPXAUTH=AB12",
			FormatCurl:       "printf '%s\\n' 'Cookie: ASP.NET_SessionId=x1y2; .ASPXAUTH=AB12' | curl -sS -H @- '" + target + "'",
			FormatHTTPie:     "http GET '" + target + "' 'Cookie:ASP.NET_SessionId=x1y2; .ASPXAUTH=AB12'",
			FormatPowerShell: "Invoke-RestMethod -Method Get -Uri '" + target + "' -Headers @{ 'Cookie' = 'ASP.NET_SessionId=x1y2; .ASPXAUTH=AB12' }",
			FormatEnv:        "export VINSIGHT_COOKIE_TOKEN='ASP.NET_SessionId=x1y2; .ASPXAUTH=AB12'",
			FormatDotenv:     "VINSIGHT_COOKIE_TOKEN=ASP.NET_SessionId=x1y2; .ASPXAUTH=AB12",
			FormatToken:      "ASP.NET_SessionId=x1y2; .ASPXAUTH=AB12",
			FormatURL:        "error: Cookie header",
		},
		"api-key": {
			FormatHeader:     "error: query parameter api-key",
			FormatCurl:       "printf '%s\\n' 'url = \"" + target + "&api-key=k3y%2F%2B%20%3D%26x\"' | curl -sS -K -",
			FormatHTTPie:     "http GET '" + target + "&api-key=k3y%2F%2B%20%3D%26x'",
			FormatPowerShell: "Invoke-RestMethod -Method Get -Uri '" + target + "&api-key=k3y%2F%2B%20%3D%26x'",
			FormatEnv:        "export VINSIGHT_KEY_TOKEN='k3y/+ =&x'",
			FormatDotenv:     "VINSIGHT_KEY_TOKEN=k3y/+ =&x",
			FormatToken:      "k3y/+ =&x",
			FormatURL:        target + "&api-key=k3y%2F%2B%20%3D%26x",
		},
	}
	for _, m := range methods {
		c := FromMethod(m.apply, m.secret, m.env)
		for _, f := range Formats() {
			t.Run(m.name+"/"+string(f), func(t *testing.T) {
				exp, ok := want[m.name][f]
				if !ok {
					t.Fatal("no expectation")
				}
				got, err := Render(f, c, target)
				if wantErr, isErr := strings.CutPrefix(exp, "error: "); isErr {
					if err == nil || !strings.Contains(err.Error(), wantErr) {
						t.Fatalf("got %q, %v; want an error mentioning %q", got, err, wantErr)
					}
					return
				}
				if err != nil || got != exp {
					t.Fatalf("\n got %q, %v\nwant %q", got, err, exp)
				}
			})
		}
	}
}

// A credential that travels in the URL has no header line: the header format
// refuses it with a typed error naming the parameter, so that each front end
// can say which of its commands or buttons gives a usable form.
func TestHeaderOfAQueryCredentialIsATypedRefusal(t *testing.T) {
	key := FromMethod(catalog.Apply{Query: "api-key"}, "k3y", "K")
	got, err := Render(FormatHeader, key, "")
	var notHeader *NotAHeaderError
	if !errors.As(err, &notHeader) || notHeader.Query != "api-key" || got != "" {
		t.Fatalf("got %q, %v; want a *NotAHeaderError for api-key", got, err)
	}
	if strings.Contains(err.Error(), "k3y") {
		t.Fatalf("the refusal shows the key: %v", err)
	}
}

func TestRenderRefusesBadInput(t *testing.T) {
	bearer := FromMethod(catalog.Apply{Header: "Authorization", Scheme: "Bearer"}, "abc", "X_TOKEN")
	key := FromMethod(catalog.Apply{Query: "api-key"}, "abc", "X_TOKEN")
	cases := []struct {
		name   string
		f      Format
		c      Credential
		target string
		want   string
	}{
		{"no target for curl", FormatCurl, bearer, "", "needs a URL"},
		{"no target for url", FormatURL, key, "", "needs a URL"},
		{"ftp target", FormatCurl, bearer, "ftp://example.com/", "https"},
		{"plain http to a remote host", FormatHTTPie, bearer, "http://example.com/", "plain http"},
		{"relative target", FormatPowerShell, bearer, "/me", "no host"},
		{"target with a user", FormatCurl, bearer, "https://u:p@example.com/", "user name"},
		{"target starting with a dash", FormatCurl, bearer, "-K/etc/passwd", ""},
		{"empty secret", FormatToken, FromMethod(catalog.Apply{Header: "X-Access"}, "", ""), "", "empty"},
		{"no apply rule", FormatHeader, Credential{Value: "a", Secret: "a"}, "", "neither"},
		{"both apply rules", FormatHeader, Credential{Header: "X", Query: "k", Value: "a", Secret: "a"}, "", "both"},
		{"bad header name", FormatCurl, Credential{Header: "X-A: b", Value: "a", Secret: "a"}, target, "not a header name"},
		{"bad env name", FormatEnv, FromMethod(catalog.Apply{Header: "X-Access"}, "a", "X=1;rm"), "", "not a variable name"},
		{"env name with a digit first", FormatEnv, FromMethod(catalog.Apply{Header: "X-Access"}, "a", "1X"), "", "not a variable name"},
		{"unknown format", Format("wget"), bearer, target, "curl, httpie"},
		{"control byte in the URL", FormatCurl, bearer, "https://example.com/\x1b[2J", ""},
		{"PowerShell and bytes that are not UTF-8", FormatPowerShell, FromMethod(catalog.Apply{Header: "X-Access"}, "a\xffb", ""), target, "UTF-8"},
		{"HTTPie and an escaped separator", FormatHTTPie, FromMethod(catalog.Apply{Header: "X-Access"}, `a\=b`, ""), target, "curl can"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Render(tc.f, tc.c, tc.target)
			if err == nil {
				t.Fatalf("got %q, want an error", got)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestControlBytesAreRefusedWithoutShowingTheSecret(t *testing.T) {
	const secret = "s3cr3t-part"
	for _, bad := range []string{"\n", "\r", "\x00", "\x01", "\t", "\x1b", "\x7f", "\u0085", "\u009b"} {
		c := FromMethod(catalog.Apply{Header: "Authorization", Scheme: "Bearer"}, secret+bad+secret, "X_TOKEN")
		for _, f := range Formats() {
			if f == FormatToken {
				// The raw token is for pipes and files: it is printed as stored.
				if got, err := Render(f, c, target); err != nil || got != c.Secret {
					t.Errorf("%q token: got %q, %v", bad, got, err)
				}
				continue
			}
			_, err := Render(f, c, target)
			if err == nil {
				t.Errorf("%q %s: no error", bad, f)
				continue
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%q %s: the error shows the secret: %v", bad, f, err)
			}
			if f != FormatURL && !strings.Contains(err.Error(), "control character") {
				t.Errorf("%q %s: error %q does not say why", bad, f, err)
			}
		}
	}
	// A query credential's value is percent-encoded into the URL, so a control
	// byte there is carried safely; only the env line (raw value) refuses it.
	key := FromMethod(catalog.Apply{Query: "api-key"}, "a\nb", "K")
	if got, err := Render(FormatURL, key, "https://x.example/"); err != nil || got != "https://x.example/?api-key=a%0Ab" {
		t.Errorf("url with a newline in the key: %q, %v", got, err)
	}
	if _, err := Render(FormatEnv, key, ""); err == nil {
		t.Error("env with a newline in the key: no error")
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats() {
		if got, err := ParseFormat(strings.ToUpper(string(f))); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	_, err := ParseFormat("wget")
	if err == nil || !strings.Contains(err.Error(), "header, curl, httpie, powershell, env, dotenv, token, url") {
		t.Fatalf("ParseFormat(wget) error %v does not list the formats", err)
	}
}

func TestEnvName(t *testing.T) {
	cases := map[string]string{
		"vend":              "VEND_TOKEN",
		"my shop":           "MY_SHOP_TOKEN",
		"  my--shop  (eu) ": "MY_SHOP_EU_TOKEN",
		"vend token":        "VEND_TOKEN",
		"token":             "TOKEN",
		"2nd shop":          "_2ND_SHOP_TOKEN",
		"":                  "AUTHDECK_TOKEN",
		"ünï":               "N_TOKEN",
		"日本":                "AUTHDECK_TOKEN",
		"a$(rm -rf)":        "A_RM_RF_TOKEN",
	}
	for in, want := range cases {
		got := EnvName(in)
		if got != want {
			t.Errorf("EnvName(%q) = %q, want %q", in, got, want)
		}
		if !envNameRE().MatchString(got) || got[0] >= '0' && got[0] <= '9' {
			t.Errorf("EnvName(%q) = %q is not a variable name", in, got)
		}
	}
}

func TestAddQuery(t *testing.T) {
	cases := []struct{ target, name, value, want string }{
		{"https://a.example/x", "api-key", "k", "https://a.example/x?api-key=k"},
		{"https://a.example/x?", "api-key", "k", "https://a.example/x?api-key=k"},
		{"https://a.example/x?b=1&c=%2F", "api-key", "k", "https://a.example/x?b=1&c=%2F&api-key=k"},
		{"https://a.example/x?api-key=old&b=1&api%2Dkey=older", "api-key", "new", "https://a.example/x?b=1&api-key=new"},
		{"https://a.example/x?b=1#frag", "api-key", "k", "https://a.example/x?b=1&api-key=k#frag"},
		{"https://a.example/x", "api-key", "a b+c&d=e#f?g/h'\"%é", "https://a.example/x?api-key=a%20b%2Bc%26d%3De%23f%3Fg%2Fh%27%22%25%C3%A9"},
	}
	for _, tc := range cases {
		got, err := AddQuery(tc.target, tc.name, tc.value)
		if err != nil || got != tc.want {
			t.Errorf("AddQuery(%q, %q, %q)\n got %q, %v\nwant %q", tc.target, tc.name, tc.value, got, err, tc.want)
			continue
		}
		u, _ := url.Parse(got)
		if v := u.Query()[tc.name]; len(v) != 1 || v[0] != tc.value {
			t.Errorf("AddQuery(%q): the server reads %q, want exactly [%q]", tc.target, v, tc.value)
		}
	}
	if _, err := AddQuery("https://a.example/", "", "k"); err == nil {
		t.Error("an empty parameter name was accepted")
	}
}

func TestCurlGlobOff(t *testing.T) {
	c := FromMethod(catalog.Apply{Header: "X-Access"}, "t", "")
	got, err := Render(FormatCurl, c, "https://a.example/items?filter[name]=x")
	if err != nil || got != "printf '%s\\n' 'X-Access: t' | curl -sS -H @- --globoff 'https://a.example/items?filter[name]=x'" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestPowerShellTypographicQuotes(t *testing.T) {
	token := "a'b\u2018c\u2019d\u201ae\u201bf''"
	c := FromMethod(catalog.Apply{Header: "X-Access"}, token, "")
	got, err := Render(FormatPowerShell, c, target)
	if err != nil {
		t.Fatal(err)
	}
	strs, err := psStrings(got)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{target, "X-Access", token}; strings.Join(strs, "\x00") != strings.Join(want, "\x00") {
		t.Fatalf("PowerShell reads %q, want %q", strs, want)
	}
}

func BenchmarkRenderCurl(b *testing.B) {
	c := FromMethod(catalog.Apply{Header: "Authorization", Scheme: "Bearer"}, "fMYgxHEYtcyT8cvtvgi1Za5D'Rs4vArSyvydlnd9f", "VEND_TOKEN")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(FormatCurl, c, target); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderURL(b *testing.B) {
	c := FromMethod(catalog.Apply{Query: "api-key"}, "k3y/+ =&x", "K")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(FormatURL, c, target); err != nil {
			b.Fatal(err)
		}
	}
}
