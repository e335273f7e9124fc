package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"authdeck/auth/sanitize"
)

// proxyOptions serve `authdeck proxy`: a local address that adds a
// connection's credential on the way out, in the manner of kubectl proxy.
type proxyOptions struct {
	base
	Name string
	Port int
}

func newCmdProxy(d *Deps, runF func(*proxyOptions) error) *cobra.Command {
	opts := &proxyOptions{base: d.base()}
	cmd := &cobra.Command{
		Use:   "proxy NAME [--port N]",
		Short: "Serve a local address that adds the connection's credential to each request",
		Long: `Listen on 127.0.0.1 and forward each request to the connection's API with its
credential added the provider's way, renewed before it runs out and once more
when the provider refuses it. The address printed on standard output holds a
key made for this run: requests without it are refused. Give it only to your
own programs. Ctrl+C stops the proxy.

  authdeck proxy shop --port 8899
  curl "http://127.0.0.1:8899/KEY/api/2.0/products"

The key may also go in the Authdeck-Proxy-Key header instead of the path.`,
		Args:              exactArgs(1, "one connection name"),
		ValidArgsFunction: completeConnectionName(d, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if opts.Port < 0 || opts.Port > 65535 {
				return usagef("--port %d is not a port: choose 1-65535, or 0 for any free one", opts.Port)
			}
			return execute(cmd.Context(), d, opts, runF, proxyRun)
		},
	}
	cmd.Flags().IntVar(&opts.Port, "port", 0, "the loopback port to listen on (default: any free port)")
	return cmd
}

func proxyRun(ctx context.Context, opts *proxyOptions, m Service) error {
	p, err := m.StartProxy(ctx, opts.Name, opts.Port)
	if err != nil {
		return onConnection(opts.Name, err)
	}
	defer p.Stop()
	fmt.Fprintf(opts.IO.Err, "Forwarding to %s with %s's credential; Ctrl+C stops. Use this address (key included):\n",
		sanitize.Line(p.Target), sanitize.Line(opts.Name))
	fmt.Fprintln(opts.IO.Out, p.URL)
	<-ctx.Done()
	return nil
}
