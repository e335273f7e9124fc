package ui

import (
	"testing"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/auth/render"
)

// Issue 22: the window's Copy takes the connection the core returned with
// the snippet and reads the list no second time. A connection added behind
// the window's back shows whether the copy reloaded it.
func TestWindowCopyDoesNotReadTheListAgain(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k1"})
	f.reload()
	f.a.selectConnection("Key")
	f.add(t, auth.AddRequest{Name: "Behind its back", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k2"})

	f.a.detail.copyFormat(render.FormatURL)
	f.a.wait()
	f.a.copyPrimary("Key") // the tray's copy
	f.a.wait()
	if got := f.a.fyne.Clipboard().Content(); got == "" {
		t.Fatal("nothing was copied")
	}
	if len(f.a.list.visible) != 1 {
		t.Errorf("a copy read the list again: it shows %v", names(f.a.list.visible))
	}
	// The check can fail: a reload does show it.
	f.reload()
	if len(f.a.list.visible) != 2 {
		t.Fatalf("the connection added behind the window's back never shows: %v", names(f.a.list.visible))
	}
}
