package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
	"authdeck/auth/check"
	"authdeck/auth/render"
)

// masked stands in for a credential until the person asks to see it.
const masked = "••••••••••••••••"

// formatNames are the snippet formats in plain words, for the picker.
var formatNames = map[render.Format]string{
	render.FormatHeader:     "Header line",
	render.FormatCurl:       "curl command",
	render.FormatHTTPie:     "HTTPie command",
	render.FormatPowerShell: "PowerShell command",
	render.FormatEnv:        ".env line",
	render.FormatToken:      "Token only",
	render.FormatURL:        "URL with key",
}

// detailPane is the right-hand side: everything about one connection and
// every action on it.
type detailPane struct {
	a    *App
	conn auth.Connection // "" Name: nothing selected

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

	secret   *widget.Label
	reveal   *widget.Button
	revealed bool

	copyHeader, copyCurl, copyToken *widget.Button
	format                          *widget.Select
	copyFormatBtn                   *widget.Button
	checkBtn, refreshBtn            *widget.Button
	connectBtn, expiryBtn           *widget.Button
	removeBtn                       *widget.Button

	progress     *fyne.Container
	progressText *widget.Label
	cancel       context.CancelFunc
	consentURL   string
	consentBox   *fyne.Container

	errText *widget.Label

	lastCountdown string
	// stack holds the placeholder, and the content once built.
	stack *fyne.Container
}

func newDetailPane(a *App) *detailPane {
	d := &detailPane{a: a}
	d.placeholder = widget.NewLabelWithStyle("Select a connection to see its details, or add one with Ctrl+N.",
		fyne.TextAlignCenter, fyne.TextStyle{})
	d.placeholder.Wrapping = fyne.TextWrapWord
	d.stack = container.NewStack(container.NewVBox(layout.NewSpacer(), d.placeholder, layout.NewSpacer()))
	return d
}

// build makes the pane's widgets the first time a connection is shown:
// nothing on screen needs them before, and making them at start-up cost
// about a tenth of the window's start-up.
func (d *detailPane) build() {
	label := func() *widget.Label {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	d.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.title.SizeName = theme.SizeNameSubHeadingText
	d.title.Truncation = fyne.TextTruncateEllipsis
	d.status = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.advice = label()
	d.provider, d.method, d.account, d.scopes = label(), label(), label(), label()
	d.expires, d.refreshTk, d.lastRef, d.lastCheck = label(), label(), label(), label()

	d.secret = widget.NewLabel(masked)
	d.secret.Wrapping = fyne.TextWrapBreak
	d.secret.TextStyle = fyne.TextStyle{Monospace: true}
	d.reveal = widget.NewButtonWithIcon("Reveal", theme.VisibilityIcon(), d.toggleReveal)

	d.copyHeader = widget.NewButtonWithIcon("Copy header", theme.ContentCopyIcon(), func() { d.copyFormat(render.FormatHeader) })
	d.copyHeader.Importance = widget.HighImportance
	d.copyCurl = widget.NewButtonWithIcon("Copy curl", theme.ContentCopyIcon(), func() { d.copyFormat(render.FormatCurl) })
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
	d.removeBtn = widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), d.remove)
	d.removeBtn.Importance = widget.DangerImportance

	d.progressText = label()
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		if d.cancel != nil {
			d.cancel()
		}
	})
	consentCopy := widget.NewButtonWithIcon("Copy address", theme.ContentCopyIcon(), func() { d.a.copyText(d.consentURL, "the sign-in address") })
	d.consentBox = container.NewBorder(nil, nil, nil, consentCopy,
		widget.NewLabel("No browser window? Open the sign-in address yourself:"))
	d.consentBox.Hide()
	d.progress = container.NewVBox(widget.NewProgressBarInfinite(),
		container.NewBorder(nil, nil, nil, cancel, d.progressText), d.consentBox)
	d.progress.Hide()
	d.errText = label()
	d.errText.Importance = widget.DangerImportance
	d.errText.Hide()

	form := container.New(layout.NewFormLayout(),
		key("Provider"), d.provider,
		key("Method"), d.method,
		key("Account"), d.account,
		key("Scopes"), d.scopes,
		key("Expires"), d.expires,
		key("Refresh token"), d.refreshTk,
		key("Last refresh"), d.lastRef,
		key("Last check"), d.lastCheck,
	)
	credential := container.NewBorder(nil, nil, nil, d.reveal, d.secret)
	copies := container.NewGridWithColumns(3, d.copyHeader, d.copyCurl, d.copyToken)
	other := container.NewBorder(nil, nil, widget.NewLabel("Other format"), d.copyFormatBtn, d.format)
	actions := container.NewGridWithColumns(3, d.checkBtn, d.refreshBtn, d.connectBtn, d.expiryBtn, d.removeBtn)

	// The copy buttons come first: they are what most visits are for, and
	// they must stay in view in a 800×600 window.
	d.content = container.NewVBox(
		d.title, d.status, d.advice,
		d.progress, d.errText,
		copies, other, actions,
		widget.NewSeparator(), form,
		widget.NewSeparator(), key("Credential"), credential,
	)
	d.stack.Add(d.content)
}

