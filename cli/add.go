package cli

import (
	"bufio"
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
)

func addCmd(d *Deps) *cobra.Command {
	var (
		req         auth.AddRequest
		method      string
		scopes      string
		params      []string
		expires     string
		secretStdin bool
	)
	cmd := &cobra.Command{
		Use:   "add NAME --provider ID",
		Short: "Store a new connection (its secret goes to the keyring)",
		Long: `Store a new connection. The one secret the method needs is read from
standard input with --secret-stdin (never from the command line):
the client secret (oauth), the password or App Secret (basic, session),
the key (api-key) or the token (token).

  printf %s "$TOKEN" | authdeck add shop --provider vend --method token \
      --param domain_prefix=myshop --secret-stdin`,
		Args: exactArgs(1, "one connection name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Name = args[0]
			req.Method = catalog.Kind(method)
			req.Scopes = strings.Fields(scopes)
			var err error
			if req.Params, err = parseParams(params); err != nil {
				return usageError{err}
			}
			if expires != "" {
				at, err := parseDate(expires)
				if err != nil {
					return usageError{err}
				}
				req.ExpiresAt = &at
			}
			if secretStdin {
				if req.Secret, err = readSecret(d); err != nil {
					return err
				}
			}
			return d.withManager(func(m *auth.Manager) error {
				c, err := m.Add(cmd.Context(), req)
				if err != nil {
					return err
				}
				next := ""
				if c.Status == auth.StatusNeedsConnect {
					next = fmt.Sprintf(" Next: authdeck connect %s", shellArg(c.Name))
				}
				fmt.Fprintf(d.Stderr, "Added %s (%s, %s): %s.%s\n", c.Name, c.ProviderName, c.Method, auth.Countdown(c, m.Now()), next)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.Provider, "provider", "", "provider id (see authdeck providers)")
	f.StringVar(&method, "method", "", "oauth, implicit, basic, api-key, token or session (default: the provider's first)")
	f.StringVar(&req.ClientID, "client-id", "", "OAuth client ID (App ID) from the provider")
	f.StringVar(&scopes, "scopes", "", `scopes to request, space-separated: "a b"`)
	f.StringVar(&req.RedirectURI, "redirect-uri", "", "redirect URI registered with the provider (http://127.0.0.1:PORT/PATH)")
	f.StringVar(&req.User, "user", "", "user name, email or App ID (basic, session)")
	f.StringArrayVar(&params, "param", nil, "KEY=VALUE for the provider's placeholders, e.g. domain_prefix=myshop")
	f.StringVar(&expires, "expires", "", "expiry of a pasted credential: YYYY-MM-DD or RFC 3339")
	f.BoolVar(&secretStdin, "secret-stdin", false, "read the secret from standard input")
	_ = cmd.MarkFlagRequired("provider")
	return cmd
}

func parseParams(kvs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--param %q: write KEY=VALUE, e.g. domain_prefix=myshop", kv)
		}
		out[k] = v
	}
	return out, nil
}

// parseDate reads YYYY-MM-DD (the end of that day, local time) or RFC 3339.
func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t.Add(24*time.Hour - time.Second), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date: write YYYY-MM-DD (e.g. 2027-03-31) or RFC 3339 (2027-03-31T17:00:00Z)", s)
}

// readSecret reads one secret from standard input: the whole input with its
// trailing line break removed, or, at a terminal, one line typed unseen.
func readSecret(d *Deps) (string, error) {
	if f, ok := d.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(d.Stderr, "Paste the secret (it will not be shown), then press Enter: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(d.Stderr)
		if err != nil {
			return "", fmt.Errorf("read the secret: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	b, err := io.ReadAll(io.LimitReader(bufio.NewReader(d.Stdin), 64<<10+1))
	if err != nil {
		return "", fmt.Errorf("read the secret from standard input: %w", err)
	}
	if len(b) > 64<<10 {
		return "", errors.New("the secret on standard input is over 64 KiB: pipe in only the secret")
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", errors.New("standard input was empty: pipe the secret in, e.g. printf %s \"$TOKEN\" | authdeck add …")
	}
	return s, nil
}

// shellArg quotes a name for a command line shown to the user.
func shellArg(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
