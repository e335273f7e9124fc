package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"authdeck/auth"
)

func refreshCmd(d *Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "refresh NAME",
		Short: "Renew a connection's token now",
		Args:  exactArgs(1, "one connection name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return d.withManager(func(m *auth.Manager) error {
				c, err := m.Refresh(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(d.Stdout, "Refreshed %s: new token valid until %s.\n", c.Name, expiryText(c))
				return nil
			})
		},
	}
}

func expiryText(c auth.Connection) string {
	if c.ExpiresAt == nil {
		return "further notice (no expiry stated)"
	}
	return c.ExpiresAt.Local().Format("2006-01-02 15:04 MST")
}

func checkCmd(d *Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "check NAME",
		Short: "Make the provider's who-am-I request and say how it went",
		Args:  exactArgs(1, "one connection name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return d.withManager(func(m *auth.Manager) error {
				res, err := m.Check(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				fmt.Fprintln(d.Stdout, res.Message)
				if !res.OK {
					return exitError{1}
				}
				return nil
			})
		},
	}
}

func expiresCmd(d *Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "expires NAME DATE|none",
		Short: "Set the expiry date of a pasted key or token (e.g. an auto-extended API key)",
		Args:  exactArgs(2, "a connection name and a date (YYYY-MM-DD) or none"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var at *time.Time
			if !strings.EqualFold(args[1], "none") {
				t, err := parseDate(args[1])
				if err != nil {
					return usageError{err}
				}
				at = &t
			}
			return d.withManager(func(m *auth.Manager) error {
				c, err := m.SetExpiry(cmd.Context(), args[0], at)
				if err != nil {
					return err
				}
				fmt.Fprintf(d.Stderr, "%s: %s.\n", c.Name, auth.Countdown(c, m.Now()))
				return nil
			})
		},
	}
}

func removeCmd(d *Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a connection and its secrets from the keyring",
		Args:  exactArgs(1, "one connection name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return d.withManager(func(m *auth.Manager) error {
				if err := m.Remove(cmd.Context(), args[0]); err != nil {
					return err
				}
				fmt.Fprintf(d.Stderr, "Removed %s and its secrets.\n", args[0])
				return nil
			})
		},
	}
}