func key(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// view is the pane inside a scroll, so that it also fits a small window.
func (d *detailPane) view() fyne.CanvasObject {
	return container.NewVScroll(container.NewPadded(d.stack))
}

// show fills the pane with c; an empty Name shows the placeholder.
func (d *detailPane) show(c auth.Connection) {
	changed := c.Name != d.conn.Name
	d.conn = c
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
	switch {
	case c.Account != "":
		d.account.SetText(c.Account)
	case c.LastCheck != nil:
		d.account.SetText("not reported by " + c.ProviderName)
	default:
		d.account.SetText("unknown until the first check")
	}
	d.scopes.SetText(orDash(strings.Join(c.Scopes, " "), "none"))
	d.refreshTk.SetText(refreshTokenWords(c))
	d.lastRef.SetText(outcomeWords(c.LastRefresh))
	d.lastCheck.SetText(outcomeWords(c.LastCheck))

	browser := c.Method.Browser()
	if c.ConnectedAt == nil {
		d.connectBtn.SetText("Connect")
	} else {
		d.connectBtn.SetText("Reconnect")
	}
	showIf(d.connectBtn, browser)
	showIf(d.expiryBtn, !browser)
	showIf(d.refreshBtn, c.HasRefreshToken)
	d.lastCountdown = ""
	d.tick(d.a.m.Now())
	d.setEnabled(d.cancel == nil)
}

// tick updates the parts of the pane that depend on the time.
func (d *detailPane) tick(now time.Time) {
	c := d.conn
	if c.Name == "" {
		return
	}
	cd := auth.Countdown(c, now)
	st := statusAt(c, now, d.a.within)
	text := statusWord(st) + " — " + cd
	if text == d.lastCountdown {
		return
	}
	d.lastCountdown = text
	d.status.SetText(text)
	d.status.Importance = statusImportance(st, false)
	d.status.Refresh()
	d.advice.SetText(advice(c, st))
	showIf(d.advice, d.advice.Text != "")
	if c.ExpiresAt != nil {
		d.expires.SetText(c.ExpiresAt.Local().Format("Mon 2 Jan 2006, 15:04") + " (" + cd + ")")
	} else {
		d.expires.SetText(cd)
	}
}

func (d *detailPane) methodLabel(c auth.Connection) string {
	if p, err := d.a.m.Provider(c.Provider); err == nil {
		if m, ok := p.Method(c.Method); ok && m.Label != "" {
			return m.Label
		}
	}
	return methodWords(c)
}

func refreshTokenWords(c auth.Connection) string {
	switch {
	case c.Refreshable:
		return "yes: Authdeck renews the credential before it expires"
	case c.HasRefreshToken:
		return "yes, but this provider's definition does not allow refreshing"
	case c.Method.Browser():
		return "none: sign in again when it expires"
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

func (d *detailPane) setEnabled(on bool) {
	for _, b := range []*widget.Button{d.copyHeader, d.copyCurl, d.copyToken, d.copyFormatBtn,
		d.checkBtn, d.refreshBtn, d.connectBtn, d.expiryBtn, d.removeBtn, d.reveal} {
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
// Cancel while it runs, the failure in words when it fails.
func runAction[T any](d *detailPane, doing string, work func(ctx context.Context, name string) (T, error), ok func(T)) {
	if d.cancel != nil || d.conn.Name == "" {
		return
	}
	name := d.conn.Name
	ctx, cancel := context.WithCancel(d.a.ctx())
	d.cancel = cancel
	d.clearError()
	d.progressText.SetText(doing)
	d.consentBox.Hide()
	d.progress.Show()
	d.setEnabled(false)
	d.a.setBusy(name, true)
	background(d.a, func() (T, error) { return work(ctx, name) }, func(v T, err error) {
		cancel()
		d.cancel = nil
		d.progress.Hide()
		d.setEnabled(true)
		d.a.setBusy(name, false)
		if err != nil {
			if d.conn.Name == name {
				d.showError(plain(err))
			} else {
				d.a.say(name + ": " + plain(err))
			}
			d.a.reload()
			return
		}
		ok(v)
	})
}

// copyFormat copies the credential in format f (refreshed first if due).
func (d *detailPane) copyFormat(f render.Format) {
	if d.conn.Name == "" {
		d.a.say("Select a connection first, then copy its header.")
		return
	}
	runAction(d, "Preparing the "+strings.ToLower(formatNames[f])+"…", func(ctx context.Context, name string) (string, error) {
		s, _, err := d.a.m.Snippet(ctx, name, f, "")
		return s, err
	}, func(s string) {
		d.a.copySecret(s)
		d.a.reload() // a refresh may have happened
	})
}

func (d *detailPane) toggleReveal() {
	if d.revealed {
		d.hideSecret()
		return
	}
	runAction(d, "Reading the credential from the keyring…", func(ctx context.Context, name string) (render.Credential, error) {
		cred, err := d.a.m.Credential(ctx, name)
		return cred.Credential, err
	}, func(cred render.Credential) {
		d.revealed = true
		d.secret.SetText(cred.Secret)
		d.reveal.SetText("Hide")
		d.reveal.SetIcon(theme.VisibilityOffIcon())
	})
}

func (d *detailPane) hideSecret() {
	d.revealed = false
	d.secret.SetText(masked)
	d.reveal.SetText("Reveal")
	d.reveal.SetIcon(theme.VisibilityIcon())
}

func (d *detailPane) check() {
	runAction(d, "Asking "+d.conn.ProviderName+" who this credential belongs to…", func(ctx context.Context, name string) (check.Result, error) {
		return d.a.m.Check(ctx, name)
	}, func(r check.Result) {
		if !r.OK {
			d.showError(sentence(r.Message))
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
		d.a.say(c.Name + ": renewed, " + auth.Countdown(c, d.a.m.Now()) + ".")
		d.a.reload()
	})
}

func (d *detailPane) connect() {
	runAction(d, "Approve the request in your browser…", func(ctx context.Context, name string) (auth.Connection, error) {
		return d.a.m.Connect(ctx, name, auth.ConnectOptions{Listening: func(_, authorizeURL string) {
			toUI(func() {
				d.consentURL = authorizeURL
				d.consentBox.Show()
			})
		}})
	}, func(c auth.Connection) {
		d.a.say(c.Name + ": signed in.")
		d.a.reload()
	})
}

func (d *detailPane) editExpiry() {
	c := d.conn
	entry := widget.NewEntry()
	entry.SetPlaceHolder("YYYY-MM-DD")
	if c.ExpiresAt != nil {
		entry.SetText(c.ExpiresAt.Local().Format(time.DateOnly))
	}
	help := widget.NewLabel("The date the provider says this " + strings.ToLower(methodWords(c)) +
		" stops working. Leave it empty if it does not expire.")
	help.Wrapping = fyne.TextWrapWord
	dlg := dialog.NewForm("Expiry of "+c.Name, "Save", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("Expires on", entry), widget.NewFormItem("", help)},
		func(save bool) {
			if !save {
				return
			}
			at, err := parseDate(entry.Text)
			if err != nil {
				d.showError(err.Error())
				return
			}
			runAction(d, "Saving the date…", func(ctx context.Context, name string) (auth.Connection, error) {
				return d.a.m.SetExpiry(ctx, name, at)
			}, func(auth.Connection) { d.a.reload() })
		}, d.a.win)
	dlg.Resize(fyne.NewSize(420, 240))
	dlg.Show()
}

// parseDate reads a YYYY-MM-DD date as the start of that day, local time;
// "" means no expiry.
func parseDate(s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, time.Local)
	if err != nil {
		return nil, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD, for example %s", s, time.Now().AddDate(1, 0, 0).Format(time.DateOnly))
	}
	return &t, nil
}

func (d *detailPane) remove() {
	name := d.conn.Name
	dialog.ShowConfirm("Remove "+name+"?",
		"Authdeck forgets this connection and deletes its credential from the keyring.\nThe app stays registered with "+d.conn.ProviderName+".",
		func(yes bool) {
			if !yes {
				return
			}
			runAction(d, "Removing…", func(ctx context.Context, name string) (struct{}, error) {
				return struct{}{}, d.a.m.Remove(ctx, name)
			}, func(struct{}) {
				d.a.say(name + " was removed.")
				d.a.selected = ""
				d.a.reload()
			})
		}, d.a.win)
}
