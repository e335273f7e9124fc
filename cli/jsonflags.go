package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"

	"github.com/spf13/cobra"

	"authdeck/auth"
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
func newDataCmd[O any](d *Deps, use, short string, opts *O, exp *exporter, runF func(*O) error, run func(context.Context, *O, *auth.Manager) error) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Args: exactArgs(0, "no arguments")}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return execute(cmd.Context(), d, opts, runF, run) }
	addJSONFlags(cmd, exp)
	return cmd
}

// jsonExporter prints compact JSON on one line: for scripts, and fast for
// long lists.
type jsonExporter struct{}

func (jsonExporter) Write(w io.Writer, data any) error {
	buf := bufio.NewWriterSize(w, 64<<10)
	if err := json.NewEncoder(buf).Encode(data); err != nil {
		return err
	}
	return buf.Flush()
}
