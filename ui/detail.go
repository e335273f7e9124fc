package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
	"authdeck/auth/render"
)

// masked stands in for a credential until the person asks to see it.
const masked = "••••••••••••••••"

// offerFormats lists in the picker only the formats this credential can
// take: a header line for one sent in a header, a web address with the key
// for one sent in the address (the walk was offered the other and shown a
// refusal in red, like a fault).
func (d *detailPane) offerFormats(inAddress bool) {
	var names []string
	for _, f := range render.Formats() {
		if (f == render.FormatURL) != inAddress && (f == render.FormatURL || f == render.FormatHeader) {
			continue
		}
		names = append(names, formatNames[f])
	}
	d.format.Options = names
	if !slices.Contains(names, d.format.Selected) {
		d.format.SetSelected(formatNames[render.FormatHTTPie])
	}
	d.format.Refresh()
}

// formatNames are the snippet formats in plain words, for the picker.
var formatNames = map[render.Format]string{
	render.FormatHeader:     "Header line",
	render.FormatCurl:       "curl command",
	render.FormatHTTPie:     "HTTPie command",
	render.FormatPowerShell: "PowerShell command",
	render.FormatEnv:        "Shell variable (export)",
	render.FormatDotenv:     ".env file line",
	render.FormatToken:      "Token only",
	render.FormatURL:        "Web address with key",
}

// detailPane is the right-hand side: everything about one connection and
// every action on it.
type detailPane struct {
	a    *App
	conn auth.Connection // "" Name: nothing selected
	// scroll holds the pane; another connection starts at its top.
	scroll *container.Scroll

	placeholder *widget.Label
	content     *fyne.Container

	title     *widget.Label
	status    *widget.Label
	advice    *widget.Label
	provider  *widget.Label
	method    *widget.Label
	account   *widget.Label
	scopes    *widget.Label
	expires   *widget.Label
	refreshTk *widget.Label
	lastRef   *widget.Label
	lastCheck *widget.Label

	owner       *keyEntry // Enter saves without redrawing after (see keyEntry)
	note        *noteEntry
	saveDetails *widget.Button
	// base is the owner and note the fields were last filled from: what
	// the person started from, compared in the core before a save writes.
	base auth.Details

	secret   *widget.Label
	reveal   *widget.Button
	revealed bool

	copyHeader, copyCurl, copyToken *widget.Button
	// primary is what the first copy button (and Ctrl+C) copies: the
	// header, or for a credential sent as a query parameter, the URL.
	primary               render.Format
	format                *widget.Select
	copyFormatBtn         *widget.Button
	checkBtn, refreshBtn  *widget.Button
	connectBtn, expiryBtn *widget.Button
	replaceBtn, removeBtn *widget.Button
	renameBtn             *widget.Button

	progress *waiting // the one "waiting for the browser" panel (waiting.go)
	cancel   context.CancelFunc
	// connecting is set while Reconnect waits for the browser (quitting
	// then asks first).
	connecting bool

	errText *widget.Label
	team    *teamRow // shared with the team or not (ui/team.go)

	lastCountdown string
	// stack holds the placeholder, and the content once built.
	stack *fyne.Container
}

func newDetailPane(a *App) *detailPane {
	d := &detailPane{a: a, primary: render.FormatHeader}
	d.placeholder = widget.NewLabelWithStyle("Select a connection to see its details, or add one with Ctrl+N.",
		fyne.TextAlignCenter, fyne.TextStyle{})
	d.placeholder.Wrapping = fyne.TextWrapWord
	d.stack = container.NewStack(container.NewVBox(layout.NewSpacer(), d.placeholder, layout.NewSpacer()))
	return d
}

func wrapped() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	return l
}

