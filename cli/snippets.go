package cli

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

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
}

// snippetCommands are the four commands that print a credential; format ""
// is read from --format.
var snippetCommands = map[string]struct {
	use, short string
	urlArg     bool
	format     render.Format
}{
	"header":  {"header NAME", "Print the header line (refreshed first if needed)", false, render.FormatHeader},
	"curl":    {"curl NAME [URL]", "Print a curl command for URL (default: the provider's who-am-I address)", true, render.FormatCurl},
	"token":   {"token NAME", "Print the raw token or key (refreshed first if needed)", false, render.FormatToken},
	"snippet": {"snippet NAME --format FORMAT [URL]", "Print the credential as curl, httpie, powershell, env, header, token or url", true, ""},
}

// newSnippetCmd builds the snippet command called name.
func newSnippetCmd(d *Deps, name string, runF func(*snippetOptions) error) *cobra.Command {
	spec := snippetCommands[name]
	opts := &snippetOptions{base: d.base(), Format: spec.format}
	cmd := &cobra.Command{Use: spec.use, Short: spec.short, Args: exactArgs(1, "one connection name")}
	if spec.urlArg {
		cmd.Args = rangeArgs(1, 2, "a connection name and optionally a URL")
	}
	var formatFlag string
	if spec.format == "" {
		cmd.Flags().StringVar(&formatFlag, "format", "curl", "curl, httpie, powershell, env, header, token or url")
		_ = cmd.RegisterFlagCompletionFunc("format", completeFormat)
	}
	cmd.Flags().BoolVar(&opts.RequireValid, "require-valid", false, "print nothing and exit 3 when the credential has expired (default: print it, with a warning)")
	cmd.ValidArgsFunction = completeConnectionName(d, 1)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
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
		return execute(cmd.Context(), d, opts, runF, snippetRun)
	}
	return cmd
}

func snippetRun(ctx context.Context, opts *snippetOptions, m *auth.Manager) error {
	if opts.URL != "" {
		warnForeignHost(opts, m)
	}
	out, c, err := m.Snippet(ctx, opts.Name, opts.Format, opts.URL)
	if err != nil {
		return onConnection(opts.Name, err)
	}
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

// onConnection ties an error that does not say which connection it is
// about to the one the command was given, so that its words can name it.
func onConnection(name string, err error) error {
	if _, ok := auth.AsError(err); ok {
		return err
	}
	return &auth.Error{Connection: name, Err: err}
}

// warnForeignHost says when the URL's host is not one the credential is
// meant for: the credential goes wherever the URL says.
func warnForeignHost(opts *snippetOptions, m *auth.Manager) {
	u, err := url.Parse(opts.URL)
	if err != nil || u.Hostname() == "" {
		return // the snippet itself refuses it, with words
	}
	hosts, err := m.APIHosts(opts.Name)
	if err != nil || len(hosts) == 0 {
		return
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
