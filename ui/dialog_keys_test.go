package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"authdeck/auth"
	"authdeck/auth/catalog"
)

// Every dialog the window opens closes on Escape, and the ones with one
// clear action take Enter for it (the walk found Settings deaf to both,
// and the proxy and team store dialogs deaf to Escape).
func TestEveryDialogAnswersTheKeyboard(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k"})
	f.reload()
	f.a.selectConnection("Key")
	for _, tc := range []struct {
		name  string
		open  func()
		focus string // the placeholder of a field to focus first ("": none)
	}{
		{"Settings", f.a.showSettings, ""},
		{"Local address for tools", func() { showProxy(f.a.detail) }, ""},
		{"Team store", f.a.showTeamStore, ""},
		{"Team store, typing its address", f.a.showTeamStore, "https://vault.example.com:8200"},
		{"Expiry report", f.a.showSupport, ""},
	} {
		tc.open()
		f.a.wait()
		if !hasOverlay(f) {
			t.Fatalf("%s: no dialog opened", tc.name)
		}
		if tc.focus != "" {
			f.a.win.Canvas().Focus(findEntry(t, f.a.win.Canvas(), tc.focus))
		}
		press(f, fyne.KeyEscape)
		if hasOverlay(f) {
			t.Errorf("%s: Escape left the dialog open", tc.name)
			f.a.win.Canvas().Overlays().Top().Hide()
		}
	}

	// With the drop-down or the check box focused (picked, ticked), the
	// keys still reach the dialog (the second walk found both deaf then).
	f.a.showSettings()
	for _, o := range test.LaidOutObjects(f.a.win.Canvas().Overlays().Top()) {
		if s, ok := o.(*keySelect); ok {
			f.a.win.Canvas().Focus(s)
		}
	}
	press(f, fyne.KeyEscape)
	if hasOverlay(f) {
		t.Error("Escape with the Settings list focused left it open")
		f.a.win.Canvas().Overlays().Top().Hide()
	}
	f.a.showSupport()
	f.a.win.Canvas().Focus(findIn(t, f.a.win.Canvas(), "Group by owner", func(c *keyCheck) bool { return c.Text == "Group by owner" }))
	press(f, fyne.KeyEscape)
	if hasOverlay(f) {
		t.Error("Escape with Group by owner focused left the report open")
		f.a.win.Canvas().Overlays().Top().Hide()
	}
	f.a.win.Canvas().Unfocus()

	// Enter saves the Settings.
	f.a.showSettings()
	for _, o := range test.LaidOutObjects(f.a.win.Canvas().Overlays().Top()) {
		if s, ok := o.(*keySelect); ok {
			s.SetSelected("3 days before")
		}
	}
	press(f, fyne.KeyReturn)
	if got := f.m.Settings().ExpiringDays(); hasOverlay(f) || got != 3 || f.a.within != 3*24*time.Hour {
		t.Errorf("Enter on Settings: open %v, saved %d days", hasOverlay(f), got)
	}
	// The window has its own keys back: Escape clears the search again.
	test.Type(f.a.list.search, "x")
	f.a.win.Canvas().Unfocus()
	f.a.win.Canvas().Focus(f.a.list.search)
	press(f, fyne.KeyEscape)
	if f.a.list.search.Text != "" {
		t.Errorf("after the dialogs the search keeps %q on Escape", f.a.list.search.Text)
	}
}

// The class, not only the dialogs above: any function in the package that
// makes a dialog also gives it the keyboard (keysFor, or takeKeys for
// its own handler), so a dialog added later cannot be deaf to Escape.
func TestDialogsAreMadeWithTheirKeys(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			var makes []string
			keys := false
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "dialog" && strings.HasPrefix(sel.Sel.Name, "New") &&
					!strings.HasPrefix(sel.Sel.Name, "NewFile") { // the file dialogs answer the keys themselves
					makes = append(makes, sel.Sel.Name)
				}
				if sel.Sel.Name == "keysFor" || sel.Sel.Name == "takeKeys" {
					keys = true
				}
				return true
			})
			if len(makes) == 0 {
				continue
			}
			checked++
			if !keys {
				t.Errorf("%s: %s makes a dialog (%s) without keysFor: Escape would not close it", name, fn.Name.Name, strings.Join(makes, ", "))
			}
		}
	}
	if checked < 5 {
		t.Fatalf("only %d functions make dialogs: the test no longer sees them", checked)
	}
}
