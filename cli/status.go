package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/auth/render"
	"authdeck/auth/sanitize"
)

// maxColumns bounds every line status prints, for a support person's
// terminal and a ticket.
const maxColumns = 100

type statusOptions struct {
	base
	Exporter exporter
	// Within is the warning window; 0 means the configured one
	// (settings.json, shared with the window).
	Within time.Duration
	// ICS, when set, is the file the iCalendar goes to ("-": standard
	// output, instead of the table).
	ICS string
	// CSV prints the rows as CSV (render.CSV) instead of the table.
	CSV bool
	// Filter keeps only the connections a support desk asked about.
	Filter statusFilter
}

// statusFilter is --owner, --provider and --status; the zero value keeps
// every connection.
type statusFilter struct {
	// Owner matches when the owner contains it, ignoring case.
	Owner string
	// Provider matches the provider's id exactly or its name in part,
	// ignoring case.
	Provider string
	// Statuses keeps those in one of these; "attention" stands for every
	// status that needs a person.
	Statuses []string
}

// statusWords are what --status accepts.
var statusWords = []string{string(auth.StatusOK), string(auth.StatusExpiring), string(auth.StatusExpired), string(auth.StatusNeedsConnect), string(auth.StatusError), "attention"}

func (f statusFilter) keep(it listItem) bool {
	if f.Owner != "" && !strings.Contains(strings.ToLower(it.Owner), strings.ToLower(f.Owner)) {
		return false
	}
	if f.Provider != "" && !providerMatches(f.Provider, it.Provider, it.ProviderName) {
		return false
	}
	if len(f.Statuses) == 0 {
		return true
	}
	for _, s := range f.Statuses {
		if s == string(it.Status) || s == "attention" && *it.Attention {
			return true
		}
	}
	return false
}

// providerMatches says whether --provider p names this provider: its id
// exactly or a part of its name, ignoring case.
func providerMatches(p, id, name string) bool {
	p = strings.ToLower(p)
	return strings.ToLower(id) == p || strings.Contains(strings.ToLower(name), p)
}

// knowsProvider refuses a --provider that names no provider at all, so a
// typo in a monitoring line (status --provider vnd || alert) is an error
// and not "nothing needs attention". A provider no longer in the catalog
// still counts while a connection uses it.
func (f statusFilter) knowsProvider(providers []catalog.Provider, conns []auth.Connection) error {
	var ids []string
	for _, p := range providers {
		if providerMatches(f.Provider, p.ID, p.Name) {
			return nil
		}
		ids = append(ids, p.ID)
	}
	for _, c := range conns {
		if providerMatches(f.Provider, c.Provider, "") {
			return nil
		}
	}
	return usagef("%q is not a provider: use an id (%s) or part of a provider's name", f.Provider, strings.Join(ids, ", "))
}

// parseStatuses reads --status ok,expiring (any case).
func parseStatuses(list []string) ([]string, error) {
	var out []string
	for _, s := range list {
		s = strings.ToLower(strings.TrimSpace(s))
		if !slices.Contains(statusWords, s) {
			return nil, fmt.Errorf("%q is not a status: use %s", s, strings.Join(statusWords, ", "))
		}
		out = append(out, s)
	}
	return out, nil
}

func newCmdStatus(d *Deps, runF func(*statusOptions) error) *cobra.Command {
	opts := &statusOptions{base: d.base()}
	cmd := newDataCmd(d, "status", "One line per connection; exit 3 when any needs attention", opts, &opts.Exporter, runF, statusRun)
	cmd.Long = `Print one line per connection, marking with ! each that needs attention (expired,
failed, not signed in, or expiring within the warning window and unable to
renew itself), with the command that fixes it, and exit 3 when any does.
The warning window is the one set in the window's Settings (7 days unless
changed); --within overrides it. For monitoring: authdeck status || alert

--ics FILE also writes an iCalendar file with an event for each expiry and a
reminder when its warning window starts (FILE "-": standard output).`
	cmd.Flags().Var(withinValue{&opts.Within}, "within", "the warning window instead of the configured one: days (40) or a time (7d, 36h, 90m)")
	cmd.Flags().StringVar(&opts.ICS, "ics", "", "also write an iCalendar file of the expiry dates to `FILE` (- for standard output)")
	cmd.Flags().BoolVar(&opts.CSV, "csv", false, "print CSV for a spreadsheet instead of the table (cells that could be formulas are made text)")
	cmd.Flags().StringVar(&opts.Filter.Owner, "owner", "", "only connections whose owner contains `TEXT` (any case)")
	cmd.Flags().StringVar(&opts.Filter.Provider, "provider", "", "only connections of this provider (`ID`, or part of its name)")
	var statuses []string
	cmd.Flags().StringSliceVar(&statuses, "status", nil, "only connections in these statuses: "+strings.Join(statusWords, ", ")+" (comma-separated)")
	next := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		var err error
		if opts.Filter.Statuses, err = parseStatuses(statuses); err != nil {
			return usageError{err}
		}
		if opts.CSV && (c.Flags().Changed("json") || opts.ICS == "-") {
			return usagef("--csv prints the table as CSV: use it without --json and --ics -")
		}
		if next != nil {
			return next(c, args)
		}
		return nil
	}
	return cmd
}

