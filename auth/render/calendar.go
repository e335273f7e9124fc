package render

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Event is one entry of an iCalendar file (RFC 5545): an expiry date with a
// reminder before it. Front ends fill in their own words (a command for the
// terminal, a button for the window); Calendar writes the file.
type Event struct {
	// UID identifies the event across exports, so that importing the file
	// again updates the event instead of adding another.
	UID         string
	Start       time.Time
	Duration    time.Duration // 0: 30 minutes
	Summary     string
	Description string
	// Remind is how long before Start the reminder fires (0: none), with
	// RemindText as its words.
	Remind     time.Duration
	RemindText string
}

const icsStamp = "20060102T150405Z"

// Calendar writes the events as one iCalendar file named name, stamped at
// now: CRLF line ends, lines folded at 75 octets, text escaped.
func Calendar(w io.Writer, name string, events []Event, now time.Time) error {
	var b strings.Builder
	line := func(s string) { b.WriteString(foldICS(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Authdeck//Expiry dates//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + icsText(name))
	for _, e := range events {
		for _, l := range e.lines(now) {
			line(l)
		}
	}
	line("END:VCALENDAR")
	_, err := io.WriteString(w, b.String())
	return err
}

func (e Event) lines(now time.Time) []string {
	d := e.Duration
	if d <= 0 {
		d = 30 * time.Minute
	}
	out := []string{
		"BEGIN:VEVENT",
		"UID:" + icsText(e.UID),
		"DTSTAMP:" + now.UTC().Format(icsStamp),
		"DTSTART:" + e.Start.UTC().Format(icsStamp),
		"DTEND:" + e.Start.Add(d).UTC().Format(icsStamp),
		"SUMMARY:" + icsText(e.Summary),
		"DESCRIPTION:" + icsText(e.Description),
		"TRANSP:TRANSPARENT",
	}
	if e.Remind > 0 {
		out = append(out, "BEGIN:VALARM", "ACTION:DISPLAY",
			"DESCRIPTION:"+icsText(e.RemindText), "TRIGGER:-"+icsDuration(e.Remind), "END:VALARM")
	}
	return append(out, "END:VEVENT")
}

// icsText escapes a TEXT value (RFC 5545 §3.3.11).
func icsText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// icsDuration writes d as an RFC 5545 duration: P7D, PT36H, PT90M.
func icsDuration(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("P%dD", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("PT%dH", d/time.Hour)
	}
	return fmt.Sprintf("PT%dM", max(d/time.Minute, 1))
}

// foldICS ends a content line with CRLF, folded so that no line is longer
// than 75 octets, never inside a UTF-8 sequence (RFC 5545 §3.1).
func foldICS(s string) string {
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		b.WriteString(s[:cut] + "\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s + "\r\n")
	return b.String()
}
