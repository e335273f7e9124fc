package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/auth/secret"
	"authdeck/internal/fakeclock"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/json")

// utcFixture is a fixture whose clock runs in UTC, so that golden files
// do not depend on the machine's time zone.
func utcFixture(t *testing.T) *fixture {
	t.Helper()
	return &fixture{dir: t.TempDir(), secrets: secret.NewMemory(), clock: fakeclock.New(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))}
}

// checkStub answers check as a provider would, without a network; every
// other call goes to the real core.
type checkStub struct {
	Service
	res auth.CheckResult
}

func (s checkStub) Check(context.Context, string) (auth.CheckResult, error) { return s.res, nil }

func (f *fixture) runWith(t *testing.T, res auth.CheckResult, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(args, Deps{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Options: f.options(),
		Open: func(o auth.Options) (Service, error) {
			m, err := auth.Open(o)
			if err != nil {
				return nil, err
			}
			return checkStub{coreOf(m), res}, nil
		},
	})
	return result{code, out.String(), errOut.String()}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "json", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cli -run TestJSONShapes -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s:\n got %s\nwant %s", name, got, want)
	}
}

// One documented JSON shape per command (issue 21.13, issue 24): each held
// by a golden file.
func TestJSONShapes(t *testing.T) {
	f := utcFixture(t)
	f.add(t, auth.AddRequest{Name: "acme-reports", Provider: "vend", Method: catalog.KindToken, Secret: "tok-1",
		Params: map[string]string{"domain_prefix": "acme"}, ExpiresAt: f.days(10), Owner: "Priya (IT)", Note: "nightly stock export"})
	f.add(t, auth.AddRequest{Name: "reports", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "KEY-7f3a", ExpiresAt: f.days(2)})
	f.clock.Advance(3 * 24 * time.Hour) // reports has expired
	res := auth.CheckResult{Verdict: auth.VerdictAccepted, OK: true, Status: 200, Account: "priya@acme.example", Message: "OK: signed in as priya@acme.example", At: f.clock.Now()}
	for _, tc := range []struct {
		golden string
		code   int
		args   []string
	}{
		{"token", 0, []string{"token", "acme-reports", "--json"}},
		{"token-query-expired", 0, []string{"token", "reports", "--json"}},
		{"header", 0, []string{"header", "acme-reports", "--json"}},
		{"details", 0, []string{"details", "acme-reports", "--json"}},
		{"details-expired", 0, []string{"details", "reports", "--json"}},
		{"check", 0, []string{"check", "acme-reports", "--json"}},
	} {
		r := f.runWith(t, res, tc.args...)
		if r.code != tc.code {
			t.Fatalf("%v: %+v", tc.args, r)
		}
		golden(t, tc.golden, r.stdout)
	}
	// A failed check: the JSON says so and the exit code stays 1.
	res = auth.CheckResult{Verdict: auth.VerdictRejected, Status: 401, Message: "the provider refused the token (401)", At: f.clock.Now()}
	r := f.runWith(t, res, "check", "acme-reports", "--json")
	if r.code != 1 {
		t.Fatalf("a failed check: %+v", r)
	}
	golden(t, "check-failed", r.stdout)
	// Without --json: the provider's verdict, then the one command that
	// fixes it (a pasted key is replaced, not reconnected).
	r = f.runWith(t, res, "check", "reports")
	if r.code != 1 || !strings.Contains(r.stdout, "refused the token") || !strings.Contains(r.stderr, "To fix it: authdeck replace reports --secret-stdin") || strings.Contains(r.stderr+r.stdout, "connect") {
		t.Fatalf("a failed check of a pasted key: %+v", r)
	}
	// A verdict no command fixes gets words: the check's own text states
	// only what happened.
	for v, want := range map[auth.Verdict]string{
		auth.VerdictServerError: "What to do: try again later",
		auth.VerdictForbidden:   "What to do: make sure this account may read it",
		auth.VerdictNotFound:    "What to do: check the address it was added with",
		auth.VerdictBusy:        "What to do: wait as long as the provider asks",
	} {
		res = auth.CheckResult{Verdict: v, Status: 599, Message: "what happened", At: f.clock.Now()}
		if r := f.runWith(t, res, "check", "reports"); r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("%s: %+v", v, r)
		}
	}
}

