package ui

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
	"authdeck/auth/catalog"
)

// The wizard's steps. stepIssuer is the side step of "Another provider
// (OpenID Connect)", counted as part of the first step.
const (
	stepProvider = iota
	stepMethod
	stepFields
	stepWait
	stepIssuer
)

// wizard is the add-connection dialog: provider → method → fields →
// (browser sign-in) waiting for the approval. Its files: wizard.go (the
// frame, the steps and the keys), wizard_choose.go (provider, method,
// issuer), wizard_form.go (the fields), wizard_problems.go (errors in the
// window's words), wizard_signin.go (saving and signing in).
type wizard struct {
	a   *App
	dlg *dialog.CustomDialog

	root     fyne.CanvasObject
	step     int
	heading  *widget.Label
	stepNo   *widget.Label
	fieldErr *widget.Label // the problem, at the top where the person looks
	body     *fyne.Container
	scroll   *container.Scroll
	back     *keyButton
	next     *keyButton
	close    *keyButton
	// giveBack gives the window's keys back to their owner on close.
	giveBack func()

	providers    []catalog.Provider
	provider     catalog.Provider
	method       catalog.Method
	providerPick *choice
	providerHelp *widget.Label
	providerDocs *widget.Hyperlink // the provider's developer documentation
	methodPick   *choice
	methodHelp   *widget.Label
	issuer       *keyEntry

	form

	wait     *waiting
	waitText *widget.Label // what the waiting panel asks the person to do
	waitErr  *widget.Label // how the sign-in ended, when it did not succeed
	waitPage *fyne.Container
	timeout  time.Duration
	cancel   context.CancelFunc
}

// showWizard opens the add-connection wizard; a provider id (and method
// kind) skips the steps already decided, e.g. for the sandbox demo.
func (a *App) showWizard(providerID string, kind catalog.Kind) {
	if a.wizard != nil && a.wizard.dlg != nil {
		return // one at a time
	}
	w := &wizard{a: a, providers: a.m.Catalog().Providers(), timeout: a.signIn}
	w.build()
	a.wizard = w
	w.dlg = dialog.NewCustomWithoutButtons("Add a connection", w.content(), a.win)
	w.dlg.SetOnClosed(w.closed)
	size := a.win.Canvas().Size()
	// As much of the window as a form can use: a small fixed box that
	// scrolled inside a large window hid fields for nothing (issue 21.8).
	w.dlg.Resize(fyne.NewSize(min(860, size.Width*0.95), size.Height*0.92))
	w.giveBack = a.takeKeys(w.typedKey)
	w.dlg.Show()
	w.startAt(providerID, kind)
}

// startAt shows the first step not decided yet.
func (w *wizard) startAt(providerID string, kind catalog.Kind) {
	if providerID == "" {
		w.show(stepProvider)
		return
	}
	for _, p := range w.providers {
		if p.ID == providerID {
			w.providerPick.SetSelected(p.Name)
		}
	}
	if m, ok := w.provider.Method(kind); ok && kind != "" {
		w.methodPick.SetSelected(m.Label)
		w.show(stepFields)
		return
	}
	w.show(stepMethod)
}

// closed runs however the dialog goes away: it stops a sign-in being
// waited for and gives the window its keys back.
func (w *wizard) closed() {
	if w.cancel != nil {
		w.cancel()
	}
	w.giveBack()
	w.a.wizard = nil
}

func (w *wizard) build() {
	w.heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.heading.Wrapping = fyne.TextWrapWord
	w.stepNo = widget.NewLabel("")
	w.fieldErr = wrapLabel("")
	w.fieldErr.Importance = widget.DangerImportance
	w.fieldErr.Hide()
	w.body = container.NewStack()
	w.back = w.button("Back", theme.NavigateBackIcon(), w.backward)
	w.next = w.button("Next", theme.NavigateNextIcon(), w.forward)
	w.next.Importance = widget.HighImportance
	w.next.IconPlacement = widget.ButtonIconTrailingText
	w.close = w.button("Cancel", nil, w.closeOrCancel)
	w.buildChoices()
	w.wait = newWaiting(func(url string) { w.a.copyText(url, "the sign-in address") }, w.a.openAgain, nil)
	w.waitText = w.wait.doing
	w.waitErr = wrapLabel("")
	w.waitErr.Importance = widget.DangerImportance
	w.waitPage = container.NewVBox(w.wait, w.waitErr)
	w.wait.parent = w.waitPage
}

