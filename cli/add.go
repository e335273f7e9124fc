package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/auth/sanitize"
)

type addOptions struct {
	base
	Request     auth.AddRequest
	SecretStdin bool
}

func newCmdAdd(d *Deps, runF func(*addOptions) error) *cobra.Command {
	opts := &addOptions{base: d.base()}
	var method, scopes, expires string
	var params []string
	cmd := &cobra.Command{
		Use:   "add NAME --provider ID",
		Short: "Store a new connection (its secret goes to the keyring)",
		Long: `Store a new connection. The one secret the method needs is read from
standard input with --secret-stdin (never from the command line):
the client secret (oauth), the password or App Secret (basic, session),
the key (api-key) or the token (token).

  printf %s "$TOKEN" | authdeck add shop --provider vend --method token \
      --param domain_prefix=myshop --owner "Ana (support)" --secret-stdin`,
		Args: exactArgs(1, "one connection name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := &opts.Request
			req.Name, req.Method, req.Scopes = args[0], catalog.Kind(method), strings.Fields(scopes)
			var err error
			if req.Params, err = parseParams(params); err != nil {
				return err
			}
			if req.ExpiresAt, err = parseExpires(expires); err != nil {
				return err
			}
			return execute(cmd.Context(), d, opts, runF, addRun)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Request.Provider, "provider", "", "provider id (see authdeck providers)")
	f.StringVar(&method, "method", "", "oauth, implicit, basic, api-key, token or session (default: the provider's first)")
	f.StringVar(&opts.Request.ClientID, "client-id", "", "OAuth client ID (App ID) from the provider")
	f.StringVar(&scopes, "scopes", "", `scopes to request, space-separated: "a b"`)
	f.StringVar(&opts.Request.RedirectURI, "redirect-uri", "", "redirect URI registered with the provider (http://127.0.0.1:PORT/PATH)")
	f.StringVar(&opts.Request.User, "user", "", "user name, email or App ID (basic, session)")
	f.StringArrayVar(&params, "param", nil, "KEY=VALUE for the provider's placeholders, e.g. domain_prefix=myshop")
	f.StringVar(&expires, "expires", "", "expiry of a pasted credential: YYYY-MM-DD (the end of that day) or RFC 3339")
	f.StringVar(&opts.Request.Owner, "owner", "", "who to ask about this connection")
	f.StringVar(&opts.Request.Note, "note", "", "why it exists, what uses it")
	f.BoolVar(&opts.SecretStdin, "secret-stdin", false, "read the secret from standard input")
	_ = cmd.MarkFlagRequired("provider")
	_ = cmd.RegisterFlagCompletionFunc("provider", completeProviderID(d))
	_ = cmd.RegisterFlagCompletionFunc("method", completeMethod(d))
	return cmd
}

func addRun(ctx context.Context, opts *addOptions, m Service) error {
	if opts.SecretStdin {
		var err error
		if opts.Request.Secret, err = readSecret(opts.IO); err != nil {
			return err
		}
	}
	c, err := m.Add(ctx, opts.Request)
	if err != nil {
		return err
	}
	next := ""
	if c.Status == auth.StatusNeedsConnect {
		next = " Next: authdeck connect " + shellArg(c.Name)
	}
	fmt.Fprintf(opts.IO.Err, "Added %s (%s, %s): %s.%s\n", sanitize.Line(c.Name), sanitize.Line(c.ProviderName), c.Method, countdown(c, m.Now()), next)
	return nil
}

func parseParams(kvs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usagef("--param %q: write KEY=VALUE, e.g. domain_prefix=myshop", sanitize.Line(kv))
		}
		out[k] = v
	}
	return out, nil
}

// parseExpires reads --expires with the core's one date rule (a plain date
// is the end of that day, local time); "" is no date.
func parseExpires(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := auth.ParseDate(s, time.Local)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// readSecret reads one secret from standard input: the whole input with its
// trailing line break removed, or, at a terminal, one line typed unseen.
func readSecret(s streams) (string, error) {
	if f, ok := s.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(s.Err, "Paste the secret (it will not be shown), then press Enter: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(s.Err)
		if err != nil {
			return "", fmt.Errorf("read the secret: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	return readPiped(s.In)
}

func readPiped(in io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(bufio.NewReader(in), 64<<10+1))
	if err != nil {
		return "", fmt.Errorf("read the secret from standard input: %w", err)
	}
	if len(b) > 64<<10 {
		return "", usageError{errors.New("the secret on standard input is over 64 KiB: pipe in only the secret")}
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", usageError{errors.New(`standard input was empty: pipe the secret in, e.g. printf %s "$TOKEN" | authdeck …`)}
	}
	return s, nil
}
