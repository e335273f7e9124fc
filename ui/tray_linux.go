package ui

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/godbus/dbus/v5"
)

// trayHostPresent reports whether a StatusNotifier host (the thing that
// draws tray icons) runs on the session bus. Plain X servers and stock GNOME
// have none; hiding the window into a missing tray would lose it.
func trayHostPresent() bool {
	// Without a session bus godbus would start dbus-launch and leave it
	// running: there is no tray then anyway.
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	conn, err := dbus.ConnectSessionBus(dbus.WithContext(ctx))
	if err != nil {
		return false
	}
	defer conn.Close()
	var owned bool
	err = conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0,
		"org.kde.StatusNotifierWatcher").Store(&owned)
	return err == nil && owned
}

// trayPossible reports whether there is a session bus to offer a tray icon
// on. Without one, Fyne's tray (godbus) would start dbus-launch and leave it
// running. A host that starts after Authdeck still finds the icon: the tray
// registers again whenever a StatusNotifierWatcher appears.
func trayPossible() bool {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return true
	}
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		return false
	}
	_, err := os.Stat(filepath.Join(dir, "bus")) // #nosec G703 -- only tests whether the user's own session bus socket exists
	return err == nil
}
