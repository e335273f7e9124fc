//go:build !ci

package ui

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"authdeck/auth"
)

// notches turns the mouse wheel down n notches with the pointer resting at
// (px, py). The pointer is moved first and given time to settle: Fyne
// reads where it is only when it draws the next frame, so a notch sent
// with the move would land where the pointer was before.
func (x *x11) notches(n, px, py int) {
	x.t.Helper()
	if _, err := x.xdotool("mousemove", strconv.Itoa(px), strconv.Itoa(py)); err != nil {
		x.t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	if _, err := x.xdotool("click", "--repeat", strconv.Itoa(n), "--delay", "80", "5"); err != nil {
		x.t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // the frame after the last notch
}

// y is where phrase is on the screen now, from top. The phrase must be
// there once: the movement of a phrase the screen shows twice was read
// from one occurrence before and the other after (the step's help also
// says "Client ID", and scrolled out of view).
func (x *x11) y(phrase string) int {
	x.t.Helper()
	_, py, screen := x.seeOn(phrase)
	if n := count(screen, phrase); n > 1 {
		x.t.Fatalf("%q is on the screen %d times: measure with a phrase shown once", phrase, n)
	}
	return py
}

// A notch of the wheel moves the wizard's step as far as it moves the list
// of connections, wherever the pointer rests on the step, a text field
// included, so a field far down comes into view in a handful of notches
// (issue 21.6: over a field Fyne gave the notch to the field, which did
// nothing with it, and the step hardly moved).
func TestWizardWheelScrollsLikeTheListInARealWindow(t *testing.T) {
	bin, x, config, m := realWindow(t)
	for i := 1; i <= 30; i++ {
		_, err := m.Add(context.Background(), auth.AddRequest{Name: fmt.Sprintf("Row %02d", i), Provider: "vinsight",
			Method: "api-key", Secret: fmt.Sprintf("key-%02d", i)})
		if err != nil {
			t.Fatal(err)
		}
	}
	m.Close()
	x.start(bin, config, "true")
	if _, err := x.xdotool("windowsize", x.win, "800", "600"); err != nil {
		t.Fatal(err)
	}

	// The list: two notches with the pointer on a row.
	px, py := x.see("Row 02")
	before := x.y("Row 05")
	x.notches(2, px, py)
	list := (before - x.y("Row 05")) / 2
	if list < 10 {
		t.Fatalf("a notch moved the list %d px: the wheel does not reach the window", list)
	}

	// The wizard: the pointer rests on the Connection name field, between
	// its label and the line of help under it.
	x.key("ctrl+n")
	x.click("Vinsight")
	x.key("Return")
	x.see("How do you want to connect to Vinsight")
	x.key("Return")
	fx, labelY := x.see("Connection name")
	// The field's help is on the screen once ("Client ID", lower down, is
	// also in the step's help above, which a notch takes out of view).
	before = x.y("How this connection is listed")
	fieldY := (labelY + before) / 2
	x.notches(1, fx+150, fieldY)
	if moved := before - x.y("How this connection is listed"); moved < list-3 {
		t.Errorf("a notch over a field moved the wizard %d px; it moves the list %d px", moved, list)
	}
	// A field far down (Other permissions, some 350 px below the view at
	// this size) in about as many notches as the list needs for that.
	limit := 500/list + 2
	for n := 1; ; n++ {
		if _, _, ok := find(x.read(), "Other permissions"); ok {
			t.Logf("Other permissions came into view after %d more notches (%d px each on the list)", n-1, list)
			break
		}
		if n > limit {
			t.Fatalf("Other permissions is not in view after %d notches (the list moves %d px a notch)", limit, list)
		}
		x.notches(1, fx+150, fieldY)
	}
}
