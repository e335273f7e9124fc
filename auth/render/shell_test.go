package render

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// hostile are tokens built to break out of quoting. Each one must reach
// curl byte for byte, and none may run a command (they would create the
// file "pwned").
var hostile = []string{
	"plain", "it's", "'", "''", "'\\''", "\\'", `"`, `"$(touch pwned)"`, "$(touch pwned)",
	"`touch pwned`", "; touch pwned", "| touch pwned", "&& touch pwned", "& touch pwned &",
	"'; touch pwned; echo '", "\\'; touch pwned; '", ">pwned", "2>pwned", "<pwned",
	"a b  c ", " lead", `\`, `\\`, `a\`, "*", "?", "[a]", "{a,b}", "}{", "~", "~root",
	"#x", "!!", "!$", "!-1", "${IFS}", "$HOME", "$PWNED", "%1", "=ls", "^x^y",
	"é€😀", "\xff\xfe", "\u2018\u2019\u201a\u201b", "\u202eevil", "-H", "--next", "-K/etc/passwd",
	"@/etc/passwd", "=abc", "@abc", ":abc", ";abc", "a:b;c@d=e", `x\=y`, `x\\=y`, `\@x`,
}

// shells lists the shells on this machine to paste into: sh is required,
// and every one of them when make test says so (AUTHDECK_REQUIRE_READERS).
func shells(t *testing.T, names ...string) []string {
	t.Helper()
	if len(names) == 0 {
		names = []string{"sh", "bash", "zsh", "fish"}
	}
	var found []string
	for _, sh := range names {
		if p, err := exec.LookPath(sh); err == nil {
			found = append(found, p)
		} else if sh == "sh" || os.Getenv("AUTHDECK_REQUIRE_READERS") == "1" {
			t.Fatalf("no %s on PATH (make test installs it)", sh)
		} else {
			t.Logf("no %s on PATH: not tested", sh)
		}
	}
	return found
}

func isFish(shell string) bool { return filepath.Base(shell) == "fish" }

// sourceAndUse is the line that reads an env file into a shell and hands
// the variable to the recorder.
func sourceAndUse(shell, name, file string) string {
	if isFish(shell) {
		return fmt.Sprintf(`set -e %s; source ./%s && curl "$%s"`, name, file, name)
	}
	return fmt.Sprintf(`unset %s; . ./%s && curl "$%s"`, name, file, name)
}

// recorder puts stand-in curl and http commands on a PATH: each writes its
// arguments NUL-separated to $REC, and what it read on standard input to
// $REC.in.
func recorder(t *testing.T) (binDir string) {
	t.Helper()
	binDir = t.TempDir()
	script := "#!/bin/sh\nfor a; do printf '%s\\000' \"$a\"; done > \"$REC\"; cat > \"$REC.in\"\n"
	for _, name := range []string{"curl", "http"} {
		if err := os.WriteFile(filepath.Join(binDir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return binDir
}

// runScript runs the commands in one shell process, each recording into
// its own file, and returns the arguments each stand-in received. One
// process per batch keeps hundreds of cases fast; a command that broke out
// of its quoting would still show, as wrong arguments or as "pwned".
func runScript(t *testing.T, shell, binDir, dir string, commands []string) [][]string {
	t.Helper()
	recDir := t.TempDir()
	var script strings.Builder
	for i, c := range commands {
		fmt.Fprintf(&script, "export REC=%s/%d\n%s\n", recDir, i, c)
	}
	cmd := exec.Command(shell, "-c", script.String())
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + binDir + ":/usr/bin:/bin", "HOME=/nonexistent", "PWNED=injected"}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil || errb.Len() > 0 {
		t.Fatalf("%s: %v; stderr: %s", shell, err, errb.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Fatalf("%s ran an injected command", shell)
	}
	out := make([][]string, len(commands))
	for i := range commands {
		data, err := os.ReadFile(filepath.Join(recDir, strconv.Itoa(i)))
		if err != nil {
			t.Fatalf("%s: command %d (%q) recorded nothing: %v", shell, i, commands[i], err)
		}
		out[i] = strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
		if stdin, _ := os.ReadFile(filepath.Join(recDir, strconv.Itoa(i)+".in")); len(stdin) > 0 {
			out[i] = append(out[i], "<stdin>", string(stdin))
		}
	}
	return out
}

func TestHostileTokensThroughRealShells(t *testing.T) {
	binDir := recorder(t)
	dir := t.TempDir()
	const url0 = "https://app.vinsight.net/LoginContexts/Current.json?accept-types=json"
	for _, shell := range shells(t) {
		for _, m := range methods {
			t.Run(filepath.Base(shell)+"/"+m.name, func(t *testing.T) {
				type check func(args []string)
				var commands []string
				var checks []check
				for i, token := range hostile {
					c := FromMethod(m.apply, token, m.env)
					name := fmt.Sprintf("%q", token)

					// curl: the header argument, or the URL's key, is the token byte for byte.
					cmd, err := Render(FormatCurl, c, url0)
					if err != nil {
						t.Fatalf("%s: curl: %v", name, err)
					}
					commands = append(commands, cmd)
					checks = append(checks, func(args []string) {
						// The credential arrives on standard input, never in the arguments.
						if c.Query != "" {
							want := []string{"-sS", "-K", "-", "<stdin>"}
							if len(args) != 5 || strings.Join(args[:4], "\x00") != strings.Join(want, "\x00") {
								t.Errorf("%s: curl received %q, want %q and the config", name, args, want)
								return
							}
							checkKeyURL(t, name+" curl", []string{curlConfigURL(t, args[4])}, url0, c.Query, token)
							return
						}
						want := []string{"-sS", "-H", "@-", url0, "<stdin>", c.Header + ": " + c.Value + "\n"}
						if strings.Join(args, "\x00") != strings.Join(want, "\x00") {
							t.Errorf("%s: curl received %q, want %q", name, args, want)
						}
					})

					// HTTPie: the item it parses back names the header and carries the value.
					// HTTPie and env share their code across methods: checking them for
					// three and one methods keeps the process count (and time) down.
					// (basic and cookie take the same path as bearer and x-access.)
					cmd, err = Render(FormatHTTPie, c, url0)
					httpie := m.name != "basic" && m.name != "cookie"
					if httpie && err != nil {
						if !strings.Contains(err.Error(), "curl can") {
							t.Errorf("%s: httpie: %v", name, err)
						}
					} else if httpie {
						commands = append(commands, cmd)
						checks = append(checks, func(args []string) {
							if len(args) < 2 || args[0] != "GET" {
								t.Errorf("%s: http received %q", name, args)
								return
							}
							if c.Query != "" {
								checkKeyURL(t, name+" http", args[1:], url0, c.Query, token)
								return
							}
							if len(args) != 3 || args[1] != url0 {
								t.Errorf("%s: http received %q", name, args)
								return
							}
							key, sep, value, err := httpieItem(args[2])
							if err != nil || key != c.Header || sep != ":" || value != c.Value {
								t.Errorf("%s: HTTPie reads %q %q %q (%v), want %q : %q", name, key, sep, value, err, c.Header, c.Value)
							}
						})
					}

					// env: sourcing the line sets the variable to the secret.
					if m.name != "x-access" {
						continue
					}
					line, err := Render(FormatEnv, c, "")
					if err != nil {
						t.Fatalf("%s: env: %v", name, err)
					}
					file := fmt.Sprintf("creds%d.env", i)
					if err := os.WriteFile(filepath.Join(dir, file), []byte(line+"\n"), 0o600); err != nil {
						t.Fatal(err)
					}
					commands = append(commands, sourceAndUse(shell, m.env, file))
					checks = append(checks, func(args []string) {
						if len(args) != 1 || args[0] != token {
							t.Errorf("%s: env sets %q, want %q", name, args, token)
						}
					})
				}
				for i, args := range runScript(t, shell, binDir, dir, commands) {
					checks[i](args)
				}
			})
		}
	}
}

func checkKeyURL(t *testing.T, name string, args []string, base, param, token string) {
	t.Helper()
	if len(args) != 1 {
		t.Errorf("%s: received %q, want one URL", name, args)
		return
	}
	u, err := url.Parse(args[0])
	if err != nil {
		t.Errorf("%s: %q is not a URL: %v", name, args[0], err)
		return
	}
	q := u.Query()
	if v := q[param]; len(v) != 1 || v[0] != token {
		t.Errorf("%s: the URL carries %s=%q, want %q", name, param, v, token)
	}
	if !strings.HasPrefix(args[0], base+"&") {
		t.Errorf("%s: the URL %q does not keep %q", name, args[0], base)
	}
}

// TestShellWordsMatchesSh checks the fuzz test's parser against real
// shells: whatever it accepts, sh (and bash, zsh) split the same way.
func TestShellWordsMatchesSh(t *testing.T) {
	inputs := []string{
		"a b", "a  'b c'", `'a'\''b'`, `\'`, `\\`, `a\ b`, "''", "'' ''", "x''y", "'$(x)'",
		"@foo", "a,b+c:d/e.f_g-h", `'a\'`, "'\n'", "'a\tb'", `\-`, "'\xff'", "'é'",
	}
	for _, tok := range hostile {
		inputs = append(inputs, shQuote(tok), "x"+shQuote(tok)+"y", shQuote(tok)+" "+shQuote(tok))
	}
	binDir := recorder(t)
	dir := t.TempDir()
	// fish reads a backslash inside single quotes differently, on purpose
	// not in shellWords' subset: TestHostileTokensThroughRealShells holds
	// the snippets themselves to fish.
	for _, shell := range shells(t, "sh", "bash", "zsh") {
		for _, in := range inputs {
			if _, err := shellWords(in); err != nil {
				t.Fatalf("shellWords(%q): %v", in, err)
			}
		}
		var commands []string
		for _, in := range inputs {
			commands = append(commands, "curl "+in)
		}
		for i, got := range runScript(t, shell, binDir, dir, commands) {
			want, _ := shellWords(inputs[i])
			if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
				t.Errorf("%s splits %q into %q; shellWords says %q", shell, inputs[i], got, want)
			}
		}
	}
	// What it refuses, a shell would treat specially.
	for _, in := range []string{"$x", "a;b", "a|b", "a&b", "*", "a?", "[a]", "~", "#c", "!!", `"a"`, "`a`", "a>b", "(a)", "{a,b}", "=a", "%1", "a\tb", "a\nb", "'open", "a\\\nb", `a\`} {
		if words, err := shellWords(in); err == nil {
			t.Errorf("shellWords(%q) = %q, want an error", in, words)
		}
	}
}

func TestRenderedSnippetsParseStrictly(t *testing.T) {
	// Every rendered shell snippet stays inside the strict subset shellWords
	// accepts, so nothing in it is left for a shell to interpret.
	for _, m := range methods {
		for _, token := range hostile {
			c := FromMethod(m.apply, token, m.env)
			for _, f := range []Format{FormatCurl, FormatHTTPie} {
				s, err := Render(f, c, target)
				if err != nil {
					continue
				}
				if _, err := shellPipeline(s); err != nil {
					t.Errorf("%s %s %q: %q: %v", m.name, f, token, s, err)
				}
			}
			line, err := Render(FormatEnv, c, "")
			if err != nil {
				t.Fatal(err)
			}
			name, value, _ := strings.Cut(strings.TrimPrefix(line, "export "), "=")
			if words, err := shellWords(value); err != nil || len(words) != 1 || words[0] != token || name != m.env {
				t.Errorf("env %q: %q %v", token, words, err)
			}
		}
	}
}

// shellPipeline splits a snippet at its unquoted " | " into commands, each
// read with shellWords: the one pipe the curl snippet uses.
func shellPipeline(s string) ([][]string, error) {
	var parts []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\'':
			quoted = !quoted
		case s[i] == '\\' && !quoted:
			i++
		case !quoted && strings.HasPrefix(s[i:], " | "):
			parts = append(parts, s[start:i])
			start = i + 3
			i += 2
		}
	}
	parts = append(parts, s[start:])
	var out [][]string
	for _, p := range parts {
		words, err := shellWords(p)
		if err != nil {
			return nil, err
		}
		out = append(out, words)
	}
	return out, nil
}

// curlConfigURL reads back the `url = "…"` line curl's -K - receives.
func curlConfigURL(t *testing.T, config string) string {
	t.Helper()
	v, ok := strings.CutPrefix(strings.TrimSuffix(config, "\n"), "url = \"")
	if !ok || !strings.HasSuffix(v, `"`) {
		t.Fatalf("curl config %q is not one url line", config)
	}
	return strings.NewReplacer(`\\`, `\`, `\"`, `"`).Replace(strings.TrimSuffix(v, `"`))
}
