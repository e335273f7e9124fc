// Authdeck keeps a person's connections to provider APIs signed in, fresh and
// ready to paste. This is the command-line program `authdeck` (see
// `authdeck --help`); without arguments on a desktop it opens the window,
// the separate program authdeck-window (./cmd/authdeck-window), so that no
// command pays for loading the graphics stack.
package main

import (
	_ "embed"
	"os"

	"authdeck/cli"
)

//go:embed FyneApp.toml
var appMetadata string

func main() {
	os.Exit(cli.Run(os.Args[1:], cli.Deps{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Version:    cli.VersionFromMetadata(appMetadata),
		OpenWindow: cli.ExecWindow,
	}))
}
