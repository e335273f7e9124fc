package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"authdeck/auth/sanitize"
)

// replaceOptions: a renewed key or token in place of the old one, keeping
// the connection's name, owner, note and history (the window's "Replace
// key…").
type replaceOptions struct {
	base
	Name        string
	ExpiresAt   *time.Time
	SecretStdin bool
}

func newCmdReplace(d *Deps, runF func(*replaceOptions) error) *cobra.Command {
	opts := &replaceOptions{base: d.base()}
	var expires string
	cmd := &cobra.Command{
		Use:   "replace NAME --secret-stdin [--expires DATE]",
		Short: "Store a renewed key or token in place of the old one (same name, owner, note and history)",
		Long: `Store a renewed API key or token in place of the old one. The connection keeps
its name, owner, note and history. The new secret is read from standard input.

  printf %s "$NEW_KEY" | authdeck replace reports --secret-stdin --expires 2027-11-30`,
		Args: exactArgs(1, "one connection name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if !opts.SecretStdin {
				return usagef("replace reads the new secret from standard input: add --secret-stdin and pipe it in")
			}
			var err error
			if opts.ExpiresAt, err = parseExpires(expires); err != nil {
				return err
			}
			return execute(cmd.Context(), d, opts, runF, replaceRun)
		},
	}
	cmd.Flags().BoolVar(&opts.SecretStdin, "secret-stdin", false, "read the new secret from standard input")
	cmd.Flags().StringVar(&expires, "expires", "", "its expiry: YYYY-MM-DD (the end of that day) or RFC 3339 (default: the provider's usual lifetime)")
	cmd.ValidArgsFunction = completeConnectionName(d, 1)
	return cmd
}

func replaceRun(ctx context.Context, opts *replaceOptions, m Service) error {
	secret, err := readSecret(opts.IO)
	if err != nil {
		return err
	}
	c, err := m.Replace(ctx, opts.Name, secret, opts.ExpiresAt)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Err, "Replaced the secret of %s: %s.\n", sanitize.Line(c.Name), countdown(c, m.Now()))
	return nil
}
