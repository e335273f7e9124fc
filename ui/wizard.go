package ui

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
	"authdeck/auth/catalog"
)

// The wizard's steps.
const (
	stepProvider = iota
	stepMethod
	stepFields
	stepWait
)

// unconfirmedLabels name, in plain words, the catalog fields that a
// provider's document may leave out.
var unconfirmedLabels = map[string]string{
	"authorize_url": "Sign-in page address",
	"token_url":     "Token address",
	"check_url":     "Address to check the credential",
}

// wizard is the add-connection dialog: provider → method → fields →
// (browser sign-in) waiting for the approval.
type wizard struct {
	a   *App
	dlg *dialog.CustomDialog

	step    int
	heading *widget.Label
	stepNo  *widget.Label
	body    *fyne.Container
	back    *widget.Button
	next    *widget.Button
	close   *widget.Button

	providers    []catalog.Provider
	provider     catalog.Provider
	method       catalog.Method
	providerPick *widget.RadioGroup
	providerHelp *widget.Label
	methodPick   *widget.RadioGroup
	methodHelp   *widget.Label

	name         *widget.Entry
	params       map[string]*widget.Entry
	clientID     *widget.Entry
	clientSecret *widget.Entry
	scopes       *widget.Entry
	user         *widget.Entry
	secret       *widget.Entry
	expires      *widget.Entry
	unconfirmed  map[string]*widget.Entry
	redirectURI  string
	fieldErr     *widget.Label
	fields       fyne.CanvasObject

	waitText   *widget.Label
	waitBar    *widget.ProgressBarInfinite
	waitErr    *widget.Label
	consentURL string
	consentBox *fyne.Container
	cancel     context.CancelFunc
	// added is the connection this wizard stored, so that going back and
	// changing a field replaces it instead of failing on the name.
	added string
}

// showWizard opens the add-connection wizard; a provider id (and method
// kind) skips the steps already decided, e.g. for the sandbox demo.
func (a *App) showWizard(providerID string, kind catalog.Kind) {
	if a.wizard != nil && a.wizard.dlg != nil {
		return // one at a time
	}
	w := &wizard{a: a, providers: a.m.Providers()}
	w.build()
	a.wizard = w
	w.dlg = dialog.NewCustomWithoutButtons("Add a connection", w.content(), a.win)
	w.dlg.SetOnClosed(func() {
		if w.cancel != nil {
			w.cancel()
		}
		a.wizard = nil
	})
	size := a.win.Canvas().Size()
	w.dlg.Resize(fyne.NewSize(min(640, size.Width*0.95), min(520, size.Height*0.92)))
	w.dlg.Show()
	if providerID != "" {
		for _, p := range w.providers {
			if p.ID == providerID {
				w.providerPick.SetSelected(p.Name)
			}
		}
		if kind != "" {
			if m, ok := w.provider.Method(kind); ok {
				w.methodPick.SetSelected(m.Label)
				w.show(stepFields)
				return
			}
		}
		w.show(stepMethod)
		return
	}
	w.show(stepProvider)
}

func (w *wizard) build() {
	w.heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.heading.Wrapping = fyne.TextWrapWord
	w.stepNo = widget.NewLabel("")
	w.body = container.NewStack()
	w.back = widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), func() { w.show(w.step - 1) })
	w.next = widget.NewButtonWithIcon("Next", theme.NavigateNextIcon(), w.forward)
	w.next.Importance = widget.HighImportance
	w.next.IconPlacement = widget.ButtonIconTrailingText
	w.close = widget.NewButton("Cancel", w.closeOrCancel)

	var names []string
	for _, p := range w.providers {
		names = append(names, p.Name)
	}
	w.providerHelp = wrapLabel("")
	w.providerHelp.Importance = widget.LowImportance
	w.providerPick = widget.NewRadioGroup(names, func(name string) {
		for _, p := range w.providers {
			if p.Name == name {
				w.provider = p
				w.providerHelp.SetText(providerBlurb(p))
				w.resetMethods()
			}
		}
		w.updateButtons()
	})
	w.methodHelp = wrapLabel("")
	w.methodPick = widget.NewRadioGroup(nil, func(label string) {
		for _, m := range w.provider.Methods {
			if m.Label == label {
				w.method = m
				w.methodHelp.SetText(m.Help)
				w.fields = nil // rebuilt for the new method
			}
		}
		w.updateButtons()
	})
	w.fieldErr = wrapLabel("")
	w.fieldErr.Importance = widget.DangerImportance

	w.waitText = wrapLabel("")
	w.waitBar = widget.NewProgressBarInfinite()
	w.waitErr = wrapLabel("")
	w.waitErr.Importance = widget.DangerImportance
	copyURL := widget.NewButtonWithIcon("Copy address", theme.ContentCopyIcon(), func() {
		w.a.copyText(w.consentURL, "the sign-in address")
	})
	w.consentBox = container.NewBorder(nil, nil, nil, copyURL,
		wrapLabel("No browser window opened? Copy the sign-in address and open it in your browser."))
}

