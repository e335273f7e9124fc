package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"authdeck/auth/secret"
)

// TestCompletionScripts checks cobra's completion command prints a script for
// each shell we document, and that the shell itself accepts it when present.
func TestCompletionScripts(t *testing.T) {
	cases := []struct {
		shell  string
		marker string   // a line only a script for this program has
		check  []string // the shell's own syntax check; the script path is appended
	}{
		{"bash", "__start_authdeck", []string{"bash", "-n"}},
		{"zsh", "#compdef authdeck", []string{"zsh", "-n"}},
		{"fish", "complete -c authdeck", []string{"fish", "--no-execute"}},
	}
	for _, tc := range cases {
		t.Run(tc.shell, func(t *testing.T) {
			dir := t.TempDir()
			r := run(t, dir, secret.NewMemory(), "", "completion", tc.shell)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("completion %s: exit %d, stderr %q", tc.shell, r.code, r.stderr)
			}
			if !strings.Contains(r.stdout, tc.marker) {
				t.Fatalf("completion %s: no %q in the script:\n%.400s", tc.shell, tc.marker, r.stdout)
			}
			if _, err := os.Stat(dir); err == nil {
				if entries, _ := os.ReadDir(dir); len(entries) > 0 {
					t.Errorf("printing a completion script wrote to the config folder: %v", entries)
				}
			}
			if _, err := exec.LookPath(tc.check[0]); err != nil {
				t.Logf("%s not installed: syntax not checked", tc.check[0])
				return
			}
			script := filepath.Join(t.TempDir(), "authdeck."+tc.shell)
			if err := os.WriteFile(script, []byte(r.stdout), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(tc.check[0], append(tc.check[1:], script)...).CombinedOutput(); err != nil {
				t.Fatalf("%s rejects the script: %v\n%s", tc.shell, err, out)
			}
		})
	}
}

// TestDynamicCompletion drives cobra's hidden __complete command, which is
// what the shell scripts call on Tab.
func TestDynamicCompletion(t *testing.T) {
	dir := t.TempDir()
	secrets := secret.NewMemory()
	for _, name := range []string{"shop", "reports"} {
		if r := run(t, dir, secrets, "tok-"+name, "add", name, "--provider", "sandbox", "--method", "token", "--secret-stdin"); r.code != 0 {
			t.Fatalf("add %s: exit %d: %s", name, r.code, r.stderr)
		}
	}
	provider := `{"id":"acme","name":"Acme","methods":[{"kind":"token","label":"Paste a token","apply":{"header":"Authorization","scheme":"Bearer"}}]}`
	if err := os.MkdirAll(filepath.Join(dir, "providers.d"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "providers.d", "acme.json"), []byte(provider), 0o600); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		args    []string
		want    []string // completions, in order, without descriptions
		wantAll []string // present among the completions
	}{
		{args: []string{"header", ""}, want: []string{"reports", "shop"}},
		{args: []string{"connect", "sh"}, wantAll: []string{"shop"}},
		{args: []string{"curl", "shop", ""}, want: nil},
		{args: []string{"expires", "shop", ""}, want: []string{"none"}},
		{args: []string{"replace", ""}, want: []string{"reports", "shop"}},
		{args: []string{"details", "re"}, wantAll: []string{"reports"}},
		{args: []string{"token", "shop", ""}, want: nil},
		{args: []string{"providers", "show", "vend", ""}, want: nil},
		{args: []string{"remove", "shop", ""}, want: nil},
		{args: []string{"add", "new", "--provider", ""}, want: []string{"vinsight", "vinli", "vend", "vcita", "sandbox", "acme"}},
		{args: []string{"add", "new", "--provider", "vend", "--method", ""}, want: []string{"oauth", "token"}},
		{args: []string{"add", "new", "--method", ""}, want: []string{"oauth", "implicit", "basic", "api-key", "token", "session"}},
		{args: []string{"providers", "show", ""}, wantAll: []string{"vend", "acme"}},
		{args: []string{"snippet", "shop", "--format", ""}, wantAll: []string{"curl", "httpie", "powershell", "env"}},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := run(t, dir, secrets, "", append([]string{"__complete"}, tc.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			got, directive := parseCompletions(r.stdout)
			if directive != ":4" { // ShellCompDirectiveNoFileComp: never offer file names
				t.Errorf("directive %q, want :4 (no file completion)", directive)
			}
			if tc.wantAll != nil {
				for _, w := range tc.wantAll {
					if !contains(got, w) {
						t.Errorf("completions %q lack %q", got, w)
					}
				}
				return
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("completions %q, want %q", got, tc.want)
			}
		})
	}
}

// parseCompletions splits __complete output into values (descriptions cut
// off) and the final ":N" directive line.
func parseCompletions(out string) (values []string, directive string) {
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, ":") {
			directive = line
			continue
		}
		value, _, _ := strings.Cut(line, "\t")
		values = append(values, value)
	}
	return values, directive
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
