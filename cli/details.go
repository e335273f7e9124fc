package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"authdeck/auth"
	"authdeck/auth/sanitize"
)

// detailsOptions: who to ask about a connection and why it exists. Only
// the flags given change; with none, the details are printed.
type detailsOptions struct {
	base
	Name        string
	Owner, Note *string
	// Exporter prints detailsJSON instead (--json).
	Exporter exporter
}

func newCmdDetails(d *Deps, runF func(*detailsOptions) error) *cobra.Command {
	opts := &detailsOptions{base: d.base()}
	var owner, note string
	cmd := &cobra.Command{
		Use:   "details NAME [--owner WHO] [--note TEXT]",
		Short: "Show or set a connection's owner and note",
		Args:  exactArgs(1, "one connection name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if cmd.Flags().Changed("owner") {
				opts.Owner = &owner
			}
			if cmd.Flags().Changed("note") {
				opts.Note = &note
			}
			return execute(cmd.Context(), d, opts, runF, detailsRun)
		},
	}
	cmd.Flags().StringVar(&owner, "owner", "", `who to ask about this connection ("" clears it)`)
	cmd.Flags().StringVar(&note, "note", "", `why it exists, what uses it ("" clears it)`)
	cmd.ValidArgsFunction = completeConnectionName(d, 1)
	addJSONFlags(cmd, &opts.Exporter)
	return cmd
}

func detailsRun(ctx context.Context, opts *detailsOptions, m Service) error {
	c, err := m.Get(opts.Name)
	if err != nil {
		return err
	}
	if opts.Owner != nil || opts.Note != nil {
		from := auth.Details{Owner: c.Owner, Note: c.Note}
		to := from
		if opts.Owner != nil {
			to.Owner = *opts.Owner
		}
		if opts.Note != nil {
			to.Note = *opts.Note
		}
		if c, err = m.SetDetails(ctx, opts.Name, from, to); err != nil {
			return err
		}
	}
	if opts.Exporter != nil {
		return opts.Exporter.Write(opts.IO.Out, detailsShape(c, auth.StatusAt(c, m.Now(), m.ExpiringWithin())))
	}
	fmt.Fprintf(opts.IO.Out, "owner: %s\nnote:  %s\n", orNone(c.Owner), orNone(c.Note))
	if p, err := m.Provider(c.Provider); err == nil {
		if meth, ok := p.Method(c.Method); ok && len(meth.Unconfirmed) > 0 {
			fmt.Fprintf(opts.IO.Out, "guesses: %s\n", guessWords(p, meth))
		}
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return sanitize.Line(s)
}
