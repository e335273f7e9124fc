// Package codeshape holds tests that keep the code in the shape the
// architecture asks for (docs/ARCHITECTURE.md): short functions in the core
// and the window, no boolean switches in the service's methods, no deeply
// nested closures in the commands. They read the source; they run nothing.
package codeshape

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// maxFuncLines is the longest a function in auth/ or ui/ may be.
const maxFuncLines = 60

// maxClosureDepth is how deeply function literals may nest in cli/.
const maxClosureDepth = 3

// root is the module's top folder, two levels above this package.
const root = "../.."

type file struct {
	path string
	fset *token.FileSet
	ast  *ast.File
}

// sources parses the non-test Go files under dir.
func sources(t *testing.T, dir string) []file {
	t.Helper()
	var out []file
	err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		out = append(out, file{path: path, fset: fset, ast: f})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no Go files under %s: the check would pass on nothing", dir)
	}
	return out
}

func TestFunctionsAreShort(t *testing.T) {
	for _, dir := range []string{"auth", "ui"} {
		for _, f := range sources(t, dir) {
			for _, decl := range f.ast.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Body == nil {
					continue
				}
				start, end := f.fset.Position(fn.Pos()).Line, f.fset.Position(fn.End()).Line
				if n := end - start + 1; n > maxFuncLines {
					t.Errorf("%s:%d: %s is %d lines long (at most %d)", rel(f.path), start, fn.Name.Name, n, maxFuncLines)
				}
			}
		}
	}
}

func TestManagerMethodsTakeNoBool(t *testing.T) {
	seen := 0
	for _, f := range sources(t, "auth") {
		if filepath.Dir(f.path) != filepath.Join(root, "auth") {
			continue
		}
		for _, decl := range f.ast.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !isManager(fn.Recv.List[0].Type) {
				continue
			}
			seen++
			for _, p := range fn.Type.Params.List {
				if id, ok := p.Type.(*ast.Ident); ok && id.Name == "bool" {
					t.Errorf("%s:%d: Manager.%s takes a bool: give each case an operation of its own", rel(f.path), f.fset.Position(fn.Pos()).Line, fn.Name.Name)
				}
			}
		}
	}
	if seen < 10 {
		t.Fatalf("found only %d Manager methods: the check is not reading the core", seen)
	}
}

func isManager(e ast.Expr) bool {
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "Manager"
}

func TestCommandClosuresAreShallow(t *testing.T) {
	for _, f := range sources(t, "cli") {
		ast.Inspect(f.ast, func(n ast.Node) bool {
			lit, ok := n.(*ast.FuncLit)
			if !ok {
				return true
			}
			if d := depth(f.ast, lit); d > maxClosureDepth {
				t.Errorf("%s:%d: a function literal nested %d deep (at most %d)", rel(f.path), f.fset.Position(lit.Pos()).Line, d, maxClosureDepth)
			}
			return true
		})
	}
}

// depth counts the function literals enclosing lit, itself included.
func depth(file *ast.File, lit *ast.FuncLit) int {
	d := 0
	var path []ast.Node
	ast.Inspect(file, func(n ast.Node) bool {
		if n == nil {
			path = path[:len(path)-1]
			return false
		}
		path = append(path, n)
		if n == lit {
			for _, p := range path {
				if _, ok := p.(*ast.FuncLit); ok {
					d++
				}
			}
		}
		return true
	})
	return d
}

func rel(path string) string {
	if r, err := filepath.Rel(root, path); err == nil {
		return r
	}
	return path
}

func TestMain(m *testing.M) {
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		panic("codeshape must run from internal/codeshape: " + err.Error())
	}
	os.Exit(m.Run())
}

// cliWords matches a command-line flag or an authdeck command in a string.
var cliWords = regexp.MustCompile(`--(param|timeout|secret-stdin|client-id|user|scopes|expires|provider|method|redirect-uri|owner|note|within|format|json|no-browser|from-issuer|require-valid)\b|\bauthdeck (add|connect|remove|list|status|header|refresh|check|expires|replace|providers|curl|token|snippet|sandbox|window|…)`)

// The core speaks in types and plain words; only cli/ names flags and
// commands, so the window never shows them.
func TestCoreNamesNoCommandLine(t *testing.T) {
	for _, f := range sources(t, "auth") {
		if strings.Contains(f.path, filepath.Join("auth", "render")) {
			continue // it writes command lines (curl, HTTPie) by design
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if ok && lit.Kind == token.STRING && cliWords.MatchString(lit.Value) {
				t.Errorf("%s:%d: %s names the command line: return a typed error and let each front end word it", rel(f.path), f.fset.Position(lit.Pos()).Line, lit.Value)
			}
			return true
		})
	}
}

// Every exported method of the service and its parts that can fail leaves
// through the one edge:
// its first statement is `defer classify(&err)`, so what reaches a front
// end is an *auth.Error with a Kind.
func TestManagerMethodsClassifyTheirErrors(t *testing.T) {
	seen := 0
	for _, f := range sources(t, "auth") {
		if filepath.Dir(f.path) != filepath.Join(root, "auth") {
			continue
		}
		for _, decl := range f.ast.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !isService(fn.Recv.List[0].Type) || !fn.Name.IsExported() || !returnsError(fn) {
				continue
			}
			seen++
			if !startsWithClassify(fn) {
				t.Errorf("%s:%d: Manager.%s returns an error but does not start with `defer classify(&err)`", rel(f.path), f.fset.Position(fn.Pos()).Line, fn.Name.Name)
			}
		}
	}
	if seen < 10 {
		t.Fatalf("found only %d exported Manager methods that return an error: the check is not reading the core", seen)
	}
}

// isService says whether a receiver is the service or one of its parts
// (auth/parts.go): what the front ends call.
func isService(e ast.Expr) bool {
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	id, ok := e.(*ast.Ident)
	return ok && (id.Name == "Manager" || id.Name == "Catalog" || id.Name == "Settings" || id.Name == "Sandbox")
}

func returnsError(fn *ast.FuncDecl) bool {
	res := fn.Type.Results
	if res == nil {
		return false
	}
	id, ok := res.List[len(res.List)-1].Type.(*ast.Ident)
	return ok && id.Name == "error"
}

func startsWithClassify(fn *ast.FuncDecl) bool {
	if fn.Body == nil || len(fn.Body.List) == 0 {
		return false
	}
	d, ok := fn.Body.List[0].(*ast.DeferStmt)
	if !ok {
		return false
	}
	id, ok := d.Call.Fun.(*ast.Ident)
	return ok && id.Name == "classify"
}

// Only ui/async.go hands work to the UI goroutine (toUI): a fyne.Do
// elsewhere is a second place where threads meet.
func TestOneThreadBridge(t *testing.T) {
	for _, f := range sources(t, "ui") {
		if filepath.Base(f.path) == "async.go" {
			continue
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if ok && (sel.Sel.Name == "Do" || sel.Sel.Name == "DoAndWait") {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "fyne" {
					t.Errorf("%s:%d: fyne.%s outside ui/async.go: use toUI", rel(f.path), f.fset.Position(sel.Pos()).Line, sel.Sel.Name)
				}
			}
			return true
		})
	}
}