// withinValue reads --within with parseWithin.
type withinValue struct{ d *time.Duration }

func (v withinValue) String() string {
	if v.d == nil || *v.d == 0 {
		return ""
	}
	return v.d.String()
}

func (v withinValue) Type() string { return "duration" }

func (v withinValue) Set(s string) (err error) {
	*v.d, err = parseWithin(s)
	return err
}

func statusRun(_ context.Context, opts *statusOptions, m Service) error {
	conns, err := m.List()
	if err != nil {
		return err
	}
	now, within := m.Now(), opts.Within
	if within == 0 {
		within = m.ExpiringWithin()
	}
	all := len(conns)
	if opts.Filter.Provider != "" { // the catalog is decoded only to check a --provider
		if err := opts.Filter.knowsProvider(m.Providers(), conns); err != nil {
			return err
		}
	}
	conns = filterConnections(conns, opts.Filter, now, within)
	items, attention := statusItems(conns, now, within)
	switch {
	case opts.ICS == "-":
		err = writeICS(opts.IO.Out, conns, within, now)
	case opts.Exporter != nil:
		err = opts.Exporter.Write(opts.IO.Out, items)
	case opts.CSV:
		err = writeStatusCSV(opts.IO.Out, items)
	case all == 0:
		fmt.Fprintln(opts.IO.Err, "No connections yet. Add one with authdeck add NAME --provider ID, or open the window.")
	case len(conns) == 0:
		fmt.Fprintf(opts.IO.Err, "None of the %d connections matches.\n", all)
	default:
		err = writeStatusLines(opts.IO.Out, items)
	}
	if err == nil && opts.ICS != "" && opts.ICS != "-" {
		err = saveICS(opts, conns, within, now)
	}
	if err != nil {
		return err
	}
	if attention > 0 {
		fmt.Fprintf(opts.IO.Err, "authdeck: %d of %d connections need attention (warning window: %s)\n", attention, len(conns), auth.Duration(within))
		return exitError{exitAttention}
	}
	return nil
}

// filterConnections keeps the connections f asks for; the calendar, the
// table, JSON and CSV all show the same ones.
func filterConnections(conns []auth.Connection, f statusFilter, now time.Time, within time.Duration) []auth.Connection {
	if f.Owner == "" && f.Provider == "" && len(f.Statuses) == 0 {
		return conns
	}
	items, _ := statusItems(conns, now, within)
	var out []auth.Connection
	for i, c := range conns {
		if f.keep(items[i]) {
			out = append(out, c)
		}
	}
	return out
}

// statusHeader is the first line of status --csv: the columns of the
// window's report, so both open the same way in a spreadsheet.
var statusHeader = []string{"name", "provider", "method", "account", "owner", "note", "status", "expires_at", "expiry_estimated", "what_to_do"}

// writeStatusCSV prints the rows through render.CSV, the one CSV writer.
func writeStatusCSV(w io.Writer, items []listItem) error {
	rows := [][]string{statusHeader}
	for _, it := range items {
		exp := ""
		if it.ExpiresAt != nil {
			exp = it.ExpiresAt.UTC().Format(time.RFC3339)
		}
		todo := it.Problem
		if it.Command != "" && *it.Attention {
			todo = strings.TrimPrefix(todo+"; run "+it.Command, "; ")
		}
		rows = append(rows, []string{it.Name, it.ProviderName, string(it.Method), it.Account, it.Owner, it.Note,
			string(it.Status), exp, strconv.FormatBool(it.ExpiryEstimated), todo})
	}
	return render.CSV(w, rows)
}

