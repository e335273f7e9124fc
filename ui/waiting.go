package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// waiting is the one "waiting for the browser" panel, in the wizard and in
// the detail pane: what to do now, how long Authdeck goes on waiting, what
// came back that did not finish the sign-in, the sign-in address to open by
// hand when no browser window appeared, and (optionally) Cancel.
type waiting struct {
	widget.BaseWidget

	doing   *widget.Label
	left    *widget.ProgressBar         // time left, when the wait has a limit
	spinner *widget.ProgressBarInfinite // when it has none
	notice  *widget.Label
	address *fyne.Container
	cancel  *keyButton

	url               string
	started, deadline time.Time
	at                time.Time // the last tick
	content           *fyne.Container
	// parent is the container the panel is in, laid out again when the
	// panel grows or shrinks (nil: the canvas does it).
	parent *fyne.Container
}

// newWaiting builds the panel, hidden. copyAddress copies the sign-in
// address, reopen opens it in the browser again; onCancel, if not nil, gets a Cancel button beside the text.
func newWaiting(copyAddress, reopen func(url string), onCancel func()) *waiting {
	w := &waiting{doing: wrapLabel(""), notice: wrapLabel("")}
	w.notice.Importance = widget.WarningImportance
	w.left = widget.NewProgressBar()
	w.left.TextFormatter = func() string { return w.leftText(w.at) }
	w.spinner = widget.NewProgressBarInfinite()
	copyBtn := newKeyButton("Copy address", theme.ContentCopyIcon(), func() { copyAddress(w.url) })
	again := newKeyButton("Open browser again", theme.ComputerIcon(), func() { reopen(w.url) })
	w.address = container.NewBorder(nil, nil, nil, container.NewHBox(again, copyBtn),
		wrapLabel("Closed the sign-in page, or no browser window opened? Open it again, or copy its address into your browser."))
	top := fyne.CanvasObject(w.doing)
	if onCancel != nil {
		w.cancel = newKeyButton("Cancel", theme.CancelIcon(), onCancel)
		top = container.NewBorder(nil, nil, nil, w.cancel, w.doing)
	}
	w.content = container.NewVBox(top, w.left, w.spinner, w.notice, w.address)
	w.ExtendBaseWidget(w)
	w.Hide()
	return w
}

// CreateRenderer shows the panel's parts one above the other.
func (w *waiting) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(w.content)
}

// start shows the panel for a new wait that began at now; a zero deadline
// means it waits without a limit (the person cancels).
func (w *waiting) start(doing string, now, deadline time.Time) {
	w.doing.SetText(doing)
	w.started, w.deadline = now, deadline
	w.url = ""
	w.notice.Hide()
	w.address.Hide()
	w.Show()
	if deadline.IsZero() {
		w.left.Hide()
		w.spinner.Show()
		w.spinner.Start()
	} else {
		w.spinner.Stop()
		w.spinner.Hide()
		w.left.Show()
		w.tick(now)
	}
	w.relayout()
}

// relayout lays the panel out again after a part was shown or hidden, and
// the container it is in, whose height changes with it.
func (w *waiting) relayout() {
	w.content.Refresh()
	if parent := w.parent; parent != nil {
		parent.Refresh()
	}
}

// setAddress offers the sign-in address to copy, once it is known.
func (w *waiting) setAddress(url string) {
	w.url = url
	w.address.Show()
	w.relayout()
}

// showNotice says what came back from the browser that did not finish the
// sign-in; the wait (and Cancel) go on.
func (w *waiting) showNotice(msg string) {
	w.notice.SetText(msg)
	w.notice.Show()
	w.relayout()
}

// tick shows the time left at now (the App's once-a-second tick).
func (w *waiting) tick(now time.Time) {
	if w.deadline.IsZero() || !w.Visible() {
		return
	}
	w.at = now
	total := w.deadline.Sub(w.started)
	left := max(w.deadline.Sub(now), 0)
	if total <= 0 {
		w.left.SetValue(0)
		return
	}
	// The bar empties as the time runs out.
	w.left.SetValue(float64(left) / float64(total))
}

// leftText says how long Authdeck goes on waiting, from now.
func (w *waiting) leftText(now time.Time) string {
	left := max(w.deadline.Sub(now), 0).Round(time.Second)
	return fmt.Sprintf("Waiting %d:%02d more", int(left.Minutes()), int(left.Seconds())%60)
}

// stop hides the panel at the end of the wait.
func (w *waiting) stop() {
	w.spinner.Stop()
	w.Hide()
	w.relayout()
}
