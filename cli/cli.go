// Package cli is Authdeck's command-line side: the same auth.Manager as the
// window, for scripts, terminals and support desks. Its commands and output
// are a contract (see DESIGN.md): data on standard output, everything else on
// standard error, errors starting "authdeck:" and saying what to do.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"authdeck/auth"
)

// Deps are what every command needs; tests hand in their own.
type Deps struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Options configure the Manager a command opens (config dir, secret
	// store, clock, browser).
	Options auth.Options
	Version string
	// OpenWindow starts the window (`authdeck` alone, `authdeck window`);
	// nil in tests and builds that have none.
	OpenWindow func() error
}

// exitError carries an exit code without printing anything more.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// usageError marks a mistake in how the command was called (exit 2).
type usageError struct{ error }

// Run runs one command line (without the program name) and returns the exit
// status.
func Run(args []string, d Deps) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	root := newRoot(&d)
	if len(args) == 0 {
		args = []string{"window"} // the window is what a person starting Authdeck wants
	}
	root.SetArgs(args)
	root.SetIn(d.Stdin)
	root.SetOut(d.Stdout)
	root.SetErr(d.Stderr)
	err := root.ExecuteContext(ctx)
	var exit exitError
	var usage usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.code
	case errors.As(err, &usage):
		fmt.Fprintln(d.Stderr, "authdeck: "+usage.Error())
		return 2
	default:
		fmt.Fprintln(d.Stderr, "authdeck: "+strings.TrimSpace(err.Error()))
		return 1
	}
}

func newRoot(d *Deps) *cobra.Command {
	root := &cobra.Command{
		Use:   "authdeck",
		Short: "Keep your API connections signed in, fresh and ready to paste",
		Long: `Authdeck keeps your connections to provider APIs (Vinsight, Vinli, Vend,
vcita/inTandem, and any provider described in providers.d): it signs in through
your browser, keeps secrets in the OS keyring, refreshes tokens before they
expire and prints ready-made headers and curl commands.

Run it without arguments (or as authdeck window) to open the window.`,
		Version:       d.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.SetVersionTemplate("authdeck {{.Version}}\n")
	root.AddCommand(
		providersCmd(d),
		addCmd(d), connectCmd(d), listCmd(d), statusCmd(d),
		headerCmd(d), curlCmd(d), tokenCmd(d), snippetCmd(d),
		refreshCmd(d), checkCmd(d), expiresCmd(d), removeCmd(d),
		windowCmd(d),
	)
	addCompletions(root, d)
	return root
}

// manager opens the service for one command.
func (d *Deps) manager() (*auth.Manager, error) {
	return auth.Open(d.Options)
}

// withManager runs fn with an open Manager and closes it after.
func (d *Deps) withManager(fn func(*auth.Manager) error) error {
	m, err := d.manager()
	if err != nil {
		return err
	}
	defer m.Close()
	return fn(m)
}

// exactArgs is cobra.ExactArgs with an error that says what was expected.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{fmt.Errorf("%s takes %s (usage: %s)", cmd.Name(), what, cmd.UseLine())}
		}
		return nil
	}
}

func rangeArgs(lo, hi int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			return usageError{fmt.Errorf("%s takes %s (usage: %s)", cmd.Name(), what, cmd.UseLine())}
		}
		return nil
	}
}
