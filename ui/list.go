package ui

import (
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
)

// Status filter choices, as the select shows them.
const (
	filterAll       = "All statuses"
	filterAttention = "Needs attention"
)

// Sort choices.
const (
	sortExpiry   = "Soonest expiry"
	sortName     = "Name"
	sortProvider = "Provider"
)

// rowState is what a row shows; the ticker compares it to decide whether a
// row must be redrawn at all.
type rowState struct {
	status    auth.Status
	countdown string
	busy      bool
}

// connectionList is the left-hand list with its search, filter and sort.
type connectionList struct {
	a       *App
	list    *widget.List
	search  *widget.Entry
	filter  *widget.Select
	sorting *widget.Select
	none    *widget.Label // "nothing matches"

	visible []auth.Connection   // filtered and sorted, as shown
	shown   map[string]rowState // what each row shows now
	rows    []*connectionRow    // every row object the list made
	// redraws counts row redraws caused by ticks (tests check that an
	// idle tick redraws nothing).
	redraws int
	// selecting suppresses OnSelected while the selection is restored.
	selecting bool
}

func newConnectionList(a *App) *connectionList {
	l := &connectionList{a: a, shown: map[string]rowState{}}
	l.search = widget.NewEntry()
	l.search.SetPlaceHolder("Search (Ctrl+F)")
	l.search.OnChanged = func(string) { l.refilter() }
	options := []string{filterAll, filterAttention}
	for _, s := range []auth.Status{auth.StatusOK, auth.StatusExpiring, auth.StatusExpired, auth.StatusNeedsConnect, auth.StatusError} {
		options = append(options, statusWord(s))
	}
	l.filter = widget.NewSelect(options, nil)
	l.filter.SetSelected(filterAll)
	l.filter.OnChanged = func(string) { l.refilter() }
	l.sorting = widget.NewSelect([]string{sortExpiry, sortName, sortProvider}, nil)
	l.sorting.SetSelected(sortExpiry)
	l.sorting.OnChanged = func(string) { l.refilter() }
	l.none = widget.NewLabel("No connection matches the search or filter.")
	l.none.Wrapping = fyne.TextWrapWord
	l.none.Hide()

	l.list = widget.NewList(
		func() int { return len(l.visible) },
		func() fyne.CanvasObject {
			r := newConnectionRow()
			l.rows = append(l.rows, r)
			return r
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(l.visible) {
				return
			}
			c := l.visible[id]
			st := l.stateOf(c, l.a.m.Now())
			l.shown[c.Name] = st
			o.(*connectionRow).set(c, st)
		},
	)
	l.list.OnSelected = func(id widget.ListItemID) {
		if l.selecting || id >= len(l.visible) {
			return
		}
		l.a.selected = l.visible[id].Name
		l.a.detail.show(l.visible[id])
	}
	return l
}

// toolbar is the row above the list: add, search, filter, sort, report.
func (l *connectionList) toolbar() fyne.CanvasObject {
	add := widget.NewButtonWithIcon("Add", theme.ContentAddIcon(), func() { l.a.showWizard("", "") })
	add.Importance = widget.HighImportance
	report := widget.NewButtonWithIcon("", theme.DocumentIcon(), l.a.showSupport)
	settings := widget.NewButtonWithIcon("", theme.SettingsIcon(), l.a.showSettings)
	right := container.NewHBox(l.filter, l.sorting, report, settings)
	return container.NewBorder(nil, nil, add, right, l.search)
}

// view is the list with its "nothing matches" note.
func (l *connectionList) view() fyne.CanvasObject {
	return container.NewStack(l.list, container.NewVBox(l.none))
}

func (l *connectionList) stateOf(c auth.Connection, now time.Time) rowState {
	return rowState{status: statusAt(c, now, l.a.within), countdown: auth.Countdown(c, now), busy: l.a.busy[c.Name]}
}

// refilter rebuilds the visible rows from the loaded connections.
func (l *connectionList) refilter() {
	now := l.a.m.Now()
	q := strings.ToLower(strings.TrimSpace(l.search.Text))
	l.visible = l.visible[:0]
	for _, c := range l.a.conns {
		if q != "" && !matches(c, q) {
			continue
		}
		if !l.passes(statusAt(c, now, l.a.within)) {
			continue
		}
		l.visible = append(l.visible, c)
	}
	switch l.sorting.Selected {
	case sortName:
		sort.SliceStable(l.visible, func(i, j int) bool {
			return strings.ToLower(l.visible[i].Name) < strings.ToLower(l.visible[j].Name)
		})
	case sortProvider:
		sort.SliceStable(l.visible, func(i, j int) bool {
			if l.visible[i].ProviderName != l.visible[j].ProviderName {
				return l.visible[i].ProviderName < l.visible[j].ProviderName
			}
			return l.visible[i].Name < l.visible[j].Name
		})
	default: // auth already sorts by urgency; keep its order
	}
	l.none.Hidden = len(l.visible) > 0 || len(l.a.conns) == 0
	l.none.Refresh()
	l.list.Refresh()
	l.selectName(l.a.selected)
}

