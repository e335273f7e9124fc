//go:build windows

package private

import (
	"fmt"
	"io/fs"
	"os"
)

// checksMode: Windows permissions are ACLs, which Go's mode bits do not
// show. The config folder under %AppData% is private to its user by the
// folder's inherited ACL, so no check is made here (see docs/SECURITY.md).
const checksMode = false

func owner(fs.FileInfo) (int, bool) { return 0, false }

func trustedOwner(int) bool { return true }

// openNoBlock refuses anything but a regular file before opening it: Windows
// has no FIFOs in the file system, but a device name (CON, \\.\pipe\x) could
// block.
func openNoBlock(path string) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w (%s): only plain files are read — remove it", path, ErrNotRegular, kind(fi.Mode()))
	}
	return os.Open(path) // #nosec G304 -- the caller names a providers.d file; what is opened is checked before it is read
}
