package render

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"authdeck/auth/catalog"
)

// TestCurlSnippetWithRealCurl pastes curl snippets into each real shell
// with the real curl and checks what a server receives: the credential
// exactly (given on curl's standard input), -sS, and the options passed
// through after the URL.
func TestCurlSnippetWithRealCurl(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("AUTHDECK_REQUIRE_READERS") == "1" {
			t.Fatal("curl is required (make test installs it)")
		}
		t.Skip("no curl")
	}
	type got struct{ method, header, key, body string }
	var mu sync.Mutex
	var seen []got
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, got{r.Method, r.Header.Get("X-Access"), r.URL.Query().Get("api-key"), string(body)})
		mu.Unlock()
	}))
	defer srv.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "body.json"), []byte(`{"a":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tokens := []string{"plain", "it's", `x\'; echo PWNED #`, `a\\b`, "$(touch pwned)", "tok.${HOME}", "é€😀", "a b", "-H", "@/etc/passwd"}
	for _, shell := range shells(t) {
		for _, apply := range []catalog.Apply{{Header: "X-Access"}, {Query: "api-key"}} {
			mu.Lock()
			seen = nil
			mu.Unlock()
			var script strings.Builder
			for _, tok := range tokens {
				cmd, err := Curl(FromMethod(apply, tok, ""), srv.URL+"/me", []string{"-X", "POST", "-d", "@body.json"})
				if err != nil {
					t.Fatalf("%q: %v", tok, err)
				}
				script.WriteString(cmd + "\n")
			}
			c := exec.Command(shell, "-c", script.String())
			c.Dir = dir
			c.Env = []string{"PATH=/usr/bin:/bin", "HOME=/nonexistent"}
			var out bytes.Buffer
			c.Stdout, c.Stderr = &out, &out
			if err := c.Run(); err != nil || out.Len() > 0 {
				t.Fatalf("%s: %v: %s", shell, err, out.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
				t.Fatalf("%s ran an injected command", shell)
			}
			// curl's exit is no edge the race detector sees: take the
			// handler's lock before reading what it recorded.
			mu.Lock()
			seen := slices.Clone(seen)
			mu.Unlock()
			if len(seen) != len(tokens) {
				t.Fatalf("%s %+v: the server saw %d requests, want %d", shell, apply, len(seen), len(tokens))
			}
			for i, tok := range tokens {
				g, v := seen[i], seen[i].header
				if apply.Query != "" {
					v = g.key
				}
				if v != tok || g.method != "POST" || g.body != `{"a":1}` {
					t.Errorf("%s %+v: the server got %+v, want the credential %q, POST and the body", filepath.Base(shell), apply, g, tok)
				}
			}
		}
	}
}

// The line that carries the credential starts no process: printf is a
// builtin of every shell the curl snippet is for, so the credential is in
// no process's arguments (ps, /proc/PID/cmdline).
func TestPrintfIsABuiltin(t *testing.T) {
	for _, shell := range shells(t) {
		probe := "type printf"
		if isFish(shell) {
			probe = "builtin -n | grep -qx printf && echo builtin"
		}
		out, err := exec.Command(shell, "-c", probe).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "builtin") {
			t.Errorf("%s: printf is not a builtin: %s %v", shell, out, err)
		}
	}
}

func TestCurlArgsNeverReadStdin(t *testing.T) {
	c := FromMethod(catalog.Apply{Header: "X-Access"}, "t", "")
	for _, args := range [][]string{{"-d", "@-"}, {"--data-binary", "@-"}, {"-T", "-"}, {"-T-"}, {"-K", "x"}, {"-d", "a\nb"}} {
		if s, err := Curl(c, "https://a.example/", args); err == nil {
			t.Errorf("%q: accepted: %s", args, s)
		}
	}
	s, err := Curl(c, "https://a.example/", []string{"-X", "POST", "-d", "@body.json", "it's"})
	if err != nil || !strings.HasSuffix(s, ` 'https://a.example/' '-X' 'POST' '-d' '@body.json' 'it'\''s'`) {
		t.Errorf("got %q, %v", s, err)
	}
}

// Curl is the curl snippet for target with args added after the URL, each
// one word (`-X POST -d @body.json`), as the command line builds it.
func Curl(c Credential, target string, args []string) (string, error) {
	s, err := Render(FormatCurl, c, target)
	if err != nil {
		return "", err
	}
	return AppendCurlArgs(s, args)
}
