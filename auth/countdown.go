package auth

import (
	"fmt"
	"time"
)

// Countdown says in words how long a connection's credential has left, as
// the list and `authdeck status` show it: "expires in 23 h 14 min",
// "expired 3 days ago", "no expiry", "renews automatically".
func Countdown(c Connection, now time.Time) string {
	switch {
	case c.Status == StatusNeedsConnect:
		return "not signed in"
	case c.Refreshable:
		return "renews automatically"
	case c.ExpiresAt == nil:
		return "no expiry"
	}
	left := c.ExpiresAt.Sub(now)
	if left <= 0 {
		return "expired " + Duration(-left) + " ago"
	}
	return "expires in " + Duration(left)
}

// Duration renders a span with the two largest units that matter:
// "3 days", "23 h 14 min", "5 min 2 s", "40 s".
func Duration(d time.Duration) string {
	d = d.Round(time.Second)
	days := int(d / (24 * time.Hour))
	h := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	s := int(d % time.Minute / time.Second)
	switch {
	case days >= 365:
		years := days / 365
		return plural(years, "year")
	case days >= 2:
		return plural(days, "day")
	case days == 1:
		return fmt.Sprintf("1 day %d h", h)
	case h > 0:
		return fmt.Sprintf("%d h %d min", h, mins)
	case mins > 0:
		return fmt.Sprintf("%d min %d s", mins, s)
	default:
		return fmt.Sprintf("%d s", s)
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
