package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// A notch over a text field moves the wizard's step as a notch anywhere
// else does (Fyne gave it to the field's own one-line scroll, which kept
// it), and the layer that takes the wheel leaves taps to what is under it.
func TestWizardWheelOverAFieldMovesTheStep(t *testing.T) {
	f := newFixture(t)
	f.a.showWizard("", "")
	w := f.a.wizard
	c := f.a.win.Canvas()
	d := fyne.CurrentApp().Driver()
	middle := func(o fyne.CanvasObject) fyne.Position {
		return d.AbsolutePositionForObject(o).Add(fyne.NewPos(o.Size().Width/2, o.Size().Height/2))
	}
	test.TapCanvas(c, middle(w.providerPick.option("Vinsight")))
	if w.providerPick.Selected != "Vinsight" {
		t.Fatalf("a tap on Vinsight chose %q", w.providerPick.Selected)
	}
	test.Tap(w.next)
	w.methodPick.SetSelected(w.provider.Methods[0].Label)
	test.Tap(w.next)
	test.Scroll(c, middle(w.name), 0, -25) // a notch down, as the window's driver sends it
	if w.scroll.Offset.Y != 25*wheelStep {
		t.Errorf("a notch over the Connection name field moved the step %v, want %v (as a list moves)", w.scroll.Offset.Y, 25*wheelStep)
	}
}
