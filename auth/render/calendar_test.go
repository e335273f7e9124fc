package render

import (
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

// A real iCalendar parser reads back what Calendar writes: text with the
// characters RFC 5545 escapes, long and non-ASCII lines folded, the reminder.
func TestCalendarReadsBack(t *testing.T) {
	start := time.Date(2027, 6, 18, 21, 59, 59, 0, time.UTC)
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	desc := "Owner: Ana, support; ops \\ night\nsecond line " + strings.Repeat("é", 60)
	var b strings.Builder
	err := Calendar(&b, "Authdeck, expiry dates", []Event{
		{UID: "abc@authdeck", Start: start, Summary: "reports (Vinsight) expires", Description: desc, Remind: 7 * 24 * time.Hour, RemindText: "in 7 days"},
		{UID: "def@authdeck", Start: start, Summary: "no reminder", Remind: 36 * time.Hour},
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\r\n"), "\r\n") {
		if len(line) > 75 || strings.ContainsAny(line, "\r\n") {
			t.Fatalf("line %q", line)
		}
	}
	cal, err := ics.ParseCalendar(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	events := cal.Events()
	if len(events) != 2 {
		t.Fatalf("%d events", len(events))
	}
	ev := events[0]
	if got, err := ev.GetStartAt(); err != nil || !got.Equal(start) {
		t.Errorf("start %v, %v", got, err)
	}
	if got := ev.GetProperty(ics.ComponentPropertyDescription).Value; got != desc {
		t.Errorf("description\n got %q\nwant %q", got, desc)
	}
	if ev.Id() != "abc@authdeck" || ev.Alarms()[0].GetProperty(ics.ComponentPropertyTrigger).Value != "-P7D" {
		t.Errorf("uid %q, alarm %+v", ev.Id(), ev.Alarms())
	}
	if got := events[1].Alarms()[0].GetProperty(ics.ComponentPropertyTrigger).Value; got != "-PT36H" {
		t.Errorf("trigger %q", got)
	}
}
