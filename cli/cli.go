// Package cli is Authdeck's command-line side: the same auth.Manager as the
// window, for scripts, terminals and support desks. Its commands and output
// are a contract: data on standard output, everything else on standard
// error, errors starting "authdeck:" and saying what to do, and one scheme of
// exit codes (see exitHelp).
//
// Each command is an options struct, a constructor that fills it from the
// command line, and a run function that tests call directly (the shape of
// cli/cli's commands).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"

	"authdeck/auth"
)

// The exit codes, the same for every command.
const (
	exitOK        = 0
	exitFailure   = 1 // the command could not do its work
	exitUsage     = 2 // the command line is wrong
	exitAttention = 3 // a connection needs attention (status, --require-valid)
)

// exitHelp documents the exit codes in --help (and the README repeats it).
const exitHelp = `Exit codes: 0 done; 1 failed (the message says why and what to do);
2 the command line is wrong (unknown command or flag, a missing or extra
argument, a value that cannot be used); 3 a connection needs attention
(status, or header/curl/token/snippet --require-valid on an expired
credential).`

// Deps are what every command needs; tests hand in their own.
type Deps struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Options configure the Manager a command opens (config dir, secret
	// store, clock, browser).
	Options auth.Options
	// Open opens the service a command works with; nil → auth.Open. Tests
	// give a fake here (see Service).
	Open    func(auth.Options) (Service, error)
	Version string
	// OpenWindow starts the window (`authdeck` alone, `authdeck window`);
	// nil in tests and builds that have none.
	OpenWindow func() error
}

// streams are a command's standard input, output and error.
type streams struct {
	In       io.Reader
	Out, Err io.Writer
}

// base is what every command's options hold: where to read and write.
// Tests fill it by hand.
type base struct {
	IO streams
}

func (d *Deps) base() base {
	return base{IO: streams{In: d.Stdin, Out: d.Stdout, Err: d.Stderr}}
}

// execute ends every command's RunE: the test's runF when given (it checks
// what the command line filled in), else run with the service open for
// this one command.
func execute[O any](ctx context.Context, d *Deps, opts *O, runF func(*O) error, run func(context.Context, *O, Service) error) error {
	if runF != nil {
		return runF(opts)
	}
	m, err := d.open()
	if err != nil {
		return err
	}
	defer m.Close()
	return run(ctx, opts, m)
}

// warn prints a warning on standard error.
func (b base) warn(format string, args ...any) {
	fmt.Fprintf(b.IO.Err, "authdeck: warning: "+format+"\n", args...)
}

// exitError ends a command with a code after it has said what it had to.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// usageError marks a mistake in how the command was called (exit 2).
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// Run runs one command line (without the program name) and returns the exit
// status.
func Run(args []string, d Deps) int {
	// A command lives for milliseconds: collecting garbage less often costs
	// a little memory and saves a fifth of the work of a long list.
	debug.SetGCPercent(400)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(args) == 0 {
		args = []string{"window"} // the window is what a person starting Authdeck wants
	}
	root := newRoot(&d, args)
	root.SetArgs(args)
	root.SetIn(d.Stdin)
	root.SetOut(d.Stdout)
	root.SetErr(d.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var exit exitError
	if errors.As(err, &exit) {
		return exit.code
	}
	err = fromCobra(root, args, err)
	fmt.Fprintln(d.Stderr, "authdeck: "+describe(err, suggester(&d)))
	return exitCode(err)
}

// exitCode is the code for an error that ends a command.
func exitCode(err error) int {
	var usage usageError
	if errors.As(err, &usage) {
		return exitUsage
	}
	if e, ok := auth.AsError(err); ok && e.Remedy == auth.RemedyFixInput && e.Input != auth.InputNone {
		return exitUsage // a value given on the command line cannot be used
	}
	return exitFailure
}

// fromCobra turns cobra's own complaints about the command line, which are
// plain errors, into usage errors worded on one line.
func fromCobra(root *cobra.Command, args []string, err error) error {
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "unknown command"):
		words := fmt.Sprintf("unknown command %q", args[0])
		if s := root.SuggestionsFor(args[0]); len(s) > 0 {
			words += ": did you mean " + strings.Join(s, " or ") + "?"
		}
		return usagef("%s (see authdeck --help)", words)
	case strings.HasPrefix(msg, "required flag"):
		var flags []string
		for _, m := range quotedRE().FindAllStringSubmatch(msg, -1) {
			flags = append(flags, "--"+m[1])
		}
		cmd, _, _ := root.Find(args)
		path := strings.TrimPrefix(cmd.CommandPath(), "authdeck ")
		return usagef("%s needs %s (see authdeck %s --help)", path, strings.Join(flags, " and "), path)
	}
	return err
}

var quotedRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`"([^"]+)"`) })

// newRoot builds the command tree for args: the whole of it, or only the
// one command a script asks for often (see quickCommand).
func newRoot(d *Deps, args []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "authdeck",
		Short: "Keep your API connections signed in, fresh and ready to paste",
		Long: `Authdeck keeps your connections to provider APIs (Vinsight, Vinli, Vend,
vcita/inTandem, and any provider described in providers.d): it signs in through
your browser, keeps secrets in the OS keyring, refreshes tokens before they
expire and prints ready-made headers and curl commands.

Run it without arguments (or as authdeck window) to open the window.

` + exitHelp,
		Version:       d.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.SetVersionTemplate("authdeck {{.Version}}\n")
	if quick := quickCommand(d, args); quick != nil {
		// No other command can run, so neither can the completion one.
		root.CompletionOptions.DisableDefaultCmd = true
		root.AddCommand(quick)
		return root
	}
	root.AddCommand(
		newCmdProviders(d),
		newCmdAdd(d, nil), newCmdConnect(d, nil), newCmdReplace(d, nil), newCmdDetails(d, nil), newCmdRename(d, nil),
		newCmdList(d, nil), newCmdStatus(d, nil),
		newSnippetCmd(d, "header", nil), newSnippetCmd(d, "curl", nil), newSnippetCmd(d, "token", nil), newSnippetCmd(d, "snippet", nil),
		newCmdRefresh(d, nil), newCmdCheck(d, nil), newCmdExpires(d, nil), newCmdRemove(d, nil),
		newCmdSandbox(d, nil), newCmdWindow(d),
		newCmdExec(d, nil), newCmdProxy(d, nil),
		newCmdTeam(d, nil), newCmdShare(d, nil), newCmdUnshare(d, nil),
	)
	return root
}

// quickCommand is the command args name when it is one a script runs
// often, with no help asked for: it alone is built, since building the
// twenty others was a tenth of `header`'s page faults (issue 22). Help, a
// mistyped name and everything else get the whole tree, so that help lists
// every command and a mistake gets suggestions.
func quickCommand(d *Deps, args []string) *cobra.Command {
	if len(args) == 0 || slices.ContainsFunc(args, func(a string) bool { return a == "-h" || a == "--help" || a == "--" }) {
		return nil
	}
	switch args[0] {
	case "header", "curl", "token", "snippet":
		return newSnippetCmd(d, args[0], nil)
	}
	return nil
}

// exactArgs is cobra.ExactArgs with an error that says what was expected.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return rangeArgs(n, n, what)
}

func rangeArgs(lo, hi int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			return usagef("%s takes %s (usage: %s)", cmd.Name(), what, cmd.UseLine())
		}
		return nil
	}
}
