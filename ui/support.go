package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
	"authdeck/auth/render"
	"authdeck/auth/sanitize"
)

// reportRow is one line of the expiry report, in the fields support desks
// asked for.
type reportRow struct {
	Name            string  `json:"name"`
	Provider        string  `json:"provider"`
	ProviderName    string  `json:"provider_name"`
	Method          string  `json:"method"`
	Account         string  `json:"account"`
	Owner           string  `json:"owner"`
	Note            string  `json:"note"`
	Status          string  `json:"status"`
	ExpiresAt       *string `json:"expires_at"`
	ExpiryEstimated bool    `json:"expiry_estimated"`
	WhatToDo        string  `json:"what_to_do"`
}

func reportRows(conns []auth.Connection, now time.Time, within time.Duration) []reportRow {
	rows := make([]reportRow, 0, len(conns))
	for _, c := range conns {
		st := auth.StatusAt(c, now, within)
		r := reportRow{Name: c.Name, Provider: c.Provider, ProviderName: c.ProviderName, Method: string(c.Method), Account: c.Account,
			Owner: c.Owner, Note: c.Note, Status: string(st), ExpiryEstimated: c.ExpiryEstimated,
			WhatToDo: whatToDo(c, st)}
		if c.ExpiresAt != nil {
			s := c.ExpiresAt.UTC().Format(time.RFC3339)
			r.ExpiresAt = &s
		}
		rows = append(rows, r)
	}
	return rows
}

// whatToDo says in plain words, for someone reading the report away from
// the window, what a connection needs.
func whatToDo(c auth.Connection, st auth.Status) string {
	r := auth.RemedyFor(c, st)
	switch {
	case r == auth.RemedyNone && c.ExpiryEstimated:
		return "Nothing now. The expiry date is Authdeck's estimate: check the real date with " + c.ProviderName + "."
	case r == auth.RemedyNone:
		return "Nothing."
	case r == auth.RemedySignIn && st == auth.StatusNeedsConnect:
		return "Sign in: open Authdeck, select it and press Connect."
	case r == auth.RemedySignIn:
		return "Sign in again: open Authdeck, select it and press Reconnect."
	case r == auth.RemedyReplaceSecret:
		return "Get a new key from " + c.ProviderName + " and paste it with Replace key… in Authdeck."
	case r == auth.RemedyRetry:
		return "Automatic renewal failed: try Refresh in Authdeck; if it fails again, press Reconnect."
	case r == auth.RemedyRemove:
		return "Remove it in Authdeck and add it again if it is still needed."
	case r == auth.RemedyFixProviderFile:
		return "Its provider definition is missing: restore the file in providers.d, or remove the connection."
	}
	return sentence(remedyWords(r, c))
}

var reportHeader = []string{"name", "provider", "method", "account", "owner", "note", "status", "expires_at", "expiry_estimated", "what_to_do"}

// reportCSV is the expiry report as CSV with a header line, written by
// render.CSV, the one CSV writer (also `status --csv`): names, accounts,
// owners and notes come from people and providers, so no cell may open as
// a formula in any locale's spreadsheet (";" and tab separators included).
func reportCSV(rows []reportRow) []byte {
	cells := [][]string{reportHeader}
	for _, r := range rows {
		exp := ""
		if r.ExpiresAt != nil {
			exp = *r.ExpiresAt
		}
		// The provider as people call it, as `status --csv` writes it: a
		// spreadsheet that merges both must not see two spellings.
		cells = append(cells, []string{r.Name, r.ProviderName, r.Method, r.Account, r.Owner, r.Note, r.Status, exp,
			fmt.Sprint(r.ExpiryEstimated), r.WhatToDo})
	}
	var b bytes.Buffer
	_ = render.CSV(&b, cells)
	return b.Bytes()
}

// reportJSON is the expiry report as a JSON array (expires_at null when the
// credential does not expire).
func reportJSON(rows []reportRow) []byte {
	out, _ := json.MarshalIndent(rows, "", "  ")
	return append(out, '\n')
}

