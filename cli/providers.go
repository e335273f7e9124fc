package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/auth/sanitize"
)

type providersOptions struct {
	base
	Exporter exporter
}

// providerRow is one provider in `providers --json`.
type providerRow struct {
	ID      string         `json:"id"`
	Name    string         `json:"name"`
	Methods []catalog.Kind `json:"methods"`
	Source  string         `json:"source"`
}

func newCmdProviders(d *Deps) *cobra.Command {
	cmd := newCmdProvidersList(d, nil)
	cmd.AddCommand(newCmdProvidersShow(d, nil), newCmdProvidersAdd(d, nil))
	return cmd
}

func newCmdProvidersList(d *Deps, runF func(*providersOptions) error) *cobra.Command {
	opts := &providersOptions{base: d.base()}
	return newDataCmd(d, "providers", "List the providers you can connect to", opts, &opts.Exporter, runF, providersRun)
}

func providersRun(_ context.Context, opts *providersOptions, m *auth.Manager) error {
	for _, problem := range m.CatalogProblems() {
		opts.warn("provider definition refused: %s", sanitize.Line(problem.Error()))
	}
	rows := []providerRow{}
	for _, p := range m.Providers() {
		r := providerRow{ID: p.ID, Name: sanitize.Line(p.Name), Source: p.Source}
		for _, meth := range p.Methods {
			r.Methods = append(r.Methods, meth.Kind)
		}
		rows = append(rows, r)
	}
	if opts.Exporter != nil {
		return opts.Exporter.Write(opts.IO.Out, rows)
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tMETHODS")
	for _, r := range rows {
		kinds := make([]string, len(r.Methods))
		for i, k := range r.Methods {
			kinds[i] = string(k)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", sanitize.Line(r.ID), r.Name, strings.Join(kinds, ", "))
	}
	return tw.Flush()
}

type providerOptions struct {
	base
	ID     string
	Issuer string
}

// newProviderCmd builds a providers subcommand on one provider id.
func newProviderCmd(d *Deps, use, short string, runF func(*providerOptions) error, run func(context.Context, *providerOptions, *auth.Manager) error) (*cobra.Command, *providerOptions) {
	opts := &providerOptions{base: d.base()}
	cmd := &cobra.Command{Use: use, Short: short, Args: exactArgs(1, "one provider id")}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		opts.ID = args[0]
		return execute(cmd.Context(), d, opts, runF, run)
	}
	return cmd, opts
}

func newCmdProvidersShow(d *Deps, runF func(*providerOptions) error) *cobra.Command {
	cmd, _ := newProviderCmd(d, "show ID --json", "Print a provider definition in the providers.d format", runF, providersShowRun)
	cmd.Long = `Print a provider definition exactly as a file CONFIG/providers.d/ID.json
takes it: redirect the output there and edit it to change the provider.`
	cmd.ValidArgsFunction = completeProviderArg(d)
	// The output is always JSON; the flag is accepted because the contract names it.
	cmd.Flags().Bool("json", true, "print JSON (the only format)")
	return cmd
}

func providersShowRun(_ context.Context, opts *providerOptions, m *auth.Manager) error {
	p, err := m.Provider(opts.ID)
	if err != nil {
		return err
	}
	data, err := catalog.Marshal(p)
	if err != nil {
		return err
	}
	_, err = opts.IO.Out.Write(data)
	return err
}

func newCmdProvidersAdd(d *Deps, runF func(*providerOptions) error) *cobra.Command {
	cmd, opts := newProviderCmd(d, "add ID --from-issuer URL", "Describe a standard OAuth / OpenID Connect provider from its discovery document", runF, providersAddRun)
	cmd.Flags().StringVar(&opts.Issuer, "from-issuer", "", "the provider's issuer `URL`, e.g. https://login.example.com: its /.well-known metadata describes the provider")
	_ = cmd.MarkFlagRequired("from-issuer")
	return cmd
}

func providersAddRun(ctx context.Context, opts *providerOptions, m *auth.Manager) error {
	p, err := m.DiscoverProvider(ctx, opts.ID, opts.Issuer)
	if err != nil {
		return err
	}
	path, err := m.SaveProvider(p)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Err, "Wrote %s. Check it with: authdeck providers show %s --json\n", path, shellArg(p.ID))
	fmt.Fprintln(opts.IO.Out, path)
	return nil
}
