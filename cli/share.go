package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// shareOptions: `authdeck share NAME` moves a connection into the team
// store; `authdeck unshare NAME` takes it back to this machine only.
type shareOptions struct {
	base
	Name string
	Yes  bool
}

func newCmdShare(d *Deps, runF func(*shareOptions) error) *cobra.Command {
	opts := &shareOptions{base: d.base()}
	cmd := &cobra.Command{
		Use:   "share NAME",
		Short: "Move a connection (its details and secrets) into the team store",
		Args:  exactArgs(1, "one connection name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			return execute(cmd.Context(), d, opts, runF, shareRun)
		},
	}
	cmd.ValidArgsFunction = completeConnectionName(d, 1)
	return cmd
}

func newCmdUnshare(d *Deps, runF func(*shareOptions) error) *cobra.Command {
	opts := &shareOptions{base: d.base()}
	cmd := &cobra.Command{
		Use:   "unshare NAME [--yes]",
		Short: "Take a shared connection back to this machine only and remove it from the team store",
		Long: `Copies the connection's secrets into this machine's keyring and removes the
shared record: the rest of the team loses the connection. Asks first; --yes
skips the question (needed when standard input is not a terminal).`,
		Args: exactArgs(1, "one connection name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			return execute(cmd.Context(), d, opts, runF, unshareRun)
		},
	}
	cmd.Flags().BoolVar(&opts.Yes, "yes", false, "do not ask first")
	cmd.ValidArgsFunction = completeConnectionName(d, 1)
	return cmd
}

func shareRun(ctx context.Context, opts *shareOptions, m Service) error {
	c, err := m.Share(ctx, opts.Name)
	if err != nil {
		return onConnection(opts.Name, err)
	}
	fmt.Fprintf(opts.IO.Err, "%s is now shared: every machine pointed at the team store uses it, and this machine keeps no copy of its own.\n", shellArg(c.Name))
	return nil
}

func unshareRun(ctx context.Context, opts *shareOptions, m Service) error {
	if !opts.Yes {
		ok, err := confirmUnshare(opts)
		if err != nil || !ok {
			return err
		}
	}
	c, err := m.Unshare(ctx, opts.Name)
	if err != nil {
		return onConnection(opts.Name, err)
	}
	fmt.Fprintf(opts.IO.Err, "%s now lives on this machine only; the shared record is gone.\n", shellArg(c.Name))
	return nil
}

// confirmUnshare asks at a terminal; elsewhere it wants --yes.
func confirmUnshare(opts *shareOptions) (bool, error) {
	f, ok := opts.IO.In.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false, usagef("unshare removes %s from the team store for everyone: add --yes to go ahead", shellArg(opts.Name))
	}
	fmt.Fprintf(opts.IO.Err, "Remove %s from the team store (the rest of the team loses it) and keep it on this machine only? [y/N] ", shellArg(opts.Name))
	line, _ := bufio.NewReader(f).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(line)); a == "y" || a == "yes" {
		return true, nil
	}
	fmt.Fprintln(opts.IO.Err, "Nothing changed.")
	return false, nil
}
