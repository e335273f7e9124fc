package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
)

// The team store in the window: Settings → Team store (address, mount,
// path, token, Test), a Shared marker and filter in the list, Share with
// team… / Stop sharing and "refreshed by" in the detail pane, and shared
// connections read again every teamPoll and when the window comes to the
// front (another machine may have refreshed, edited or removed them).

// teamPoll is how often the window reads shared connections again.
const teamPoll = time.Minute

// filterShared is the list filter's choice for shared connections.
const filterShared = "Shared with the team"

// startTeamPoll reads the list again every teamPoll while a team store is
// set up, and when the window comes to the front. The loop ends with the
// window (Stop joins it).
func (a *App) startTeamPoll(ctx context.Context) {
	a.fyne.Lifecycle().SetOnEnteredForeground(func() { a.reloadIfShared() })
	a.loops.Add(1)
	go func() {
		defer a.loops.Done()
		t := time.NewTicker(teamPoll)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				toUI(a.reloadIfShared)
			}
		}
	}()
}

// reloadIfShared reads the list again when it shows shared connections.
func (a *App) reloadIfShared() {
	for _, c := range a.conns {
		if c.Shared {
			a.reload()
			return
		}
	}
}

// sharedWords is the list row's marker for a shared connection.
func sharedWords(c auth.Connection) string {
	if c.Shared {
		return "shared"
	}
	return ""
}

// teamRow is the detail pane's line about sharing: whether the connection
// is shared, who refreshed it last, and the button that changes it.
type teamRow struct {
	d      *detailPane
	words  *widget.Label
	button *widget.Button
	box    *fyne.Container
}

func newTeamRow(d *detailPane) *teamRow {
	r := &teamRow{d: d, words: wrapped()}
	r.button = widget.NewButtonWithIcon("Share with team…", theme.AccountIcon(), r.toggle)
	r.box = container.NewBorder(nil, nil, nil, r.button, r.words)
	return r
}

// show fills the row for c.
func (r *teamRow) show(c auth.Connection) {
	r.words.SetText(teamWords(c, r.d.a.m.Now()))
	if c.Shared {
		r.button.SetText("Stop sharing")
	} else {
		r.button.SetText("Share with team…")
	}
}

// teamWords says whether c is shared and who refreshed it, when.
func teamWords(c auth.Connection, now time.Time) string {
	if !c.Shared {
		return "On this computer only."
	}
	words := "Shared with the team."
	if o := c.LastRefresh; o != nil && o.By != "" {
		words += " Refreshed by " + o.By + ", " + agoWords(now.Sub(o.At)) + "."
	}
	if c.StoreProblem != "" {
		words += " The team store cannot be reached: this computer's copy is shown."
	}
	return words
}

func agoWords(d time.Duration) string {
	if d < time.Minute {
		return "just now"
	}
	return auth.Duration(d) + " ago"
}

// toggle shares the shown connection, or stops sharing it, after asking.
func (r *teamRow) toggle() {
	d := r.d
	c := d.conn
	if c.Shared {
		d.a.ask("Stop sharing "+c.Name+"?",
			"Its secrets move into this computer's keyring and the shared record is removed: the rest of the team loses "+c.Name+".",
			"Stop sharing", "Cancel", func() {
				runAction(d, "Taking it back from the team store…", d.a.m.Unshare, func(auth.Connection) {
					d.a.say(c.Name + " now lives on this computer only.")
					d.a.selectAndReload(c.Name)
				})
			}, nil)
		return
	}
	// Sharing needs a team store: without one, say how to get one before
	// asking anything (the walk was asked to share, then told it could
	// not).
	background(d.a, func() (auth.TeamStore, error) { return d.a.m.TeamStore(d.a.ctx()) }, func(info auth.TeamStore, err error) {
		if err == nil && !info.Configured {
			d.a.ask("No team store yet",
				"Sharing puts "+c.Name+" where your whole team's Authdeck can use it: a HashiCorp Vault or OpenBao store that your team runs. "+
					"Whoever runs it gives you its address and a token; enter them in the Team store settings, then share again.",
				"Team store settings…", "Cancel", d.a.showTeamStore, nil)
			return
		}
		d.a.ask("Share "+c.Name+" with the team?",
			"Its details and secrets move into the team store: everyone whose Authdeck uses that store can use it, and exactly one machine refreshes it.",
			"Share", "Cancel", func() {
				runAction(d, "Moving it into the team store…", d.a.m.Share, func(auth.Connection) {
					d.a.say(c.Name + " is now shared with the team.")
					d.a.selectAndReload(c.Name)
				})
			}, nil)
	})
}

