// Command reference is the yardstick for Authdeck's window benchmarks: the
// smallest Fyne app that does the work Authdeck's window does before a
// person can use it — one 960×640 window with a list of the same rows
// (two lines each, the name bold, a countdown and a status on the right,
// read from a file that bench/seed writes) and a label that ticks once a
// second. `make bench` measures both in the same run and reports Authdeck
// as a ratio of this.
//
//	reference ROWS-FILE
package main

import (
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func main() {
	var rows [][]string
	if len(os.Args) > 1 {
		data, err := os.ReadFile(os.Args[1]) // #nosec G304 G703 -- the rows file the benchmark wrote
		if err != nil {
			panic(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if f := strings.Split(line, "\t"); len(f) == 4 {
				rows = append(rows, f)
			}
		}
	}
	a := app.NewWithID("net.authdeck.bench.reference")
	w := a.NewWindow("Authdeck reference")
	list := widget.NewList(
		func() int { return len(rows) },
		func() fyne.CanvasObject {
			title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			right := container.NewVBox(widget.NewLabel(""), widget.NewLabel(""))
			return container.NewBorder(nil, nil, nil, right, container.NewVBox(title, widget.NewLabel("")))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			left, right := c.Objects[0].(*fyne.Container), c.Objects[1].(*fyne.Container)
			left.Objects[0].(*widget.Label).SetText(rows[i][0])
			left.Objects[1].(*widget.Label).SetText(rows[i][1])
			right.Objects[0].(*widget.Label).SetText(rows[i][2])
			right.Objects[1].(*widget.Label).SetText(rows[i][3])
		})
	clock := widget.NewLabel(time.Now().Format(time.TimeOnly))
	split := container.NewHSplit(list, widget.NewLabel("Select a row"))
	split.SetOffset(0.46)
	w.SetContent(container.NewBorder(nil, clock, nil, nil, split))
	w.Resize(fyne.NewSize(960, 640))
	go func() {
		for now := range time.Tick(time.Second) {
			fyne.Do(func() { clock.SetText(now.Format(time.TimeOnly)) })
		}
	}()
	w.ShowAndRun()
}
