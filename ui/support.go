package ui

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
)

// reportRow is one line of the expiry report, in the fields support desks
// asked for.
type reportRow struct {
	Name      string  `json:"name"`
	Provider  string  `json:"provider"`
	Method    string  `json:"method"`
	Account   string  `json:"account"`
	Status    string  `json:"status"`
	ExpiresAt *string `json:"expires_at"`
}

func reportRows(conns []auth.Connection, now time.Time, within time.Duration) []reportRow {
	rows := make([]reportRow, 0, len(conns))
	for _, c := range conns {
		r := reportRow{Name: c.Name, Provider: c.Provider, Method: string(c.Method), Account: c.Account,
			Status: string(statusAt(c, now, within))}
		if c.ExpiresAt != nil {
			s := c.ExpiresAt.UTC().Format(time.RFC3339)
			r.ExpiresAt = &s
		}
		rows = append(rows, r)
	}
	return rows
}

// reportCSV is the expiry report as CSV with a header line.
func reportCSV(rows []reportRow) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"name", "provider", "method", "account", "status", "expires_at"})
	for _, r := range rows {
		exp := ""
		if r.ExpiresAt != nil {
			exp = *r.ExpiresAt
		}
		_ = w.Write([]string{csvSafe(r.Name), r.Provider, r.Method, csvSafe(r.Account), r.Status, exp})
	}
	w.Flush()
	return b.Bytes()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// reportJSON is the expiry report as a JSON array (expires_at null when the
// credential does not expire).
func reportJSON(rows []reportRow) []byte {
	out, _ := json.MarshalIndent(rows, "", "  ")
	return append(out, '\n')
}

// reportText is the expiry report as aligned plain text, for a chat or a
// ticket.
func reportText(conns []auth.Connection, now time.Time, within time.Duration) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tPROVIDER\tSTATUS\tEXPIRES\tACCOUNT")
	for _, c := range conns {
		exp := "-"
		if c.ExpiresAt != nil {
			exp = c.ExpiresAt.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(w, "%s\t%s\t%s (%s)\t%s\t%s\n", c.Name, c.ProviderName,
			statusWord(statusAt(c, now, within)), auth.Countdown(c, now), exp, orDash(c.Account, "-"))
	}
	w.Flush()
	return b.String()
}

// showSupport opens the expiry report with its exports.
func (a *App) showSupport() {
	now := a.m.Now()
	text := widget.NewLabel(reportText(a.conns, now, a.within))
	text.TextStyle = fyne.TextStyle{Monospace: true}
	save := func(ext string, data func() []byte) func() {
		return func() {
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
				a.say("Saved the expiry report to " + wc.URI().Name() + ".")
			}, a.win)
			d.SetFileName("authdeck-expiry." + ext)
			d.Resize(a.win.Canvas().Size())
			d.Show()
		}
	}
	rows := func() []reportRow { return reportRows(a.conns, a.m.Now(), a.within) }
	buttons := container.NewHBox(
		widget.NewButtonWithIcon("Save as CSV…", theme.DocumentSaveIcon(), save("csv", func() []byte { return reportCSV(rows()) })),
		widget.NewButtonWithIcon("Save as JSON…", theme.DocumentSaveIcon(), save("json", func() []byte { return reportJSON(rows()) })),
		widget.NewButtonWithIcon("Copy as text", theme.ContentCopyIcon(), func() {
			a.copyText(reportText(a.conns, a.m.Now(), a.within), "the expiry report")
		}),
	)
	intro := wrapLabel("Every connection with its status and expiry, most urgent first. Save it for a spreadsheet or monitoring, or paste it into a ticket.")
	d := dialog.NewCustom("Expiry report", "Close",
		container.NewBorder(intro, buttons, nil, nil, container.NewScroll(text)), a.win)
	size := a.win.Canvas().Size()
	d.Resize(fyne.NewSize(size.Width*0.92, size.Height*0.85))
	d.Show()
}

// expiringChoices are the thresholds offered in the settings, in days.
var expiringChoices = []int{1, 3, 7, 14, 30, 60}

// showSettings lets the person choose when a credential turns "expiring".
func (a *App) showSettings() {
	var labels []string
	current := ""
	for _, d := range expiringChoices {
		l := fmt.Sprintf("%d days before", d)
		if d == 1 {
			l = "1 day before"
		}
		labels = append(labels, l)
		if time.Duration(d)*24*time.Hour == a.within {
			current = l
		}
	}
	pick := widget.NewSelect(labels, nil)
	pick.SetSelected(current)
	help := wrapLabel("When a credential that cannot renew itself turns amber and you get a notification. Credentials Authdeck renews by itself are refreshed shortly before they expire.")
	d := dialog.NewForm("Settings", "Save", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Warn me", pick), widget.NewFormItem("", help),
	}, func(ok bool) {
		if !ok {
			return
		}
		for i, l := range labels {
			if l == pick.Selected {
				a.setExpiringWithin(expiringChoices[i])
				a.say("Connections now turn amber " + l + " they expire.")
			}
		}
	}, a.win)
	d.Resize(fyne.NewSize(460, 260))
	d.Show()
}
