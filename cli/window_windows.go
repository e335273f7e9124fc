//go:build windows

package cli

import (
	"os"
	"os/exec"
)

// execProgram starts the window and lets this console program end: Windows
// has no exec, and the window is a GUI program that needs no console.
func execProgram(path string) error {
	cmd := exec.Command(path) // #nosec G204 -- our own window program, found beside this executable
	cmd.Env = os.Environ()
	return cmd.Start()
}
