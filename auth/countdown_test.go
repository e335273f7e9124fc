package auth

import (
	"testing"
	"time"
)

// Issue 22: the countdown is a value the front ends word, with no English
// in it: each case, the time left or past as a positive span, and whether
// the date is an estimate.
func TestCountdownIsAValue(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	for _, tc := range []struct {
		name string
		c    Connection
		want Countdown
	}{
		{"not signed in", Connection{Status: StatusNeedsConnect, ExpiresAt: at(time.Hour)}, Countdown{State: StateNotSignedIn}},
		{"renews", Connection{Refreshable: true, ExpiresAt: at(time.Hour)}, Countdown{State: StateRenews}},
		{"no expiry", Connection{}, Countdown{State: StateNoExpiry}},
		{"left", Connection{ExpiresAt: at(3 * time.Hour)}, Countdown{State: StateLeft, Left: 3 * time.Hour}},
		{"left, estimated", Connection{ExpiresAt: at(time.Hour), ExpiryEstimated: true}, Countdown{State: StateLeft, Left: time.Hour, Estimated: true}},
		{"expired", Connection{ExpiresAt: at(-2 * time.Hour)}, Countdown{State: StateExpired, Left: 2 * time.Hour}},
		{"expiring this instant", Connection{ExpiresAt: at(0)}, Countdown{State: StateExpired}},
	} {
		if got := CountdownAt(tc.c, now); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
