//go:build !ci

package ui

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"authdeck/auth"
	"authdeck/internal/standin"
)

// clickLowest clicks the lowest place phrase is seen (a dialog's buttons
// sit under its title, which may hold the same word).
func (x *x11) clickLowest(phrase string) {
	x.t.Helper()
	x.see(phrase)
	words := x.read()
	px, py, found := 0, -1, false
	for i := range words {
		if cx, cy, ok := find(words[i:], phrase); ok && cy > py {
			px, py, found = cx, cy, true
		}
	}
	if !found {
		x.t.Fatalf("%q went away before it could be clicked", phrase)
	}
	if _, err := x.xdotool("mousemove", strconv.Itoa(px), strconv.Itoa(py), "click", "1"); err != nil {
		x.t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
}

// exited waits until the window's program has ended by itself.
func (x *x11) exited() {
	x.t.Helper()
	done := make(chan error, 1)
	go func() { done <- x.app.Wait() }()
	select {
	case err := <-done:
		x.app = nil
		if err != nil {
			x.t.Errorf("the window ended with %v", err)
		}
	case <-time.After(60 * time.Second):
		x.t.Fatal("the window did not quit")
	}
}

// File › Quit while a browser sign-in waits, in the real window (Connect
// in the detail pane: the wizard's sign-in is behind a modal dialog, which
// leaves the menu out of reach, and Xvfb has no window manager to close
// the window; TestQuitDuringASignInAsksFirst covers both ways for the
// wizard). It asks first; "Keep waiting" keeps the sign-in on screen,
// where "Open browser again" opens the same sign-in page once more (the
// tab was closed); "Quit" ends the program and leaves the connection as it
// was, not signed in.
func TestQuitDuringASignInInARealWindow(t *testing.T) {
	bin, x, config, m := realWindow(t)
	if _, err := m.Add(context.Background(), auth.AddRequest{Name: "Sandbox demo", Provider: auth.SandboxID, Method: "oauth",
		Params: map[string]string{"port": standin.FreePort(t)}}); err != nil {
		t.Fatal(err)
	}
	m.Close()
	// A browser that notes each page it is asked to open and shows none:
	// the person closed the tab.
	opened := filepath.Join(x.work, "opened")
	browser := filepath.Join(x.work, "browser")
	if err := os.WriteFile(browser, []byte("#!/bin/sh\necho \"$1\" >>"+opened+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	x.start(bin, config, browser)
	x.click("Sandbox demo")
	x.see("Not signed in")
	x.clickLowest("Connect") // the button, under the advice that names it
	x.click("Open browser again")
	x.eventually("the sign-in page opened a second time", func() bool {
		b, _ := os.ReadFile(opened)
		pages := strings.Fields(string(b))
		return len(pages) == 2 && pages[0] == pages[1]
	})
	x.see("Opened the sign-in page again")

	x.click("File")
	x.click("Quit")
	x.see("Quit while signing in")
	x.click("Keep waiting")
	x.gone("Quit while signing in")
	x.see("Open browser again") // still waiting

	x.click("File")
	x.click("Quit")
	x.see("Quit while signing in")
	x.clickLowest("Quit")
	x.exited()
	m, err := auth.Open(auth.Options{ConfigDir: config})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	c, err := m.Get("Sandbox demo")
	if err != nil || c.Status != auth.StatusNeedsConnect {
		t.Errorf("after quitting during its sign-in the connection is %+v (%v), want it kept, not signed in", c, err)
	}
}

// Ctrl+Q while the wizard's browser sign-in waits, in the real window: it
// asks first, and "Quit" ends the program leaving no connection behind
// (the wizard had stored it, pending, before the browser opened).
func TestQuitDuringAWizardSignInInARealWindow(t *testing.T) {
	needX11(t)
	bin := buildWindow(t)
	x := startX11(t)
	config := filepath.Join(x.work, "config")
	x.start(bin, config, "true") // a browser that shows nothing: the tab was closed
	x.see("No connections yet")
	x.key("ctrl+n")
	x.click("Sandbox")
	x.key("Return")
	x.see("How do you want to connect to Sandbox")
	x.key("Return")
	x.see("Connection name")
	x.key("Return") // Connect
	x.see("Open browser again")
	x.key("ctrl+q")
	x.see("Quit while signing in")
	x.clickLowest("Quit")
	x.exited()
	m, err := auth.Open(auth.Options{ConfigDir: config})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	conns, err := m.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(conns) != 0 {
		t.Errorf("quitting during the wizard's sign-in left %q behind", names(conns))
	}
}
