//go:build !windows

package cli

import (
	"os"
	"syscall"
)

// execProgram replaces this process with the window, so that signals and the
// exit status reach it as if it had been started directly.
func execProgram(path string) error {
	return syscall.Exec(path, []string{path}, os.Environ()) // #nosec G204 -- our own window program, found beside this executable
}
