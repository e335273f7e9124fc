//go:build linux

package tray

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"
)

// TestNoTrayWithoutHost: with no StatusNotifier host on the session bus
// (plain X servers, stock GNOME) the window sets up no tray. Fyne's tray
// would do its D-Bus set-up and create a hidden second window with an
// OpenGL context of its own before the window's first frame (issue 22),
// for an icon nobody sees. Fyne asks for the item's bus name before it
// draws anything, so once the window shows its first frame the name tells.
func TestNoTrayWithoutHost(t *testing.T) {
	bindir := os.Getenv("AUTHDECK_TRAY_BINDIR")
	if bindir == "" {
		t.Skip("AUTHDECK_TRAY_BINDIR is not set: run make test-tray")
	}
	bus, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatalf("no session bus (run under scripts/with-keyring.sh): %v", err)
	}
	defer bus.Close()
	if owned(t, bus, "org.kde.StatusNotifierWatcher") {
		t.Fatal("a StatusNotifier host already runs on this bus: this test needs a bus without one")
	}
	env := append(os.Environ(), "DISPLAY="+startXvfb(t), "AUTHDECK_CONFIG_DIR="+t.TempDir(),
		"LANG=en_US.UTF-8", "BROWSER=false")
	app := startWindow(t, filepath.Join(bindir, "authdeck-window"), env)
	win := app.waitVisible(t, true)
	poll(t, "the window's first frame", func() (bool, string) {
		out, _ := exec.Command("import", "-window", win, "-colorspace", "gray", "-format", "%[standard-deviation]", "info:").Output()
		sd, _ := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
		return sd > 0, "standard deviation of the window's pixels: " + string(out)
	})
	item := fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", app.cmd.Process.Pid)
	if owned(t, bus, item) {
		t.Errorf("the window set up a tray (%s is on the bus) though no host is there to show it", item)
	}
	app.close(t, win) // with no tray, closing the window quits
	app.waitExit(t)
}

func owned(t *testing.T, bus *dbus.Conn, name string) bool {
	t.Helper()
	var yes bool
	if err := bus.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&yes); err != nil {
		t.Fatalf("NameHasOwner %s: %v", name, err)
	}
	return yes
}
