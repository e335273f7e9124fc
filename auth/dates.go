package auth

import (
	"strings"
	"time"
)

// DateLayout is how a date is typed and shown: 2026-12-31.
const DateLayout = "2006-01-02"

// ParseDate reads a date a person typed, for an expiry. A plain date means
// the end of that day in loc, so "expires 2026-12-31" is valid all that day
// everywhere in Authdeck. A full RFC 3339 time is taken as it is.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if loc == nil {
		loc = time.Local
	}
	if d, err := time.ParseInLocation(DateLayout, s, loc); err == nil {
		return d.AddDate(0, 0, 1).Add(-time.Second), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, inputError(InputExpires, "%q is not a date: write it as YYYY-MM-DD, for example %s", s, time.Now().In(loc).AddDate(1, 0, 0).Format(DateLayout))
}

// FormatDate shows a time as the date ParseDate reads back to the same day.
func FormatDate(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.Local
	}
	return t.In(loc).Format(DateLayout)
}
