package cli

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"authdeck/auth"
)

// listItem is one connection in `list --json` and `status --json`: a
// contract for scripts.
type listItem struct {
	Name        string         `json:"name"`
	Provider    string         `json:"provider"`
	Method      string         `json:"method"`
	Status      auth.Status    `json:"status"`
	ExpiresAt   *string        `json:"expires_at"`
	Scopes      []string       `json:"scopes"`
	Account     string         `json:"account,omitempty"`
	Refreshable bool           `json:"refreshable"`
	Countdown   string         `json:"countdown"`
	Problem     string         `json:"problem,omitempty"`
	Command     string         `json:"command,omitempty"`
	LastRefresh *auth.Outcome `json:"last_refresh,omitempty"`
	LastCheck   *auth.Outcome `json:"last_check,omitempty"`
	Attention   *bool          `json:"attention,omitempty"`
}

func item(c auth.Connection, now time.Time) listItem {
	it := listItem{
		Name: c.Name, Provider: c.Provider, Method: string(c.Method), Status: c.Status,
		Scopes: c.Scopes, Account: c.Account, Refreshable: c.Refreshable,
		Countdown: auth.Countdown(c, now), Problem: problemWords(c), Command: remedyCommand(c),
		LastRefresh: c.LastRefresh, LastCheck: c.LastCheck,
	}
	if it.Scopes == nil {
		it.Scopes = []string{}
	}
	if c.ExpiresAt != nil {
		s := c.ExpiresAt.UTC().Format(time.RFC3339)
		it.ExpiresAt = &s
	}
	return it
}

func listCmd(d *Deps) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List connections, soonest expiry first (no network)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return d.withManager(func(m *auth.Manager) error {
				conns, err := m.List()
				if err != nil {
					return err
				}
				now := m.Now()
				if asJSON {
					items := make([]listItem, len(conns))
					for i, c := range conns {
						items[i] = item(c, now)
					}
					return writeJSON(d, items)
				}
				if len(conns) == 0 {
					fmt.Fprintln(d.Stderr, "No connections yet. Add one with authdeck add NAME --provider ID, or open the window.")
					return nil
				}
				tw := tabwriter.NewWriter(d.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tPROVIDER\tMETHOD\tSTATUS\tEXPIRY")
				for _, c := range conns {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Name, c.ProviderName, c.Method, c.Status, auth.Countdown(c, now))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func statusCmd(d *Deps) *cobra.Command {
	var (
		within string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "status",
		Short: "One line per connection; exit 1 when any needs attention",
		Long: `Print one line per connection and exit 1 when any is expired, failed, not
signed in, or (with --within) expires within that time and cannot renew
itself. For monitoring: authdeck status --within 7d || alert`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var window time.Duration
			if within != "" {
				var err error
				if window, err = parseWithin(within); err != nil {
					return usageError{err}
				}
			}
			return d.withManager(func(m *auth.Manager) error {
				conns, err := m.List()
				if err != nil {
					return err
				}
				now := m.Now()
				attention := 0
				items := make([]listItem, len(conns))
				tw := tabwriter.NewWriter(d.Stdout, 0, 4, 2, ' ', 0)
				for i, c := range conns {
					needs := needsAttention(c, now, window)
					if needs {
						attention++
					}
					items[i] = item(c, now)
					items[i].Attention = &needs
					mark := "  "
					if needs {
						mark = "! "
					}
					fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\n", mark, c.Name, c.ProviderName, c.Status, statusDetail(c, now))
				}
				if asJSON {
					if err := writeJSON(d, items); err != nil {
						return err
					}
				} else if err := tw.Flush(); err != nil {
					return err
				}
				if attention > 0 {
					fmt.Fprintf(d.Stderr, "authdeck: %d of %d connections need attention\n", attention, len(conns))
					return exitError{1}
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&within, "within", "", "also flag what expires within this time: 7d, 36h, 90m")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func needsAttention(c auth.Connection, now time.Time, within time.Duration) bool {
	switch c.Status {
	case auth.StatusExpired, auth.StatusError, auth.StatusNeedsConnect:
		return true
	}
	return within > 0 && !c.Refreshable && c.ExpiresAt != nil && c.ExpiresAt.Sub(now) <= within
}

func statusDetail(c auth.Connection, now time.Time) string {
	s := auth.Countdown(c, now)
	if c.ExpiresAt != nil && !c.Refreshable {
		s += " (" + c.ExpiresAt.Local().Format("2006-01-02 15:04 MST") + ")"
	}
	if p := problemWords(c); p != "" {
		s += ": " + p
	}
	if cmd := remedyCommand(c); cmd != "" {
		s += " — run " + cmd
	}
	return s
}

// parseWithin reads a Go duration, plus days ("7d", "1d12h").
func parseWithin(s string) (time.Duration, error) {
	bad := fmt.Errorf("--within %q: write a time such as 7d, 36h or 90m", s)
	var days time.Duration
	if i := strings.Index(s, "d"); i >= 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil || n < 0 {
			return 0, bad
		}
		days, s = time.Duration(n)*24*time.Hour, s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	rest, err := time.ParseDuration(s)
	if err != nil || rest < 0 {
		return 0, bad
	}
	return days + rest, nil
}

// problemWords says what is wrong with a connection, for a terminal.
func problemWords(c auth.Connection) string {
	switch c.Status {
	case auth.StatusNeedsConnect:
		return "not signed in yet: sign in through the browser"
	case auth.StatusExpiring, auth.StatusExpired:
		if c.Method.Browser() {
			return "this credential cannot renew itself: sign in again through the browser"
		}
		return "get a new one from the provider and replace it, or set the new date if its expiry was extended"
	}
	switch c.Fault {
	case auth.FaultRemoving:
		return "its removal was interrupted: remove it again"
	case auth.FaultRefreshFailed:
		return "the last refresh failed: " + c.FaultDetail
	case auth.FaultRejected:
		return "the provider rejected the credential at the last check: " + c.FaultDetail
	case auth.FaultReplaced:
		return "replaced by " + c.ReplacedBy + ": its sign-in made this token invalid; reconnect or remove"
	case auth.FaultProviderMissing:
		return c.FaultDetail
	}
	return ""
}

// remedyCommand is the command line that fixes a connection's problem.
func remedyCommand(c auth.Connection) string {
	name := quoteName(c.Name)
	switch auth.RemedyFor(c, c.Status) {
	case auth.RemedySignIn:
		return "authdeck connect " + name
	case auth.RemedyReplaceSecret:
		return "authdeck expires " + name + " YYYY-MM-DD"
	case auth.RemedyRemove:
		return "authdeck remove " + name
	case auth.RemedyRetry:
		return "authdeck refresh " + name
	}
	return ""
}

func quoteName(name string) string {
	if strings.ContainsAny(name, " ") {
		return "'" + name + "'"
	}
	return name
}
