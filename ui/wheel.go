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
// as the list does (wheelStep). Only for content whose fields are one line long: a
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

// wheelStep is how many times Fyne's 25 px a notch moves the window's
// scrolling parts: rows are about 74 px high, so a notch moved a third of
// a row and 32 connections took a hundred notches (the walk's support
// desk). Three times is about a row a notch, as a file manager's list
// moves; the wizard moves as far, so that both scroll alike.
const wheelStep = 3

// Scrolled hands the notch to the scroll below, wheelStep times as far.
func (l *wheelLayer) Scrolled(ev *fyne.ScrollEvent) {
	step := *ev
	step.Scrolled = fyne.NewDelta(ev.Scrolled.DX*wheelStep, ev.Scrolled.DY*wheelStep)
	l.to.Scrolled(&step)
}

// CreateRenderer draws nothing.
func (l *wheelLayer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}

// listWheel puts the connection list under a wheel layer, so that a notch
// moves it wheelStep times Fyne's distance.
func listWheel(list *widget.List) fyne.CanvasObject {
	return container.NewStack(list, newWheelLayer(wheelFunc(func(ev *fyne.ScrollEvent) {
		list.ScrollToOffset(max(0, list.GetScrollOffset()-ev.Scrolled.DY))
	})))
}

// wheelFunc is a function that takes the wheel.
type wheelFunc func(*fyne.ScrollEvent)

// Scrolled calls f.
func (f wheelFunc) Scrolled(ev *fyne.ScrollEvent) { f(ev) }
