package auth

import (
	"strconv"
	"time"
)

// Countdown is how long a connection's credential has left, as facts: each
// front end words it ("expires in 23 h 14 min", "~364 days", …).
type Countdown struct {
	State CountdownState
	// Left is the time until expiry (StateLeft) or since it (StateExpired,
	// as a positive span).
	Left time.Duration
	// Estimated says the expiry is Authdeck's estimate from the provider's
	// usual lifetime, not a date anyone gave.
	Estimated bool
}

// CountdownState is which of the countdown's cases holds.
type CountdownState int

// The countdown's cases.
const (
	StateNotSignedIn CountdownState = iota + 1 // no credential yet
	StateRenews                                // Authdeck renews it by itself
	StateNoExpiry                              // it states no expiry
	StateLeft                                  // it expires in Left
	StateExpired                               // it expired Left ago
)

// CountdownAt is c's countdown at now.
func CountdownAt(c Connection, now time.Time) Countdown {
	switch {
	case c.Status == StatusNeedsConnect:
		return Countdown{State: StateNotSignedIn}
	case c.Refreshable:
		return Countdown{State: StateRenews}
	case c.ExpiresAt == nil:
		return Countdown{State: StateNoExpiry}
	}
	cd := Countdown{State: StateLeft, Left: c.ExpiresAt.Sub(now), Estimated: c.ExpiryEstimated}
	if cd.Left <= 0 {
		cd.State, cd.Left = StateExpired, -cd.Left
	}
	return cd
}

// Duration renders a span with the two largest units that matter (the
// core's own messages and both front ends use it):
// "3 days", "23 h 14 min", "5 min 2 s", "40 s".
func Duration(d time.Duration) string {
	var b [24]byte
	return string(AppendDuration(b[:0], d))
}

// AppendDuration appends Duration(d) to b: a list words the countdown of
// every connection, and a string each was an allocation each (issue 22).
func AppendDuration(b []byte, d time.Duration) []byte {
	d = d.Round(time.Second)
	days := int(d / (24 * time.Hour))
	h := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	s := int(d % time.Minute / time.Second)
	switch {
	case days >= 2*365:
		// Days up to two years: "1 year" would stand for anything from
		// 365 to 729 days, and two keys a few seconds apart would read
		// "364 days" and "1 year".
		return appendPlural(b, days/365, "year")
	case days >= 2:
		return appendPlural(b, days, "day")
	case days == 1:
		return append(strconv.AppendInt(append(b, "1 day "...), int64(h), 10), " h"...)
	case h > 0:
		return append(strconv.AppendInt(append(strconv.AppendInt(b, int64(h), 10), " h "...), int64(mins), 10), " min"...)
	case mins > 0:
		return append(strconv.AppendInt(append(strconv.AppendInt(b, int64(mins), 10), " min "...), int64(s), 10), " s"...)
	default:
		return append(strconv.AppendInt(b, int64(s), 10), " s"...)
	}
}

func appendPlural(b []byte, n int, unit string) []byte {
	b = append(append(strconv.AppendInt(b, int64(n), 10), ' '), unit...)
	if n != 1 {
		b = append(b, 's')
	}
	return b
}
