package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"authdeck/auth"
	"authdeck/auth/render"
	"authdeck/auth/sanitize"
)

// snippetOptions serve header, curl, token and snippet: one connection's
// credential in one format.
type snippetOptions struct {
	base
	Name   string
	Format render.Format
	URL    string
	// RequireValid refuses (exit 3, nothing printed) an expired credential,
	// which is otherwise printed with a warning.
	RequireValid bool
	// Exporter prints tokenJSON or headerJSON instead (token, header --json).
	Exporter exporter
	// Args are curl's own options after --, added after the URL.
	Args []string
}

// snippetCommands are the four commands that print a credential; format ""
// is read from --format.
var snippetCommands = map[string]struct {
	use, short string
	urlArg     bool
	format     render.Format
}{
	"header":  {"header NAME", "Print the header line (refreshed first if needed)", false, render.FormatHeader},
	"curl":    {"curl NAME [URL] [-- CURL-OPTIONS]", "Print a curl command for URL (default: the provider's who-am-I address); the credential goes to curl on standard input, not in its arguments", true, render.FormatCurl},
	"token":   {"token NAME", "Print the raw token or key (refreshed first if needed)", false, render.FormatToken},
	"snippet": {"snippet NAME --format FORMAT [URL]", "Print the credential as curl, httpie, powershell, env, dotenv, header, token or url", true, ""},
}

// formatHelp says which reader each format is for (README repeats it).
const formatHelp = `Formats and what reads them:
  curl        sh, bash, zsh, fish: printf '%s\n' 'HEADER' | curl -sS -H @- URL
              (the credential reaches curl on standard input, never in its
              arguments, which other local users can see with ps)
  httpie      sh, bash, zsh, fish (the credential is in http's arguments)
  powershell  PowerShell 5 and 7 (not cmd.exe, which has no safe quoting)
  env         export NAME='…' for sh, bash, zsh and fish: . file / source file
  dotenv      NAME=value for .env files read by docker --env-file,
              python-dotenv and Node's dotenv; a value they would read
              differently ($, #, a backslash, a leading quote) is refused
  header, token, url  the line, the raw secret, the URL with a query key`

// newSnippetCmd builds the snippet command called name.
func newSnippetCmd(d *Deps, name string, runF func(*snippetOptions) error) *cobra.Command {
	spec := snippetCommands[name]
	opts := &snippetOptions{base: d.base(), Format: spec.format}
	cmd := &cobra.Command{Use: spec.use, Short: spec.short, Args: exactArgs(1, "one connection name")}
	if spec.urlArg {
		cmd.Args = argsBeforeDash(1, 2, "a connection name and optionally a URL")
		cmd.Long = spec.short + ".\n\n" + formatHelp
	}
	var formatFlag string
	if spec.format == "" {
		cmd.Flags().StringVar(&formatFlag, "format", "curl", "curl, httpie, powershell, env, dotenv, header, token or url")
		_ = cmd.RegisterFlagCompletionFunc("format", completeFormat)
	}
	if name == "token" || name == "header" {
		addJSONFlags(cmd, &opts.Exporter)
	}
	cmd.Flags().BoolVar(&opts.RequireValid, "require-valid", false, "print nothing and exit 3 when the credential has expired (default: print it, with a warning)")
	cmd.ValidArgsFunction = completeConnectionName(d, 1)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if dash := cmd.ArgsLenAtDash(); dash >= 0 {
			args, opts.Args = args[:dash], args[dash:]
		}
		opts.Name = args[0]
		if len(args) > 1 {
			opts.URL = args[1]
		}
		if spec.format == "" {
			f, err := render.ParseFormat(formatFlag)
			if err != nil {
				return usageError{err}
			}
			opts.Format = f
		}
		if len(opts.Args) > 0 {
			if opts.Format != render.FormatCurl {
				return usagef("options after -- are curl's: only the curl format takes them")
			}
			if err := render.CheckCurlArgs(opts.Args); err != nil {
				return usageError{err}
			}
		}
		return execute(cmd.Context(), d, opts, runF, snippetRun)
	}
	return cmd
}

// argsBeforeDash is rangeArgs for the arguments before --; those after it
// are passed through.
func argsBeforeDash(lo, hi int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if dash := cmd.ArgsLenAtDash(); dash >= 0 {
			args = args[:dash]
		}
		return rangeArgs(lo, hi, what)(cmd, args)
	}
}

