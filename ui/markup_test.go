package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"authdeck/auth"
	"authdeck/auth/catalog"
)

// markupCase is one screen drawn to a golden file in testdata/ (Fyne's
// AssertRendersToMarkup writes testdata/failed/ when it differs): a screen
// built, sized and drawn, and optionally changed and drawn again in the
// same window.
type markupCase struct {
	name   string
	golden string
	size   fyne.Size
	padded bool
	screen func(t *testing.T) (fyne.CanvasObject, func())
	// then, when set, is drawn after the screen's change runs.
	then string
}

// Issue 16.5, 14.8: each screen as the golden file shows it — the list
// (names, countdown and status word per row, and the same rows two days
// later), the detail pane of a connection not signed in (one "Not signed
// in", Connect highlighted, no Replace key), a row as narrow and as wide as
// the list gets, and the waiting panel with a notice.
func TestScreensRenderToMarkup(t *testing.T) {
	for _, tc := range []markupCase{
		{name: "list", golden: "list.xml", then: "list_two_days_later.xml", size: fyne.NewSize(380, 200), padded: true,
			screen: func(t *testing.T) (fyne.CanvasObject, func()) {
				f := newFixture(t)
				f.add(t, auth.AddRequest{Name: "Vinsight key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k1", ExpiresAt: f.days(3)})
				f.add(t, auth.AddRequest{Name: "Old key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k2", ExpiresAt: f.days(-2), Owner: "Dana"})
				f.reload()
				return f.a.list.view(), func() { f.clock.Advance(2 * 24 * time.Hour); f.a.tick() }
			}},
		{name: "detail, not signed in", golden: "detail_not_signed_in.xml", size: fyne.NewSize(520, 760), padded: true,
			screen: func(t *testing.T) (fyne.CanvasObject, func()) {
				f := newFixture(t)
				f.add(t, auth.AddRequest{Name: "Sandbox demo", Provider: "sandbox", Method: catalog.KindOAuth, Owner: "Dana",
					Params: map[string]string{"port": "17999"}})
				f.reload()
				f.a.selectConnection("Sandbox demo")
				return f.a.detail.view(), nil
			}},
		{name: "row, narrow", golden: "row_narrow.xml", size: fyne.NewSize(300, 0), screen: rowScreen},
		{name: "row, wide", golden: "row_wide.xml", size: fyne.NewSize(420, 0), screen: rowScreen},
		{name: "waiting with a notice", golden: "waiting/notice.xml", size: fyne.NewSize(560, 360), padded: true,
			screen: func(t *testing.T) (fyne.CanvasObject, func()) {
				test.NewTempApp(t)
				start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
				wt := newWaiting(func(string) {}, func(string) {}, func() {})
				wt.start("Approve the request in your browser.", start, start.Add(5*time.Minute))
				wt.tick(start.Add(90 * time.Second))
				wt.setAddress("http://127.0.0.1:1/authorize")
				wt.showNotice("An answer reached Authdeck that does not belong to this sign-in, so it was ignored.")
				return wt, nil
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obj, change := tc.screen(t)
			w := test.NewTempWindow(t, obj)
			w.SetPadded(tc.padded)
			size := tc.size
			if size.Height == 0 {
				size.Height = obj.MinSize().Height
			}
			w.Resize(size)
			test.AssertRendersToMarkup(t, tc.golden, w.Canvas())
			if tc.then != "" {
				change()
				test.AssertRendersToMarkup(t, tc.then, w.Canvas())
			}
		})
	}
}

// rowScreen is one list row as narrow or wide as the list gets.
func rowScreen(t *testing.T) (fyne.CanvasObject, func()) {
	f := newFixture(t)
	f.add(t, auth.AddRequest{Name: "Sandbox demo", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", ExpiresAt: f.days(3)})
	f.reload()
	row := newConnectionRow()
	row.set(f.a.list.visible[0], f.a.list.stateOf(f.a.list.visible[0], f.clock.Now()))
	return row, nil
}
