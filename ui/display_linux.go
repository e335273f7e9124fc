//go:build linux && !ci

package ui

import (
	"fmt"
	"os"
	"time"

	"github.com/go-gl/glfw/v3.4/glfw"
)

// displayPatience bounds how long the window waits for the X server.
const displayPatience = 10 * time.Second

// openDisplay initialises GLFW on an X11 session, trying again while the X
// server does not answer. Fyne tries once: when the connection fails
// (GLFW's "Failed to detect any supported platform", 3 starts in 100 in
// the soak, on a loaded machine) it logs the error, then panics creating
// the window, and no window ever appears. GLFW, once initialised, ignores
// Fyne's own Init. Wayland sessions and FYNE_PLATFORM are left to Fyne,
// which picks the platform there. Must run on the main thread.
func openDisplay() {
	if os.Getenv("WAYLAND_DISPLAY") != "" || os.Getenv("FYNE_PLATFORM") != "" || os.Getenv("DISPLAY") == "" {
		return
	}
	deadline := time.Now().Add(displayPatience)
	wait := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := glfw.Init()
		if err == nil {
			if attempt > 1 {
				fmt.Fprintf(os.Stderr, "authdeck: the X server %s answered at attempt %d\n", os.Getenv("DISPLAY"), attempt)
			}
			return
		}
		if time.Now().After(deadline) {
			return // Fyne tries once more and says what failed
		}
		fmt.Fprintf(os.Stderr, "authdeck: the X server %s did not answer (%v); trying again\n", os.Getenv("DISPLAY"), err)
		time.Sleep(wait)
		wait = min(2*wait, time.Second)
	}
}
