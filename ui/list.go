package ui

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth"
)

// Sort choices.
const (
	sortExpiry   = "Soonest expiry"
	sortName     = "Name"
	sortProvider = "Provider"
	sortOwner    = "Owner"
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
	search  *keyEntry
	count   *widget.Label // "19 of 32 need attention"
	bar     *toolbarLayout
	filter  *widget.Select
	sorting *widget.Select
	none    *widget.Label // "nothing matches"

	visible []auth.Connection   // filtered and sorted, as shown
	shown   map[string]rowState // what each row shows now
	rows    []*connectionRow    // every row object the list made
	// selecting suppresses OnSelected while the selection is restored.
	selecting bool
	// pinned is a selected connection kept in the list although the
	// search or filter no longer matches it (a check failed, the command
	// line changed it): it stays until the person moves on.
	pinned  string
	pinNote *widget.Label
	// keep asks the next refilter to pin the selection if it was shown:
	// set when the data changed, not the search or filter.
	keep bool
	// shownQuery is the search and filter the rows were last made for: a
	// change of them is the person's own, and moves the selection.
	shownQuery string
}

// filterOptions are the status filter's choices: all, every status but OK,
// then each status on its own.
func filterOptions() []string {
	options := []string{filterAll, filterAttention}
	for _, s := range []auth.Status{auth.StatusOK, auth.StatusExpiring, auth.StatusExpired, auth.StatusNeedsConnect, auth.StatusError} {
		options = append(options, statusWord(s))
	}
	return append(options, filterShared)
}

func newConnectionList(a *App) *connectionList {
	l := &connectionList{a: a, shown: map[string]rowState{}}
	l.search = newKeyEntry(false)
	l.search.SetPlaceHolder("Search names, owners, notes, stores… (Ctrl+F)")
	l.search.OnChanged = func(string) { l.refilter() }
	// Escape and the clear button empty the search.
	clear := func() { l.search.SetText("") }
	l.search.onEscape = clear
	l.search.ActionItem = widget.NewButtonWithIcon("", theme.ContentClearIcon(), clear)
	l.count = widget.NewLabel("")
	l.count.Truncation = fyne.TextTruncateEllipsis
	l.filter = widget.NewSelect(filterOptions(), nil)
	l.filter.SetSelected(filterAll)
	l.filter.OnChanged = func(string) { l.refilter() }
	l.sorting = widget.NewSelect([]string{sortExpiry, sortName, sortProvider, sortOwner}, nil)
	l.sorting.SetSelected(sortExpiry)
	l.sorting.OnChanged = func(string) { l.refilter() }
	l.none = widget.NewLabel("No connection matches the search or filter.")
	l.none.Wrapping = fyne.TextWrapWord
	l.none.Hide()
	l.pinNote = widget.NewLabel("")
	l.pinNote.Wrapping = fyne.TextWrapWord
	l.pinNote.Importance = widget.WarningImportance
	l.pinNote.Hide()

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
		l.a.selectConnection(l.visible[id].Name)
	}
	return l
}

// toolbar is the row above the list: add, search, filter, sort, report.
func (l *connectionList) toolbar() fyne.CanvasObject {
	add := widget.NewButtonWithIcon("Add", theme.ContentAddIcon(), func() { l.a.showWizard("", "") })
	add.Importance = widget.HighImportance
	report := widget.NewButtonWithIcon("", theme.DocumentIcon(), l.a.showSupport)
	settings := widget.NewButtonWithIcon("", theme.SettingsIcon(), l.a.showSettings)
	right := container.NewHBox(wideEnough(l.filter, filterOptions()), wideEnough(l.sorting, l.sorting.Options), report, settings)
	l.bar = &toolbarLayout{add: add, search: l.search, right: right}
	return container.New(l.bar, add, l.search, right)
}

// view is the list with its "nothing matches" note.
func (l *connectionList) view() fyne.CanvasObject {
	return container.NewBorder(l.pinNote, l.count, nil, nil, container.NewStack(listWheel(l.list), container.NewVBox(l.none)))
}

