package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"authdeck/auth"
	"authdeck/auth/sanitize"
)

// listItem is one connection in `list --json` and `status --json`: the
// core's view (its JSON is the contract) and what the terminal adds.
type listItem struct {
	auth.Connection
	Countdown string `json:"countdown"`
	Problem   string `json:"problem,omitempty"`
	Command   string `json:"command,omitempty"`
	// Attention is set by status only: the connection needs a person.
	Attention *bool `json:"attention,omitempty"`
	// cd is the countdown Countdown words, for status's own wording.
	cd auth.Countdown
}

// itemOf is c in status s (worked out by the caller) as scripts read it.
func itemOf(c auth.Connection, s auth.Status, now time.Time) listItem {
	var it listItem
	fillItem(&it, &c, s, now)
	return it
}

// fillItem makes it itemOf(*c, s, now) in place: list makes one item per
// connection in one place (a listItem returned by value was copied twice).
func fillItem(it *listItem, c *auth.Connection, s auth.Status, now time.Time) {
	*it = listItem{Connection: *c}
	v := &it.Connection
	cleanView(v, s)
	it.cd = auth.CountdownAt(*v, now)
	it.Countdown = countdownText(it.cd)
	it.Problem = problemWords(*v, s)
	it.Command = remedyCommand(auth.RemedyFor(*v, s), v.Name)
}

// cleanView readies v, in status s, for a terminal: the provider's and
// people's words without control characters.
func cleanView(v *auth.Connection, s auth.Status) {
	v.Status = s
	v.ProviderName, v.Account = sanitize.Line(v.ProviderName), sanitize.Line(v.Account)
	v.Owner, v.Note = sanitize.Line(v.Owner), sanitize.Text(v.Note)
	v.FaultDetail, v.ReplacedBy = sanitize.Line(v.FaultDetail), sanitize.Line(v.ReplacedBy)
	v.LastRefresh, v.LastCheck = cleanOutcome(v.LastRefresh), cleanOutcome(v.LastCheck)
}

func cleanOutcome(o *auth.Outcome) *auth.Outcome {
	if o == nil {
		return nil
	}
	msg := sanitize.Line(o.Message)
	if msg == o.Message {
		return o // nothing to clean: shared, never changed
	}
	clean := *o
	clean.Message = msg
	return &clean
}

// countdown is c's countdown at now in words, marked when the date is
// Authdeck's estimate.
func countdown(c auth.Connection, now time.Time) string {
	return countdownText(auth.CountdownAt(c, now))
}

// countdownText is cd in words, marked when the date is an estimate.
func countdownText(cd auth.Countdown) string {
	if !cd.Estimated {
		return countdownWords(cd)
	}
	var b [64]byte
	return string(appendCountdownText(b[:0], cd))
}

// appendCountdownText appends countdownText(cd) to b.
func appendCountdownText(b []byte, cd auth.Countdown) []byte {
	b = appendCountdownWords(b, cd)
	if cd.Estimated {
		b = append(b, " (estimated)"...)
	}
	return b
}

type listOptions struct {
	base
	Exporter exporter
}

func newCmdList(d *Deps, runF func(*listOptions) error) *cobra.Command {
	opts := &listOptions{base: d.base()}
	return newDataCmd(d, "list", "List connections, most urgent first (no network, no keyring)", opts, &opts.Exporter, runF, listRun)
}

func listRun(_ context.Context, opts *listOptions, m Service) error {
	conns, err := m.List()
	if err != nil {
		return err
	}
	now := m.Now()
	if opts.Exporter != nil {
		return opts.Exporter.Write(opts.IO.Out, newListing(conns, now))
	}
	if len(conns) == 0 {
		fmt.Fprintln(opts.IO.Err, "No connections yet. Add one with authdeck add NAME --provider ID, or open the window.")
		return nil
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPROVIDER\tMETHOD\tSTATUS\tEXPIRY")
	for _, c := range conns {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", sanitize.Line(c.Name)+sharedMark(c), sanitize.Line(c.ProviderName), c.Method, c.Status, countdown(c, now))
	}
	return tw.Flush()
}

// sharedMark marks a connection that lives in the team store.
func sharedMark(c auth.Connection) string {
	if c.Shared {
		return " (shared)"
	}
	return ""
}
