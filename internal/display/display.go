// Package display tells whether a window can be opened here, so that both
// programs can say so in one line instead of failing inside the graphics
// library.
package display

import (
	"os"
	"runtime"
)

// Available reports whether this session has a display to open a window
// on. Windows and macOS always have one for a logged-in user; elsewhere an
// X11 or Wayland display must be named in the environment.
func Available() bool {
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "android":
		return true
	}
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}

// Missing is what either program says when there is none.
const Missing = "no display was found, so the window cannot open here (over SSH, or without a desktop session); every command works without one: see authdeck --help"
