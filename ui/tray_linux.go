package ui

import (
	"context"
	"os"
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
