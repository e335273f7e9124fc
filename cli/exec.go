package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"authdeck/auth"
	"authdeck/auth/render"
	"authdeck/auth/sanitize"
)

// execOptions serve `authdeck exec`: a program started with credentials in
// its environment (or a local proxy's address), in the manner of
// aws-vault exec and op run.
type execOptions struct {
	base
	Names    []string // connections whose credential goes in the environment
	Proxies  []string // connections reached through a local proxy
	Command  []string
	MinValid time.Duration
	Env      []string // VAR=FIELD or VAR=NAME:FIELD
}

// execFields are what --env may put in a variable.
var execFields = []string{"token", "header", "authorization", "url", "expires_at"}

func newCmdExec(d *Deps, runF func(*execOptions) error) *cobra.Command {
	opts := &execOptions{base: d.base(), MinValid: 5 * time.Minute}
	cmd := &cobra.Command{
		Use:   "exec [NAME…] [--proxy NAME] -- COMMAND [ARGS…]",
		Short: "Run a program with credentials in its environment (renewed first)",
		Long: `Run COMMAND with each connection's credential in its environment, renewed
first so that it stays valid for at least --min-valid. The variables are the
ones the env snippet uses: NAME_TOKEN (the token or key), AUTHDECK_NAME_HEADER
(the header line, e.g. "Authorization: Bearer …") and AUTHDECK_NAME_EXPIRES_AT
(RFC 3339, UTC); --env VAR=FIELD chooses names instead (FIELD: token, header,
authorization (the header's value), url, expires_at; with several connections
VAR=NAME:FIELD).

--proxy NAME starts a local proxy for the program's lifetime and gives it
AUTHDECK_NAME_URL (key included) instead of the token: requests to that
address reach the connection's API with the credential added and renewed
as needed, however long the program runs.

The program's exit code is authdeck's; interrupt, terminate and hang-up
signals are passed on to it; its input, output and terminal are its own.
Nothing is written to a file and no secret is put on a command line.`,
		Args:              cobra.ArbitraryArgs,
		ValidArgsFunction: completeConnectionName(d, 99),
		RunE: func(cmd *cobra.Command, args []string) error {
			dash := cmd.ArgsLenAtDash()
			if dash < 0 || dash == len(args) {
				return usagef("exec needs the program after --: authdeck exec NAME -- COMMAND [ARGS…]")
			}
			opts.Names, opts.Command = args[:dash], args[dash:]
			if len(opts.Names)+len(opts.Proxies) == 0 {
				return usagef("exec needs a connection name before --, or --proxy NAME")
			}
			return execute(cmd.Context(), d, opts, runF, execRun)
		},
	}
	cmd.Flags().DurationVar(&opts.MinValid, "min-valid", opts.MinValid, "renew, or refuse to start, when a credential would run out sooner than this (e.g. 30m)")
	cmd.Flags().StringArrayVar(&opts.Env, "env", nil, "put FIELD in VAR instead of the usual names: VAR=FIELD or VAR=NAME:FIELD (token, header, authorization, url, expires_at)")
	cmd.Flags().StringArrayVar(&opts.Proxies, "proxy", nil, "reach connection NAME through a local proxy for the program's lifetime (sets AUTHDECK_NAME_URL)")
	return cmd
}

// execVar is one variable to set: its name and which connection's field.
type execVar struct{ name, conn, field string }

// plan checks the command line and says which variables to set.
func (opts *execOptions) plan() ([]execVar, error) {
	all := append(slices.Clone(opts.Names), opts.Proxies...)
	if opts.MinValid < 0 {
		return nil, usagef("--min-valid cannot be negative")
	}
	stems := map[string]string{}
	for _, n := range all {
		if other, ok := stems[render.EnvStem(n)]; ok && other != n {
			return nil, usagef("%s and %s would use the same variable names: use --env VAR=NAME:FIELD for one of them", shellArg(other), shellArg(n))
		} else if ok {
			return nil, usagef("%s is given twice", shellArg(n))
		}
		stems[render.EnvStem(n)] = n
	}
	if len(opts.Env) > 0 {
		return opts.chosenVars(all)
	}
	var vars []execVar
	for _, n := range opts.Names {
		v := render.EnvVarsFor(n)
		vars = append(vars, execVar{v.Token, n, "token"}, execVar{v.Header, n, "header"}, execVar{v.ExpiresAt, n, "expires_at"})
	}
	for _, n := range opts.Proxies {
		vars = append(vars, execVar{render.EnvVarsFor(n).URL, n, "url"})
	}
	return vars, nil
}

// chosenVars reads --env.
func (opts *execOptions) chosenVars(all []string) ([]execVar, error) {
	var vars []execVar
	for _, e := range opts.Env {
		name, spec, ok := strings.Cut(e, "=")
		if !ok || !validVarName(name) {
			return nil, usagef("--env %s: write VAR=FIELD, VAR a variable name (letters, digits, _)", sanitize.Line(e))
		}
		conn, field, named := strings.Cut(spec, ":")
		if !named {
			if len(all) != 1 {
				return nil, usagef("--env %s: with several connections write VAR=NAME:FIELD", sanitize.Line(e))
			}
			conn, field = all[0], spec
		}
		if !slices.Contains(all, conn) {
			return nil, usagef("--env %s: %s is not one of the connections given", sanitize.Line(e), shellArg(conn))
		}
		if !slices.Contains(execFields, field) {
			return nil, usagef("--env %s: FIELD is one of %s", sanitize.Line(e), strings.Join(execFields, ", "))
		}
		if field == "url" && !slices.Contains(opts.Proxies, conn) {
			return nil, usagef("--env %s: url is the local proxy's address: give the connection with --proxy %s", sanitize.Line(e), shellArg(conn))
		}
		vars = append(vars, execVar{name, conn, field})
	}
	return vars, nil
}

