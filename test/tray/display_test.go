//go:build linux

package tray

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWindowWaitsForXServer starts the window before its X server answers,
// as on a loaded machine where the first connection fails: Fyne's single
// try left no window at all (1–3 starts in 100 in the soak); the window
// program now tries again for a while.
func TestWindowWaitsForXServer(t *testing.T) {
	bindir := os.Getenv("AUTHDECK_TRAY_BINDIR")
	if bindir == "" {
		t.Skip("AUTHDECK_TRAY_BINDIR is not set: run make test-tray")
	}
	n := freeDisplay(t)
	display := fmt.Sprintf(":%d", n)
	env := append(os.Environ(), "DISPLAY="+display, "AUTHDECK_CONFIG_DIR="+t.TempDir(), "LANG=en_US.UTF-8", "GOTRACEBACK=all")
	app := startWindow(t, filepath.Join(bindir, "authdeck-window"), env)

	time.Sleep(1500 * time.Millisecond) // the X server is late: that is the test
	xvfb := exec.Command("Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	if err := xvfb.Start(); err != nil {
		t.Fatalf("Xvfb: %v", err)
	}
	// SIGTERM first: a killed Xvfb leaves its lock file, and the
	// displays run out on a machine that ran many tests.
	t.Cleanup(func() {
		_ = xvfb.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = xvfb.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			_ = xvfb.Process.Kill()
			<-done
		}
	})
	t.Setenv("DISPLAY", display)

	app.waitVisible(t, true)
	_ = app.cmd.Process.Signal(syscall.SIGTERM)
	app.waitExit(t)
	if !strings.Contains(app.log.String(), "did not answer") {
		t.Errorf("the window program never said it was waiting for the X server:\n%s", app.log)
	}
}

// freeDisplay is an X display number nobody uses.
func freeDisplay(t *testing.T) int {
	for n := 140; n < 200; n++ {
		_, sock := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n))
		_, lock := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n))
		if os.IsNotExist(sock) && os.IsNotExist(lock) {
			return n
		}
	}
	t.Fatal("no free X display number between 140 and 199")
	return 0
}