func (w *wizard) content() fyne.CanvasObject {
	buttons := container.NewHBox(w.close, layout.NewSpacer(), w.back, w.next)
	return container.NewBorder(container.NewVBox(w.stepNo, w.heading), buttons, nil, nil,
		container.NewVScroll(w.body))
}

func wrapLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func providerBlurb(p catalog.Provider) string {
	if p.ID == auth.SandboxID {
		return "A pretend provider built into Authdeck: try the whole sign-in without an account."
	}
	if p.DocsURL != "" {
		return "Developer documentation: " + p.DocsURL
	}
	return ""
}

// resetMethods offers the chosen provider's methods, the first selected.
func (w *wizard) resetMethods() {
	var labels []string
	for _, m := range w.provider.Methods {
		labels = append(labels, m.Label)
	}
	w.methodPick.Options = labels
	w.method = catalog.Method{}
	w.fields = nil
	if len(labels) > 0 {
		w.methodPick.SetSelected(labels[0])
	}
	w.methodPick.Refresh()
}

// show switches to a step.
func (w *wizard) show(step int) {
	if step < stepProvider {
		step = stepProvider
	}
	w.step = step
	var body fyne.CanvasObject
	switch step {
	case stepProvider:
		w.heading.SetText("Which service do you want to connect?")
		body = container.NewVBox(w.providerPick, w.providerHelp)
	case stepMethod:
		w.heading.SetText("How do you want to connect to " + w.provider.Name + "?")
		body = container.NewVBox(w.methodPick, w.methodHelp)
	case stepFields:
		w.heading.SetText(w.method.Label)
		if w.fields == nil {
			w.fields = w.buildFields()
		}
		body = w.fields
	case stepWait:
		w.heading.SetText("Signing in to " + w.provider.Name)
		body = container.NewVBox(w.waitText, w.waitBar, w.consentBox, w.waitErr)
	}
	w.stepNo.SetText(fmt.Sprintf("Step %d of 4", step+1))
	w.body.Objects = []fyne.CanvasObject{body}
	w.body.Refresh()
	w.updateButtons()
}

