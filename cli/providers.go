package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

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

func providersRun(_ context.Context, opts *providersOptions, m Service) error {
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
	// Name is what people call the provider (--name); "" keeps the issuer's host.
	Name string
	// Replace: replace an existing definition with the same id, on purpose.
	Replace bool
}

// newProviderCmd builds a providers subcommand on one provider id.
func newProviderCmd(d *Deps, use, short string, runF func(*providerOptions) error, run func(context.Context, *providerOptions, Service) error) (*cobra.Command, *providerOptions) {
	opts := &providerOptions{base: d.base()}
	cmd := &cobra.Command{Use: use, Short: short, Args: exactArgs(1, "one provider id")}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			opts.ID = args[0]
		}
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

func providersShowRun(_ context.Context, opts *providerOptions, m Service) error {
	p, err := m.Provider(opts.ID)
	if err != nil {
		return err
	}
	data, err := catalog.Marshal(p)
	if err != nil {
		return err
	}
	if _, err = opts.IO.Out.Write(data); err != nil {
		return err
	}
	for _, line := range guessLines(p) {
		fmt.Fprintln(opts.IO.Err, line)
	}
	return nil
}

// guessLines say in words, one line per method, which of a definition's
// values are Authdeck's best guesses: the provider's document does not
// state them ("unconfirmed" in the JSON).
func guessLines(p catalog.Provider) []string {
	var out []string
	for _, meth := range p.Methods {
		if len(meth.Unconfirmed) > 0 {
			out = append(out, sanitize.Line(fmt.Sprintf("Best guesses for %s (%s): %s", meth.Kind, meth.Label, guessWords(p, meth))))
		}
	}
	return out
}

// guessWords says which of a method's values are guesses, in words.
func guessWords(p catalog.Provider, meth catalog.Method) string {
	words := make([]string, len(meth.Unconfirmed))
	for i, f := range meth.Unconfirmed {
		words[i] = catalog.FieldWords(f) + " (" + f + ")"
	}
	return sanitize.Line(fmt.Sprintf("%s's documentation does not state %s: Authdeck uses its best guess. Check with %s if a sign-in or a check fails.",
		p.Name, strings.Join(words, ", "), p.Name))
}

func newCmdProvidersAdd(d *Deps, runF func(*providerOptions) error) *cobra.Command {
	cmd, opts := newProviderCmd(d, "add [ID] --from-issuer URL [--name NAME]", "Describe a standard OAuth / OpenID Connect provider from its discovery document", runF, providersAddRun)
	cmd.Args = rangeArgs(0, 1, "at most one provider id")
	cmd.Long = `Read an issuer's OpenID Connect (or OAuth) metadata and save the provider it
describes in CONFIG/providers.d. Without ID, the id is made from the issuer's
address (host, port and path), so two issuers never share one.

An id that already exists, a built-in one included, is refused: the message
says how many connections use it. --replace replaces it on purpose; those
connections keep the addresses they were signed in with, and Authdeck sends
them to the new addresses only after each signs in again.`
	cmd.Flags().StringVar(&opts.Issuer, "from-issuer", "", "the provider's issuer `URL`, e.g. https://login.example.com: its /.well-known metadata describes the provider")
	cmd.Flags().StringVar(&opts.Name, "name", "", "what you call the provider, e.g. \"CRM\" (default: the issuer's host name)")
	cmd.Flags().BoolVar(&opts.Replace, "replace", false, "replace an existing definition with the same ID")
	_ = cmd.MarkFlagRequired("from-issuer")
	return cmd
}

func providersAddRun(ctx context.Context, opts *providerOptions, m Service) error {
	p, err := m.DiscoverProvider(ctx, opts.ID, opts.Issuer)
	if err != nil {
		return err
	}
	if name := strings.TrimSpace(opts.Name); name != "" {
		p.Name = sanitize.Line(name)
	}
	var path string
	if opts.Replace {
		path, err = replaceProvider(opts, m, p)
	} else {
		path, err = m.SaveProvider(p)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Err, "Wrote %s (%s). Check it with: authdeck providers show %s --json\n", path, sanitize.Line(p.Name), shellArg(p.ID))
	fmt.Fprintln(opts.IO.Out, path)
	return nil
}

// replaceProvider replaces a definition on the person's --replace, saying
// first what it replaces and which connections must sign in again.
func replaceProvider(opts *providerOptions, m Service, p catalog.Provider) (string, error) {
	users, err := m.ProviderUsers(p.ID)
	if err != nil {
		return "", err
	}
	if old, err := m.Provider(p.ID); err == nil {
		fmt.Fprintf(opts.IO.Err, "Replacing %s (%s, %s), used by %d connection(s)%s.\n", shellArg(p.ID), sanitize.Line(old.Name), sourceWords(old), len(users), namesAfterColon(users))
		if len(users) > 0 {
			fmt.Fprintln(opts.IO.Err, "Each keeps the addresses it was signed in with: Authdeck sends its secrets to the new ones only after you run authdeck connect NAME (or replace NAME for a pasted key).")
		}
	}
	return m.ReplaceProvider(p, len(users))
}

func sourceWords(p catalog.Provider) string {
	if p.BuiltIn() {
		return "built in"
	}
	return sanitize.Line(p.Source)
}

func namesAfterColon(names []string) string {
	if len(names) == 0 {
		return ""
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = shellArg(n)
	}
	return ": " + strings.Join(quoted, ", ")
}
