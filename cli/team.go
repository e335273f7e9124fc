package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"authdeck/auth"
	"authdeck/auth/sanitize"
)

// teamOptions: `authdeck team` shows the team store this config folder
// uses; `team set` points it at one, `team unset` stops using it.
type teamOptions struct {
	base
	Exporter exporter
}

type teamSetOptions struct {
	base
	Settings   auth.TeamSettings
	TokenStdin bool
}

func newCmdTeam(d *Deps, runF func(*teamOptions) error) *cobra.Command {
	opts := &teamOptions{base: d.base()}
	cmd := &cobra.Command{
		Use:   "team",
		Short: "Show the team store shared connections live in (Vault or OpenBao KV v2)",
		Long: `A team store keeps shared connections — their details and their secrets —
in a HashiCorp Vault or OpenBao KV version 2 mount, so that every machine
pointed at it uses the same tokens and exactly one of them refreshes.

  authdeck team set https://vault.example.com:8200 --token-stdin   # point this config folder at it
  authdeck share NAME                                              # move a connection into it
  authdeck team                                                    # where it is, who the token is`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return execute(cmd.Context(), d, opts, runF, teamRun)
		},
	}
	addJSONFlags(cmd, &opts.Exporter)
	cmd.AddCommand(newCmdTeamSet(d, nil), newCmdTeamUnset(d, nil))
	return cmd
}

func newCmdTeamSet(d *Deps, runF func(*teamSetOptions) error) *cobra.Command {
	opts := &teamSetOptions{base: d.base()}
	cmd := &cobra.Command{
		Use:   "set ADDRESS [--mount secret] [--path authdeck] [--token-stdin] [--ca-cert FILE]",
		Short: "Point this config folder at a team store, after checking it on the spot",
		Long: `Checks that the store answers, is unsealed, that the mount is a KV version 2
secrets engine and that the token may read, write and list under the path,
and says what is wrong otherwise. The token is read from standard input with
--token-stdin (and kept in the OS keyring, never in a file), else VAULT_TOKEN
is used at each run. VAULT_CACERT or --ca-cert name a private CA; plain
http:// is refused except to this machine.`,
		Args: exactArgs(1, "the store's ADDRESS"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Settings.Address = args[0]
			return execute(cmd.Context(), d, opts, runF, teamSetRun)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Settings.Mount, "mount", "secret", "the KV version 2 mount")
	f.StringVar(&opts.Settings.Path, "path", "authdeck", "the path under the mount that holds the shared connections")
	f.StringVar(&opts.Settings.CACert, "ca-cert", "", "a PEM file with the CA that signed the store's certificate")
	f.BoolVar(&opts.TokenStdin, "token-stdin", false, "read the store's token from standard input and keep it in the OS keyring")
	return cmd
}

func newCmdTeamUnset(d *Deps, runF func(*teamOptions) error) *cobra.Command {
	opts := &teamOptions{base: d.base()}
	return &cobra.Command{
		Use:   "unset",
		Short: "Stop using the team store (shared connections stay in it)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return execute(cmd.Context(), d, opts, runF, func(_ context.Context, o *teamOptions, m Service) error {
				if err := m.UnsetTeamStore(); err != nil {
					return err
				}
				fmt.Fprintln(o.IO.Err, "This config folder no longer uses a team store; shared connections stay in it.")
				return nil
			})
		},
	}
}

func teamSetRun(ctx context.Context, opts *teamSetOptions, m Service) error {
	if opts.TokenStdin {
		token, err := readSecret(opts.IO)
		if err != nil {
			return err
		}
		opts.Settings.Token = token
	}
	info, err := m.SetTeamStore(ctx, opts.Settings)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Err, "This config folder now uses the team store %s.\n", sanitize.Line(info.Address))
	printTeam(opts.IO, info, m.Now())
	return nil
}

func teamRun(ctx context.Context, opts *teamOptions, m Service) error {
	info, err := m.TeamStore(ctx)
	if err != nil {
		return err
	}
	if opts.Exporter != nil {
		return opts.Exporter.Write(opts.IO.Out, teamShape(info))
	}
	if !info.Configured {
		fmt.Fprintln(opts.IO.Out, "No team store: connections live on this machine only. Set one with authdeck team set ADDRESS.")
		return nil
	}
	printTeam(opts.IO, info, m.Now())
	if info.Problem != nil {
		return info.Problem
	}
	return nil
}

func printTeam(io streams, info auth.TeamStore, now time.Time) {
	w := io.Out
	fmt.Fprintf(w, "address:   %s\nmount:     %s\npath:      %s\n", sanitize.Line(info.Address), sanitize.Line(info.Mount), sanitize.Line(info.Path))
	if info.CACert != "" {
		fmt.Fprintf(w, "CA:        %s\n", sanitize.Line(info.CACert))
	}
	token := map[string]string{auth.TokenFromEnvironment: "from VAULT_TOKEN", auth.TokenFromKeyring: "in the OS keyring"}[info.TokenFrom]
	fmt.Fprintf(w, "token:     %s\n", orWords(token, "none: give one with authdeck team set ADDRESS --token-stdin, or set VAULT_TOKEN"))
	if !info.Reachable {
		fmt.Fprintln(w, "reachable: no")
		return
	}
	who := orWords(info.TokenName, "(no name)")
	if len(info.Policies) > 0 {
		who += ", policies " + strings.Join(info.Policies, ", ")
	}
	if info.TokenExpires != nil {
		who += ", expires in " + auth.Duration(info.TokenExpires.Sub(now))
	} else {
		who += ", never expires"
	}
	fmt.Fprintf(w, "reachable: yes\nwho:       %s\nshared:    %d connection(s)\n", sanitize.Line(who), info.Shared)
}

func orWords(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

// teamJSON is `team --json`.
type teamJSON struct {
	Configured   bool       `json:"configured"`
	Address      string     `json:"address,omitempty"`
	Mount        string     `json:"mount,omitempty"`
	Path         string     `json:"path,omitempty"`
	TokenFrom    string     `json:"token_from,omitempty"`
	Reachable    bool       `json:"reachable"`
	TokenName    string     `json:"token_name,omitempty"`
	Policies     []string   `json:"policies,omitempty"`
	TokenExpires *time.Time `json:"token_expires,omitempty"`
	Shared       int        `json:"shared"`
	Problem      string     `json:"problem,omitempty"`
}

func teamShape(info auth.TeamStore) teamJSON {
	out := teamJSON{Configured: info.Configured, Address: info.Address, Mount: info.Mount, Path: info.Path,
		TokenFrom: info.TokenFrom, Reachable: info.Reachable, TokenName: info.TokenName, Policies: info.Policies,
		TokenExpires: info.TokenExpires, Shared: info.Shared}
	if info.Problem != nil {
		out.Problem = describe(info.Problem, nil)
	}
	return out
}
