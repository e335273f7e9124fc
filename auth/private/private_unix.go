//go:build unix

package private

import (
	"io/fs"
	"os"
	"syscall"
)

// checksMode: on unix the permission bits say who may write.
const checksMode = true

func owner(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// trustedOwner: the user running Authdeck, or root (who can change
// anything anyway), as OpenSSH allows.
func trustedOwner(uid int) bool { return uid == os.Geteuid() || uid == 0 }

// openNoBlock opens path for reading without waiting for a FIFO's writer and
// without making a terminal device the controlling terminal.
func openNoBlock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0) // #nosec G304 -- the caller names a providers.d file; what is opened is checked before it is read
}
