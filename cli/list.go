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
	c.Status = s
	c.ProviderName, c.Account = sanitize.Line(c.ProviderName), sanitize.Line(c.Account)
	c.Owner, c.Note = sanitize.Line(c.Owner), sanitize.Text(c.Note)
	c.FaultDetail, c.ReplacedBy = sanitize.Line(c.FaultDetail), sanitize.Line(c.ReplacedBy)
	c.LastRefresh, c.LastCheck = cleanOutcome(c.LastRefresh), cleanOutcome(c.LastCheck)
	cd := auth.CountdownAt(c, now)
	return listItem{
		Connection: c, Countdown: countdownText(cd), cd: cd,
		Problem: problemWords(c, s), Command: remedyCommand(auth.RemedyFor(c, s), c.Name),
	}
}

func cleanOutcome(o *auth.Outcome) *auth.Outcome {
	if o == nil {
		return nil
	}
	clean := *o
	clean.Message = sanitize.Line(o.Message)
	return &clean
}

// countdown is c's countdown at now in words, marked when the date is
// Authdeck's estimate.
func countdown(c auth.Connection, now time.Time) string {
	return countdownText(auth.CountdownAt(c, now))
}

// countdownText is cd in words, marked when the date is an estimate.
func countdownText(cd auth.Countdown) string {
	s := countdownWords(cd)
	if cd.Estimated {
		s += " (estimated)"
	}
	return s
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
