// Authdeck keeps a person's connections to provider APIs signed in, fresh and
// ready to paste. Without arguments it opens the window; with arguments it is
// the command-line tool (see `authdeck --help`).
package main

import (
	_ "embed"
	"os"

	"authdeck/ui"
	"authdeck/ui/cli"
)

//go:embed FyneApp.toml
var appMetadata string

func main() {
	if len(os.Args) > 1 {
		os.Exit(cli.Run(os.Args[1:], cli.Deps{
			Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
			Version: cli.VersionFromMetadata(appMetadata),
		}))
	}
	ui.Run()
}
