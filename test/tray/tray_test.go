//go:build linux

// Package tray tests Authdeck's tray icon against a real StatusNotifier
// host: the test owns org.kde.StatusNotifierWatcher on its private session
// bus, as a desktop's panel does, and drives the window program through the
// icon's D-Bus menu (com.canonical.dbusmenu), the way a person clicks it.
// It also starts the window before its X server answers (display_test.go).
package tray

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// hang bounds every wait: long enough for a loaded machine, short enough
// that a hang fails the test instead of the whole run.
const hang = 90 * time.Second

// TestTray needs the programs to test (AUTHDECK_TRAY_BINDIR holding authdeck
// and authdeck-window), a private session bus with an unlocked keyring, Xvfb,
// xdotool, xclip and python3-xlib: `make test-tray` provides them all.
func TestTray(t *testing.T) {
	bindir := os.Getenv("AUTHDECK_TRAY_BINDIR")
	if bindir == "" {
		t.Skip("AUTHDECK_TRAY_BINDIR is not set: run make test-tray")
	}
	bus, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatalf("no session bus (run under scripts/with-keyring.sh): %v", err)
	}
	defer bus.Close()
	host := newWatcher(t, bus)

	env := append(os.Environ(), "DISPLAY="+startXvfb(t), "AUTHDECK_CONFIG_DIR="+t.TempDir(),
		"LANG=en_US.UTF-8", "BROWSER=false", "GOTRACEBACK=all")
	cli := func(stdin string, args ...string) string {
		cmd := exec.Command(filepath.Join(bindir, "authdeck"), args...)
		cmd.Env, cmd.Stdin = env, strings.NewReader(stdin)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("authdeck %s: %v", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out))
	}
	// The soonest to expire turns from expiring to expired while the test
	// runs, which the icon must follow.
	soon := time.Now().Add(45 * time.Second).UTC()
	cli("tok-soon", "add", "Soon", "--provider", "vend", "--method", "token", "--param", "domain_prefix=soon",
		"--expires", soon.Format(time.RFC3339), "--secret-stdin")
	cli("tok-later", "add", "Later", "--provider", "vend", "--method", "token", "--param", "domain_prefix=later",
		"--expires", time.Now().Add(200*24*time.Hour).UTC().Format(time.RFC3339), "--secret-stdin")
	header := cli("", "header", "Soon")

	app := startWindow(t, filepath.Join(bindir, "authdeck-window"), env)
	item := host.waitItem(t, app)
	win := app.waitVisible(t, true)

	// A host reads the submenus after the first layout (Fyne's tray gives
	// the first answer one level deep), so poll until they are there.
	menu := item.waitMenu(t, func(m menuNode) bool { return m.find("Soon") != nil && m.find("Copy header") != nil })
	for _, want := range []string{"Show Authdeck", "Soon", "Later", "Quit"} {
		if menu.find(want) == nil {
			t.Errorf("the tray menu has no %q entry:\n%s", want, menu)
		}
	}
	if first := menu.Children[0].Label; first != "Show Authdeck" {
		t.Errorf("the tray menu starts with %q, want Show Authdeck", first)
	}
	if i, j := menu.index("Soon"), menu.index("Later"); i > j {
		t.Errorf("the soonest-expiring connection is listed after a later one:\n%s", menu)
	}
	if time.Now().Before(soon) {
		item.waitDot(t, "amber", 1)
	} else {
		t.Log("the window took longer to start than Soon had left: the amber dot was not checked, only the red one")
	}

	t.Run("copy header of the soonest-expiring connection", func(t *testing.T) {
		item.click(t, menu.find("Soon").find("Copy header"))
		poll(t, "the header on the clipboard", func() (bool, string) {
			got, _ := exec.Command("xclip", "-o", "-selection", "clipboard").Output()
			return string(got) == header, string(got)
		})
	})
	t.Run("hide to tray, Show Authdeck", func(t *testing.T) {
		app.close(t, win)
		app.waitVisible(t, false)
		item.click(t, menu.find("Show Authdeck"))
		app.waitVisible(t, true)
	})
	t.Run("hide to tray, Show in Authdeck", func(t *testing.T) {
		app.close(t, win)
		app.waitVisible(t, false)
		item.click(t, menu.find("Soon").find("Show in Authdeck"))
		app.waitVisible(t, true)
	})
	t.Run("the icon follows the worst connection", func(t *testing.T) {
		item.waitDot(t, "red", 2)
		m := item.waitMenu(t, func(m menuNode) bool { return m.find("1 expired") != nil })
		if m.find("Soon — Expired") == nil {
			t.Errorf("the expired connection's entry does not say so:\n%s", m)
		}
	})
	t.Run("Quit", func(t *testing.T) {
		item.click(t, item.waitMenu(t, func(menuNode) bool { return true }).find("Quit"))
		app.waitExit(t)
	})
}