func (l *connectionList) passes(s auth.Status) bool {
	switch l.filter.Selected {
	case "", filterAll:
		return true
	case filterAttention:
		return s != auth.StatusOK
	}
	return statusWord(s) == l.filter.Selected
}

func matches(c auth.Connection, q string) bool {
	for _, f := range []string{c.Name, c.ProviderName, c.Provider, c.Account, string(c.Method)} {
		if strings.Contains(strings.ToLower(f), q) {
			return true
		}
	}
	return false
}

// selectName highlights name in the list without re-running OnSelected.
func (l *connectionList) selectName(name string) {
	l.selecting = true
	defer func() { l.selecting = false }()
	for i, c := range l.visible {
		if c.Name == name {
			l.list.Select(i)
			return
		}
	}
	l.list.UnselectAll()
}

// invalidate forgets what the rows show, so the next tick redraws them all.
func (l *connectionList) invalidate() { l.shown = map[string]rowState{} }

// tick redraws the rows whose status, countdown or busy state changed.
func (l *connectionList) tick(now time.Time) {
	var changed []int
	for i, c := range l.visible {
		st := l.stateOf(c, now)
		if old, ok := l.shown[c.Name]; ok && old == st {
			continue
		}
		l.shown[c.Name] = st
		changed = append(changed, i)
	}
	for _, i := range changed {
		l.redraws++
		l.list.RefreshItem(i)
	}
}

// connectionRow is one list row: status dot, name with provider badge,
// account and method, countdown and status word.
type connectionRow struct {
	widget.BaseWidget
	name      string
	dot       *canvas.Rectangle
	title     *widget.Label
	badge     *canvas.Text
	badgeBg   *canvas.Rectangle
	sub       *widget.Label
	countdown *widget.Label
	word      *widget.Label
	color     fyne.ThemeColorName
}

func newConnectionRow() *connectionRow {
	r := &connectionRow{
		dot:       canvas.NewRectangle(theme.Color(theme.ColorNameDisabled)),
		title:     widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		badge:     canvas.NewText("", theme.Color(theme.ColorNameForeground)),
		badgeBg:   canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)),
		sub:       widget.NewLabel(""),
		countdown: widget.NewLabel(""),
		word:      widget.NewLabel(""),
	}
	r.dot.SetMinSize(fyne.NewSquareSize(12))
	r.dot.CornerRadius = 6
	r.badge.TextSize = theme.CaptionTextSize()
	r.badgeBg.CornerRadius = 4
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.sub.Truncation = fyne.TextTruncateEllipsis
	r.countdown.Alignment = fyne.TextAlignTrailing
	r.word.Alignment = fyne.TextAlignTrailing
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer lays the row out; widths that fit a 800 px window.
func (r *connectionRow) CreateRenderer() fyne.WidgetRenderer {
	badge := container.NewStack(r.badgeBg, container.New(layout.NewCustomPaddedLayout(1, 1, 6, 6), r.badge))
	head := container.NewBorder(nil, nil, nil, container.NewCenter(badge), r.title)
	left := container.NewVBox(head, r.sub)
	right := container.NewVBox(r.countdown, r.word)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil,
		container.NewCenter(r.dot), right, left))
}

// set shows c in the row, touching only what changed: every SetText on a
// truncated label shapes its text again, the dearest thing a tick can do.
func (r *connectionRow) set(c auth.Connection, st rowState) {
	r.name = c.Name
	if color := statusColor(st.status, st.busy); color != r.color {
		r.color = color
		r.dot.FillColor = theme.Color(color)
		r.dot.Refresh()
	}
	setText(r.title, c.Name)
	if r.badge.Text != c.ProviderName {
		r.badge.Text = c.ProviderName
		r.badge.Refresh()
	}
	sub := methodWords(c)
	if c.Account != "" {
		sub = c.Account + " · " + sub
	}
	setText(r.sub, sub)
	setText(r.countdown, st.countdown)
	word := statusWord(st.status)
	if st.busy {
		word = "Working…"
	}
	if imp := statusImportance(st.status, st.busy); imp != r.word.Importance {
		r.word.Importance = imp
		r.word.Text = word
		r.word.Refresh()
	} else {
		setText(r.word, word)
	}
}

// Refresh re-reads the theme's colours, so a light/dark switch repaints the
// badge and dot, then redraws the row.
func (r *connectionRow) Refresh() {
	r.badge.Color = theme.Color(theme.ColorNameForeground)
	r.badgeBg.FillColor = theme.Color(theme.ColorNameInputBackground)
	if r.color != "" {
		r.dot.FillColor = theme.Color(r.color)
	}
	r.BaseWidget.Refresh()
}

// setText changes a label only when its text differs.
func setText(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

// methodWords names a connection's method briefly.
func methodWords(c auth.Connection) string {
	switch c.Method {
	case "oauth":
		return "browser sign-in"
	case "implicit":
		return "browser sign-in (implicit)"
	case "basic":
		return "app ID and secret"
	case "api-key":
		return "API key"
	case "token":
		return "personal token"
	case "session":
		return "email and password"
	}
	return string(c.Method)
}
