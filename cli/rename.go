package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"authdeck/auth/sanitize"
)

// renameOptions: a new name for a connection, keeping its secrets, owner,
// note and history (the window's "Rename…").
type renameOptions struct {
	base
	Name, NewName string
}

func newCmdRename(d *Deps, runF func(*renameOptions) error) *cobra.Command {
	opts := &renameOptions{base: d.base()}
	cmd := &cobra.Command{
		Use:   "rename OLD NEW",
		Short: "Give a connection a new name (its secret, owner, note and history stay)",
		Long: `Give a connection a new name. Its secret stays in the keyring, and its owner,
note, expiry and history stay with it.

  authdeck rename "sandbox demo" "Sandbox (training)"`,
		Args: exactArgs(2, "the connection's name and its new name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name, opts.NewName = args[0], args[1]
			return execute(cmd.Context(), d, opts, runF, renameRun)
		},
	}
	cmd.ValidArgsFunction = completeConnectionName(d, 1)
	return cmd
}

func renameRun(ctx context.Context, opts *renameOptions, m Service) error {
	c, err := m.Rename(ctx, opts.Name, opts.NewName)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "Renamed %s to %s.\n", sanitize.Line(opts.Name), sanitize.Line(c.Name))
	return nil
}