// watcher is the StatusNotifierWatcher: it takes items' registrations.
type watcher struct {
	bus *dbus.Conn
	reg chan string // the bus names of registered items
}

func newWatcher(t *testing.T, bus *dbus.Conn) *watcher {
	w := &watcher{bus: bus, reg: make(chan string, 8)}
	if err := bus.Export(w, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	reply, err := bus.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("could not own org.kde.StatusNotifierWatcher (%v, %v): is another tray host on this bus?", reply, err)
	}
	return w
}

// RegisterStatusNotifierItem is called by an item (D-Bus method).
func (w *watcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	if strings.HasPrefix(service, "/") { // a path: the item is the sender's
		w.reg <- string(sender)
	} else {
		w.reg <- service
	}
	return nil
}

// RegisterStatusNotifierHost is called by a host (D-Bus method).
func (w *watcher) RegisterStatusNotifierHost(string) *dbus.Error { return nil }

// item is one registered StatusNotifierItem.
type item struct {
	bus  *dbus.Conn
	name string
	obj  dbus.BusObject
	menu dbus.BusObject
}

func (w *watcher) waitItem(t *testing.T, app *window) *item {
	t.Helper()
	select {
	case name := <-w.reg:
		it := &item{bus: w.bus, name: name, obj: w.bus.Object(name, "/StatusNotifierItem")}
		v, err := it.obj.GetProperty("org.kde.StatusNotifierItem.Menu")
		if err != nil {
			t.Fatalf("the item has no Menu property: %v", err)
		}
		it.menu = w.bus.Object(name, v.Value().(dbus.ObjectPath))
		return it
	case <-time.After(hang):
		app.dump(t)
		t.Fatalf("no tray item registered with the StatusNotifierWatcher within %v", hang)
	}
	return nil
}

// menuNode is one entry of a dbusmenu layout.
type menuNode struct {
	ID       int32
	Label    string
	Children []menuNode
}

func (m menuNode) find(label string) *menuNode {
	for i := range m.Children {
		if strings.Contains(m.Children[i].Label, label) {
			return &m.Children[i]
		}
		if f := m.Children[i].find(label); f != nil {
			return f
		}
	}
	return nil
}

func (m menuNode) index(label string) int {
	for i, c := range m.Children {
		if strings.Contains(c.Label, label) {
			return i
		}
	}
	return -1
}

func (m menuNode) String() string {
	var b strings.Builder
	var walk func(n menuNode, depth int)
	walk = func(n menuNode, depth int) {
		for _, c := range n.Children {
			fmt.Fprintf(&b, "%s[%d] %s\n", strings.Repeat("  ", depth), c.ID, c.Label)
			walk(c, depth+1)
		}
	}
	walk(m, 0)
	return b.String()
}

// layout reads the whole menu with GetLayout.
func (it *item) layout() (menuNode, error) {
	var rev uint32
	var raw []any
	err := it.menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &raw)
	if err != nil {
		return menuNode{}, err
	}
	return parseNode(raw), nil
}

func parseNode(raw []any) menuNode {
	var n menuNode
	if len(raw) != 3 {
		return n
	}
	n.ID, _ = raw[0].(int32)
	if props, ok := raw[1].(map[string]dbus.Variant); ok {
		n.Label, _ = props["label"].Value().(string)
	}
	children, _ := raw[2].([]dbus.Variant)
	for _, c := range children {
		if s, ok := c.Value().([]any); ok {
			n.Children = append(n.Children, parseNode(s))
		}
	}
	return n
}

func (it *item) waitMenu(t *testing.T, ok func(menuNode) bool) menuNode {
	t.Helper()
	var m menuNode
	poll(t, "the tray menu", func() (bool, string) {
		var err error
		m, err = it.layout()
		if err != nil {
			return false, err.Error()
		}
		return ok(m), m.String()
	})
	return m
}

// click sends the "clicked" event a host sends when the entry is chosen.
func (it *item) click(t *testing.T, n *menuNode) {
	t.Helper()
	if n == nil {
		t.Fatal("no such menu entry")
	}
	err := it.menu.Call("com.canonical.dbusmenu.Event", 0, n.ID, "clicked", dbus.MakeVariant(""), uint32(0)).Err
	if err != nil {
		t.Fatalf("clicking %q: %v", n.Label, err)
	}
}