// button makes a wizard button: Enter presses it, Escape closes the wizard.
func (w *wizard) button(label string, icon fyne.Resource, tapped func()) *keyButton {
	b := newKeyButton(label, icon, tapped)
	b.onEscape = w.escape
	return b
}

// entry makes a wizard text field: Enter goes on, Escape closes.
func (w *wizard) entry(value, placeholder string, password bool) *keyEntry {
	e := newKeyEntry(password)
	e.SetText(value)
	e.SetPlaceHolder(placeholder)
	e.onEscape = w.escape
	e.OnSubmitted = func(string) { w.forward() }
	return e
}

func (w *wizard) content() fyne.CanvasObject {
	buttons := container.NewHBox(w.close, layout.NewSpacer(), w.back, w.next)
	// The right inset keeps the scroll bar off the fields and their buttons.
	inset := container.New(layout.NewCustomPaddedLayout(0, 0, 0, theme.Size(theme.SizeNameScrollBar)+theme.Padding()), w.body)
	w.scroll = container.NewVScroll(inset)
	// The wheel moves the step wherever the pointer is, over a field too.
	w.root = container.NewBorder(container.NewVBox(w.stepNo, w.heading, w.fieldErr), buttons, nil, nil, wheelScroll(w.scroll))
	return w.root
}

func wrapLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// show switches to a step: its page whole, from its top, the problem of
// the step before cleared and the keyboard focus on its first control.
func (w *wizard) show(step int) {
	w.step = max(step, stepProvider)
	w.fieldErr.Hide()
	body, heading := w.page(w.step)
	w.heading.SetText(heading)
	w.stepNo.SetText(stepWords(w.step))
	w.body.Objects = []fyne.CanvasObject{body}
	walk(body, w.followFocus)
	w.body.Refresh()
	w.scroll.Offset = fyne.Position{}
	w.scroll.Refresh()
	w.updateButtons()
	w.focusFirst()
}

// page is a step's body and heading.
func (w *wizard) page(step int) (fyne.CanvasObject, string) {
	switch step {
	case stepMethod:
		return container.NewVBox(w.methodPick.box, w.methodHelp), "How do you want to connect to " + w.provider.Name + "?"
	case stepFields:
		if w.fields == nil {
			w.fields = w.buildFields()
		}
		return w.fields, w.method.Label
	case stepWait:
		return w.waitPage, "Signing in to " + w.provider.Name
	case stepIssuer:
		return w.issuerPage(), "Which OpenID Connect provider?"
	}
	return container.NewVBox(w.providerPick.box, w.providerHelp, w.providerDocs), "Which service do you want to connect?"
}

// focusFirst gives the keyboard focus to what the person does first on
// the step.
func (w *wizard) focusFirst() {
	var target fyne.Focusable
	switch w.step {
	case stepProvider:
		target = w.providerPick.focusTarget()
	case stepMethod:
		target = w.methodPick.focusTarget()
	case stepIssuer:
		target = w.issuer
	case stepFields:
		target = w.firstEntry()
	}
	if target == nil {
		target = w.next
		if !w.next.Visible() || w.next.Disabled() {
			target = w.close
		}
	}
	w.focus(target)
}

func (w *wizard) focus(f fyne.Focusable) {
	if c := w.a.win.Canvas(); c != nil && f != nil {
		c.Focus(f)
	}
}

func (w *wizard) updateButtons() {
	waiting := w.cancel != nil
	showIf(w.back, w.step != stepProvider && !waiting)
	w.next.SetIcon(theme.NavigateNextIcon())
	w.next.SetText("Next")
	w.next.Show()
	switch w.step {
	case stepProvider:
		setEnabled(w.next, w.providerPick.Selected != "")
	case stepMethod:
		setEnabled(w.next, w.method.Kind != "")
	case stepIssuer:
		setEnabled(w.next, !waiting)
	case stepFields:
		w.next.SetText("Save")
		w.next.SetIcon(theme.DocumentSaveIcon())
		if w.method.Kind.Browser() {
			w.next.SetText("Connect")
			w.next.SetIcon(theme.LoginIcon())
		}
		setEnabled(w.next, !waiting)
	case stepWait:
		w.next.SetText("Try again")
		w.next.SetIcon(theme.ViewRefreshIcon())
		setEnabled(w.next, true)
		showIf(w.next, !waiting)
	}
	w.close.SetText("Cancel")
	if w.step == stepWait && !waiting {
		w.close.SetText("Close")
	}
}

