// Command authdeck-window is Authdeck's window. The command-line program
// `authdeck` starts it when run without arguments on a desktop (or as
// `authdeck window`); the desktop entry starts it directly. It is a program
// of its own so that commands never pay for loading the graphics stack.
package main

import (
	"fmt"
	"os"

	"authdeck/internal/display"
	"authdeck/ui"
)

func main() {
	if !display.Available() {
		fmt.Fprintln(os.Stderr, "authdeck: "+display.Missing)
		os.Exit(1)
	}
	ui.Run()
}
