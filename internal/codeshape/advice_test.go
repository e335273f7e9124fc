package codeshape

import (
	"go/ast"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// adviceWords matches a sentence that tells the person what to do: the
// remedy a front end chooses from the error's auth.Kind and auth.Remedy
// and words for its own screen (cli/words.go, ui/words.go).
var adviceWords = regexp.MustCompile(`(?i)\b(connect again|re-?connect|try again|start again|run authdeck|press|click|unlock it|check (your|the|them|that)|run: |use your own|have it given|then run|use (the|an?) [a-z -]+ instead|restore (it|its)|or remove the|move it aside|choose another|set only one|update authdeck|edit the|register (it|the|an)|sign in again|paste (it|the|a new))\b`)

// errorFields are the fields of the core's error types whose text reaches a
// person: what happened, never what to do.
var errorFields = map[string]bool{"Msg": true, "Reason": true, "hint": true, "Description": true, "Detail": true}

// adviceNotYet are core error texts that still give advice, by file and a
// piece of the text, each with why it stays for now. The list only
// shrinks: a new entry needs a reason a reviewer accepts.
var adviceNotYet = map[string]string{}

// TestCoreErrorsStateFacts keeps advice out of the core's error texts:
// errors.New, fmt.Errorf and the text fields of its error values (Msg,
// Reason, hint, Description, Detail) say what happened. The pages the
// loopback listener shows in the browser are a front end of their own and
// are not errors: they may say what to do.
func TestCoreErrorsStateFacts(t *testing.T) {
	seen, left := 0, map[string]bool{}
	for k := range adviceNotYet {
		left[k] = true
	}
	for _, f := range sources(t, "auth") {
		name := filepath.ToSlash(rel(f.path))
		for _, lit := range errorTexts(f.ast) {
			seen++
			if !adviceWords.MatchString(lit.Value) {
				continue
			}
			if key := knownAdvice(name, lit.Value); key != "" {
				delete(left, key)
				continue
			}
			t.Errorf("%s:%d: %s gives advice: state what happened, and let the front end choose the remedy from its Kind (cli/words.go, ui/words.go)",
				name, f.fset.Position(lit.Pos()).Line, lit.Value)
		}
	}
	if seen < 50 {
		t.Fatalf("read only %d error texts in auth/: the check is not reading the core", seen)
	}
	for k := range left {
		t.Errorf("%s no longer gives advice (or moved): take it off adviceNotYet", k)
	}
}

// knownAdvice is the adviceNotYet key that covers text in file, or "".
func knownAdvice(file, text string) string {
	for k := range adviceNotYet {
		f, piece, _ := strings.Cut(k, ":")
		if f == file && strings.Contains(text, piece) {
			return k
		}
	}
	return ""
}

// textFuncs make phrases that errors carry: a refusal's meaning
// (oauth's hintFor) and why no answer came (network.Words).
var textFuncs = map[string]bool{"hintFor": true, "Words": true, "Error": true}

// errorTexts are the string literals in f that make an error's text: the
// arguments of errors.New and fmt.Errorf, the values of errorFields in
// composite literals and assignments, and what the textFuncs return.
func errorTexts(f *ast.File) []*ast.BasicLit {
	var out []*ast.BasicLit
	collect := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				out = append(out, lit)
			}
			return true
		})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				if pkg, ok := sel.X.(*ast.Ident); ok && (pkg.Name == "errors" && sel.Sel.Name == "New" || pkg.Name == "fmt" && sel.Sel.Name == "Errorf") {
					collect(n)
				}
			}
		case *ast.KeyValueExpr:
			if key, ok := n.Key.(*ast.Ident); ok && errorFields[key.Name] {
				collect(n.Value)
			}
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				if sel, ok := lhs.(*ast.SelectorExpr); ok && errorFields[sel.Sel.Name] && i < len(n.Rhs) {
					collect(n.Rhs[i])
				}
			}
		case *ast.FuncDecl:
			if textFuncs[n.Name.Name] && n.Body != nil {
				collect(n.Body)
			}
		}
		return true
	})
	return out
}

// The check finds advice where it hides.
func TestAdviceCheckCatchesAdvice(t *testing.T) {
	for _, s := range []string{`"connect again"`, `"unlock it (for example…) and try again"`, `"press Reconnect"`, `"run authdeck list"`} {
		if !adviceWords.MatchString(s) {
			t.Errorf("%s is not taken for advice", s)
		}
	}
	for _, s := range []string{`"access was denied in the browser"`, `"no answer came back from the browser in time"`, `"the refresh token is no longer valid"`} {
		if adviceWords.MatchString(s) {
			t.Errorf("%s is taken for advice", s)
		}
	}
}
