package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"authdeck/auth"
	"authdeck/auth/catalog"
)

func providersCmd(d *Deps) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "providers",
		Short: "List the providers you can connect to",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return d.withManager(func(m *auth.Manager) error {
				for _, problem := range m.CatalogProblems() {
					fmt.Fprintln(d.Stderr, "authdeck: warning: provider definition refused: "+problem.Error())
				}
				if asJSON {
					type row struct {
						ID      string         `json:"id"`
						Name    string         `json:"name"`
						Methods []catalog.Kind `json:"methods"`
						Source  string         `json:"source"`
					}
					rows := []row{}
					for _, p := range m.Providers() {
						r := row{ID: p.ID, Name: p.Name, Source: p.Source}
						for _, meth := range p.Methods {
							r.Methods = append(r.Methods, meth.Kind)
						}
						rows = append(rows, r)
					}
					return writeJSON(d, rows)
				}
				tw := tabwriter.NewWriter(d.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tMETHODS")
				for _, p := range m.Providers() {
					var kinds []string
					for _, meth := range p.Methods {
						kinds = append(kinds, string(meth.Kind))
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\n", p.ID, p.Name, strings.Join(kinds, ", "))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(providersShowCmd(d), providersAddCmd(d))
	return cmd
}

func providersShowCmd(d *Deps) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show ID --json",
		Short: "Print a provider definition in the providers.d format",
		Long: `Print a provider definition exactly as a file CONFIG/providers.d/ID.json
takes it: redirect the output there and edit it to change the provider.`,
		Args: exactArgs(1, "one provider id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return d.withManager(func(m *auth.Manager) error {
				p, err := m.Provider(args[0])
				if err != nil {
					return err
				}
				data, err := catalog.Marshal(p)
				if err != nil {
					return err
				}
				_, err = d.Stdout.Write(data)
				return err
			})
		},
	}
	// The output is always JSON; the flag is accepted because the contract names it.
	cmd.Flags().Bool("json", true, "print JSON (the only format)")
	return cmd
}

func providersAddCmd(d *Deps) *cobra.Command {
	var issuer string
	cmd := &cobra.Command{
		Use:   "add ID --from-issuer URL",
		Short: "Describe a standard OAuth / OpenID Connect provider from its discovery document",
		Args:  exactArgs(1, "one new provider id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if issuer == "" {
				return usageError{fmt.Errorf("providers add needs --from-issuer URL (the provider's issuer, e.g. https://login.example.com)")}
			}
			return d.withManager(func(m *auth.Manager) error {
				p, err := m.DiscoverProvider(cmd.Context(), args[0], issuer)
				if err != nil {
					return err
				}
				path, err := m.SaveProvider(p)
				if err != nil {
					return err
				}
				fmt.Fprintf(d.Stderr, "Wrote %s. Check it with: authdeck providers show %s --json\n", path, p.ID)
				fmt.Fprintln(d.Stdout, path)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&issuer, "from-issuer", "", "issuer URL whose /.well-known metadata describes the provider")
	return cmd
}

// writeJSON prints v as compact JSON on one line: for scripts (pipe it to
// jq to read it), and fast for long lists.
func writeJSON(d *Deps, v any) error {
	return json.NewEncoder(d.Stdout).Encode(v)
}
