// Package oneproc puts the command-line program on one processor from its
// first package initialiser on: imported for that effect by main alone.
//
// A command is short and waits on files, the keyring and the network; a
// second processor only adds thread hand-offs (issue 22: `header` had
// twice the context switches with two). Done here rather than in main, the
// second processor has cached almost no memory yet when it is given back,
// which saved `header` ~130 page faults of ~700. GOMAXPROCS set in the
// environment still wins.
package oneproc

import (
	"runtime"
	"syscall"
)

func init() {
	if _, set := syscall.Getenv("GOMAXPROCS"); !set {
		runtime.GOMAXPROCS(1)
	}
}
