package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/auth/render"
)

// Shell completion: cobra's own `authdeck completion bash|zsh|fish|powershell`
// prints the script; the functions here let it complete connection names,
// provider ids, methods and formats from the user's own data.

// nameCommands take a connection NAME as their first argument.
var nameCommands = []string{
	"connect", "header", "curl", "token", "snippet",
	"refresh", "check", "expires", "remove",
}

// addCompletions wires dynamic completion into the command tree built by
// newRoot.
func addCompletions(root *cobra.Command, d *Deps) {
	for _, name := range nameCommands {
		if cmd := subcommand(root, name); cmd != nil {
			cmd.ValidArgsFunction = completeConnectionName(d, name == "expires")
		}
	}
	if add := subcommand(root, "add"); add != nil {
		_ = add.RegisterFlagCompletionFunc("provider", completeProviderID(d))
		_ = add.RegisterFlagCompletionFunc("method", completeMethod(d))
	}
	if show := subcommand(root, "providers", "show"); show != nil {
		show.ValidArgsFunction = func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return completeProviderID(d)(cmd, args, "")
		}
	}
	if snippet := subcommand(root, "snippet"); snippet != nil {
		_ = snippet.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			var out []string
			for _, f := range render.Formats() {
				out = append(out, string(f))
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		})
	}
}

// subcommand finds root's subcommand by its path of names.
func subcommand(root *cobra.Command, path ...string) *cobra.Command {
	cmd := root
	for _, name := range path {
		var next *cobra.Command
		for _, c := range cmd.Commands() {
			if c.Name() == name {
				next = c
			}
		}
		if next == nil {
			return nil
		}
		cmd = next
	}
	return cmd
}

// completeConnectionName offers the stored connection names for the first
// argument (metadata only: no keyring, no network). For `expires` the second
// argument may be "none".
func completeConnectionName(d *Deps, expires bool) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			if expires && len(args) == 1 {
				return []string{"none\tno expiry date"}, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var names []string
		_ = d.withManager(func(m *auth.Manager) error {
			conns, err := m.List()
			for _, c := range conns {
				names = append(names, c.Name+"\t"+c.ProviderName)
			}
			return err
		})
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeProviderID offers the provider ids, built-in and from providers.d.
func completeProviderID(d *Deps) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var ids []string
		_ = d.withManager(func(m *auth.Manager) error {
			for _, p := range m.Providers() {
				ids = append(ids, p.ID+"\t"+p.Name)
			}
			return nil
		})
		return ids, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeMethod offers the methods of the provider named by --provider, or
// every kind when none is given yet.
func completeMethod(d *Deps) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		var out []string
		id, _ := cmd.Flags().GetString("provider")
		if id != "" {
			_ = d.withManager(func(m *auth.Manager) error {
				p, err := m.Provider(id)
				for _, meth := range p.Methods {
					out = append(out, string(meth.Kind)+"\t"+oneLine(meth.Label))
				}
				return err
			})
		}
		if out == nil {
			for _, k := range catalog.Kinds {
				out = append(out, string(k))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// oneLine keeps a description on one line: shells print it beside the value.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