// build makes the pane's widgets the first time a connection is shown:
// nothing on screen needs them before, and making them at start-up cost
// about a tenth of the window's start-up.
func (d *detailPane) build() {
	d.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.title.SizeName = theme.SizeNameSubHeadingText
	d.title.Truncation = fyne.TextTruncateEllipsis
	d.status = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.advice = wrapped()
	d.provider, d.method, d.account, d.scopes = wrapped(), wrapped(), wrapped(), wrapped()
	d.expires, d.refreshTk, d.lastRef, d.lastCheck = wrapped(), wrapped(), wrapped(), wrapped()
	d.buildDetails()

	d.secret = widget.NewLabel(masked)
	d.secret.Wrapping = fyne.TextWrapBreak
	d.secret.TextStyle = fyne.TextStyle{Monospace: true}
	d.reveal = widget.NewButtonWithIcon("Reveal", theme.VisibilityIcon(), d.toggleReveal)
	d.buildButtons()
	d.buildProgress()
	d.errText = wrapped()
	d.errText.Importance = widget.DangerImportance
	d.errText.Hide()
	d.team = newTeamRow(d)

	form := container.New(layout.NewFormLayout(),
		key("Provider"), d.provider,
		key("Method"), d.method,
		key("Account"), d.account,
		key("Owner"), d.owner,
		key("Note"), d.note,
		layout.NewSpacer(), container.NewHBox(d.saveDetails),
		key("Permissions"), d.scopes,
		key("Expires"), d.expires,
		key("Renews itself"), d.refreshTk,
		key("Last refresh"), d.lastRef,
		key("Last check"), d.lastCheck,
	)
	credential := container.NewBorder(nil, nil, nil, d.reveal, d.secret)
	// Columns as many as fit (flowGrid): three fixed ones were three times
	// the longest label wide ("Copy the api-key=… part") and kept the
	// window from being made 800 wide.
	relayout := func() {
		if d.content != nil {
			d.content.Refresh()
		}
	}
	copies := newFlowGrid(3, relayout, d.copyHeader, d.copyCurl, d.copyToken)
	other := container.NewBorder(nil, nil, widget.NewLabel("Other format"), d.copyFormatBtn, d.format)
	actions := newFlowGrid(3, relayout, d.checkBtn, d.refreshBtn, d.connectBtn, d.expiryBtn, d.replaceBtn, d.renameBtn,
		d.removeBtn, newProxyButton(d)) // ui/proxy.go

	// The copy buttons come first: they are what most visits are for, and
	// they must stay in view in a 800×600 window.
	d.content = container.NewVBox(
		d.title, d.status, d.advice,
		d.progress, d.errText,
		copies, other, actions, d.team.box,
		widget.NewSeparator(), form,
		widget.NewSeparator(), key("Credential"), credential,
	)
	d.stack.Add(d.content)
}

func (d *detailPane) buildButtons() {
	d.copyHeader = widget.NewButtonWithIcon("Copy header", theme.ContentCopyIcon(), func() { d.copyFormat(d.primary) })
	d.copyHeader.Importance = widget.HighImportance
	d.copyCurl = widget.NewButtonWithIcon("Copy curl command", theme.ContentCopyIcon(), func() { d.copyFormat(render.FormatCurl) })
	d.copyToken = widget.NewButtonWithIcon("Copy token", theme.ContentCopyIcon(), func() { d.copyFormat(render.FormatToken) })
	var names []string
	for _, f := range render.Formats() {
		names = append(names, formatNames[f])
	}
	d.format = widget.NewSelect(names, nil)
	d.format.SetSelected(formatNames[render.FormatHTTPie])
	d.copyFormatBtn = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		for f, n := range formatNames {
			if n == d.format.Selected {
				d.copyFormat(f)
			}
		}
	})
	d.checkBtn = widget.NewButtonWithIcon("Check", theme.ConfirmIcon(), d.check)
	d.refreshBtn = widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), d.refresh)
	d.connectBtn = widget.NewButtonWithIcon("Reconnect", theme.LoginIcon(), d.connect)
	d.expiryBtn = widget.NewButtonWithIcon("Edit expiry", theme.CalendarIcon(), d.editExpiry)
	d.replaceBtn = widget.NewButtonWithIcon("Replace key…", theme.MailForwardIcon(), d.replaceKey)
	d.renameBtn = widget.NewButtonWithIcon("Rename…", theme.DocumentCreateIcon(), d.rename)
	d.removeBtn = widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), d.remove)
	d.removeBtn.Importance = widget.DangerImportance
}

// buildProgress makes the "working on it" panel with its Cancel.
func (d *detailPane) buildProgress() {
	d.progress = newWaiting(func(url string) { d.a.copyText(url, "the sign-in address") }, d.a.openAgain, func() {
		if d.cancel != nil {
			d.cancel()
		}
	})
}

