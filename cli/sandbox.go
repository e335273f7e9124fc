package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"authdeck/auth"
)

// sandboxOptions: the demo provider in the foreground, like a development
// server, so that the curl and HTTPie commands Authdeck prints reach it from
// any shell.
type sandboxOptions struct {
	base
	Port string // "" → the catalog's default (17824)
}

func newCmdSandbox(d *Deps, runF func(*sandboxOptions) error) *cobra.Command {
	opts := &sandboxOptions{base: d.base()}
	var params []string
	cmd := &cobra.Command{
		Use:   "sandbox [--param port=N]",
		Short: "Run the demo provider in the foreground until Ctrl+C",
		Long: `Run this config folder's demo provider (the sandbox) in the foreground until
Ctrl+C, so that the commands authdeck curl and authdeck snippet print for a
sandbox connection work from any shell. Authdeck's own commands and the
window start it by themselves while they need it.

  authdeck sandbox &      # in the background of this shell; kill %1 stops it`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := parseParams(params)
			if err != nil {
				return err
			}
			for k := range p {
				if k != "port" {
					return usagef("sandbox takes only --param port=N, not %q", k)
				}
			}
			opts.Port = p["port"]
			return execute(cmd.Context(), d, opts, runF, sandboxRun)
		},
	}
	cmd.Flags().StringArrayVar(&params, "param", nil, "port=N: the port to listen on (default 17824, as the sandbox connection's)")
	return cmd
}

func sandboxRun(ctx context.Context, opts *sandboxOptions, m *auth.Manager) error {
	return m.ServeSandbox(ctx, opts.Port, func(base string) {
		fmt.Fprintf(opts.IO.Err, "The sandbox (demo provider) is listening on %s. Ctrl+C stops it.\n", base)
	})
}
