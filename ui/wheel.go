package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// wheelScroll is a scroll whose whole area takes the mouse wheel. Fyne
// gives a notch to the deepest scrollable thing under the pointer, and
// each text field holds a scroll of its own for its one line: over a field
// (most of a form) a notch went to the field, which did nothing with it,
// so the form hardly moved (issue 21.6). A transparent layer above the
// scroll takes every notch and hands it to the scroll, which moves as far
// as a list does. Only for content whose fields are one line long: a
// multi-line field under the layer would lose its own wheel.
func wheelScroll(scroll *container.Scroll) fyne.CanvasObject {
	return container.NewStack(scroll, newWheelLayer(scroll))
}

// wheelLayer takes the wheel and nothing else: taps, hovering and the
// keyboard reach the controls under it.
type wheelLayer struct {
	widget.BaseWidget
	to fyne.Scrollable
}

func newWheelLayer(to fyne.Scrollable) *wheelLayer {
	l := &wheelLayer{to: to}
	l.ExtendBaseWidget(l)
	return l
}

// Scrolled hands the notch to the scroll below.
func (l *wheelLayer) Scrolled(ev *fyne.ScrollEvent) { l.to.Scrolled(ev) }

// CreateRenderer draws nothing.
func (l *wheelLayer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}
