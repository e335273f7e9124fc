package ui

import (
	"bytes"
	"image/color"
	"image/png"
	"testing"

	"authdeck/auth"
)

func TestTraySummary(t *testing.T) {
	cases := []struct {
		total  int
		counts map[auth.Status]int
		want   string
	}{
		{0, nil, "No connections yet"},
		{3, map[auth.Status]int{auth.StatusOK: 3}, "All 3 connections OK"},
		{4, map[auth.Status]int{auth.StatusOK: 1, auth.StatusExpiring: 2, auth.StatusExpired: 1}, "1 expired · 2 expiring soon"},
		{2, map[auth.Status]int{auth.StatusNeedsConnect: 1, auth.StatusError: 1}, "1 not signed in · 1 check failed"},
	}
	for _, c := range cases {
		if got := traySummary(c.total, c.counts); got != c.want {
			t.Errorf("traySummary(%d, %v) = %q, want %q", c.total, c.counts, got, c.want)
		}
	}
}

// The tray icon's dot takes the colour of the worst status: the tray shows
// no text, so this is what tells a person something needs them.
func TestStatusIconDot(t *testing.T) {
	for st, want := range map[auth.Status]color.NRGBA{
		auth.StatusOK:           trayDotColors[0],
		auth.StatusExpiring:     trayDotColors[1],
		auth.StatusExpired:      trayDotColors[2],
		auth.StatusNeedsConnect: trayDotColors[2],
	} {
		img, err := png.Decode(bytes.NewReader(statusIcon(st).Content()))
		if err != nil {
			t.Fatal(err)
		}
		if img.Bounds().Dx() != trayIconSize {
			t.Errorf("%s: icon is %d px wide, want %d", st, img.Bounds().Dx(), trayIconSize)
		}
		r := trayIconSize * 7 / 32
		got := color.NRGBAModel.Convert(img.At(trayIconSize-r-1, trayIconSize-r-1)).(color.NRGBA)
		if got != want {
			t.Errorf("%s: dot is %v, want %v", st, got, want)
		}
	}
}