func snippetRun(ctx context.Context, opts *snippetOptions, m Service) error {
	if opts.Exporter != nil {
		return snippetJSON(ctx, opts, m)
	}
	out, c, err := m.Snippet(ctx, opts.Name, opts.Format, opts.URL)
	if err == nil && opts.URL != "" {
		warnForeignHost(opts, c.APIHosts) // from the same one read of the connection
	}
	if err == nil && len(opts.Args) > 0 {
		out, err = render.AppendCurlArgs(out, opts.Args)
	}
	if err != nil {
		return onConnection(opts.Name, err)
	}
	warnStoreProblem(opts.base, c)
	// c.Status is the core's status rule at the moment the credential was
	// handed out: no second read of the settings on this hot path.
	if c.Status == auth.StatusExpired {
		opts.warn("%s", expiredWarning(c, m.Now()))
		if opts.RequireValid {
			return exitError{exitAttention}
		}
	}
	_, err = fmt.Fprintln(opts.IO.Out, out)
	return err
}

// snippetJSON prints token --json (tokenJSON) or header --json
// (headerJSON); an expired credential is said, and with --require-valid
// refused, as in the plain form.
func snippetJSON(ctx context.Context, opts *snippetOptions, m Service) error {
	cred, err := m.Credential(ctx, opts.Name)
	if err != nil {
		return onConnection(opts.Name, err)
	}
	c := cred.Connection
	warnStoreProblem(opts.base, c)
	var data any
	if opts.Format == render.FormatHeader {
		line, err := render.Render(render.FormatHeader, cred.Credential, "")
		if err != nil {
			return onConnection(opts.Name, err)
		}
		data = headerJSON{Header: cred.Header, Value: cred.Value, Line: line, stateJSON: stateOf(c, c.Status)}
	} else {
		if !utf8.ValidString(cred.Secret) {
			return onConnection(opts.Name, errors.New("the token is not UTF-8 text, which JSON cannot carry: use token without --json"))
		}
		data = tokenShape(cred)
	}
	if c.Status == auth.StatusExpired {
		opts.warn("%s", expiredWarning(c, m.Now()))
		if opts.RequireValid {
			return exitError{exitAttention}
		}
	}
	return opts.Exporter.Write(opts.IO.Out, data)
}

// onConnection ties an error that does not say which connection it is
// about to the one the command was given, so that its words can name it.
func onConnection(name string, err error) error {
	var refused *render.DotenvRefused
	if errors.As(err, &refused) {
		return fmt.Errorf("%s's secret cannot go in a .env file that docker, python-dotenv and Node's dotenv all read the same way (%s): use --format env in a shell, or give it to the program with authdeck exec %s -- PROGRAM",
			sanitize.Line(name), refused.Reason, shellArg(name))
	}
	if e, ok := auth.AsError(err); ok {
		if e.Connection == "" {
			named := *e
			named.Connection = name
			return &named
		}
		return err
	}
	return &auth.Error{Connection: name, Err: err}
}

// warnForeignHost says when the URL's host is not one the credential is
// meant for: the credential goes wherever the URL says.
func warnForeignHost(opts *snippetOptions, hosts []string) {
	u, err := url.Parse(opts.URL)
	if err != nil || u.Hostname() == "" || len(hosts) == 0 {
		return // the snippet itself refuses it, with words
	}
	slices.Sort(hosts)
	hosts = slices.Compact(hosts)
	host := strings.ToLower(u.Hostname())
	if slices.ContainsFunc(hosts, func(h string) bool { return host == h || strings.HasSuffix(host, "."+h) }) {
		return
	}
	opts.warn("%s is not one of the hosts %s's credential is meant for (%s): the command sends it there anyway; check the URL",
		sanitize.Line(host), sanitize.Line(opts.Name), sanitize.Line(strings.Join(hosts, ", ")))
}

// warnStoreProblem says when a shared connection's credential came from
// this machine's copy because the team store could not be asked.
func warnStoreProblem(b base, c auth.Connection) {
	if c.StoreProblem != "" {
		b.warn("%s; this machine's copy of %s was used, still valid: it will not be refreshed until the team store answers again", sanitize.Line(c.StoreProblem), shellArg(c.Name))
	}
}