func key(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// view is the pane inside a scroll, so that it also fits a small window.
func (d *detailPane) view() fyne.CanvasObject {
	// The wheel moves the pane wherever the pointer rests (a one-line field
	// would keep a notch for itself); the note grows with its text
	// (noteEntry), so it needs no wheel of its own.
	d.scroll = container.NewVScroll(container.NewPadded(d.stack))
	return wheelScroll(d.scroll)
}

// show fills the pane with c; an empty Name shows the placeholder.
func (d *detailPane) show(c auth.Connection) {
	changed := c.Name != d.conn.Name
	d.conn = c
	if changed && d.scroll != nil {
		// Another connection is read from its top: its name and status,
		// not its Remove button, come first (the walk saw Remove without
		// the name it would remove at 500×400).
		d.scroll.ScrollToTop()
	}
	if c.Name == "" {
		if d.content != nil {
			d.content.Hide()
		}
		d.placeholder.Show()
		return
	}
	if d.content == nil {
		d.build()
	}
	d.placeholder.Hide()
	d.content.Show()
	if changed {
		d.hideSecret()
		d.clearError()
	}
	d.title.SetText(c.Name)
	d.provider.SetText(c.ProviderName)
	d.method.SetText(d.methodLabel(c))
	d.account.SetText(accountWords(c))
	d.showDetails(c, changed)
	d.scopes.SetText(scopeWords(c))
	d.refreshTk.SetText(refreshTokenWords(c))
	d.lastRef.SetText(outcomeWords(c.LastRefresh))
	d.lastCheck.SetText(outcomeWords(c.LastCheck))
	d.showButtons(c)
	d.team.show(c)
	d.lastCountdown = ""
	d.tick(d.a.m.Now())
	d.busyChanged()
}

// showButtons shows the actions c's method has, labels the copy buttons
// for what they copy, and highlights what the person most likely wants:
// Connect when it is not signed in, else the first copy button.
func (d *detailPane) showButtons(c auth.Connection) {
	browser := c.Method.Browser()
	if c.ConnectedAt == nil {
		d.connectBtn.SetText("Connect")
	} else {
		d.connectBtn.SetText("Reconnect")
	}
	showIf(d.connectBtn, browser)
	showIf(d.expiryBtn, !browser)
	showIf(d.replaceBtn, !browser)
	showIf(d.refreshBtn, c.HasRefreshToken)

	d.primary = render.FormatHeader
	d.copyHeader.SetText("Copy header")
	d.copyToken.SetText("Copy token")
	q := d.a.queryParam(c)
	if q != "" {
		d.primary = render.FormatURL
		d.copyHeader.SetText(copyAddressWords)
		d.copyToken.SetText("Copy the " + q + "=… part")
	}
	d.offerFormats(q != "")
	signIn := d.a.statusOf(c, d.a.m.Now()) == auth.StatusNeedsConnect ||
		(browser && auth.RemedyFor(c, d.a.statusOf(c, d.a.m.Now())) == auth.RemedySignIn)
	d.connectBtn.Importance, d.copyHeader.Importance = widget.MediumImportance, widget.HighImportance
	if signIn {
		d.connectBtn.Importance, d.copyHeader.Importance = widget.HighImportance, widget.MediumImportance
	}
	d.connectBtn.Refresh()
	d.copyHeader.Refresh()
}

// tick updates the parts of the pane that depend on the time.
func (d *detailPane) tick(now time.Time) {
	c := d.conn
	if c.Name == "" {
		return
	}
	cd := countdownWords(c, now)
	st := d.a.statusOf(c, now)
	text := statusWord(st)
	if !strings.EqualFold(cd, text) {
		text += " — " + cd
	}
	if unchecked(c) {
		// Only not expired: nobody has tried it yet (the walk's mistyped
		// token read a plain green OK).
		text += " · not checked yet"
	}
	if text == d.lastCountdown {
		return
	}
	d.lastCountdown = text
	d.status.SetText(text)
	d.status.Importance = statusImportance(st, false)
	d.status.Refresh()
	d.advice.SetText(advice(c, st))
	showIf(d.advice, d.advice.Text != "")
	d.expires.SetText(expiryWords(c, now))
}

// expiryWords is the Expires line: the date, the countdown, and whether
// the date is Authdeck's estimate.
func expiryWords(c auth.Connection, now time.Time) string {
	cd := countdownWords(c, now)
	if c.ExpiresAt == nil {
		return cd
	}
	s := c.ExpiresAt.Local().Format("Mon 2 Jan 2006, 15:04") + " (" + cd + ")"
	if c.ExpiryEstimated {
		s += "\nNobody gave a date: this is the provider's usual lifetime. Set the real one with Edit expiry."
	}
	return s
}

func (d *detailPane) methodLabel(c auth.Connection) string {
	if p, err := d.a.m.Catalog().Provider(c.Provider); err == nil {
		if m, ok := p.Method(c.Method); ok && m.Label != "" {
			if g := guessWords(p, m); g != "" {
				return m.Label + "\n" + g // every guess, in words (issue 20.4)
			}
			return m.Label
		}
	}
	return methodWords(c)
}

func accountWords(c auth.Connection) string {
	switch {
	case c.Account != "":
		return c.Account
	case c.User != "":
		return c.User
	case c.LastCheck != nil && !c.LastCheck.OK:
		return "unknown: the last Check failed"
	case c.LastCheck != nil:
		return "not reported by " + c.ProviderName
	case unchecked(c):
		return "unknown: press Check to make sure the credential works"
	}
	return "unknown until the first Check"
}

func scopeWords(c auth.Connection) string {
	s := "none asked for"
	if len(c.Scopes) > 0 {
		s = strings.Join(c.Scopes, " ") + "\n(the provider's names for what Authdeck may do: its scopes)"
	}
	if len(c.ScopesMissing) > 0 {
		s += "\nAsked for but not granted: " + strings.Join(c.ScopesMissing, " ")
	}
	return s
}

func refreshTokenWords(c auth.Connection) string {
	switch {
	case c.Refreshable:
		return "yes: Authdeck renews the credential before it expires (it holds a refresh token)"
	case c.HasRefreshToken:
		return "yes, but this provider's definition does not allow refreshing"
	case c.Method.Browser():
		return "no: sign in again when it expires"
	}
	return "not used by this method"
}

func outcomeWords(o *auth.Outcome) string {
	if o == nil {
		return "never"
	}
	word := "OK"
	if !o.OK {
		word = "failed"
	}
	s := o.At.Local().Format("2 Jan 2006, 15:04") + ": " + word
	if o.Message != "" && o.Message != "refreshed" {
		s += " — " + o.Message
	}
	return s
}

func orDash(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

func showIf(o fyne.CanvasObject, visible bool) {
	if visible {
		o.Show()
	} else {
		o.Hide()
	}
}

// busyChanged enables the actions unless one is waiting on the shown
// connection (here, in the wizard or in the tray).
func (d *detailPane) busyChanged() {
	if d.content == nil {
		return
	}
	on := d.cancel == nil && !d.a.isBusy(d.conn.Name)
	for _, b := range []*widget.Button{d.copyHeader, d.copyCurl, d.copyToken, d.copyFormatBtn,
		d.checkBtn, d.refreshBtn, d.connectBtn, d.expiryBtn, d.replaceBtn, d.renameBtn, d.removeBtn, d.reveal} {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

func (d *detailPane) clearError() {
	d.errText.SetText("")
	d.errText.Hide()
}

func (d *detailPane) showError(msg string) {
	d.errText.SetText(msg)
	d.errText.Show()
}

// runAction runs one waiting action on the shown connection: progress with
// Cancel while it runs, the failure in words when it fails, in the pane and
// in the status bar (which must never keep an older "connected").
func runAction[T any](d *detailPane, doing string, work func(ctx context.Context, name string) (T, error), ok func(T)) {
	runActionWithin(d, doing, 0, work, ok)
}

// runActionWithin is runAction that gives up after limit (0: no limit), with
// the time left shown.
func runActionWithin[T any](d *detailPane, doing string, limit time.Duration, work func(ctx context.Context, name string) (T, error), ok func(T)) {
	if d.cancel != nil || d.conn.Name == "" {
		return
	}
	name, c := d.conn.Name, d.conn
	// One context, with or without a limit (a second one made over the
	// first left the first alive until the window closed).
	var ctx context.Context
	var cancel context.CancelFunc
	var deadline time.Time
	if limit > 0 {
		ctx, cancel = context.WithTimeout(d.a.ctx(), limit)
		deadline = d.a.m.Now().Add(limit)
	} else {
		ctx, cancel = context.WithCancel(d.a.ctx())
	}
	d.cancel = cancel
	d.clearError()
	d.progress.start(doing, d.a.m.Now(), deadline)
	d.a.setBusy(name, true)
	background(d.a, func() (T, error) { return work(ctx, name) }, func(v T, err error) {
		cancel()
		d.cancel, d.connecting = nil, false
		d.progress.stop()
		d.a.setBusy(name, false)
		if err != nil {
			msg := plainFor(err, c)
			if d.conn.Name == name {
				d.showError(msg)
			}
			d.a.say(name + ": " + msg)
			d.a.reload()
			return
		}
		ok(v)
	})
}

// copyFormat copies the credential in format f (refreshed first if due),
// and says so when the credential handed out has expired.
func (d *detailPane) copyFormat(f render.Format) {
	if d.conn.Name == "" {
		d.a.say("Select a connection first, then copy its header.")
		return
	}
	runAction(d, "Preparing the "+strings.ToLower(formatNames[f])+"…", func(ctx context.Context, name string) (copied, error) {
		return d.a.snippet(ctx, name, f)
	}, d.a.tookCopy)
}

func (d *detailPane) toggleReveal() {
	if d.revealed {
		d.hideSecret()
		return
	}
	runAction(d, "Reading the credential from the password store…", func(ctx context.Context, name string) (auth.Credential, error) {
		return d.a.m.Credential(ctx, name)
	}, func(cred auth.Credential) {
		d.revealed = true
		d.secret.SetText(cred.Secret)
		d.reveal.SetText("Hide")
		d.reveal.SetIcon(theme.VisibilityOffIcon())
		if note := expiredNote(cred.Connection, d.a.m.Now()); note != "" {
			d.a.say(note)
		}
	})
}

func (d *detailPane) hideSecret() {
	d.revealed = false
	d.secret.SetText(masked)
	d.reveal.SetText("Reveal")
	d.reveal.SetIcon(theme.VisibilityIcon())
}

func (d *detailPane) check() {
	runAction(d, "Asking "+d.conn.ProviderName+" who this credential belongs to…", func(ctx context.Context, name string) (auth.CheckResult, error) {
		return d.a.m.Check(ctx, name)
	}, func(r auth.CheckResult) {
		if !r.OK {
			d.showError(checkWords(r, d.conn))
			d.a.say(d.conn.Name + ": " + sentence(r.Message))
		} else {
			d.a.say(d.conn.Name + ": " + sentence(r.Message))
		}
		d.a.reload()
	})
}

func (d *detailPane) refresh() {
	runAction(d, "Renewing the credential…", func(ctx context.Context, name string) (auth.Connection, error) {
		return d.a.m.Refresh(ctx, name)
	}, func(c auth.Connection) {
		d.a.say(c.Name + ": renewed, " + countdownWords(c, d.a.m.Now()) + ".")
		d.a.reload()
	})
}

func (d *detailPane) connect() {
	d.connecting = true
	runActionWithin(d, "Approve the request in your browser…", d.a.signIn, func(ctx context.Context, name string) (auth.Connection, error) {
		return d.a.m.Connect(ctx, name, auth.ConnectOptions{
			Listening: func(_, authorizeURL string) { toUI(func() { d.progress.setAddress(authorizeURL) }) },
			Notice:    func(n auth.Notice) { toUI(func() { d.progress.showNotice(noticeWords(n)) }) },
		})
	}, func(c auth.Connection) {
		d.connecting = false
		d.a.say(c.Name + ": signed in.")
		d.a.reload()
	})
}

func (d *detailPane) remove() {
	name := d.conn.Name
	d.a.ask("Remove "+name+"?",
		"Authdeck forgets this connection and deletes its credential from your computer's password store. "+removeAfterWords(d.conn),
		"Remove", "Cancel", func() {
			runAction(d, "Removing…", func(ctx context.Context, name string) (struct{}, error) {
				return struct{}{}, d.a.m.Remove(ctx, name)
			}, func(struct{}) {
				d.a.say(name + " was removed.")
				d.a.selectAndReload("")
			})
		}, nil)
}

// removeAfterWords says what stays with the provider after a removal: for
// a browser sign-in, the permission given to Authdeck; for a pasted key,
// the key itself.
func removeAfterWords(c auth.Connection) string {
	if c.Method.Browser() {
		return "You stay signed in with " + c.ProviderName + ": to take back Authdeck's access there too, remove it in " + c.ProviderName + "'s account settings."
	}
	if c.Status == auth.StatusExpired || (c.LastCheck != nil && !c.LastCheck.OK && c.LastCheck.Rejected) {
		return "" // it no longer works anyway: nothing to say about it
	}
	return "The key itself still works at " + c.ProviderName + " until it expires: delete it there too if nobody needs it."
}
