package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"authdeck/auth"
	"authdeck/auth/sanitize"
)

// nameOptions serve the commands that act on one connection and take
// nothing else: refresh, check, remove (and expires, with its date).
type nameOptions struct {
	base
	Name string
	// Expires is the new expiry date of `expires` (nil: none).
	Expires *time.Time
	// Exporter prints checkJSON instead (check --json).
	Exporter exporter
}

// newNameCmd fills cmd's Args, completion and RunE for a command on one
// connection; run does the work.
func newNameCmd(d *Deps, cmd *cobra.Command, run func(context.Context, *nameOptions, Service) error, runF func(*nameOptions) error) *cobra.Command {
	opts := &nameOptions{base: d.base()}
	cmd.Args = exactArgs(1, "one connection name")
	cmd.ValidArgsFunction = completeConnectionName(d, 1)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		opts.Name = args[0]
		return execute(cmd.Context(), d, opts, runF, run)
	}
	return cmd
}

func newCmdRefresh(d *Deps, runF func(*nameOptions) error) *cobra.Command {
	return newNameCmd(d, &cobra.Command{Use: "refresh NAME", Short: "Renew a connection's token now"}, refreshRun, runF)
}

func refreshRun(ctx context.Context, opts *nameOptions, m Service) error {
	c, err := m.Refresh(ctx, opts.Name)
	if err == nil {
		fmt.Fprintf(opts.IO.Out, "Refreshed %s: new token valid until %s.\n", sanitize.Line(c.Name), expiryText(c))
	}
	return err
}

func expiryText(c auth.Connection) string {
	if c.ExpiresAt == nil {
		return "further notice (no expiry stated)"
	}
	return c.ExpiresAt.Local().Format("2006-01-02 15:04 MST")
}

func newCmdCheck(d *Deps, runF func(*nameOptions) error) *cobra.Command {
	var exp exporter
	run := func(ctx context.Context, opts *nameOptions, m Service) error {
		opts.Exporter = exp
		return checkRun(ctx, opts, m)
	}
	cmd := newNameCmd(d, &cobra.Command{Use: "check NAME", Short: "Make the provider's who-am-I request and say how it went"}, run, runF)
	addJSONFlags(cmd, &exp)
	return cmd
}

func checkRun(ctx context.Context, opts *nameOptions, m Service) error {
	res, err := m.Check(ctx, opts.Name)
	if err != nil {
		return err
	}
	if opts.Exporter != nil {
		c, err := m.Get(opts.Name)
		if err != nil {
			return err
		}
		if err := opts.Exporter.Write(opts.IO.Out, checkShape(c, auth.StatusAt(c, m.Now(), m.ExpiringWithin()), res)); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(opts.IO.Out, sanitize.Line(res.Message))
		if !res.OK {
			checkRemedy(opts, m, res.Verdict)
		}
	}
	if !res.OK {
		return exitError{exitFailure}
	}
	return nil
}

// checkRemedy says on standard error what fixes a failed check: the
// core's verdict is a fact, and what fixes it depends on the connection
// (sign in again, or paste a new key) — a command where one does it, words
// where it is the person's to find out.
func checkRemedy(opts *nameOptions, m Service, v auth.Verdict) {
	c, err := m.Get(opts.Name)
	if err != nil {
		return
	}
	r := auth.RemedyFor(c, auth.StatusAt(c, m.Now(), m.ExpiringWithin()))
	switch {
	case v == auth.VerdictRejected:
		r = auth.RemedyForRejected(c)
	case v != auth.VerdictUnexpected:
		r = auth.RemedyNone // checkWords says it
	}
	if cmd := remedyCommand(r, c.Name); cmd != "" {
		fmt.Fprintf(opts.IO.Err, "To fix it: %s\n", cmd)
	} else if w := checkWords(v, c); w != "" {
		fmt.Fprintf(opts.IO.Err, "What to do: %s\n", w)
	}
}

func newCmdRemove(d *Deps, runF func(*nameOptions) error) *cobra.Command {
	return newNameCmd(d, &cobra.Command{Use: "remove NAME", Short: "Remove a connection and its secrets from the keyring"}, removeRun, runF)
}

func removeRun(ctx context.Context, opts *nameOptions, m Service) error {
	err := m.Remove(ctx, opts.Name)
	if err == nil {
		fmt.Fprintf(opts.IO.Err, "Removed %s and its secrets.\n", sanitize.Line(opts.Name))
	}
	return err
}

func newCmdExpires(d *Deps, runF func(*nameOptions) error) *cobra.Command {
	opts := &nameOptions{base: d.base()}
	return &cobra.Command{
		Use:               "expires NAME DATE|none",
		Short:             "Set the expiry date of a pasted key or token (e.g. an auto-extended API key)",
		Args:              exactArgs(2, "a connection name and a date (YYYY-MM-DD) or none"),
		ValidArgsFunction: completeConnectionName(d, 2, "none\tno expiry date"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if !strings.EqualFold(args[1], "none") {
				var err error
				if opts.Expires, err = parseExpires(args[1]); err != nil {
					return usagef("%v", err) // the DATE argument, not a flag
				}
			}
			return execute(cmd.Context(), d, opts, runF, expiresRun)
		},
	}
}

func expiresRun(ctx context.Context, opts *nameOptions, m Service) error {
	c, err := m.SetExpiry(ctx, opts.Name, opts.Expires)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Err, "%s: %s.\n", sanitize.Line(c.Name), countdown(c, m.Now()))
	return nil
}