// waitDot polls the icon until its status dot has the colour of severity
// sev (1 amber: something expiring; 2 red: something expired).
func (it *item) waitDot(t *testing.T, name string, sev int) {
	t.Helper()
	poll(t, "a "+name+" dot on the tray icon", func() (bool, string) {
		v, err := it.obj.GetProperty("org.kde.StatusNotifierItem.IconPixmap")
		if err != nil {
			return false, err.Error()
		}
		var pix []struct {
			W, H int32
			Pix  []byte
		}
		if err := dbus.Store([]any{v.Value()}, &pix); err != nil || len(pix) == 0 {
			return false, fmt.Sprintf("unreadable icon: %v", err)
		}
		got := dotSeverity(pix[0].W, pix[0].H, pix[0].Pix)
		return got == sev, fmt.Sprintf("dot severity %d", got)
	})
}

// dotSeverity classifies the pixel at the dot's centre (ARGB, big-endian):
// 0 green, 1 amber, 2 red, -1 none of them.
func dotSeverity(w, h int32, argb []byte) int {
	size := int(w)
	r := size * 7 / 32
	x, y := size-r-1, int(h)-r-1
	i := 4 * (y*size + x)
	if i+3 >= len(argb) {
		return -1
	}
	red, green, blue := int(argb[i+1]), int(argb[i+2]), int(argb[i+3])
	switch {
	case green > 0x80 && red < 0x80 && blue < 0x80:
		return 0
	case red > 0xc0 && green > 0x90 && blue < 0x40:
		return 1
	case red > 0xc0 && green < 0x60 && blue < 0x60:
		return 2
	}
	return -1
}

// window is the running window program.
type window struct {
	cmd    *exec.Cmd
	log    *bytes.Buffer
	done   chan error
	exited atomic.Bool
}

func startWindow(t *testing.T, exe string, env []string) *window {
	w := &window{cmd: exec.Command(exe), log: &bytes.Buffer{}, done: make(chan error, 1)}
	w.cmd.Env, w.cmd.Stdout, w.cmd.Stderr = env, w.log, w.log
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := w.cmd.Wait()
		w.exited.Store(true)
		w.done <- err
	}()
	t.Cleanup(func() {
		if w.cmd.ProcessState == nil {
			_ = w.cmd.Process.Kill()
			<-w.done
		}
		if t.Failed() {
			t.Logf("window log:\n%s", w.log)
		}
	})
	return w
}

// waitVisible polls until the window is mapped (or unmapped) and returns
// its X id.
func (w *window) waitVisible(t *testing.T, visible bool) string {
	t.Helper()
	var id string
	poll(t, fmt.Sprintf("the window mapped=%v", visible), func() (bool, string) {
		if w.exited.Load() {
			t.Fatalf("the window program exited while waiting for the window mapped=%v", visible)
		}
		out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--pid", fmt.Sprint(w.cmd.Process.Pid), "--name", "^Authdeck$").Output()
		id = strings.TrimSpace(string(out))
		return (id != "") == visible, "xdotool: " + id
	})
	return id
}

// close asks the window to close as a window manager's close button does.
func (w *window) close(t *testing.T, id string) {
	t.Helper()
	if out, err := exec.Command("../soak/closewin.py", id).CombinedOutput(); err != nil {
		t.Fatalf("closewin.py: %v\n%s", err, out)
	}
}

func (w *window) waitExit(t *testing.T) {
	t.Helper()
	select {
	case err := <-w.done:
		if err != nil {
			t.Errorf("the window program exited with %v", err)
		}
	case <-time.After(hang):
		w.dump(t)
		t.Fatalf("the window program still runs %v after Quit", hang)
	}
}

// dump asks a stuck program for its goroutines (SIGQUIT) for the log.
func (w *window) dump(t *testing.T) {
	_ = w.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-w.done:
	case <-time.After(5 * time.Second):
	}
	t.Logf("window log with goroutine dump:\n%s", w.log)
}

// poll calls check until it reports true, failing after hang with the
// last thing it saw.
func poll(t *testing.T, what string, check func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(hang)
	last := ""
	for time.Now().Before(deadline) {
		ok, seen := check()
		if ok {
			return
		}
		last = seen
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("waited %v for %s; last saw: %s", hang, what, last)
}

// startXvfb starts a private X server and returns its display.
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("Xvfb: %v (install xvfb)", err)
	}
	w.Close()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	buf := make([]byte, 16)
	n, err := r.Read(buf)
	if err != nil {
		t.Fatalf("Xvfb did not say its display: %v", err)
	}
	display := ":" + strings.TrimSpace(string(buf[:n]))
	t.Setenv("DISPLAY", display)
	return display
}
