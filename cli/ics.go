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
	"authdeck/auth/render"
	"authdeck/auth/sanitize"
)

// The iCalendar file of `status --ics`: an event at each expiry of a
// credential that cannot renew itself, with a reminder when its warning
// window starts, so that a key that lasts a year is not forgotten.
// auth/render writes the file; this says it in the terminal's words.

// saveICS writes the calendar to opts.ICS and says so on standard error.
func saveICS(opts *statusOptions, conns []auth.Connection, within time.Duration, now time.Time) error {
	var b strings.Builder
	if err := writeICS(&b, conns, within, now); err != nil {
		return err
	}
	if err := os.WriteFile(opts.ICS, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("write the calendar: %w", err)
	}
	n, dates := len(calendarEvents(conns, within)), "expiry dates"
	if n == 1 {
		dates = "expiry date"
	}
	fmt.Fprintf(opts.IO.Err, "Wrote %d %s to %s: import it into your calendar.\n", n, dates, opts.ICS)
	return nil
}

func writeICS(w io.Writer, conns []auth.Connection, within time.Duration, now time.Time) error {
	return render.Calendar(w, "Authdeck expiry dates", calendarEvents(conns, within), now)
}

// calendarEvents are the connections whose expiry a person must act on, as
// events.
func calendarEvents(conns []auth.Connection, within time.Duration) []render.Event {
	var out []render.Event
	for _, c := range conns {
		if c.ExpiresAt != nil && !c.Refreshable && c.ConnectedAt != nil {
			out = append(out, calendarEvent(c, within))
		}
	}
	return out
}

func calendarEvent(c auth.Connection, within time.Duration) render.Event {
	title := fmt.Sprintf("%s (%s) expires", sanitize.Line(c.Name), sanitize.Line(c.ProviderName))
	remedy := remedyCommand(auth.RemedyFor(c, auth.StatusExpiring), c.Name)
	desc := fmt.Sprintf("The %s credential of the Authdeck connection %s expires on %s.", c.Method, sanitize.Line(c.Name), auth.FormatDate(*c.ExpiresAt, time.Local))
	if c.ExpiryEstimated {
		desc += " The date is estimated from the provider's usual lifetime."
	}
	if c.Owner != "" {
		desc += " Owner: " + sanitize.Line(c.Owner) + "."
	}
	// The same connection keeps the same UID, so importing again updates
	// the event instead of adding another.
	sum := sha256.Sum256([]byte(c.Name + "\x00" + c.Provider + "\x00" + c.CreatedAt.UTC().Format(time.RFC3339Nano)))
	return render.Event{
		UID: hex.EncodeToString(sum[:12]) + "@authdeck", Start: *c.ExpiresAt,
		Summary: title, Description: desc + " To renew it: " + remedy,
		Remind: within, RemindText: fmt.Sprintf("%s in %s: %s", title, auth.Duration(within), remedy),
	}
}