func (l *connectionList) stateOf(c auth.Connection, now time.Time) rowState {
	return rowState{status: l.a.statusOf(c, now), countdown: shortCountdown(c, now), busy: l.a.busy[c.Name]}
}

// refilter rebuilds the visible rows from the loaded connections. A
// selection that the person's own search or filter hides moves to the
// first row still shown; one that stops matching because it changed (a
// failed check, a change from the command line) stays, pinned, until the
// person selects another row.
func (l *connectionList) refilter() {
	now := l.a.m.Now()
	q := strings.ToLower(strings.TrimSpace(l.search.Text))
	query := q + "\x00" + l.filter.Selected
	if query != l.shownQuery {
		l.shownQuery, l.pinned = query, ""
	}
	keep := ""
	if l.keep && l.shows(l.a.selected) {
		keep = l.a.selected
	}
	l.keep = false
	l.visible = l.visible[:0]
	for _, c := range l.a.conns {
		match := (q == "" || matches(c, q, now, l.a.within)) && l.passes(l.a.statusOf(c, now)) && (l.filter.Selected != filterShared || c.Shared)
		switch {
		case match:
		case c.Name != "" && (c.Name == l.pinned || c.Name == keep):
			l.pinned = c.Name
		default:
			continue
		}
		l.visible = append(l.visible, c)
	}
	l.sort()
	l.showPin()
	l.count.SetText(countWords(len(l.visible), l.a.conns, now, l.a.within))
	l.none.Hidden = len(l.visible) > 0 || len(l.a.conns) == 0
	l.none.Refresh()
	l.list.Refresh()
	if sel := l.a.selected; sel != "" && !l.shows(sel) {
		// The detail pane never shows a connection the list hides. It
		// moves to another only when the search leaves exactly one: with
		// more, the first of them is not what the person chose, and its
		// Remove would be one click away (the walk's filter change put
		// another connection under the person's eyes).
		next := ""
		if len(l.visible) == 1 {
			next = l.visible[0].Name
		}
		l.a.selectConnection(next)
		return
	}
	l.selectName(l.a.selected)
}

// showPin says why a row that does not match is still in the list.
func (l *connectionList) showPin() {
	if l.pinned == "" || !l.shows(l.pinned) {
		l.pinned = ""
		l.pinNote.Hide()
		return
	}
	l.pinNote.SetText(l.pinned + " no longer matches the search or filter: it stays here until you select another connection.")
	l.pinNote.Show()
}

// unpin lets a pinned row go when the person moves on.
func (l *connectionList) unpin() {
	if l.pinned == "" {
		return
	}
	l.pinned = ""
	l.refilter()
}

func (l *connectionList) sort() {
	switch l.sorting.Selected {
	case sortName:
		sort.SliceStable(l.visible, func(i, j int) bool {
			return auth.CompareNames(l.visible[i].Name, l.visible[j].Name) < 0
		})
	case sortProvider:
		sort.SliceStable(l.visible, func(i, j int) bool {
			if l.visible[i].ProviderName != l.visible[j].ProviderName {
				return l.visible[i].ProviderName < l.visible[j].ProviderName
			}
			return auth.CompareNames(l.visible[i].Name, l.visible[j].Name) < 0
		})
	case sortOwner: // grouped by owner, the most urgent first in each
		sort.SliceStable(l.visible, func(i, j int) bool {
			return strings.ToLower(l.visible[i].Owner) < strings.ToLower(l.visible[j].Owner)
		})
	default: // auth already sorts by urgency; keep its order
	}
}

// countWords is the line under the list: how many need attention, and how
// many of all the search and filter show.
func countWords(shown int, all []auth.Connection, now time.Time, within time.Duration) string {
	attention := 0
	for _, c := range all {
		if auth.StatusAt(c, now, within).NeedsAttention() {
			attention++
		}
	}
	s := fmt.Sprintf("%d of %d need attention", attention, len(all))
	if attention == 0 {
		s = allOKWords(len(all))
	}
	if shown < len(all) {
		s += fmt.Sprintf(" · showing %d", shown)
	}
	return s
}

