package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"authdeck/auth"
)

func connectCmd(d *Deps) *cobra.Command {
	var (
		timeout   time.Duration
		noBrowser bool
	)
	cmd := &cobra.Command{
		Use:   "connect NAME",
		Short: "Sign in through the browser and store the token",
		Long: `Run the provider's consent page in the browser and wait for its answer on a
loopback address. The redirect URI printed first must be registered with the
provider. The browser is $BROWSER when set, else the system browser;
--no-browser prints the address to open instead.`,
		Args: exactArgs(1, "one connection name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			return d.withManager(func(m *auth.Manager) error {
				c, err := m.Connect(ctx, args[0], auth.ConnectOptions{
					NoBrowser: noBrowser,
					Listening: func(redirectURI, authorizeURL string) {
						fmt.Fprintf(d.Stderr, "Redirect URI (register it with the provider): %s\n", redirectURI)
						if noBrowser {
							fmt.Fprintln(d.Stderr, "Open this address in your browser and approve the request:")
							fmt.Fprintln(d.Stdout, authorizeURL)
						} else {
							fmt.Fprintln(d.Stderr, "Opening your browser: approve the request there. Waiting… (Ctrl+C cancels)")
						}
					},
				})
				if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) && err != nil {
					return fmt.Errorf("%w (waited %s: run connect again, with a larger --timeout if needed)", err, timeout)
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(d.Stderr, "Connected %s to %s: %s.\n", c.Name, c.ProviderName, auth.Countdown(c, m.Now()))
				return nil
			})
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "how long to wait for the browser")
	cmd.Flags().BoolVar(&noBrowser, "no-browser", false, "print the address instead of opening a browser")
	return cmd
}
