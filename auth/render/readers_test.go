package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"authdeck/auth/catalog"
)

// dotenvHostile are values built against dotenv readers: expansions that
// would send the person's other secrets along, comments, quotes that make
// a variable vanish or keep its quotes, escapes, spaces.
var dotenvHostile = []string{
	"tok.${AWS_SECRET_ACCESS_KEY}", "${HOME}", "$HOME", "a$b", "a#b", "a #b", "#a",
	"'quoted'", `"quoted"`, "`cmd`", "x'y", `x"y`, "it's", "'", `\n`, `a\nb`, `a\`, " lead", "trail ",
	"=x", "a=b", "export", "a b", "x'", `a"b"`, "x`", "a #", "a=#", "a\tb", "ASP.NET_SessionId=x1y2; .ASPXAUTH=AB12", "k3y/+ =&x",
	"é€😀", "\xff", "eyJ0eXAiOiJ.3HgH3Yxsau2UE7k", "Yzg3ZDViZTAtMmU2OS0xMWU0LThjMjEtMDgwMDIwMGM5YTY2OkhLTEZGb1NJTGI4VkhGSkQ=",
}

// dotenvReader is one program that reads .env files, run on a file; it
// returns the variables it read.
type dotenvReader struct {
	name string
	cmd  func(file string) *exec.Cmd
}

// dotenvReaders finds python-dotenv and Node's dotenv (make deps-dotenv);
// both are required when make test says so (AUTHDECK_REQUIRE_READERS).
// docker's --env-file reader runs inside the docker command, which needs
// a daemon: it is not here, so its rule (no quoting at all) is held by
// dotenvSafe's table, not by docker itself.
func dotenvReaders(t *testing.T) []dotenvReader {
	t.Helper()
	required := os.Getenv("AUTHDECK_REQUIRE_READERS") == "1"
	dir, _ := filepath.Abs(filepath.Join("testdata", "dotenv"))
	var found []dotenvReader
	if err := exec.Command("python3", "-c", "import dotenv").Run(); err == nil {
		found = append(found, dotenvReader{"python-dotenv", func(file string) *exec.Cmd {
			return exec.Command("python3", filepath.Join(dir, "read.py"), file)
		}})
	} else if required {
		t.Fatalf("python-dotenv is required (pip install python-dotenv): %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "dotenv")); err == nil {
		found = append(found, dotenvReader{"node-dotenv", func(file string) *exec.Cmd {
			return exec.Command("node", filepath.Join(dir, "read.cjs"), file)
		}})
	} else if required {
		t.Fatalf("Node's dotenv is required: install it with `make deps-dotenv` (%v)", err)
	}
	if len(found) == 0 {
		t.Skip("neither python-dotenv nor Node's dotenv is installed: run `make deps-dotenv`")
	}
	return found
}

// TestDotenvThroughRealReaders writes one .env file of every hostile value
// the dotenv format accepts and has each real reader read it: every
// variable comes back exactly, nothing is expanded. What it refuses, it
// refuses with DotenvRefused.
func TestDotenvThroughRealReaders(t *testing.T) {
	var file strings.Builder
	want := map[string]string{}
	for i, v := range append(append([]string(nil), dotenvHostile...), hostile...) {
		name := fmt.Sprintf("V%d_TOKEN", i)
		line, err := Render(FormatDotenv, FromMethod(catalog.Apply{Header: "X-Access"}, v, name), "")
		if err != nil {
			var refused *DotenvRefused
			if !errors.As(err, &refused) && !strings.Contains(err.Error(), "control character") {
				t.Errorf("%q: refused for an unexpected reason: %v", v, err)
			}
			if strings.Contains(err.Error(), v) && len(v) > 3 {
				t.Errorf("%q: the refusal shows the value: %v", v, err)
			}
			continue
		}
		file.WriteString(line + "\n")
		want[name] = v
	}
	for _, must := range []string{"eyJ0eXAiOiJ.3HgH3Yxsau2UE7k", "ASP.NET_SessionId=x1y2; .ASPXAUTH=AB12", "k3y/+ =&x", "é€😀"} {
		found := false
		for _, v := range want {
			found = found || v == must
		}
		if !found {
			t.Errorf("an ordinary value %q was refused", must)
		}
	}
	path := filepath.Join(t.TempDir(), "creds.env")
	if err := os.WriteFile(path, []byte(file.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, r := range dotenvReaders(t) {
		cmd := r.cmd(path)
		cmd.Env = append(os.Environ(), "AWS_SECRET_ACCESS_KEY=LEAKED", "HOME=/LEAKED")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v: %s", r.name, err, stderr.String())
		}
		var got map[string]string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s: %v: %s", r.name, err, out)
		}
		for name, v := range want {
			if got[name] != v {
				t.Errorf("%s reads %s as %q, want %q", r.name, name, got[name], v)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s read %d variables, want %d", r.name, len(got), len(want))
		}
		if bytes.Contains(out, []byte("LEAKED")) {
			t.Errorf("%s expanded another variable into a value: %s", r.name, out)
		}
	}
}

// TestEnvLineReadByDotenvLeaks documents why env is for shells only: the
// env format read by python-dotenv expands ${VAR} inside its single quotes
// (the finding of issue 20 §3; python-dotenv 1.2.2 does).
func TestEnvLineReadByDotenvLeaks(t *testing.T) {
	readers := dotenvReaders(t)
	line, err := Render(FormatEnv, FromMethod(catalog.Apply{Header: "X-Access"}, "tok.${AWS_SECRET_ACCESS_KEY}", "T_TOKEN"), "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "shell.env")
	if err := os.WriteFile(path, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, r := range readers {
		if r.name != "python-dotenv" {
			continue
		}
		cmd := r.cmd(path)
		cmd.Env = append(os.Environ(), "AWS_SECRET_ACCESS_KEY=LEAKED")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("python-dotenv: %v", err)
		}
		if !bytes.Contains(out, []byte("tok.LEAKED")) {
			// Another python-dotenv version (Debian's, say) may not expand
			// there; the dotenv format refuses $ for every version anyway.
			t.Skipf("this python-dotenv does not expand inside single quotes (%s)", out)
		}
	}
}
