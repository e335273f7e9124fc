//go:build linux

package wine

import (
	"archive/zip"
	"debug/pe"
	"encoding/binary"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// Resource types and subsystems of the PE format.
const (
	rtIcon           = 3
	rtGroupIcon      = 14
	rtVersion        = 16
	rtManifest       = 24
	subsystemGUI     = 2
	subsystemConsole = 3
)

// TestWindowsPackage reads what `make package-windows` made: the window is
// a GUI program carrying the icon, version information and manifest; the
// command line is a console program; the zip holds both.
func TestWindowsPackage(t *testing.T) {
	dist := os.Getenv("AUTHDECK_WINE_DIST")
	if dist == "" {
		t.Skip("AUTHDECK_WINE_DIST is not set: run make test-wine")
	}
	window := filepath.Join(dist, "authdeck-window.exe")
	if got := subsystem(t, window); got != subsystemGUI {
		t.Errorf("authdeck-window.exe has subsystem %d, want %d (GUI: no console window)", got, subsystemGUI)
	}
	types := resourceTypes(t, window)
	for _, want := range []uint32{rtIcon, rtGroupIcon, rtVersion, rtManifest} {
		if !types[want] {
			t.Errorf("authdeck-window.exe has no resource of type %d (has %v)", want, types)
		}
	}
	if got := subsystem(t, filepath.Join(dist, "authdeck.exe")); got != subsystemConsole {
		t.Errorf("authdeck.exe has subsystem %d, want %d (console)", got, subsystemConsole)
	}

	zips, _ := filepath.Glob(filepath.Join(dist, "authdeck-*-windows-amd64.zip"))
	if len(zips) != 1 {
		t.Fatalf("want one zip in %s, found %v", dist, zips)
	}
	r, err := zip.OpenReader(zips[0])
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	if want := []string{"INSTALL.txt", "authdeck-window.exe", "authdeck.exe"}; !equal(names, want) {
		t.Errorf("the zip holds %v, want %v", names, want)
	}
}

func subsystem(t *testing.T, path string) uint16 {
	t.Helper()
	f, err := pe.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok {
		t.Fatalf("%s is not a 64-bit Windows program", path)
	}
	return oh.Subsystem
}

// resourceTypes lists the type IDs in the root of the .rsrc directory.
func resourceTypes(t *testing.T, path string) map[uint32]bool {
	t.Helper()
	f, err := pe.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sec := f.Section(".rsrc")
	if sec == nil {
		t.Fatalf("%s has no resources (.rsrc)", path)
	}
	data, err := sec.Data()
	if err != nil || len(data) < 16 {
		t.Fatalf("%s: unreadable .rsrc: %v", path, err)
	}
	// IMAGE_RESOURCE_DIRECTORY: 12 bytes, then the named and ID entry
	// counts; each 8-byte entry starts with its ID.
	named := int(binary.LittleEndian.Uint16(data[12:]))
	ids := int(binary.LittleEndian.Uint16(data[14:]))
	types := map[uint32]bool{}
	for i := named; i < named+ids && 16+8*i+8 <= len(data); i++ {
		types[binary.LittleEndian.Uint32(data[16+8*i:])] = true
	}
	return types
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
