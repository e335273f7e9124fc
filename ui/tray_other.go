//go:build !linux

package ui

// trayHostPresent: Windows and macOS always have a notification area.
func trayHostPresent() bool { return true }

// trayPossible: Windows and macOS always have a notification area.
func trayPossible() bool { return true }