// showTeamStore is Settings → Team store: where the shared connections
// live, tested before it is saved.
func (a *App) showTeamStore() {
	address, mount, path, token := newKeyEntry(false), newKeyEntry(false), newKeyEntry(false), newKeyEntry(true)
	address.SetPlaceHolder("https://vault.example.com:8200")
	mount.SetText("secret")
	path.SetText("authdeck")
	token.SetPlaceHolder("kept in the system keyring; empty: VAULT_TOKEN")
	result := wrapped()
	settings := func() auth.TeamSettings {
		return auth.TeamSettings{Address: strings.TrimSpace(address.Text), Mount: mount.Text, Path: path.Text, Token: token.Text}
	}
	save := func() { a.saveTeamStore(settings(), result) }
	test := widget.NewButton("Test and save", save)
	unset := widget.NewButton("Stop using it", func() {
		background(a, func() (struct{}, error) { return struct{}{}, a.m.UnsetTeamStore() }, func(_ struct{}, err error) {
			result.SetText(teamResult(auth.TeamStore{}, err))
			a.reload()
		})
	})
	form := widget.NewForm(widget.NewFormItem("Address", address), widget.NewFormItem("Mount", mount),
		widget.NewFormItem("Path", path), widget.NewFormItem("Token", token))
	body := container.NewVBox(wrapped(), form, container.NewHBox(test, unset), result)
	body.Objects[0].(*widget.Label).SetText("Shared connections live in a HashiCorp Vault or OpenBao KV version 2 mount that your team points Authdeck at.")
	d := dialog.NewCustom("Team store", "Close", body, a.win)
	a.keysFor(d, save)
	for _, e := range []*keyEntry{address, mount, path, token} {
		e.onEscape = d.Hide
		e.OnSubmitted = func(string) { save() }
	}
	d.Resize(fyne.NewSize(520, 380))
	d.Show()
	// What is set now fills the fields once the dialog stands (the answer
	// may come at once).
	background(a, func() (auth.TeamStore, error) { return a.m.TeamStore(a.ctx()) }, func(info auth.TeamStore, err error) {
		if info.Configured {
			address.SetText(info.Address)
			mount.SetText(info.Mount)
			path.SetText(info.Path)
		}
		result.SetText(teamResult(info, err))
	})
}

func (a *App) saveTeamStore(in auth.TeamSettings, result *widget.Label) {
	result.SetText("Testing…")
	background(a, func() (auth.TeamStore, error) { return a.m.SetTeamStore(a.ctx(), in) }, func(info auth.TeamStore, err error) {
		result.SetText(teamResult(info, err))
		if err == nil {
			a.reload()
		}
	})
}

// teamResult says how the store answered, in words.
func teamResult(info auth.TeamStore, err error) string {
	switch {
	case err != nil:
		return plain(err)
	case !info.Configured:
		return "No team store: connections live on this computer only."
	case info.Problem != nil:
		return info.Address + ": " + plain(info.Problem)
	}
	who := info.TokenName
	if len(info.Policies) > 0 {
		who += " (" + strings.Join(info.Policies, ", ") + ")"
	}
	return "Working: " + info.Address + ", token " + who + ", " + countShared(info.Shared) + "."
}

func countShared(n int) string {
	if n == 1 {
		return "1 shared connection"
	}
	return strconv.Itoa(n) + " shared connections"
}