func setEnabled(b *keyButton, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// forward is Next, Connect, Save or Try again (also Enter).
func (w *wizard) forward() {
	if w.next.Disabled() || !w.next.Visible() {
		return
	}
	switch w.step {
	case stepProvider:
		if w.providerPick.Selected == otherProvider {
			w.show(stepIssuer)
			return
		}
		w.show(stepMethod)
	case stepIssuer:
		w.discover()
	case stepMethod:
		w.show(stepFields)
	case stepFields, stepWait:
		w.save()
	}
}

// backward is Back: the issuer step and the method step go back to the
// choice of provider.
func (w *wizard) backward() {
	switch w.step {
	case stepIssuer, stepMethod:
		w.show(stepProvider)
	case stepWait:
		w.show(stepFields)
	default:
		w.show(w.step - 1)
	}
}

// typedKey gets the keys no wizard control took (nothing focused).
func (w *wizard) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		w.escape()
	case fyne.KeyReturn, fyne.KeyEnter:
		w.forward()
	}
}

// escape is Esc: it stops a sign-in being waited for, else it closes.
func (w *wizard) escape() { w.closeOrCancel() }

// closeOrCancel stops the sign-in being waited for, or closes the wizard;
// what the person typed is not thrown away without a question (Escape on
// the question keeps editing).
func (w *wizard) closeOrCancel() {
	if w.cancel != nil {
		w.cancel()
		return
	}
	if w.typed() {
		w.a.ask("Close without saving?", "What you typed for this connection is not saved yet. Close the window and lose it?",
			"Keep editing", "Close", nil, w.dlg.Hide)
		return
	}
	w.dlg.Hide()
}

// otherProvider is the choice that reads a provider from its issuer.
const otherProvider = "Another provider (sign-in with OpenID Connect)"

// providerBlurb says a line about a provider under the choice.
func providerBlurb(p catalog.Provider) string {
	if p.ID == auth.SandboxID {
		return "A pretend provider built into Authdeck: try the whole sign-in without an account."
	}
	return ""
}

// showDocsLink points link at the provider's developer documentation, which
// opens in the browser. Only a web address is offered: a providers.d file
// is outside text and could name any scheme.
func showDocsLink(link *widget.Hyperlink, p catalog.Provider) {
	u, err := url.Parse(p.DocsURL)
	if p.DocsURL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		link.Hide()
		return
	}
	link.SetText(p.Name + "'s developer documentation (opens in your browser)")
	link.SetURL(u)
	link.Show()
}

// stepWords says where the person is: "Step 2 of 4: how to connect". The
// issuer lookup is a side step of the first, not a fifth.
func stepWords(step int) string {
	names := map[int]string{stepProvider: "the service", stepMethod: "how to connect", stepFields: "the details",
		stepWait: "sign in", stepIssuer: "the service"}
	n := step + 1
	if step == stepIssuer {
		n = 1
	}
	return fmt.Sprintf("Step %d of 4: %s", n, names[step])
}

// followFocus makes a control scroll into view when the keyboard focus
// reaches it: Tab to a field below the visible part left the person
// typing (a pasted key, once) into a field they could not see.
func (w *wizard) followFocus(o fyne.CanvasObject) {
	reveal := func() { w.reveal(o) }
	switch x := o.(type) {
	case *keyEntry:
		x.onFocus = reveal
	case *keyButton:
		x.onFocus = reveal
	case *keyCheck:
		x.onFocus = reveal
	}
}

// reveal scrolls the step the least that shows o whole.
func (w *wizard) reveal(o fyne.CanvasObject) {
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(w.scroll).Y + w.scroll.Offset.Y
	bottom := top + o.Size().Height
	view := w.scroll.Size().Height
	switch {
	case top < w.scroll.Offset.Y:
		w.scroll.ScrollToOffset(fyne.NewPos(0, max(top-theme.Padding(), 0)))
	case bottom > w.scroll.Offset.Y+view:
		w.scroll.ScrollToOffset(fyne.NewPos(0, bottom-view+theme.Padding()))
	}
}
