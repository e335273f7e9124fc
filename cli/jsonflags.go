package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"authdeck/auth"
	"authdeck/auth/sanitize"
)

// exporter writes a command's data in a machine-readable form instead of
// its table. It is nil when the person asked for the table (the shape of
// cli/cli's cmdutil.Exporter).
type exporter interface {
	Write(w io.Writer, data any) error
}

// addJSONFlags gives cmd the --json flag: when it is set, *target becomes
// the JSON exporter before the command runs. Every command that prints
// data for scripts takes its --json from here.
func addJSONFlags(cmd *cobra.Command, target *exporter) {
	cmd.Flags().Bool("json", false, "print JSON on one line (pipe it to jq to read it)")
	next := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		if on, _ := c.Flags().GetBool("json"); on {
			*target = jsonExporter{}
		}
		if next != nil {
			return next(c, args)
		}
		return nil
	}
}

// newDataCmd builds a command without arguments that prints data: a table,
// or JSON when --json sets *exp.
func newDataCmd[O any](d *Deps, use, short string, opts *O, exp *exporter, runF func(*O) error, run func(context.Context, *O, Service) error) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Args: exactArgs(0, "no arguments")}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return execute(cmd.Context(), d, opts, runF, run) }
	addJSONFlags(cmd, exp)
	return cmd
}

// jsonExporter prints compact JSON on one line: for scripts, and fast for
// long lists.
type jsonExporter struct{}

func (jsonExporter) Write(w io.Writer, data any) error {
	// list and status: the connections' own encoder.
	switch d := data.(type) {
	case listing:
		if handled, err := writeListJSON(w, d); handled {
			return err
		}
		data = d.items()
	case []listItem:
		if d != nil {
			if handled, err := writeListJSON(w, itemSlice(d)); handled {
				return err
			}
		}
	}
	buf := bufio.NewWriterSize(w, 64<<10)
	if err := json.NewEncoder(buf).Encode(data); err != nil {
		return err
	}
	return buf.Flush()
}

// The --json shapes of the commands about one connection. Each is
// documented here and in the README, held by a golden file in
// cli/testdata/json/ (go test ./cli -run TestJSONShapes -update rewrites
// them), and only ever grows: a field is never renamed or removed.
//
// Every shape carries the connection's state as stateJSON: name, status
// (ok, expiring, expired, needs-connect, error), expires_at (RFC 3339 in
// UTC, null when the credential does not expire or nobody knows when),
// problem (in words) and remedy (the command that fixes it), both omitted
// when nothing needs doing.
type stateJSON struct {
	Name      string      `json:"name"`
	Status    auth.Status `json:"status"`
	ExpiresAt *time.Time  `json:"expires_at"`
	Problem   string      `json:"problem,omitempty"`
	Remedy    string      `json:"remedy,omitempty"`
}

func stateOf(c auth.Connection, s auth.Status) stateJSON {
	st := stateJSON{Name: sanitize.Line(c.Name), Status: s, Problem: problemWords(c, s)}
	st.Remedy = remedyCommand(auth.RemedyFor(c, s), c.Name)
	if s == auth.StatusOK || s == "" {
		st.Remedy = ""
	}
	if c.ExpiresAt != nil {
		at := c.ExpiresAt.UTC()
		st.ExpiresAt = &at
	}
	return st
}

// tokenJSON is `token --json`: token, expires_at and type first, the shape
// credential-process conventions use. type is the scheme ("Bearer",
// "Basic") when the header has one, else "header" (the bare value of the
// header named in header) or "query" (the URL query parameter named in
// query).
type tokenJSON struct {
	Token     string     `json:"token"`
	ExpiresAt *time.Time `json:"expires_at"`
	Type      string     `json:"type"`
	Header    string     `json:"header,omitempty"`
	Query     string     `json:"query,omitempty"`
	stateJSON
}

// headerJSON is `header --json`: the header's name and value, and the
// whole line as `header` prints it.
type headerJSON struct {
	Header string `json:"header"`
	Value  string `json:"value"`
	Line   string `json:"line"`
	stateJSON
}

// checkJSON is `check --json`: whether the provider accepted the
// credential, the verdict (accepted, rejected, forbidden, redirected,
// server-error, unreachable, unexpected), its HTTP status (0: no answer),
// the account it named, the outcome in words and when the check ran.
type checkJSON struct {
	OK         bool         `json:"ok"`
	Verdict    auth.Verdict `json:"verdict"`
	HTTPStatus int          `json:"http_status"`
	Account    string       `json:"account,omitempty"`
	Message    string       `json:"message"`
	CheckedAt  time.Time    `json:"checked_at"`
	stateJSON
}

// detailsJSON is `details --json`: who to ask about a connection and why
// it exists, with its provider and state.
type detailsJSON struct {
	Owner        string `json:"owner"`
	Note         string `json:"note"`
	Provider     string `json:"provider"`
	ProviderName string `json:"provider_name"`
	Account      string `json:"account,omitempty"`
	stateJSON
}

func tokenShape(cred auth.Credential) tokenJSON {
	c := cred.Credential
	out := tokenJSON{Token: c.Secret, Header: c.Header, Query: c.Query, stateJSON: stateOf(cred.Connection, cred.Connection.Status)}
	out.ExpiresAt = out.stateJSON.ExpiresAt
	switch scheme, _, found := strings.Cut(c.Value, " "); {
	case c.Query != "":
		out.Type = "query"
	case found && c.Value == scheme+" "+c.Secret:
		out.Type = scheme
	default:
		out.Type = "header"
	}
	return out
}

func detailsShape(c auth.Connection, s auth.Status) detailsJSON {
	return detailsJSON{
		Owner: sanitize.Line(c.Owner), Note: sanitize.Text(c.Note),
		Provider: c.Provider, ProviderName: sanitize.Line(c.ProviderName), Account: sanitize.Line(c.Account),
		stateJSON: stateOf(c, s),
	}
}

func checkShape(c auth.Connection, s auth.Status, res auth.CheckResult) checkJSON {
	return checkJSON{
		OK: res.OK, Verdict: res.Verdict, HTTPStatus: res.Status, Account: sanitize.Line(res.Account), Message: sanitize.Line(res.Message),
		CheckedAt: res.At.UTC(), stateJSON: stateOf(c, s),
	}
}
