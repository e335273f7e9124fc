// Authdeck keeps a person's connections to provider APIs signed in, fresh and
// ready to paste. This is the command-line program `authdeck` (see
// `authdeck --help`); without arguments on a desktop it opens the window,
// the separate program authdeck-window (./cmd/authdeck-window), so that no
// command pays for loading the graphics stack.
//
// A command is short and waits on files, the keyring and the network, so it
// runs on one processor (below) and the runtime need not size itself to the
// container's CPU quota before main, nor keep re-checking it (issue 22).
//
//go:debug containermaxprocs=0
//go:debug updatemaxprocs=0
package main

import (
	_ "embed"
	"os"
	"runtime"

	"authdeck/cli"
)

//go:embed FyneApp.toml
var appMetadata string

func main() {
	// A second processor only adds thread hand-offs to a command's waits:
	// `header` used 9 % more CPU time with two, under load, and `list
	// --json` of 10,000 connections was no faster (issue 22). GOMAXPROCS
	// set in the environment still wins.
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	os.Exit(cli.Run(os.Args[1:], cli.Deps{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Version:    cli.VersionFromMetadata(appMetadata),
		OpenWindow: cli.ExecWindow,
	}))
}