// token --json with --require-valid: an expired credential prints nothing
// and exits 3, as without --json (issue 24).
func TestTokenJSONRequireValid(t *testing.T) {
	f := utcFixture(t)
	f.add(t, auth.AddRequest{Name: "reports", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "KEY-7f3a", ExpiresAt: f.days(1)})
	if r := f.run(t, "", "token", "reports", "--json", "--require-valid"); r.code != 0 || !strings.Contains(r.stdout, `"token":"KEY-7f3a"`) {
		t.Fatalf("valid: %+v", r)
	}
	f.clock.Advance(2 * 24 * time.Hour)
	r := f.run(t, "", "token", "reports", "--json", "--require-valid")
	if r.code != 3 || r.stdout != "" || !strings.Contains(r.stderr, "expired") {
		t.Fatalf("expired: %+v", r)
	}
	if r := f.run(t, "", "header", "reports", "--json"); r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "not sent in a header") {
		t.Fatalf("header --json of a query key: %+v", r)
	}
}

// curl NAME URL -- OPTIONS passes curl's options through after the URL;
// the credential stays on curl's standard input (issue 21.13).
func TestCurlPassesOptionsThrough(t *testing.T) {
	f := utcFixture(t)
	f.add(t, auth.AddRequest{Name: "acme", Provider: "vend", Method: catalog.KindToken, Secret: "tok-1", Params: map[string]string{"domain_prefix": "acme"}})
	r := f.run(t, "", "curl", "acme", "https://acme.vendhq.com/api/2.0/products", "--", "-X", "POST", "-d", "@body.json")
	want := "printf '%s\\n' 'Authorization: Bearer tok-1' | curl -sS -H @- 'https://acme.vendhq.com/api/2.0/products' '-X' 'POST' '-d' '@body.json'\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("got %+v\nwant %q", r, want)
	}
	for _, args := range [][]string{
		{"curl", "acme", "https://acme.vendhq.com/", "--", "-d", "@-"},
		{"curl", "acme", "https://acme.vendhq.com/", "--", "-K", "cfg"},
		{"snippet", "acme", "--format", "env", "--", "-X", "POST"},
		{"curl", "acme", "https://acme.vendhq.com/", "extra", "--", "-X"},
	} {
		if r := f.run(t, "", args...); r.code != 2 || r.stdout != "" {
			t.Errorf("%q: %+v", args, r)
		}
	}
	if r := f.run(t, "", "curl", "acme", "--help"); !strings.Contains(r.stdout, "standard input") || !strings.Contains(r.stdout, "python-dotenv") {
		t.Errorf("curl --help does not say where the credential goes and what reads each format: %s", r.stdout)
	}
}

// snippet --format env is for shells (export NAME='…'); --format dotenv
// for .env files, refusing what their readers would expand (issue 20 §3).
func TestSnippetEnvAndDotenv(t *testing.T) {
	f := utcFixture(t)
	f.add(t, auth.AddRequest{Name: "acme", Provider: "vend", Method: catalog.KindToken, Secret: "tok-'1", Params: map[string]string{"domain_prefix": "acme"}})
	f.add(t, auth.AddRequest{Name: "leaky", Provider: "vend", Method: catalog.KindToken, Secret: "tok.${AWS_SECRET_ACCESS_KEY}", Params: map[string]string{"domain_prefix": "acme"}})
	if r := f.run(t, "", "snippet", "acme", "--format", "env"); r.code != 0 || r.stdout != "export ACME_TOKEN='tok-'\\''1'\n" {
		t.Fatalf("env: %+v", r)
	}
	if r := f.run(t, "", "snippet", "acme", "--format", "dotenv"); r.code != 0 || r.stdout != "ACME_TOKEN=tok-'1\n" {
		t.Fatalf("dotenv: %+v", r)
	}
	r := f.run(t, "", "snippet", "leaky", "--format", "dotenv")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "python-dotenv") || !strings.Contains(r.stderr, "authdeck exec leaky -- ") || strings.Contains(r.stderr, "AWS_SECRET") {
		t.Fatalf("dotenv of a token with ${…}: %+v", r)
	}
}

