//go:build !ci

package ui

import (
	"context"
	"testing"
	"time"

	"authdeck/auth"
)

// Edit expiry's calendar in the real window, on a connection that has a
// date: Tab from the date field reaches the calendar button, Space opens
// the calendar at the month of the date shown, a day clicked fills the
// field, and Save stores it. (The test driver draws the button whenever it
// is set; the real window did not draw it when the date was set first.)
func TestEditExpiryCalendarInARealWindow(t *testing.T) {
	bin, x, config, m := realWindow(t)
	at := time.Now().UTC().AddDate(0, 2, 0)
	if _, err := m.Add(context.Background(), auth.AddRequest{Name: "Stock export", Provider: "vinsight", Method: "api-key",
		Secret: "k", ExpiresAt: &at}); err != nil {
		t.Fatal(err)
	}
	m.Close()
	x.start(bin, config, "true")
	x.click("Stock export")
	x.click("Edit expiry")
	x.see("Expiry of Stock export")
	x.key("Tab", "space") // from the date field to its calendar button
	x.see(at.Format("January 2006"))
	x.click("15")
	want := at.Format("2006-01-") + "15"
	x.see(want)
	x.gone(at.Format("January 2006"))
	x.click("Save")
	x.see("expiry saved")
	m, err := auth.Open(auth.Options{ConfigDir: config})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if c, err := m.Get("Stock export"); err != nil || c.ExpiresAt == nil || auth.FormatDate(*c.ExpiresAt, time.UTC) != want {
		t.Errorf("stored %v (%v), want the day clicked, %s", c.ExpiresAt, err, want)
	}
}
