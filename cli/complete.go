package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"authdeck/auth/catalog"
	"authdeck/auth/render"
	"authdeck/auth/sanitize"
)

// Shell completion: cobra's own `authdeck completion bash|zsh|fish|powershell`
// prints the script; each command sets its completion where it is built,
// with the functions here, from the user's own data (metadata only: no
// keyring, no network).

// completeConnectionName offers the stored connection names for the first
// argument; then the fixed words given, if any, for the second (e.g.
// "none" after `expires NAME`); nothing after that.
func completeConnectionName(d *Deps, argc int, then ...string) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			if len(args) < argc {
				return then, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return d.connectionNames(), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeProviderID offers the provider ids, built-in and from providers.d,
// for a flag.
func completeProviderID(d *Deps) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return providerIDs(d), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeProviderArg offers the provider ids for the first argument.
func completeProviderArg(d *Deps) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return providerIDs(d), cobra.ShellCompDirectiveNoFileComp
	}
}

func providerIDs(d *Deps) []string {
	m, err := d.open()
	if err != nil {
		return nil
	}
	defer m.Close()
	var ids []string
	for _, p := range m.Providers() {
		ids = append(ids, p.ID+"\t"+oneLine(p.Name))
	}
	return ids
}

// completeMethod offers the methods of the provider named by --provider, or
// every kind when none is given yet.
func completeMethod(d *Deps) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		var out []string
		if id, _ := cmd.Flags().GetString("provider"); id != "" {
			out = providerMethods(d, id)
		}
		if out == nil {
			for _, k := range catalog.Kinds {
				out = append(out, string(k))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

func providerMethods(d *Deps, id string) []string {
	m, err := d.open()
	if err != nil {
		return nil
	}
	defer m.Close()
	p, err := m.Provider(id)
	if err != nil {
		return nil
	}
	var out []string
	for _, meth := range p.Methods {
		out = append(out, string(meth.Kind)+"\t"+oneLine(meth.Label))
	}
	return out
}

// completeFormat offers the snippet formats.
func completeFormat(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, f := range render.Formats() {
		out = append(out, string(f))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// oneLine keeps a description on one line: shells print it beside the value.
func oneLine(s string) string { return sanitize.Line(strings.Join(strings.Fields(s), " ")) }
