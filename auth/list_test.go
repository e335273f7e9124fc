package auth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/store"
)

// sortByUrgency puts problems first (soonest date first), then what
// expires without renewing itself (soonest first), then the rest; names
// break ties and equal names keep their order. Checked against a plain
// stable sort on random lists with many ties.
func TestSortByUrgency(t *testing.T) {
	base := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	statuses := []Status{StatusOK, StatusExpiring, StatusExpired, StatusNeedsConnect, StatusError}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		conns := make([]Connection, rng.IntN(60))
		for i := range conns {
			c := Connection{Name: fmt.Sprintf("c%02d", rng.IntN(30)), Status: statuses[rng.IntN(len(statuses))], Refreshable: rng.IntN(3) == 0, Note: fmt.Sprint(i)}
			if rng.IntN(4) > 0 {
				at := base.Add(time.Duration(rng.IntN(5)) * time.Hour)
				c.ExpiresAt = &at
			}
			conns[i] = c
		}
		rank := func(c Connection) int {
			switch {
			case c.Status == StatusError || c.Status == StatusNeedsConnect || c.Status == StatusExpired:
				return 0
			case c.ExpiresAt != nil && !c.Refreshable:
				return 1
			}
			return 2
		}
		at := func(c Connection) time.Time {
			if rank(c) == 2 {
				return time.Time{}
			}
			return deref(c.ExpiresAt)
		}
		want := slices.Clone(conns)
		slices.SortStableFunc(want, func(a, b Connection) int {
			if r := rank(a) - rank(b); r != 0 {
				return r
			}
			if c := at(a).Compare(at(b)); c != 0 {
				return c
			}
			return strings.Compare(a.Name, b.Name)
		})
		got := slices.Clone(conns)
		sortByUrgency(got)
		note := func(c Connection) string { return c.Note }
		if g, w := mapSlice(got, note), mapSlice(want, note); !slices.Equal(g, w) {
			t.Fatalf("round %d: got %v, want %v", round, g, w)
		}
	}
}

func mapSlice[T, U any](s []T, f func(T) U) []U {
	out := make([]U, len(s))
	for i, v := range s {
		out[i] = f(v)
	}
	return out
}

// Countdown words, the two largest units that matter.
func TestDurationWords(t *testing.T) {
	day := 24 * time.Hour
	for d, want := range map[time.Duration]string{
		0: "0 s", 40 * time.Second: "40 s", 5*time.Minute + 2*time.Second: "5 min 2 s",
		23*time.Hour + 14*time.Minute + 20*time.Second: "23 h 14 min", day + 2*time.Hour: "1 day 2 h",
		2 * day: "2 days", 364 * day: "364 days", 365 * day: "365 days", 729 * day: "729 days", 730 * day: "2 years", 800 * day: "2 years",
		1499 * time.Millisecond: "1 s", -3 * time.Second: "-3 s",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

// loadOnly is the metadata file without store.Each: List reads it whole.
type loadOnly struct{ records }

// List gives the same views whether it makes each as the file is read
// (store.Each) or from the whole file (Load): params shared or not, a
// provider gone from the catalog, outcomes, dates and none.
func TestListReadsAsLoadDoes(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	for i, prefix := range []string{"a", "a", "b", "a"} {
		if _, err := f.m.Add(ctx, AddRequest{Name: fmt.Sprintf("shop %d", i), Provider: "vend", Method: catalog.KindToken, Secret: "tok",
			Params: map[string]string{"domain_prefix": prefix}}); err != nil {
			t.Fatal(err)
		}
	}
	at := f.clock.Now().Add(-time.Hour)
	err := f.m.store.Update(ctx, func(cs []store.Connection) ([]store.Connection, error) {
		cs[1].ExpiresAt, cs[1].LastCheck = &at, &store.Outcome{At: at, Message: "refused\x01", Rejected: true}
		return append(cs, store.Connection{Name: "orphan", Provider: "gone", Method: catalog.KindToken, CreatedAt: at}), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.m.List()
	if err != nil {
		t.Fatal(err)
	}
	f.m.store = loadOnly{f.m.store}
	want, err := f.m.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || !reflect.DeepEqual(got, want) {
		t.Errorf("List as the file is read:\n%+v\nfrom the whole file:\n%+v", got, want)
	}
}