// reportText is the expiry report as aligned plain text, for a chat or a
// ticket: one line per connection, then what to do about each that needs
// something.
func reportText(conns []auth.Connection, now time.Time, within time.Duration) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	// The columns a support desk reads first come first: at 800×600 the
	// last ones may need the scroll bar, never EXPIRES or OWNER.
	fmt.Fprintln(w, "NAME\tSTATUS\tEXPIRES\tOWNER\tPROVIDER\tACCOUNT")
	var todo []string
	for _, c := range conns {
		st := auth.StatusAt(c, now, within)
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", sanitize.Line(c.Name), statusAndCountdown(c, st, now),
			reportDate(c), orDash(sanitize.Line(c.Owner), "-"), sanitize.Line(c.ProviderName),
			orDash(sanitize.Line(c.Account), "-"))
		if do := whatToDo(c, st); do != "Nothing." {
			todo = append(todo, "• "+sanitize.Line(c.Name)+": "+do)
		}
	}
	w.Flush()
	if len(todo) > 0 {
		b.WriteString("\nWhat to do:\n" + strings.Join(todo, "\n") + "\n")
	}
	return b.String()
}

// statusAndCountdown is "Expired (expired 3 days ago)", or the status
// alone when the countdown would only repeat it.
func statusAndCountdown(c auth.Connection, st auth.Status, now time.Time) string {
	cd := shortCountdown(c, now) // the EXPIRES column says "(estimate)"
	if strings.EqualFold(cd, statusWord(st)) {
		return statusWord(st)
	}
	return statusWord(st) + " (" + cd + ")"
}

// reportDate is the expiry as a date, marked when Authdeck estimated it.
func reportDate(c auth.Connection) string {
	if c.ExpiresAt == nil {
		return "-"
	}
	s := auth.FormatDate(*c.ExpiresAt, time.Local)
	if c.ExpiryEstimated {
		s += " (estimate)"
	}
	return s
}

// saveReport opens the file dialog that saves the report as ext.
func (a *App) saveReport(ext string, data func() []byte) *dialog.FileDialog {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			a.say("Could not save the report: " + plain(err))
			return
		}
		if wc == nil {
			return // cancelled
		}
		_, werr := wc.Write(data())
		if cerr := wc.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			a.say("Could not save the report: " + plain(werr) + " Choose another folder and try again.")
			return
		}
		a.say("Saved the expiry report to " + wc.URI().Path() + ".")
	}, a.win)
	d.SetFileName("authdeck-expiry." + ext)
	// Start in the home folder: without a location Fyne may open its own
	// storage folder, where nobody would look for a report.
	if home, err := os.UserHomeDir(); err == nil {
		if dir, err := storage.ListerForURI(storage.NewFileURI(home)); err == nil {
			d.SetLocation(dir)
		}
	}
	// Show before Resize: a FileDialog builds its window in Show, and
	// Resize before that asked the missing window for its size (the crash
	// of issue 14.1).
	d.Show()
	d.Resize(a.win.Canvas().Size())
	return d
}

// showSupport opens the expiry report with its exports. It reports what
// the list shows (its search, filter and order): a support desk filters
// "Needs attention" or an owner, then sends that.
func (a *App) showSupport() {
	shown := func() []auth.Connection {
		conns := slices.Clone(a.list.visible)
		if a.list.sorting.Selected == sortOwner {
			sortByOwner(conns)
		}
		return conns
	}
	text := widget.NewLabel("")
	text.TextStyle = fyne.TextStyle{Monospace: true}
	group := newKeyCheck("Group by owner")
	draw := func() {
		if group.Checked {
			text.SetText(reportByOwner(shown(), a.m.Now(), a.within))
		} else {
			text.SetText(reportText(shown(), a.m.Now(), a.within))
		}
	}
	group.OnChanged = func(bool) { draw() }
	group.SetChecked(a.list.sorting.Selected == sortOwner)
	draw()
	rows := func() []reportRow { return reportRows(shown(), a.m.Now(), a.within) }
	buttons := container.NewHBox(
		widget.NewButtonWithIcon("Save as CSV…", theme.DocumentSaveIcon(), func() { a.saveReport("csv", func() []byte { return reportCSV(rows()) }) }),
		widget.NewButtonWithIcon("Save as JSON…", theme.DocumentSaveIcon(), func() { a.saveReport("json", func() []byte { return reportJSON(rows()) }) }),
		widget.NewButtonWithIcon("Copy as text", theme.ContentCopyIcon(), func() { a.copyText(text.Text, "the expiry report") }),
	)
	scope := "Every connection with its status"
	if n := len(a.list.visible); n < len(a.conns) {
		scope = fmt.Sprintf("The %d of %d connections the search and filter show, with their status", n, len(a.conns))
	}
	intro := wrapLabel(scope + ", expiry, owner and what to do, in the list's order. Save it for a spreadsheet or monitoring, or paste it into a ticket.")
	d := dialog.NewCustom("Expiry report", "Close",
		container.NewBorder(container.NewVBox(intro, group), buttons, nil, nil, container.NewScroll(text)), a.win)
	a.keysFor(d, nil)
	group.onEscape = d.Hide // ticked, the box has the keys
	size := a.win.Canvas().Size()
	d.Resize(fyne.NewSize(size.Width*0.96, size.Height*0.9))
	d.Show()
}

