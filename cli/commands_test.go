package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/auth/secret"
	"authdeck/internal/standin"
)

// Each command fills its options struct from the command line; the test's
// runF sees them without anything running (issue 16.4).
func TestCommandsFillTheirOptions(t *testing.T) {
	d := &Deps{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	parse := func(t *testing.T, cmd interface {
		SetArgs([]string)
		Execute() error
	}, args ...string) {
		t.Helper()
		cmd.SetArgs(args)
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	t.Run("header", func(t *testing.T) {
		var got *snippetOptions
		parse(t, newSnippetCmd(d, "header", func(o *snippetOptions) error { got = o; return nil }), "shop", "--require-valid")
		if got.Name != "shop" || got.Format != "header" || !got.RequireValid || got.URL != "" {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("snippet", func(t *testing.T) {
		var got *snippetOptions
		parse(t, newSnippetCmd(d, "snippet", func(o *snippetOptions) error { got = o; return nil }), "shop", "--format", "ENV", "https://api.example.com/me")
		if got.Format != "env" || got.URL != "https://api.example.com/me" || got.RequireValid {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("connect takes bare seconds", func(t *testing.T) {
		for arg, want := range map[string]time.Duration{"90": 90 * time.Second, "1.5": 1500 * time.Millisecond, "2m": 2 * time.Minute} {
			var got *connectOptions
			parse(t, newCmdConnect(d, func(o *connectOptions) error { got = o; return nil }), "shop", "--timeout", arg)
			if got.Timeout != want {
				t.Errorf("--timeout %s: %s, want %s", arg, got.Timeout, want)
			}
		}
	})
	t.Run("status", func(t *testing.T) {
		var got *statusOptions
		parse(t, newCmdStatus(d, func(o *statusOptions) error { got = o; return nil }), "--within", "3d", "--ics", "-", "--json")
		if got.Within != 72*time.Hour || got.ICS != "-" || got.Exporter == nil {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("add", func(t *testing.T) {
		var got *addOptions
		parse(t, newCmdAdd(d, func(o *addOptions) error { got = o; return nil }), "shop", "--provider", "vend", "--owner", "Ana", "--note", "nightly export", "--param", "domain_prefix=x", "--expires", "2027-01-31")
		r := got.Request
		if r.Name != "shop" || r.Owner != "Ana" || r.Note != "nightly export" || r.Params["domain_prefix"] != "x" ||
			r.ExpiresAt == nil || auth.FormatDate(*r.ExpiresAt, time.Local) != "2027-01-31" || r.ExpiresAt.Hour() != 23 {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("details", func(t *testing.T) {
		var got *detailsOptions
		parse(t, newCmdDetails(d, func(o *detailsOptions) error { got = o; return nil }), "shop", "--owner", "")
		if got.Owner == nil || *got.Owner != "" || got.Note != nil {
			t.Fatalf("only the owner was given (to clear it): %+v", got)
		}
	})
	t.Run("sandbox", func(t *testing.T) {
		var got *sandboxOptions
		parse(t, newCmdSandbox(d, func(o *sandboxOptions) error { got = o; return nil }), "--param", "port=18000")
		if got.Port != "18000" {
			t.Fatalf("%+v", got)
		}
	})
}

// An expired credential is still printed, and said on standard error every
// time; --require-valid prints nothing and exits 3 (issue 15.3).
func TestExpiredCredentialIsSaidEveryTime(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "acme-reports", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "tok-1", ExpiresAt: f.days(1)})
	expiry := auth.FormatDate(*f.days(1), time.Local)
	f.clock.Advance(10 * 24 * time.Hour)
	m := f.manager(t)
	want := "authdeck: warning: acme-reports expired 9 days ago (" + expiry + "): the provider will probably refuse it; run authdeck replace acme-reports --secret-stdin\n"
	for i := range 2 {
		b, out, errOut := testIO("")
		opts := &snippetOptions{base: b, Name: "acme-reports", Format: "header"}
		if err := snippetRun(context.Background(), opts, coreOf(m)); err != nil {
			t.Fatal(err)
		}
		if out.String() != "Authorization: Bearer tok-1\n" || errOut.String() != want {
			t.Fatalf("call %d: stdout %q, stderr %q; want the header and %q", i+1, out, errOut, want)
		}
	}
	b, out, errOut := testIO("")
	err := snippetRun(context.Background(), &snippetOptions{base: b, Name: "acme-reports", Format: "token", RequireValid: true}, coreOf(m))
	var exit exitError
	if !errors.As(err, &exit) || exit.code != exitAttention || out.Len() != 0 || errOut.String() != want {
		t.Fatalf("--require-valid: %v, stdout %q, stderr %q", err, out, errOut)
	}
	// Through the command line: exit 0 with the warning, 3 with --require-valid.
	if r := f.run(t, "", "curl", "acme-reports", "https://acme.vendhq.com/api/2.0/products"); r.code != 0 || !strings.Contains(r.stderr, "expired 9 days ago") || !strings.Contains(r.stdout, "| curl -sS ") {
		t.Fatalf("curl: %+v", r)
	}
	if r := f.run(t, "", "header", "acme-reports", "--require-valid"); r.code != 3 || r.stdout != "" {
		t.Fatalf("header --require-valid: %+v", r)
	}
	// A valid credential: no warning.
	f.add(t, auth.AddRequest{Name: "fresh", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "tok-2"})
	if r := f.run(t, "", "header", "fresh", "--require-valid"); r.code != 0 || r.stderr != "" {
		t.Fatalf("a valid credential: %+v", r)
	}
}

// header refuses a credential that travels in the URL, says where it goes
// and which commands give a usable form (issue 15.4).
func TestHeaderRefusesAQueryCredential(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "reports", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "KEY-7f3a"})
	for _, args := range [][]string{{"header", "reports"}, {"snippet", "reports", "--format", "header"}} {
		r := f.run(t, "", args...)
		if r.code != 1 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 {
			t.Fatalf("%v: %+v", args, r)
		}
		for _, want := range []string{"not sent in a header", "query parameter api-key", "authdeck curl reports", "authdeck snippet reports --format url"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%v: %q lacks %q", args, r.stderr, want)
			}
		}
		if strings.Contains(r.stderr, "KEY-7f3a") {
			t.Fatalf("the key is in the message: %q", r.stderr)
		}
	}
	if r := f.run(t, "", "snippet", "reports", "--format", "url"); r.code != 0 || !strings.HasSuffix(r.stdout, "?api-key=KEY-7f3a\n") {
		t.Fatalf("the usable form: %+v", r)
	}
}

// statusFixture has 12 connections: 3 need attention whatever the window
// (two expired, one not signed in), 3 expire within 7 days, 6 are fine.
func statusFixture(t *testing.T) *fixture {
	f := newFixture(t)
	long := strings.Repeat("x", 60) + "-key"
	for _, c := range []struct {
		name string
		days int // 0: no expiry
	}{{"gone-1", -3}, {"gone-2", -40}, {"soon-2", 2}, {"soon-4", 4}, {long, 6}, {"later-40", 40}, {"later-90", 90}, {"none-1", 0}, {"none-2", 0}, {"none-3", 0}, {"none-4", 0}} {
		req := auth.AddRequest{Name: c.name, Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k-" + c.name}
		if c.days != 0 {
			req.ExpiresAt = f.days(c.days)
		} else {
			req.Provider, req.Method, req.Params = "vend", catalog.KindToken, map[string]string{"domain_prefix": "shop"}
		}
		f.add(t, req)
	}
	f.add(t, auth.AddRequest{Name: "store", Provider: "vend", ClientID: "cid", Secret: "cs"})
	return f
}

// status uses the core's one rule with the configured warning window; the
// word agrees with the mark; every line fits in 100 columns; the command
// that fixes a problem is given once (issue 15.5).
func TestStatusUsesTheConfiguredWindow(t *testing.T) {
	f := statusFixture(t)
	r := f.run(t, "", "status")
	if r.code != 3 || !strings.Contains(r.stderr, "6 of 12 connections need attention") {
		t.Fatalf("default window: %+v", r)
	}
	marked := 0
	for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		if n := utf8.RuneCountInString(line); n > maxColumns {
			t.Errorf("%d columns: %q", n, line)
		}
		if strings.HasPrefix(line, "    ") {
			continue // advice under a row
		}
		fields := strings.Fields(line)
		switch {
		case strings.HasPrefix(line, "! "):
			marked++
			if strings.Contains(line, " ok ") {
				t.Errorf("marked but ok: %q", line)
			}
		case !strings.Contains(line, " ok "):
			t.Errorf("not marked but not ok: %q (%v)", line, fields)
		}
	}
	if marked != 6 {
		t.Errorf("%d rows marked, want 6:\n%s", marked, r.stdout)
	}
	if n := strings.Count(r.stdout, "authdeck replace soon-4 --secret-stdin"); n != 1 {
		t.Errorf("the remedy of soon-4 appears %d times:\n%s", n, r.stdout)
	}
	if n := strings.Count(r.stdout, "authdeck connect store"); n != 1 {
		t.Errorf("the remedy of store appears %d times:\n%s", n, r.stdout)
	}
	// The window set in the window's Settings reaches the command.
	if err := f.manager(t).Settings().SetExpiringWithin(3); err != nil {
		t.Fatal(err)
	}
	if r := f.run(t, "", "status"); r.code != 3 || !strings.Contains(r.stderr, "4 of 12") {
		t.Fatalf("a 3-day window: %+v", r)
	}
	if r := f.run(t, "", "status", "--within", "60d"); r.code != 3 || !strings.Contains(r.stderr, "7 of 12") {
		t.Fatalf("--within 60d: %+v", r)
	}
	var items []listItem
	r = f.run(t, "", "status", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &items); err != nil || len(items) != 12 {
		t.Fatalf("status --json: %v: %s", err, r.stdout)
	}
	for _, it := range items {
		if *it.Attention != it.Status.NeedsAttention() {
			t.Errorf("%s: attention %v, status %s", it.Name, *it.Attention, it.Status)
		}
	}
}

// replace keeps the name, owner, note and history; details sets the owner
// and note later; list and status JSON show them (issue 15.6).
func TestReplaceKeepsTheConnection(t *testing.T) {
	f := newFixture(t)
	if r := f.run(t, "KEY-1", "add", "reports", "--provider", "vinsight", "--method", "api-key", "--owner", "Ana", "--note", "nightly stock export", "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	before := f.listed(t)["reports"]
	if before.Owner != "Ana" || before.Note != "nightly stock export" {
		t.Fatalf("list --json: %+v", before)
	}
	f.clock.Advance(24 * time.Hour)
	if r := f.run(t, "KEY-2\n", "replace", "reports", "--secret-stdin", "--expires", "2027-12-31"); r.code != 0 || !strings.Contains(r.stderr, "Replaced the secret of reports") {
		t.Fatalf("replace: %+v", r)
	}
	after := f.listed(t)["reports"]
	if after.Owner != "Ana" || after.Note != before.Note || !after.CreatedAt.Equal(before.CreatedAt) ||
		auth.FormatDate(*after.ExpiresAt, time.Local) != "2027-12-31" {
		t.Fatalf("after replace: %+v", after)
	}
	if r := f.run(t, "", "token", "reports"); r.stdout != "KEY-2\n" {
		t.Fatalf("token after replace: %+v", r)
	}
	if r := f.run(t, "", "details", "reports", "--owner", "Support desk"); r.code != 0 || r.stdout != "owner: Support desk\nnote:  nightly stock export\n" {
		t.Fatalf("details: %+v", r)
	}
	r := f.run(t, "", "status", "--json")
	var items []listItem
	if err := json.Unmarshal([]byte(r.stdout), &items); err != nil || items[0].Owner != "Support desk" {
		t.Fatalf("status --json: %v %s", err, r.stdout)
	}
	if r := f.run(t, "KEY-3", "replace", "nope", "--secret-stdin"); r.code != 1 || !strings.Contains(r.stderr, `no connection called "nope"`) {
		t.Fatalf("replace of a missing connection: %+v", r)
	}
}

func (f *fixture) listed(t *testing.T) map[string]listItem {
	t.Helper()
	r := f.run(t, "", "list", "--json")
	var items []listItem
	if err := json.Unmarshal([]byte(r.stdout), &items); err != nil {
		t.Fatalf("list --json: %v: %s", err, r.stdout)
	}
	out := map[string]listItem{}
	for _, it := range items {
		out[it.Name] = it
	}
	return out
}

// status --ics writes a calendar that a real iCalendar parser reads back:
// one event per expiry, with a reminder when the warning window starts
// (issue 15.7).
func TestStatusWritesACalendar(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "reports", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k",
		Owner: "Ana, support; ops", ExpiresAt: f.days(200)})
	f.add(t, auth.AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "t"}) // no expiry: no event
	f.add(t, auth.AddRequest{Name: "store", Provider: "vend", ClientID: "c", Secret: "s"})                                                                // not signed in: no event
	path := filepath.Join(t.TempDir(), "expiry.ics")
	r := f.run(t, "", "status", "--ics", path)
	// store needs attention (exit 3); the calendar is written all the same.
	if r.code != 3 || !strings.Contains(r.stderr, "Wrote 1 expiry date to "+path) || !strings.Contains(r.stdout, "reports") {
		t.Fatalf("status --ics: %+v", r)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not iCalendar: %v\n%s", err, data)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events, want 1:\n%s", len(events), data)
	}
	ev := events[0]
	start, err := ev.GetStartAt()
	if err != nil || !start.Equal(*f.days(200)) {
		t.Fatalf("DTSTART %v (%v), want %v", start, err, *f.days(200))
	}
	if s := ev.GetProperty(ics.ComponentPropertySummary).Value; s != "reports (Vinsight) expires" {
		t.Errorf("summary %q", s)
	}
	desc := ev.GetProperty(ics.ComponentPropertyDescription).Value
	if !strings.Contains(desc, "Owner: Ana, support; ops.") || !strings.Contains(desc, "authdeck replace reports --secret-stdin") {
		t.Errorf("description %q", desc)
	}
	alarms := ev.Alarms()
	if len(alarms) != 1 || alarms[0].GetProperty(ics.ComponentPropertyTrigger).Value != "-P7D" {
		t.Fatalf("alarms %+v", alarms)
	}
	for _, line := range strings.Split(string(data), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
	}
	// The same connection keeps its UID; --within moves the reminder.
	r = f.run(t, "", "status", "--ics", "-", "--within", "30d")
	again, err := ics.ParseCalendar(strings.NewReader(r.stdout))
	if err != nil || len(again.Events()) != 1 {
		t.Fatalf("--ics -: %v\n%s", err, r.stdout)
	}
	if again.Events()[0].Id() != ev.Id() || again.Events()[0].Alarms()[0].GetProperty(ics.ComponentPropertyTrigger).Value != "-P30D" {
		t.Fatalf("uid %q vs %q, trigger %v", again.Events()[0].Id(), ev.Id(), again.Events()[0].Alarms()[0].GetProperty(ics.ComponentPropertyTrigger))
	}
}

// Without a display, authdeck alone says so in one line (issue 15.8).
func TestNoDisplayIsOneLine(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	var out, errOut bytes.Buffer
	code := Run(nil, Deps{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Options: auth.Options{ConfigDir: t.TempDir(), Secrets: secret.NewMemory()},
		OpenWindow: func() error { t.Fatal("the window was started without a display"); return nil }})
	if code != 1 || out.Len() != 0 || strings.Count(errOut.String(), "\n") != 1 ||
		!strings.HasPrefix(errOut.String(), "authdeck: no display was found") || !strings.Contains(errOut.String(), "every command works without one") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}

// With no connections, status says how to add one and needs no attention.
func TestStatusWithoutConnections(t *testing.T) {
	r := newFixture(t).run(t, "", "status")
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "No connections yet") {
		t.Fatalf("%+v", r)
	}
}

// --help documents the exit codes (issue 15.9).
func TestHelpDocumentsExitCodes(t *testing.T) {
	r := newFixture(t).run(t, "", "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "Exit codes: 0 done; 1 failed") || !strings.Contains(r.stdout, "2 the command line is wrong") || !strings.Contains(r.stdout, "3 a connection needs attention") {
		t.Fatalf("%+v", r)
	}
}

// Rough edges (issue 15.10): a mistyped name gets suggestions; a URL on
// another host than the provider's gets a warning.
func TestMistypedNameAndForeignHost(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"shop", "shops-eu", "reports"} {
		f.add(t, auth.AddRequest{Name: name, Provider: "vend", Method: catalog.KindToken, Secret: "t-" + name, Params: map[string]string{"domain_prefix": "myshop"}})
	}
	r := f.run(t, "", "header", "shp")
	if r.code != 1 || !strings.Contains(r.stderr, `there is no connection called "shp": did you mean shop?`) || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("mistyped: %+v", r)
	}
	if r := f.run(t, "", "remove", "zzzzzz"); strings.Contains(r.stderr, "did you mean") {
		t.Fatalf("a suggestion for a name like none: %+v", r)
	}
	r = f.run(t, "", "curl", "shop", "https://example.com/collect")
	if r.code != 0 || !strings.Contains(r.stderr, "authdeck: warning: example.com is not one of the hosts shop's credential is meant for (") ||
		!strings.Contains(r.stderr, "myshop.vendhq.com") || !strings.Contains(r.stdout, "| curl -sS -H @- ") {
		t.Fatalf("foreign host: %+v", r)
	}
	if r := f.run(t, "", "curl", "shop", "https://myshop.vendhq.com/api/2.0/products"); r.code != 0 || r.stderr != "" {
		t.Fatalf("the provider's own host: %+v", r)
	}
}

// A sign-in that gets no answer says so once, with the flag to wait longer.
func TestConnectTimeoutSaidOnce(t *testing.T) {
	f := newFixture(t)
	port := standin.FreePort(t)
	f.add(t, auth.AddRequest{Name: "store", Provider: "vend", ClientID: "cid", Secret: "cs", RedirectURI: "http://127.0.0.1:" + port + "/callback/vend"})
	r := f.run(t, "", "connect", "store", "--no-browser", "--timeout", "0.3")
	if r.code != 1 || !strings.Contains(r.stderr, "Redirect URI (register it with the provider)") {
		t.Fatalf("%+v", r)
	}
	last := r.stderr[strings.LastIndex(strings.TrimSuffix(r.stderr, "\n"), "\n")+1:]
	if last != "authdeck: no answer came back from the browser within 300ms: run authdeck connect store again (--timeout 10m waits longer)\n" {
		t.Fatalf("last line %q", last)
	}
	if strings.Count(r.stderr, "--timeout") != 1 || strings.Count(r.stderr, "again") != 1 {
		t.Fatalf("the advice is repeated: %q", r.stderr)
	}
}
