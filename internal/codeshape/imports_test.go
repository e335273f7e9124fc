package codeshape

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The map's table "What may import what" (docs/ARCHITECTURE.md) is the
// rule: this test reads the table itself and checks every package of the
// module against it with `go list`, so the map and the code cannot drift
// apart without the test failing.

// importRule is one row of the table.
type importRule struct {
	line  int
	pkg   string   // a pattern: `x` (x only), `x/...` (x and below), `x/*` (below x only)
	may   []string // allowed direct imports; empty: no limit beyond the others
	std   bool     // the standard library is allowed too
	never []string // never imported directly
	deps  []string // never depended on, directly or through others
}

var ticked = regexp.MustCompile("`([^`]+)`")

// importTable parses the table under "## What may import what".
func importTable(t *testing.T) []importRule {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join(root, "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	var rules []importRule
	in := false
	sc := bufio.NewScanner(bytes.NewReader(doc))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			in = line == "## What may import what"
		case in && strings.HasPrefix(line, "| `"):
			cells := strings.Split(strings.Trim(line, "|"), "|")
			if len(cells) != 4 {
				t.Fatalf("ARCHITECTURE.md:%d: an import rule has 4 cells (package, may import, never imports, never depends on): %q", n, line)
			}
			r := importRule{line: n, pkg: ticks(cells[0])[0], may: ticks(cells[1]), never: ticks(cells[2]), deps: ticks(cells[3])}
			r.std = strings.Contains(cells[1], "the standard library")
			rules = append(rules, r)
		}
	}
	if len(rules) < 3 {
		t.Fatalf("found %d import rules in docs/ARCHITECTURE.md: the check would pass on nothing", len(rules))
	}
	return rules
}

func ticks(cell string) []string {
	var out []string
	for _, m := range ticked.FindAllStringSubmatch(cell, -1) {
		out = append(out, m[1])
	}
	return out
}

// matches says whether path fits a pattern of the table.
func matches(pattern, path string) bool {
	switch {
	case strings.HasSuffix(pattern, "/..."):
		base := strings.TrimSuffix(pattern, "/...")
		return path == base || strings.HasPrefix(path, base+"/")
	case strings.HasSuffix(pattern, "/*"):
		return strings.HasPrefix(path, strings.TrimSuffix(pattern, "*"))
	}
	return path == pattern
}

func anyMatch(patterns []string, path string) bool {
	for _, p := range patterns {
		if matches(p, path) {
			return true
		}
	}
	return false
}

// standard says whether path is in the standard library: its first element
// has no dot, and it is not this module's.
func standard(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && first != "authdeck"
}

type listed struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// packages lists the module's packages with what they import, as the
// program is built (test files do not count).
func packages(t *testing.T) []listed {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-tags", "migrated_fynedo", "-json=ImportPath,Imports,Deps", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestImportsFollowTheMap(t *testing.T) {
	rules := importTable(t)
	checked := map[string]bool{}
	for _, p := range packages(t) {
		for _, r := range rules {
			if !matches(r.pkg, p.ImportPath) {
				continue
			}
			checked[r.pkg] = true
			for _, imp := range p.Imports {
				allowed := len(r.may) == 0 || anyMatch(r.may, imp) || (r.std && standard(imp))
				if !allowed || anyMatch(r.never, imp) {
					t.Errorf("%s imports %s: docs/ARCHITECTURE.md:%d does not allow it (change the code, or the map with a reason)", p.ImportPath, imp, r.line)
				}
			}
			for _, dep := range p.Deps {
				if anyMatch(r.deps, dep) {
					t.Errorf("%s depends on %s: docs/ARCHITECTURE.md:%d forbids it", p.ImportPath, dep, r.line)
				}
			}
		}
	}
	for _, r := range rules {
		if !checked[r.pkg] {
			t.Errorf("docs/ARCHITECTURE.md:%d: the rule for %s matches no package", r.line, r.pkg)
		}
	}
}

// A forbidden import is caught: the rule reader and matcher are not
// vacuous.
func TestImportRulesCatchAViolation(t *testing.T) {
	r := importRule{pkg: "authdeck/ui", may: []string{"authdeck/auth", "fyne.io/..."}, std: true, never: []string{"net/http"}}
	for imp, ok := range map[string]bool{"fmt": true, "fyne.io/fyne/v2/widget": true, "authdeck/auth": true,
		"net/http": false, "authdeck/auth/oauth": false, "github.com/zalando/go-keyring": false} {
		allowed := (anyMatch(r.may, imp) || (r.std && standard(imp))) && !anyMatch(r.never, imp)
		if allowed != ok {
			t.Errorf("%s: allowed = %v, want %v", imp, allowed, ok)
		}
	}
	if !matches("authdeck/auth/*", "authdeck/auth/oauth") || matches("authdeck/auth/*", "authdeck/auth") {
		t.Error("x/* must match only what is below x")
	}
}

// Every file the map names exists: a concern that moved moves its line.
func TestMapNamesRealFiles(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(root, "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, m := range regexp.MustCompile(`\b((?:auth|ui|cli|internal)/[a-z0-9_/]+\.go)\b`).FindAllStringSubmatch(string(doc), -1) {
		seen++
		if _, err := os.Stat(filepath.Join(root, m[1])); err != nil {
			t.Errorf("docs/ARCHITECTURE.md names %s, which does not exist", m[1])
		}
	}
	if seen < 10 {
		t.Fatalf("the map names only %d files: the check is not reading it", seen)
	}
}