// status: an Owner column, --owner, --provider and --status filters, and
// --csv through the one CSV writer (issue 21.12).
func TestStatusOwnerFiltersAndCSV(t *testing.T) {
	f := statusFixture(t)
	for name, owner := range map[string]string{"gone-1": "Priya (IT)", "soon-2": "priya", "store": "Ana", "later-40": "=HYPERLINK(\"x\");-1"} {
		if r := f.run(t, "", "details", name, "--owner", owner); r.code != 0 {
			t.Fatalf("details: %+v", r)
		}
	}
	r := f.run(t, "", "status")
	if !strings.Contains(r.stdout, "Priya (IT)") || !strings.Contains(r.stdout, "Ana ") {
		t.Fatalf("no Owner column:\n%s", r.stdout)
	}
	names := func(r result) []string {
		var out []string
		for _, line := range strings.Split(strings.TrimRight(r.stdout, "\n"), "\n") {
			if line != "" && !strings.HasPrefix(line, "    ") {
				out = append(out, strings.Fields(line[2:])[0])
			}
		}
		return out
	}
	for _, tc := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"--owner", "PRIYA"}, "gone-1 soon-2", 3},
		{[]string{"--owner", "ana"}, "store", 3},
		{[]string{"--provider", "vend"}, "none-1 none-2 none-3 none-4 store", 3},
		{[]string{"--provider", "vend", "--status", "ok"}, "none-1 none-2 none-3 none-4", 0},
		{[]string{"--status", "expired,needs-connect"}, "gone-1 gone-2 store", 3},
		{[]string{"--status", "attention", "--owner", "priya"}, "gone-1 soon-2", 3},
	} {
		r := f.run(t, "", append([]string{"status"}, tc.args...)...)
		got := strings.Join(names(r), " ")
		if r.code != tc.code || !sameSet(got, tc.want) {
			t.Errorf("%q: exit %d, rows %q; want %d, %q\n%s", tc.args, r.code, got, tc.code, tc.want, r.stderr)
		}
	}
	if r := f.run(t, "", "status", "--status", "broken"); r.code != 2 || !strings.Contains(r.stderr, "needs-connect") {
		t.Errorf("--status broken: %+v", r)
	}
	// A typo in a monitoring line's --provider is an error, not "nothing
	// needs attention" (status --provider vnd || alert would never alert).
	if r := f.run(t, "", "status", "--provider", "vnd"); r.code != 2 || !strings.Contains(r.stderr, `"vnd" is not a provider`) || !strings.Contains(r.stderr, "vinsight") {
		t.Errorf("--provider vnd: %+v", r)
	}
	// Part of a provider's name still matches, even when no connection uses it.
	if r := f.run(t, "", "status", "--provider", "inTandem"); r.code != 0 || !strings.Contains(r.stderr, "None of the") {
		t.Errorf("--provider inTandem: %+v", r)
	}
	if r := f.run(t, "", "status", "--csv", "--json"); r.code != 2 {
		t.Errorf("--csv --json: %+v", r)
	}
	r = f.run(t, "", "status", "--csv", "--owner", "priya")
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || r.code != 3 || len(recs) != 3 || strings.Join(recs[0], ",") != strings.Join(statusHeader, ",") {
		t.Fatalf("--csv: %v %+v", err, r)
	}
	r = f.run(t, "", "status", "--csv", "--provider", "vinsight", "--status", "ok")
	if !strings.Contains(r.stdout, `"'=HYPERLINK(""x"");'-1"`) {
		t.Errorf("a formula owner is not made text:\n%s", r.stdout)
	}
}

func sameSet(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	if len(x) != len(y) {
		return false
	}
	seen := map[string]int{}
	for _, s := range x {
		seen[s]++
	}
	for _, s := range y {
		if seen[s]--; seen[s] < 0 {
			return false
		}
	}
	return true
}

// Help texts read as written: no line starts halfway through a command
// (snippet's help once broke "printf '%s\n'" over two lines).
func TestSnippetHelpKeepsItsCommandWhole(t *testing.T) {
	if !strings.Contains(formatHelp, `printf '%s\n' 'HEADER' | curl -sS -H @- URL`) {
		t.Fatalf("the curl line of snippet's help:\n%s", formatHelp)
	}
}
