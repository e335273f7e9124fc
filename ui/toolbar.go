package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// toolbarLayout lays the row above the list out as one row (Add, search,
// then the choices) when the window is wide enough, else as two (Add and
// the choices, then the search the whole width): at 500×400 the one row
// made the window's least width wider than the screen.
type toolbarLayout struct {
	add, search, right fyne.CanvasObject
	// wide says the last layout was one row; MinSize's height follows it
	// (a height cannot depend on the width in Fyne: the window lays out
	// again when it changes, through relayout).
	wide     bool
	relayout func()
}

// searchRoom is the least width the search gets in the one-row form.
const searchRoom = 220

func (t *toolbarLayout) oneRow(width float32) bool {
	pad := theme.Padding()
	return width >= t.add.MinSize().Width+t.right.MinSize().Width+searchRoom+2*pad
}

func (t *toolbarLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	top := fyne.NewSize(t.add.MinSize().Width+pad+t.right.MinSize().Width,
		max(t.add.MinSize().Height, t.right.MinSize().Height))
	if t.wide {
		return fyne.NewSize(max(top.Width, t.search.MinSize().Width), max(top.Height, t.search.MinSize().Height))
	}
	return fyne.NewSize(max(top.Width, t.search.MinSize().Width), top.Height+pad+t.search.MinSize().Height)
}

func (t *toolbarLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	addW, rightW := t.add.MinSize().Width, t.right.MinSize().Width
	rowH := max(t.add.MinSize().Height, t.right.MinSize().Height, t.search.MinSize().Height)
	t.add.Move(fyne.NewPos(0, 0))
	t.add.Resize(fyne.NewSize(addW, rowH))
	t.right.Move(fyne.NewPos(size.Width-rightW, 0))
	t.right.Resize(fyne.NewSize(rightW, rowH))
	wide := t.oneRow(size.Width)
	if wide != t.wide {
		t.wide = wide
		if t.relayout != nil {
			defer t.relayout()
		}
	}
	if wide {
		t.search.Move(fyne.NewPos(addW+pad, 0))
		t.search.Resize(fyne.NewSize(size.Width-addW-rightW-2*pad, rowH))
		return
	}
	t.search.Move(fyne.NewPos(0, rowH+pad))
	t.search.Resize(fyne.NewSize(size.Width, t.search.MinSize().Height))
}