// statusItems works out each connection's status with the one rule of the
// core, at now with the warning window within.
func statusItems(conns []auth.Connection, now time.Time, within time.Duration) ([]listItem, int) {
	items := make([]listItem, len(conns))
	attention := 0
	for i, c := range conns {
		s := auth.StatusAt(c, now, within)
		needs := s.NeedsAttention()
		if needs {
			attention++
		}
		items[i] = itemOf(c, s, now)
		items[i].Attention = &needs
	}
	return items, attention
}

// writeStatusLines prints a row per connection, and under a row that needs
// attention what is wrong and the command that fixes it, once.
func writeStatusLines(w io.Writer, items []listItem) error {
	nameW, provW, ownerW := 4, 8, 0
	for _, it := range items {
		nameW = max(nameW, min(utf8.RuneCountInString(it.Name), 24))
		provW = max(provW, min(utf8.RuneCountInString(it.ProviderName), 16))
		ownerW = max(ownerW, min(utf8.RuneCountInString(it.Owner), 16))
	}
	var b strings.Builder
	for _, it := range items {
		mark := " "
		if *it.Attention {
			mark = "!"
		}
		row := fmt.Sprintf("%s %-*s  %-*s  %s%-13s  %s", mark, nameW, sanitize.Line(it.Name), provW, it.ProviderName, ownerCell(it.Owner, ownerW), it.Status, statusDetail(it))
		b.WriteString(fit(row, "    "))
		b.WriteString(advice(it))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ownerCell is the Owner column, cut to width w with an ellipsis; no
// column at all when no connection has an owner (w 0).
func ownerCell(owner string, w int) string {
	if w == 0 {
		return ""
	}
	if utf8.RuneCountInString(owner) > w {
		owner = string([]rune(owner)[:w-1]) + "…"
	}
	if owner == "" {
		owner = "-"
	}
	return fmt.Sprintf("%-*s  ", max(w, 1), owner)
}

func statusDetail(it listItem) string {
	s := countdownWords(it.cd)
	if it.ExpiresAt != nil && !it.Refreshable && it.Status != auth.StatusNeedsConnect {
		s += " (" + auth.FormatDate(*it.ExpiresAt, time.Local)
		if it.ExpiryEstimated {
			s += ", estimated"
		}
		s += ")"
	}
	return s
}

// advice is what is wrong and the command that fixes it, said once, under
// a row that needs attention; the command stays whole on its own line when
// both do not fit on one.
func advice(it listItem) string {
	const indent = "    "
	switch {
	case !*it.Attention:
		return ""
	case it.Command == "":
		return fit(indent+it.Problem, indent)
	case it.Problem == "":
		return fit(indent+"run "+it.Command, indent)
	}
	if line := indent + it.Problem + "; run " + it.Command; utf8.RuneCountInString(line) <= maxColumns {
		return line + "\n"
	}
	return fit(indent+it.Problem+";", indent) + fit(indent+"run "+it.Command, indent)
}

// fit breaks a line at spaces so that no line is wider than maxColumns;
// continuation lines start with indent. It returns the lines, each ending
// in a newline.
func fit(line, indent string) string {
	var b strings.Builder
	for utf8.RuneCountInString(line) > maxColumns {
		cut := cutAt(line)
		b.WriteString(strings.TrimRight(line[:cut], " ") + "\n")
		line = indent + strings.TrimLeft(line[cut:], " ")
	}
	b.WriteString(line + "\n")
	return b.String()
}

// cutAt is the byte offset at which to break a line that is too wide: the
// last space within maxColumns, else exactly there.
func cutAt(line string) int {
	end, n := 0, 0
	for i := range line {
		if n == maxColumns {
			end = i
			break
		}
		n++
	}
	if sp := strings.LastIndexByte(line[:end], ' '); sp > len(line[:end])/2 {
		return sp
	}
	return end
}

// parseWithin reads a Go duration, plus days ("7d", "1d12h").
func parseWithin(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a time: write days (7) or a time such as 7d, 36h or 90m", s)
	// One rule for bare numbers on every flag: they count the flag's own
	// unit, named in its help (days here, seconds for connect --timeout).
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 {
			return 0, bad
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	var days time.Duration
	if i := strings.Index(s, "d"); i >= 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil || n < 0 {
			return 0, bad
		}
		days, s = time.Duration(n)*24*time.Hour, s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	rest, err := time.ParseDuration(s)
	if err != nil || rest < 0 {
		return 0, bad
	}
	return days + rest, nil
}
