package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"authdeck/auth"
	"authdeck/auth/sanitize"
)

// The iCalendar file of `status --ics` (RFC 5545): an event at each expiry
// of a credential that cannot renew itself, with a reminder when its
// warning window starts, so that a key that lasts a year is not forgotten.

const icsStamp = "20060102T150405Z"

// saveICS writes the calendar to opts.ICS and says so on standard error.
func saveICS(opts *statusOptions, conns []auth.Connection, within time.Duration, now time.Time) error {
	var b strings.Builder
	if err := writeICS(&b, conns, within, now); err != nil {
		return err
	}
	if err := os.WriteFile(opts.ICS, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("write the calendar: %w", err)
	}
	fmt.Fprintf(opts.IO.Err, "Wrote %d expiry dates to %s: import it into your calendar.\n", len(calendarEvents(conns)), opts.ICS)
	return nil
}

// calendarEvents are the connections that get an event.
func calendarEvents(conns []auth.Connection) []auth.Connection {
	var out []auth.Connection
	for _, c := range conns {
		if c.ExpiresAt != nil && !c.Refreshable && c.ConnectedAt != nil {
			out = append(out, c)
		}
	}
	return out
}

func writeICS(w io.Writer, conns []auth.Connection, within time.Duration, now time.Time) error {
	var b strings.Builder
	line := func(s string) { b.WriteString(foldICS(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Authdeck//Expiry dates//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:Authdeck expiry dates")
	for _, c := range calendarEvents(conns) {
		for _, l := range icsEvent(c, within, now) {
			line(l)
		}
	}
	line("END:VCALENDAR")
	_, err := io.WriteString(w, b.String())
	return err
}

// icsEvent is one expiry as the lines of a VEVENT.
func icsEvent(c auth.Connection, within time.Duration, now time.Time) []string {
	at := c.ExpiresAt.UTC()
	title := fmt.Sprintf("%s (%s) expires", sanitize.Line(c.Name), sanitize.Line(c.ProviderName))
	remedy := remedyCommand(auth.RemedyFor(c, auth.StatusExpiring), c.Name)
	desc := fmt.Sprintf("The %s credential of the Authdeck connection %s expires on %s.", c.Method, sanitize.Line(c.Name), auth.FormatDate(*c.ExpiresAt, time.Local))
	if c.ExpiryEstimated {
		desc += " The date is estimated from the provider's usual lifetime."
	}
	if c.Owner != "" {
		desc += " Owner: " + sanitize.Line(c.Owner) + "."
	}
	desc += " To renew it: " + remedy
	// The same connection keeps the same UID, so importing again updates
	// the event instead of adding another.
	sum := sha256.Sum256([]byte(c.Name + "\x00" + c.Provider + "\x00" + c.CreatedAt.UTC().Format(time.RFC3339Nano)))
	return []string{
		"BEGIN:VEVENT",
		"UID:" + hex.EncodeToString(sum[:12]) + "@authdeck",
		"DTSTAMP:" + now.UTC().Format(icsStamp),
		"DTSTART:" + at.Format(icsStamp),
		"DTEND:" + at.Add(30*time.Minute).Format(icsStamp),
		"SUMMARY:" + icsText(title),
		"DESCRIPTION:" + icsText(desc),
		"TRANSP:TRANSPARENT",
		"BEGIN:VALARM",
		"ACTION:DISPLAY",
		"DESCRIPTION:" + icsText(fmt.Sprintf("%s in %s: %s", title, auth.Duration(within), remedy)),
		"TRIGGER:-" + icsDuration(within),
		"END:VALARM",
		"END:VEVENT",
	}
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
