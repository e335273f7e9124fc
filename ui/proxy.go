package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
)

// The detail pane's "Local address for tools…": a credential proxy
// (auth.StartProxy) that the window runs for a connection, so that a
// program, a notebook or a dev server sends its requests to a local address
// and never holds the token. The proxies live as long as the window; the
// address holds a per-run key, so it is copied like a secret.

// proxies are the running proxies per window, by connection name. Only the
// UI goroutine touches them.
var proxies = map[*App]map[string]*auth.LocalProxy{}

// newProxyButton is the detail pane's button for the proxy dialog.
func newProxyButton(d *detailPane) *widget.Button {
	return widget.NewButtonWithIcon("Local address for tools…", theme.ComputerIcon(), func() { showProxy(d) })
}

func runningProxy(a *App, name string) *auth.LocalProxy { return proxies[a][name] }

// showProxy opens the dialog for the shown connection: start a proxy, or
// copy the address of the running one, or stop it.
func showProxy(d *detailPane) {
	a, name := d.a, d.conn.Name
	if name == "" {
		return
	}
	about := wrapped()
	about.SetText("A local address for your own programs: requests to it reach " + name +
		"'s API with its credential added and renewed as needed. Only this computer can reach it, " +
		"and only with the key in the address. Stopping it, or quitting Authdeck, closes it.")
	address := widget.NewLabel("")
	address.TextStyle = fyne.TextStyle{Monospace: true}
	address.Wrapping = fyne.TextWrapBreak
	problem := wrapped()
	problem.Importance = widget.DangerImportance
	problem.Hide()
	var start, stop, copyBtn *widget.Button
	refresh := func() {
		p := runningProxy(a, name)
		showIf(start, p == nil)
		showIf(stop, p != nil)
		showIf(copyBtn, p != nil)
		if p == nil {
			address.SetText("Not running.")
			return
		}
		address.SetText(p.URL)
	}
	copyBtn = widget.NewButtonWithIcon("Copy address", theme.ContentCopyIcon(), func() {
		if p := runningProxy(a, name); p != nil {
			a.copySecret(p.URL)
		}
	})
	stop = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), func() { stopProxy(a, name); refresh() })
	start = widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), func() {
		start.Disable()
		startProxy(a, name, func(err error) {
			start.Enable()
			problem.Hide()
			if err != nil {
				problem.SetText(plain(err))
				problem.Show()
			}
			refresh()
		})
	})
	refresh()
	body := container.NewVBox(about, address, problem, container.NewHBox(start, copyBtn, stop))
	dlg := dialog.NewCustom("Local address for "+name, "Close", body, a.win)
	a.keysFor(dlg, nil)
	dlg.Resize(fyne.NewSize(520, 260))
	dlg.Show()
}

// startProxy starts a proxy for name in the background; done runs on the
// UI goroutine.
func startProxy(a *App, name string, done func(error)) {
	background(a, func() (*auth.LocalProxy, error) {
		return a.m.StartProxy(context.WithoutCancel(a.ctx()), name, 0)
	}, func(p *auth.LocalProxy, err error) {
		if err == nil {
			if proxies[a] == nil {
				proxies[a] = map[string]*auth.LocalProxy{}
			}
			if old := proxies[a][name]; old != nil {
				old.Stop()
			}
			proxies[a][name] = p
			a.say("Local address for " + name + " is running.")
		}
		done(err)
	})
}

// stopProxies stops every proxy the window started: it quits.
func stopProxies(a *App) {
	for _, p := range proxies[a] {
		p.Stop()
	}
	delete(proxies, a)
}

// stopProxy stops name's proxy, if one runs.
func stopProxy(a *App, name string) {
	if p := proxies[a][name]; p != nil {
		p.Stop()
		delete(proxies[a], name)
		a.say("Local address for " + name + " stopped.")
	}
}