func validVarName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) < 0
}

func execRun(ctx context.Context, opts *execOptions, m Service) error {
	vars, err := opts.plan()
	if err != nil {
		return err
	}
	creds := map[string]auth.Credential{}
	for _, n := range opts.Names {
		c, err := m.Lease(ctx, n, opts.MinValid)
		if err != nil {
			return leaseError(opts.base, n, err)
		}
		creds[n] = c
	}
	urls := map[string]string{}
	for _, n := range opts.Proxies {
		p, err := m.StartProxy(ctx, n, 0)
		if err != nil {
			return onConnection(n, err)
		}
		defer p.Stop()
		urls[n] = p.URL
	}
	env, err := execEnv(vars, creds, urls)
	if err != nil {
		return err
	}
	code, err := runChild(opts, env)
	if err != nil {
		return err
	}
	return exitError{code}
}

// leaseError says why a connection cannot be handed to the program; one
// that will not stay valid long enough needs attention (exit 3).
func leaseError(b base, name string, err error) error {
	if !errors.Is(err, auth.ErrShortLease) {
		return onConnection(name, err)
	}
	words := describe(err, nil)
	if e, ok := auth.AsError(err); ok && e.Remedy == auth.RemedyNone {
		words += ": ask for less with --min-valid, or use --proxy " + shellArg(name) + ", which renews as it goes"
	}
	fmt.Fprintln(b.IO.Err, "authdeck: "+words+"; nothing was started")
	return exitError{exitAttention}
}

// execEnv is this process's environment with the variables set (any
// inherited variable of the same name replaced).
func execEnv(vars []execVar, creds map[string]auth.Credential, urls map[string]string) ([]string, error) {
	set := map[string]string{}
	for _, v := range vars {
		value, ok, err := fieldValue(v, creds[v.conn], urls[v.conn])
		if err != nil {
			return nil, err
		}
		if ok {
			set[v.name] = value
		}
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		_, replaced := set[name]
		return replaced
	})
	for name, value := range set {
		env = append(env, name+"="+value)
	}
	return env, nil
}

// fieldValue is one variable's value; ok is false for a field the
// credential does not have (no header for a query key, no expiry).
func fieldValue(v execVar, c auth.Credential, proxyURL string) (string, bool, error) {
	switch v.field {
	case "token":
		return c.Secret, true, nil
	case "url":
		return proxyURL, proxyURL != "", nil
	case "expires_at":
		if c.Connection.ExpiresAt == nil {
			return "", false, nil
		}
		return c.Connection.ExpiresAt.UTC().Format(time.RFC3339), true, nil
	}
	if c.Header == "" {
		if v.name == render.EnvVarsFor(v.conn).Header {
			return "", false, nil // the usual names: a query key simply has no header
		}
		return "", false, usagef("--env %s=%s: %s's credential is not sent in a header but as the query parameter %s", v.name, v.field, shellArg(v.conn), c.Query)
	}
	if v.field == "authorization" {
		return c.Value, true, nil
	}
	return c.Header + ": " + c.Value, true, nil
}

// runChild starts the program with env, passes signals on to it and
// returns its exit code. Its standard streams are this process's own
// (the very file descriptors when they are files, so a terminal stays a
// terminal).
func runChild(opts *execOptions, env []string) (int, error) {
	path, err := exec.LookPath(opts.Command[0])
	if err != nil {
		fmt.Fprintf(opts.IO.Err, "authdeck: cannot run %s: %s\n", sanitize.Line(opts.Command[0]), sanitize.Line(lookWords(err)))
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
			return 127, nil // as a shell says "command not found"
		}
		return 126, nil
	}
	child := exec.Command(path, opts.Command[1:]...) // #nosec G204 -- running the person's own command is what exec is for
	child.Args[0] = opts.Command[0]
	child.Env = env
	child.Stdin, child.Stdout, child.Stderr = opts.IO.In, opts.IO.Out, opts.IO.Err
	sigs := make(chan os.Signal, 8)
	// Listening starts before the child does: a signal in between is
	// passed on, not lost (and does not end authdeck, leaving the child).
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	if err := child.Start(); err != nil {
		fmt.Fprintf(opts.IO.Err, "authdeck: cannot run %s: %s\n", sanitize.Line(opts.Command[0]), sanitize.Line(err.Error()))
		return 126, nil
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = child.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err = child.Wait()
	close(done)
	return exitStatus(child.ProcessState, err), nil
}

// forwarded are the signals passed on to the program.
var forwarded = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// exitStatus is the program's exit code, or 128+N when signal N ended it
// (as a shell reports it).
func exitStatus(ps *os.ProcessState, err error) int {
	if ps == nil {
		if err != nil {
			return 1
		}
		return 0
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

func lookWords(err error) string {
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return "no such program on PATH"
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	}
	var pe *exec.Error
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