// wideEnough gives a choice the width of its longest option, so that
// none is cut ("Soonest ex…").
func wideEnough(s *widget.Select, options []string) fyne.CanvasObject {
	w := float32(0)
	for _, o := range options {
		w = max(w, fyne.MeasureText(o, theme.TextSize(), fyne.TextStyle{}).Width)
	}
	// The text's padding either side, the drop-down icon and its padding.
	w += 4*theme.InnerPadding() + theme.IconInlineSize()
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(fyne.NewSize(w, 0))
	return container.NewStack(spacer, s)
}

// shows says whether name is among the visible rows.
func (l *connectionList) shows(name string) bool {
	for _, c := range l.visible {
		if c.Name == name {
			return true
		}
	}
	return false
}

func (l *connectionList) passes(s auth.Status) bool {
	switch l.filter.Selected {
	case "", filterAll:
		return true
	case filterAttention:
		return s.NeedsAttention()
	case filterShared:
		return true // the connection itself decides (refilter)
	}
	return statusWord(s) == l.filter.Selected
}

// matches says whether any field the window shows of c contains q (lower
// case): names, provider, method, account, owner, note, user, client ID,
// store and other parameters, status and countdown.
func matches(c auth.Connection, q string, now time.Time, within time.Duration) bool {
	fields := []string{c.Name, c.ProviderName, c.Provider, c.Account, string(c.Method), methodWords(c),
		c.Owner, c.Note, c.User, c.ClientID, statusWord(auth.StatusAt(c, now, within)), countdownWords(c, now)}
	for k, v := range c.Params {
		fields = append(fields, k, v)
	}
	for _, f := range fields {
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
	for _, i := range l.changed(now) {
		l.list.RefreshItem(i)
	}
}

// changed lists the rows whose status, countdown or busy state differ from
// what they show, and takes the new state as shown. How many rows a tick
// redraws is its cost, which no rendered picture shows: tests count these.
func (l *connectionList) changed(now time.Time) []widget.ListItemID {
	var changed []widget.ListItemID
	for i, c := range l.visible {
		st := l.stateOf(c, now)
		if old, ok := l.shown[c.Name]; ok && old == st {
			continue
		}
		l.shown[c.Name] = st
		changed = append(changed, i)
	}
	return changed
}

// connectionRow is one list row: status dot, name with provider badge,
// account and method, countdown and status word.
type connectionRow struct {
	widget.BaseWidget
	name      string
	dot       *canvas.Rectangle
	title     *widget.Label
	badge     *widget.Label
	badgeBg   *canvas.Rectangle
	sub       *widget.Label
	countdown *widget.Label
	word      *widget.Label
	color     fyne.ThemeColorName
	box       *fyne.Container // laid out by rowLayout
}

func newConnectionRow() *connectionRow {
	r := &connectionRow{
		dot:       canvas.NewRectangle(theme.Color(theme.ColorNameDisabled)),
		title:     widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		badge:     widget.NewLabel(""),
		badgeBg:   canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)),
		sub:       widget.NewLabel(""),
		countdown: widget.NewLabel(""),
		word:      widget.NewLabel(""),
	}
	r.dot.SetMinSize(fyne.NewSquareSize(12))
	r.dot.CornerRadius = 6
	r.badge.SizeName = theme.SizeNameCaptionText
	r.badgeBg.CornerRadius = 4
	for _, l := range []*widget.Label{r.title, r.badge, r.sub, r.countdown, r.word} {
		l.Truncation = fyne.TextTruncateEllipsis
	}
	r.countdown.Alignment = fyne.TextAlignTrailing
	r.word.Alignment = fyne.TextAlignTrailing
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer lays the row out with rowLayout: the name first.
func (r *connectionRow) CreateRenderer() fyne.WidgetRenderer {
	badge := container.NewStack(r.badgeBg, r.badge)
	r.box = container.New(&rowLayout{r: r}, r.dot, r.title, badge, r.sub, r.countdown, r.word)
	return widget.NewSimpleRenderer(r.box)
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
	setText(r.badge, c.ProviderName)
	setText(r.sub, rowSubtitle(c))
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
	if r.box != nil { // widths follow the texts: lay out again
		r.box.Layout.Layout(r.box.Objects, r.box.Size())
	}
}