func (w *wizard) updateButtons() {
	showIf(w.back, w.step > stepProvider && w.cancel == nil)
	w.next.SetIcon(theme.NavigateNextIcon())
	switch w.step {
	case stepProvider:
		w.next.SetText("Next")
		setEnabled(w.next, w.provider.ID != "")
	case stepMethod:
		w.next.SetText("Next")
		setEnabled(w.next, w.method.Kind != "")
	case stepFields:
		if w.method.Kind.Browser() {
			w.next.SetText("Connect")
			w.next.SetIcon(theme.LoginIcon())
		} else {
			w.next.SetText("Save")
			w.next.SetIcon(theme.DocumentSaveIcon())
		}
		setEnabled(w.next, w.cancel == nil)
	case stepWait:
		w.next.SetText("Try again")
		w.next.SetIcon(theme.ViewRefreshIcon())
		showIf(w.next, w.cancel == nil)
	}
	if w.step != stepWait {
		w.next.Show()
	}
	if w.cancel != nil {
		w.close.SetText("Cancel")
	} else if w.added != "" {
		w.close.SetText("Close")
	} else {
		w.close.SetText("Cancel")
	}
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func (w *wizard) forward() {
	switch w.step {
	case stepProvider, stepMethod:
		w.show(w.step + 1)
	case stepFields:
		w.save()
	case stepWait:
		w.connect()
	}
}

// closeOrCancel stops the sign-in being waited for, or closes the wizard.
func (w *wizard) closeOrCancel() {
	if w.cancel != nil {
		w.cancel()
		return
	}
	w.dlg.Hide()
	if w.added != "" {
		w.a.selected = w.added
		w.a.reload()
	}
}

// buildFields makes the form the chosen method needs, each field with help
// saying where to find its value.
func (w *wizard) buildFields() fyne.CanvasObject {
	p, m := w.provider, w.method
	box := container.NewVBox()
	add := func(label string, e fyne.CanvasObject, help string) {
		box.Add(widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		box.Add(e)
		if help != "" {
			h := wrapLabel(help)
			h.SizeName = theme.SizeNameCaptionText
			box.Add(h)
		}
	}
	entry := func(value, placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(value)
		e.SetPlaceHolder(placeholder)
		return e
	}
	w.name = entry(w.uniqueName(p.Name), "")
	add("Connection name", w.name, "How this connection is listed in Authdeck, e.g. \"Vend main store\".")
	w.params = map[string]*widget.Entry{}
	for _, q := range p.Params {
		if slices.Contains(m.CallbackParams, q.Name) {
			continue // the provider sends it back with the sign-in (Vend's store)
		}
		e := entry(q.Default, "")
		w.params[q.Name] = e
		add(q.Label, e, q.Help)
	}
	where := "your app's page in the provider's developer portal"
	if p.DocsURL != "" {
		where = "your app's page (see " + p.DocsURL + ")"
	}
	w.clientID, w.clientSecret, w.scopes, w.user, w.secret, w.expires = nil, nil, nil, nil, nil, nil
	w.unconfirmed = map[string]*widget.Entry{}
	if m.Kind.Browser() {
		if m.Help != "" {
			box.Add(wrapLabel(m.Help))
		}
		w.clientID = entry(m.ClientID, "")
		help := "The client ID (also called app ID or key) is on " + where + "."
		if m.ClientID != "" {
			help = "Filled in for you; change it only if you registered your own app."
		}
		add("Client ID", w.clientID, help)
		if m.Kind == catalog.KindOAuth && !m.PublicClient {
			w.clientSecret = widget.NewPasswordEntry()
			add("Client secret", w.clientSecret, "The client secret is next to the client ID on "+where+". It is stored in your system keyring.")
		}
		if len(m.DefaultScopes) > 0 {
			w.scopes = entry(strings.Join(m.DefaultScopes, " "), "")
			add("Permissions (scopes)", w.scopes, "What Authdeck asks to be allowed to do, separated by spaces. The usual ones are filled in.")
		}
		uri, err := w.a.m.DefaultRedirectURI(p.ID, m.Kind)
		if err != nil {
			add("Redirect URI", wrapLabel(plain(err)), "")
		} else {
			w.redirectURI = uri
			shown, help := uri, "Register this exact address as the redirect (callback) URI of your app at "+p.Name+"."
			if strings.Contains(uri, ":0/") {
				shown = strings.Replace(uri, ":0/", ":<any port>/", 1)
				help = "Any port is fine: Authdeck picks a free one each time. Register http://127.0.0.1 with this path."
			}
			copyBtn := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
				w.a.copyText(strings.Replace(uri, ":0/", "/", 1), "the redirect URI")
			})
			value := widget.NewLabelWithStyle(shown, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
			value.Wrapping = fyne.TextWrapBreak
			add("Redirect URI", container.NewBorder(nil, nil, nil, copyBtn, value), help)
		}
	} else {
		if m.Help != "" {
			box.Add(wrapLabel(m.Help))
		}
		if m.Kind == catalog.KindBasic || m.Kind == catalog.KindSession {
			w.user = entry("", "")
			add(orDash(m.UserLabel, "User name"), w.user, "")
		}
		w.secret = widget.NewPasswordEntry()
		add(orDash(m.SecretLabel, "Secret"), w.secret, "Paste it here; it is stored in your system keyring, never in a file.")
		if m.Kind == catalog.KindAPIKey || m.Kind == catalog.KindToken {
			w.expires = entry("", "YYYY-MM-DD")
			add("Expires on (optional)", w.expires, "If the provider told you when this stops working, Authdeck reminds you before then.")
		}
	}
	for _, field := range m.Unconfirmed {
		value := unconfirmedValue(m, field)
		if value == "" {
			continue
		}
		e := entry(value, "")
		w.unconfirmed[field] = e
		add(orDash(unconfirmedLabels[field], field)+" (please confirm)", e,
			p.Name+"'s documentation does not state this address; this is Authdeck's best guess. If "+p.Name+" gave you a different one, correct it here: Authdeck keeps your correction for next time.")
	}
	box.Add(w.fieldErr)
	w.fieldErr.Hide()
	return box
}

func unconfirmedValue(m catalog.Method, field string) string {
	switch field {
	case "authorize_url":
		return m.AuthorizeURL
	case "token_url":
		return m.TokenURL
	case "check_url":
		return m.CheckURL
	}
	return ""
}

var nameUnsafe = regexp.MustCompile(`[^A-Za-z0-9 ._-]+`)

// uniqueName proposes a connection name from the provider's name that the
// store accepts and that is not taken yet.
func (w *wizard) uniqueName(base string) string {
	base = strings.Join(strings.Fields(nameUnsafe.ReplaceAllString(base, " ")), " ")
	if base == "" {
		base = "Connection"
	}
	name := base
	for i := 2; ; i++ {
		if _, taken := w.a.find(name); !taken {
			return name
		}
		name = fmt.Sprintf("%s %d", base, i)
	}
}

func text(e *widget.Entry) string {
	if e == nil {
		return ""
	}
	return strings.TrimSpace(e.Text)
}

// request gathers the fields into an AddRequest.
func (w *wizard) request() (auth.AddRequest, error) {
	req := auth.AddRequest{
		Name: text(w.name), Provider: w.provider.ID, Method: w.method.Kind,
		ClientID: text(w.clientID), User: text(w.user),
	}
	if w.clientSecret != nil {
		req.Secret = w.clientSecret.Text
	}
	if w.secret != nil {
		req.Secret = strings.TrimSpace(w.secret.Text)
	}
	if s := text(w.scopes); s != "" {
		req.Scopes = strings.Fields(s)
	}
	if len(w.params) > 0 {
		req.Params = map[string]string{}
		for k, e := range w.params {
			if v := text(e); v != "" {
				req.Params[k] = v
			}
		}
	}
	if w.expires != nil {
		at, err := parseDate(w.expires.Text)
		if err != nil {
			return req, err
		}
		req.ExpiresAt = at
	}
	return req, nil
}

// corrections are the unconfirmed addresses the person changed, by field.
func (w *wizard) corrections() map[string]string {
	out := map[string]string{}
	for field, e := range w.unconfirmed {
		if v := text(e); v != unconfirmedValue(w.method, field) {
			out[field] = v
		}
	}
	return out
}

// save stores the connection; a browser method then signs in.
func (w *wizard) save() {
	req, err := w.request()
	if err != nil {
		w.fieldError(plain(err))
		return
	}
	w.fieldErr.Hide()
	setEnabled(w.next, false)
	replace := w.added
	corrections, providerID, kind := w.corrections(), w.provider.ID, w.method.Kind
	background(w.a, func() (auth.Connection, error) {
		ctx := w.a.ctx()
		// A corrected address is saved as the person's own definition of
		// the provider (providers.d), so it is used now and from then on.
		for field, value := range corrections {
			if _, err := w.a.m.ConfirmValue(providerID, kind, field, value); err != nil {
				return auth.Connection{}, err
			}
		}
		if replace != "" {
			if err := w.a.m.Remove(ctx, replace); err != nil {
				return auth.Connection{}, err
			}
		}
		return w.a.m.Add(ctx, req)
	}, func(c auth.Connection, err error) {
		setEnabled(w.next, true)
		if replace != "" {
			w.added = ""
		}
		if err != nil {
			w.fieldError(plain(err))
			return
		}
		w.added = c.Name
		if !w.method.Kind.Browser() {
			w.finish(c.Name + " was added.")
			return
		}
		w.show(stepWait)
		w.connect()
	})
}

func (w *wizard) fieldError(msg string) {
	w.fieldErr.SetText(msg)
	w.fieldErr.Show()
}

// connect runs the browser sign-in for the stored connection and waits.
func (w *wizard) connect() {
	if w.added == "" || w.cancel != nil {
		return
	}
	name := w.added
	ctx, cancel := context.WithCancel(w.a.ctx())
	w.cancel = cancel
	w.waitText.SetText("Approve the request in your browser… Authdeck opened " + w.provider.Name + "'s sign-in page; come back here when you have approved it.")
	w.waitErr.Hide()
	w.waitBar.Show()
	w.waitBar.Start()
	w.consentBox.Hide()
	w.updateButtons()
	w.a.setBusy(name, true)
	background(w.a, func() (auth.Connection, error) {
		return w.a.m.Connect(ctx, name, auth.ConnectOptions{Listening: func(_, authorizeURL string) {
			toUI(func() {
				w.consentURL = authorizeURL
				w.consentBox.Show()
			})
		}})
	}, func(c auth.Connection, err error) {
		cancel()
		w.cancel = nil
		w.a.setBusy(name, false)
		w.waitBar.Stop()
		w.waitBar.Hide()
		if err != nil {
			w.waitText.SetText("The sign-in did not finish.")
			msg := plain(err)
			if ctx.Err() != nil {
				msg = "Cancelled. " + name + " is saved but not signed in: press Try again, or Close and connect it later."
			}
			w.waitErr.SetText(msg)
			w.waitErr.Show()
			w.updateButtons()
			w.a.reload()
			return
		}
		w.finish(c.Name + " is connected.")
	})
}

// finish closes the wizard and shows the new connection, selected.
func (w *wizard) finish(msg string) {
	name := w.added
	w.added = ""
	w.dlg.Hide()
	w.a.say(msg)
	w.a.selected = name
	w.a.reload()
}
