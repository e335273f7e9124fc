package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"authdeck/auth"
	"authdeck/auth/render"
)

func snippetRunner(d *Deps, f func(args []string) (render.Format, string, error)) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		format, target, err := f(args)
		if err != nil {
			return err
		}
		return d.withManager(func(m *auth.Manager) error {
			out, _, err := m.Snippet(cmd.Context(), args[0], format, target)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(d.Stdout, out)
			return err
		})
	}
}

func fixed(format render.Format) func([]string) (render.Format, string, error) {
	return func(args []string) (render.Format, string, error) {
		target := ""
		if len(args) > 1 {
			target = args[1]
		}
		return format, target, nil
	}
}

func headerCmd(d *Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "header NAME",
		Short: "Print the header line (refreshed first if needed)",
		Args:  exactArgs(1, "one connection name"),
		RunE:  snippetRunner(d, fixed(render.FormatHeader)),
	}
}

func curlCmd(d *Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "curl NAME [URL]",
		Short: "Print a curl command for URL (default: the provider's who-am-I address)",
		Args:  rangeArgs(1, 2, "a connection name and optionally a URL"),
		RunE:  snippetRunner(d, fixed(render.FormatCurl)),
	}
}

func tokenCmd(d *Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "token NAME",
		Short: "Print the raw token or key (refreshed first if needed)",
		Args:  exactArgs(1, "one connection name"),
		RunE:  snippetRunner(d, fixed(render.FormatToken)),
	}
}

func snippetCmd(d *Deps) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "snippet NAME --format FORMAT [URL]",
		Short: "Print the credential as curl, httpie, powershell, env, header, token or url",
		Args:  rangeArgs(1, 2, "a connection name and optionally a URL"),
	}
	cmd.RunE = snippetRunner(d, func(args []string) (render.Format, string, error) {
		f, err := render.ParseFormat(format)
		if err != nil {
			return "", "", usageError{err}
		}
		_, target, _ := fixed(f)(args)
		return f, target, nil
	})
	cmd.Flags().StringVar(&format, "format", "curl", "curl, httpie, powershell, env, header, token or url")
	return cmd
}
