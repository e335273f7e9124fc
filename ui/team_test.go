//go:build unix

package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/internal/vaultdev"
)

// A shared connection in the window: marked in its row, kept by the Shared
// filter, said in the detail pane; Stop sharing takes it back to this
// computer and Share with team… moves it again.
func TestSharedConnectionInTheWindow(t *testing.T) {
	v := vaultdev.Start(t)
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.m.SetTeamStore(ctx, auth.TeamSettings{Address: v.Addr, Token: v.Token}); err != nil {
		t.Fatal(err)
	}
	f.add(t, auth.AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Secret: "tok",
		Params: map[string]string{"domain_prefix": "myshop"}})
	f.add(t, auth.AddRequest{Name: "local", Provider: "vend", Method: catalog.KindToken, Secret: "tok2",
		Params: map[string]string{"domain_prefix": "myshop"}})
	if _, err := f.m.Share(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	f.reload()
	if c, _ := f.a.find("shop"); !c.Shared || !strings.Contains(rowSubtitle(c), "shared") {
		t.Fatalf("shop shared=%v, row says %q", c.Shared, rowSubtitle(c))
	}
	f.a.list.filter.SetSelected(filterShared)
	if got := names(f.a.list.visible); len(got) != 1 || got[0] != "shop" {
		t.Fatalf("the Shared filter shows %v", got)
	}
	f.a.list.filter.SetSelected(filterAll)
	f.a.selectConnection("shop")
	if !strings.Contains(f.a.detail.team.words.Text, "Shared with the team") || f.a.detail.team.button.Text != "Stop sharing" {
		t.Fatalf("detail says %q / %q", f.a.detail.team.words.Text, f.a.detail.team.button.Text)
	}
	test.Tap(f.a.detail.team.button)
	f.a.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn}) // the question's first answer
	f.a.wait()
	f.a.wait()
	if c, _ := f.a.find("shop"); c.Shared {
		t.Fatal("still shared after Stop sharing")
	}
	if c, err := f.m.Get("shop"); err != nil || c.Shared {
		t.Fatalf("core: %+v %v", c, err)
	}
	// Share with team… (the store is set up: the question, then the move).
	f.a.selectConnection("shop")
	test.Tap(f.a.detail.team.button)
	f.a.wait()
	if said := strings.Join(texts(f.a.win.Canvas()), " "); !strings.Contains(said, "Share shop with the team?") {
		t.Fatalf("the question: %s", said)
	}
	f.a.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	f.a.wait()
	f.a.wait()
	if c, err := f.m.Get("shop"); err != nil || !c.Shared {
		t.Fatalf("not shared again: %+v %v", c, err)
	}
}

// Share with team… without a team store says how to get one and opens its
// settings; nothing is asked that cannot be done.
func TestShareWithoutATeamStoreSaysHowToGetOne(t *testing.T) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Secret: "tok",
		Params: map[string]string{"domain_prefix": "myshop"}})
	f.reload()
	f.a.selectConnection("shop")
	test.Tap(f.a.detail.team.button)
	f.a.wait()
	said := strings.Join(texts(f.a.win.Canvas()), " ")
	if !strings.Contains(said, "No team store yet") || strings.Contains(said, "Share shop with the team?") {
		t.Fatalf("the question: %s", said)
	}
	test.Tap(&findKeyButton(t, f.a.win.Canvas(), "Team store settings…").Button)
	f.a.wait()
	if findEntry(t, f.a.win.Canvas(), "https://vault.example.com:8200") == nil {
		t.Fatal("the team store settings did not open")
	}
}
