package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"authdeck/auth"
	"authdeck/auth/sanitize"
)

type connectOptions struct {
	base
	Name      string
	Timeout   time.Duration
	NoBrowser bool
}

func newCmdConnect(d *Deps, runF func(*connectOptions) error) *cobra.Command {
	opts := &connectOptions{base: d.base(), Timeout: auth.SignInTimeout}
	cmd := &cobra.Command{
		Use:   "connect NAME",
		Short: "Sign in through the browser and store the token",
		Long: `Run the provider's consent page in the browser and wait for its answer on a
loopback address. The redirect URI printed first must be registered with the
provider (not for the sandbox). The browser is $BROWSER when set, else the
system browser; --no-browser prints the address to open instead.`,
		Args:              exactArgs(1, "one connection name"),
		ValidArgsFunction: completeConnectionName(d, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			return execute(cmd.Context(), d, opts, runF, connectRun)
		},
	}
	cmd.Flags().Var(timeoutValue{&opts.Timeout}, "timeout", "how long to wait for the browser: seconds (90) or a time (5m, 1m30s)")
	cmd.Flags().BoolVar(&opts.NoBrowser, "no-browser", false, "print the address instead of opening a browser")
	return cmd
}

func connectRun(ctx context.Context, opts *connectOptions, m Service) error {
	sandbox := false // learnt from the core's one read of the connection
	waitCtx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	co := auth.ConnectOptions{
		NoBrowser: opts.NoBrowser,
		Resolved:  func(c auth.Connection) { sandbox = c.Provider == auth.SandboxID },
		Listening: func(redirectURI, authorizeURL string) { opts.listening(sandbox, redirectURI, authorizeURL) },
		Notice:    func(n auth.Notice) { fmt.Fprintln(opts.IO.Err, noticeWords(n)) },
	}
	if opts.NoBrowser && opts.IO.In != nil {
		co.Pasted, co.PasteRefused = pastedLines(opts.IO.In), opts.pasteRefused
	}
	c, err := m.Connect(waitCtx, opts.Name, co)
	if e, ok := auth.AsError(err); ok && (e.Kind == auth.KindSignInTimedOut || errors.Is(waitCtx.Err(), context.DeadlineExceeded)) {
		// Said once, here: the command knows its flag and how long it waited.
		return fmt.Errorf("no answer came back from the browser within %s: run authdeck connect %s again (--timeout 10m waits longer)",
			opts.Timeout, shellArg(opts.Name))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Err, "Connected %s to %s: %s.\n", sanitize.Line(c.Name), sanitize.Line(c.ProviderName), countdown(c, m.Now()))
	return nil
}

// listening says where the answer will arrive. The sandbox is on this
// computer and takes any loopback address: there is nothing to register.
func (opts *connectOptions) listening(sandbox bool, redirectURI, authorizeURL string) {
	if sandbox {
		fmt.Fprintf(opts.IO.Err, "Signing in to the sandbox on this computer; its answer comes back to %s\n", redirectURI)
	} else {
		fmt.Fprintf(opts.IO.Err, "Redirect URI (register it with the provider): %s\n", redirectURI)
	}
	if opts.NoBrowser {
		fmt.Fprintln(opts.IO.Err, "Open this address in your browser and approve the request:")
		fmt.Fprintln(opts.IO.Out, authorizeURL)
		fmt.Fprintf(opts.IO.Err, "Browser on another computer? When it lands on a page that fails to load (%s…), paste that page's address here and press Enter. Waiting… (Ctrl+C cancels)\n", redirectURI)
		return
	}
	fmt.Fprintln(opts.IO.Err, "Opening your browser: approve the request there. Waiting… (Ctrl+C cancels)")
}

// timeoutValue reads --timeout: a bare number is seconds, else a Go
// duration (5m, 1m30s).
type timeoutValue struct{ d *time.Duration }

func (v timeoutValue) String() string {
	if v.d == nil {
		return ""
	}
	return v.d.String()
}

func (v timeoutValue) Type() string { return "duration" }

func (v timeoutValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if secs, serr := strconv.ParseFloat(s, 64); serr == nil {
		d, err = time.Duration(secs*float64(time.Second)), nil
	}
	if err != nil || d <= 0 {
		return fmt.Errorf("%q is not a time: write seconds (90) or a duration such as 5m or 1m30s", s)
	}
	*v.d = d
	return nil
}

// pastedLines reads what the person pastes, a line at a time, for as long
// as the command runs.
func pastedLines(in io.Reader) <-chan string {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 4096), 64<<10)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return lines
}

// pasteRefused says why a pasted address was not taken; the sign-in goes
// on waiting.
func (opts *connectOptions) pasteRefused(err error) {
	fmt.Fprintf(opts.IO.Err, "authdeck: %s; still waiting: paste the address again, or Ctrl+C\n", sanitize.Line(err.Error()))
}
