package display

import (
	"runtime"
	"testing"
)

func TestAvailableFollowsTheEnvironment(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("always available on " + runtime.GOOS)
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	if Available() {
		t.Error("Available() with neither DISPLAY nor WAYLAND_DISPLAY")
	}
	t.Setenv("WAYLAND_DISPLAY", "wayland-0")
	if !Available() {
		t.Error("not Available() with WAYLAND_DISPLAY set")
	}
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("DISPLAY", ":0")
	if !Available() {
		t.Error("not Available() with DISPLAY set")
	}
}
