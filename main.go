// Authdeck keeps a person's connections to provider APIs signed in, fresh and
// ready to paste. This is the command-line program `authdeck` (see
// `authdeck --help`); without arguments on a desktop it opens the window,
// the separate program authdeck-window (./cmd/authdeck-window), so that no
// command pays for loading the graphics stack.
//
// A command is short and waits on files, the keyring and the network, so it
// runs on one processor (authdeck/internal/oneproc) and the runtime need not
// size itself to the container's CPU quota before main, nor keep
// re-checking it (issue 22).
//
//go:debug containermaxprocs=0
//go:debug updatemaxprocs=0
package main

import (
	_ "embed"
	"os"

	"authdeck/cli"
	_ "authdeck/internal/oneproc" // one processor, from the first initialiser on
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
