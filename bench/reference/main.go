// Command reference is the yardstick for Authdeck's window benchmarks: the
// smallest Fyne app that does what Authdeck's window does at rest — one
// window whose one label ticks once a second. `make bench` measures both in
// the same run and reports Authdeck as a ratio of this.
package main

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("net.authdeck.bench.reference")
	w := a.NewWindow("Authdeck reference")
	label := widget.NewLabel(time.Now().Format(time.TimeOnly))
	w.SetContent(label)
	w.Resize(fyne.NewSize(800, 600))
	go func() {
		for now := range time.Tick(time.Second) {
			fyne.Do(func() { label.SetText(now.Format(time.TimeOnly)) })
		}
	}()
	w.ShowAndRun()
}
