package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"authdeck/auth"
)

// sandboxOptions: the demo provider in the foreground, like a development
// server, so that the curl and HTTPie commands Authdeck prints reach it from
// any shell.
type sandboxOptions struct {
	base
	Port string // "" → the catalog's default (17824)
	// Retry is how often to try again while another Authdeck process of
	// this folder serves the sandbox (a connect or check in progress).
	Retry time.Duration
}

func newCmdSandbox(d *Deps, runF func(*sandboxOptions) error) *cobra.Command {
	opts := &sandboxOptions{base: d.base(), Retry: 20 * time.Millisecond}
	var params []string
	cmd := &cobra.Command{
		Use:   "sandbox [--param port=N]",
		Short: "Run the demo provider in the foreground until Ctrl+C",
		Long: `Run this config folder's demo provider (the sandbox) in the foreground until
Ctrl+C, so that the commands authdeck curl and authdeck snippet print for a
sandbox connection work from any shell. Authdeck's own commands and the
window start it by themselves while they need it; while one of them serves
it, this command waits and takes over when it stops.

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

func sandboxRun(ctx context.Context, opts *sandboxOptions, m Service) error {
	ready := func(base string) {
		fmt.Fprintf(opts.IO.Err, "The sandbox (demo provider) is listening on %s. Ctrl+C stops it.\n", base)
	}
	waitingSince, said := time.Now(), false
	for {
		err := m.ServeSandbox(ctx, opts.Port, ready)
		if !servedElsewhere(err) {
			return err
		}
		// Another process of this folder serves it now, most often a
		// command that started it for itself and ends in a moment.
		if !said && time.Since(waitingSince) > 2*time.Second {
			fmt.Fprintln(opts.IO.Err, "authdeck: "+describe(err, nil)+"; this command takes over when that one stops (Ctrl+C gives up)")
			said = true
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(opts.Retry):
		}
	}
}

// servedElsewhere says another process of this folder serves the sandbox.
func servedElsewhere(err error) bool { return errors.Is(err, auth.ErrSandboxRunning) }