// rowSubtitle is a row's second line: who the credential is, whose it is,
// and how it signs in.
func rowSubtitle(c auth.Connection) string {
	parts := []string{}
	for _, s := range []string{sharedWords(c), c.Account, c.Owner} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	parts = append(parts, methodWords(c))
	if unchecked(c) {
		parts = append(parts, "not checked yet")
	}
	return strings.Join(parts, " · ")
}

// unchecked says whether a pasted credential has never been tried: its
// green "OK" says only that it has not expired, and a mistyped key looks
// the same until someone presses Check.
func unchecked(c auth.Connection) bool {
	return c.LastCheck == nil && c.Account == "" && !c.Method.Browser() && c.Status == auth.StatusOK
}

// Refresh re-reads the theme's colours, so a light/dark switch repaints the
// badge and dot, then redraws the row.
func (r *connectionRow) Refresh() {
	r.badgeBg.FillColor = theme.Color(theme.ColorNameInputBackground)
	if r.color != "" {
		r.dot.FillColor = theme.Color(r.color)
	}
	r.BaseWidget.Refresh()
}

// rowLayout places a row so that at any width the name comes first: it
// gets its whole width before the countdown, and the provider badge and the
// second line take what is left (shrinking, with an ellipsis).
//
//	● Name [Badge]            expires in 3 days
//	  account · method              Expiring soon
type rowLayout struct{ r *connectionRow }

func (l *rowLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	r := l.r
	h := fyne.Max(r.title.MinSize().Height, r.countdown.MinSize().Height)
	return fyne.NewSize(12+theme.Padding()*2+textWidth(r.title), h+r.sub.MinSize().Height)
}

func (l *rowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	r, pad := l.r, theme.Padding()
	dot, badge := objs[0], objs[2]
	lineH := size.Height / 2
	dot.Resize(fyne.NewSquareSize(12))
	dot.Move(fyne.NewPos(pad, (size.Height-12)/2))
	x := 12 + 2*pad
	avail := size.Width - x
	nameW := fyne.Min(textWidth(r.title), avail)
	rightW := fyne.Min(fyne.Max(textWidth(r.countdown), textWidth(r.word)), avail-nameW)
	// Too narrow for the name and the countdown side by side (a 500×400
	// window): the name takes the first line alone, the status word the
	// end of the second, and nothing is drawn over anything.
	narrow := rightW < textWidth(r.countdown)
	showIf(r.countdown, !narrow)
	if narrow {
		nameW, rightW = avail, fyne.Min(textWidth(r.word), avail/2)
	}
	leftW := avail - rightW
	r.title.Resize(fyne.NewSize(nameW, lineH))
	r.title.Move(fyne.NewPos(x, 0))
	// The badge gets what the name leaves, and hides when that is too
	// little to read anything.
	badgeW := fyne.Min(textWidth(r.badge), leftW-nameW-pad)
	showIf(badge, badgeW >= 3*theme.CaptionTextSize())
	badgeH := r.badge.MinSize().Height
	badge.Resize(fyne.NewSize(fyne.Max(badgeW, 0), badgeH))
	badge.Move(fyne.NewPos(x+nameW+pad, (lineH-badgeH)/2))
	r.sub.Resize(fyne.NewSize(leftW, lineH))
	r.sub.Move(fyne.NewPos(x, lineH))
	r.countdown.Resize(fyne.NewSize(rightW, lineH))
	r.countdown.Move(fyne.NewPos(size.Width-rightW, 0))
	r.word.Resize(fyne.NewSize(rightW, lineH))
	r.word.Move(fyne.NewPos(size.Width-rightW, lineH))
}

// textWidth is the width a label needs to show its whole text (a truncated
// label's MinSize is only its ellipsis).
func textWidth(l *widget.Label) float32 {
	size := theme.TextSize()
	if l.SizeName != "" {
		size = theme.Size(l.SizeName)
	}
	// One pixel more than measured: the label truncates a text that is a
	// fraction wider than its room.
	return float32(math.Ceil(float64(fyne.MeasureText(l.Text, size, l.TextStyle).Width+2*theme.InnerPadding()))) + 1
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
