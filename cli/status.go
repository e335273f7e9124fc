package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"authdeck/auth"
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
	cmd.Flags().Var(withinValue{&opts.Within}, "within", "the warning window instead of the configured one: 7d, 36h, 90m")
	cmd.Flags().StringVar(&opts.ICS, "ics", "", "also write an iCalendar file of the expiry dates to `FILE` (- for standard output)")
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

func statusRun(_ context.Context, opts *statusOptions, m *auth.Manager) error {
	conns, err := m.List()
	if err != nil {
		return err
	}
	now, within := m.Now(), opts.Within
	if within == 0 {
		within = m.ExpiringWithin()
	}
	items, attention := statusItems(conns, now, within)
	switch {
	case opts.ICS == "-":
		err = writeICS(opts.IO.Out, conns, within, now)
	case opts.Exporter != nil:
		err = opts.Exporter.Write(opts.IO.Out, items)
	case len(conns) == 0:
		fmt.Fprintln(opts.IO.Err, "No connections yet. Add one with authdeck add NAME --provider ID, or open the window.")
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
	nameW, provW := 4, 8
	for _, it := range items {
		nameW = max(nameW, min(utf8.RuneCountInString(it.Name), 24))
		provW = max(provW, min(utf8.RuneCountInString(it.ProviderName), 16))
	}
	var b strings.Builder
	for _, it := range items {
		mark := " "
		if *it.Attention {
			mark = "!"
		}
		row := fmt.Sprintf("%s %-*s  %-*s  %-13s  %s", mark, nameW, sanitize.Line(it.Name), provW, it.ProviderName, it.Status, statusDetail(it))
		b.WriteString(fit(row, "    "))
		b.WriteString(advice(it))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func statusDetail(it listItem) string {
	s := it.Countdown
	if it.ExpiresAt != nil && !it.Refreshable && it.Status != auth.StatusNeedsConnect {
		s = strings.TrimSuffix(s, " (estimated)") + " (" + auth.FormatDate(*it.ExpiresAt, time.Local)
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
	bad := fmt.Errorf("%q is not a time: write one such as 7d, 36h or 90m", s)
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
