package store

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestUTCDateAgreesWithUnmarshalJSON: on dates as this build writes them
// and on near misses, utcDate either gives up or gives exactly what
// time.Time's UnmarshalJSON gives.
func TestUTCDateAgreesWithUnmarshalJSON(t *testing.T) {
	texts := []string{
		"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
		"2000-02-29T12:00:00Z", "1900-02-29T12:00:00Z", "2023-02-29T12:00:00Z", "2024-02-29T00:00:00.5Z",
		"2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z",
		"2026-01-01T24:00:00Z", "2026-01-01T23:60:00Z", "2026-01-01T23:59:60Z", "2026-01-01T23:59:59.Z",
		"2026-01-01T23:59:59.1234567891Z", "2026-01-01T23:59:59,5Z", "2026-01-01T23:59:59+01:00",
		"2026-01-01T23:59:59", "2026-1-01T23:59:59Z", "2026-01-01 23:59:59Z", "2026-01-01T23:59:5xZ",
		"+026-01-01T23:59:59Z", "2026-01-01T23:59:59.12345678xZ", "0001-03-01T00:00:00.000000001Z",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		at := time.Unix(r.Int64N(253402300800+62167219200)-62167219200, r.Int64N(1e9)).UTC()
		if r.IntN(4) == 0 {
			at = at.Truncate(time.Duration(r.IntN(1e6)+1) * time.Microsecond)
		}
		texts = append(texts, at.Format(time.RFC3339Nano))
	}
	fast := 0
	for _, s := range texts {
		got, ok := utcDate([]byte(s))
		var want time.Time
		err := want.UnmarshalJSON([]byte(`"` + s + `"`))
		if !ok {
			continue
		}
		fast++
		if err != nil || got != want {
			t.Errorf("%s: utcDate %#v, UnmarshalJSON %#v (%v)", s, got, want, err)
		}
	}
	if fast < 20000 {
		t.Errorf("utcDate read only %d of the %d dates: the rest take the slow way", fast, len(texts))
	}
}