// takeKeys hands the window's keys to handle (those no focused field takes)
// until the function it returns gives them back to whoever had them: a
// dialog, a question, the wizard or the calendar over a form.
func (a *App) takeKeys(handle func(*fyne.KeyEvent)) (giveBack func()) {
	c := a.win.Canvas()
	prev := c.OnTypedKey()
	c.SetOnTypedKey(handle)
	return func() { c.SetOnTypedKey(prev) }
}

// keysFor makes a dialog answer the keyboard like the rest of the window:
// Escape closes it (as its Close or Cancel button does) and Enter runs
// enter, when there is one; the window gets its keys back when d closes.
// A field inside d that has the focus sees the keys first: give it
// onEscape (keyEntry) too. Every dialog the window opens goes through here
// or answers the keys itself (ask, showForm, the wizard):
// TestEveryDialogAnswersTheKeyboard keeps it so.
func (a *App) keysFor(d dialog.Dialog, enter func()) {
	giveBack := a.takeKeys(func(ev *fyne.KeyEvent) {
		switch ev.Name {
		case fyne.KeyEscape:
			d.Hide()
		case fyne.KeyReturn, fyne.KeyEnter:
			if enter != nil {
				enter()
			}
		}
	})
	d.SetOnClosed(giveBack)
}

// sortByOwner orders connections by owner, keeping the order within each.
func sortByOwner(conns []auth.Connection) {
	sort.SliceStable(conns, func(i, j int) bool { return strings.ToLower(conns[i].Owner) < strings.ToLower(conns[j].Owner) })
}

// reportByOwner is the text report in one section per owner, each with
// how many of its connections need attention.
func reportByOwner(conns []auth.Connection, now time.Time, within time.Duration) string {
	conns = slices.Clone(conns)
	sortByOwner(conns)
	var b strings.Builder
	for i := 0; i < len(conns); {
		j := i
		for j < len(conns) && strings.EqualFold(conns[j].Owner, conns[i].Owner) {
			j++
		}
		owner := orDash(sanitize.Line(conns[i].Owner), "No owner")
		b.WriteString("── " + owner + ": " + countWords(j-i, conns[i:j], now, within) + "\n")
		b.WriteString(reportText(conns[i:j], now, within) + "\n")
		i = j
	}
	return b.String()
}

// expiringChoices are the thresholds offered in the settings, in days.
var expiringChoices = []int{1, 3, 7, 14, 30, 60}

// showSettings lets the person choose when a credential turns "expiring".
func (a *App) showSettings() {
	// The folder's setting may be a number this list does not offer (set
	// from the command line): offer it too, so it shows as chosen.
	current := a.m.Settings().ExpiringDays()
	choices := expiringChoices
	if !slices.Contains(choices, current) {
		choices = append(slices.Clone(choices), current)
		slices.Sort(choices)
	}
	var labels []string
	for _, d := range choices {
		labels = append(labels, daysWord(d)+" before")
	}
	pick := newKeySelect(labels)
	pick.SetSelected(daysWord(current) + " before")
	help := wrapLabel("When a credential that cannot renew itself turns amber and you get a notification. Credentials Authdeck renews by itself are refreshed shortly before they expire.")
	d := dialog.NewForm("Settings", "Save", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Warn me", pick), widget.NewFormItem("", help),
	}, func(ok bool) {
		if !ok {
			return
		}
		for i, l := range labels {
			if l == pick.Selected {
				a.setExpiringWithin(choices[i])
				a.say("Connections now turn amber " + l + " they expire.")
			}
		}
	}, a.win)
	a.keysFor(d, d.Submit)
	pick.onEscape, pick.onEnter = d.Hide, d.Submit // picked, the list has the keys
	d.Resize(fyne.NewSize(460, 260))
	d.Show()
}
