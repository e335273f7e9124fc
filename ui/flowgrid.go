package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// flowGrid lays buttons out in as many equal columns as fit (at most
// max), so that a row of long labels ("Local address for tools…", "Copy
// the api-key=… part") never makes the window's least width wider than an
// 800×600 screen: at a narrow width they wrap to more rows.
type flowGrid struct {
	most int
	// lastCols is the columns of the last layout: the height MinSize
	// reports follows it.
	lastCols int
	// changed lays the parent out again when the rows changed.
	changed func()
}

func newFlowGrid(most int, changed func(), objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&flowGrid{most: most, changed: changed}, objs...)
}

func (g *flowGrid) cell(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	return s
}

func (g *flowGrid) visible(objs []fyne.CanvasObject) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, o := range objs {
		if o.Visible() {
			out = append(out, o)
		}
	}
	return out
}

func (g *flowGrid) cols(objs []fyne.CanvasObject, width float32) int {
	cell, pad := g.cell(objs), theme.Padding()
	n := int((width + pad) / (cell.Width + pad))
	return max(1, min(n, g.most, len(g.visible(objs))))
}

// MinSize is one column: the widest button, every button on its own row.
// The rows actually used follow the width (layout then asks again).
func (g *flowGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	cell, pad := g.cell(objs), theme.Padding()
	n := len(g.visible(objs))
	if n == 0 {
		return fyne.Size{}
	}
	rows := (n + g.lastCols - 1) / max(g.lastCols, 1)
	if g.lastCols == 0 {
		rows = n
	}
	return fyne.NewSize(cell.Width, float32(rows)*(cell.Height+pad)-pad)
}

func (g *flowGrid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	vis := g.visible(objs)
	cols := g.cols(objs, size.Width)
	if cols != g.lastCols {
		g.lastCols = cols
		if g.changed != nil {
			defer g.changed()
		}
	}
	pad := theme.Padding()
	cellH := g.cell(objs).Height
	w := (size.Width - float32(cols-1)*pad) / float32(cols)
	for i, o := range vis {
		r, c := i/cols, i%cols
		o.Move(fyne.NewPos(float32(c)*(w+pad), float32(r)*(cellH+pad)))
		o.Resize(fyne.NewSize(w, cellH))
	}
}
