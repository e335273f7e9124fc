package auth

import (
	"slices"
	"testing"
)

func TestCompareNamesReadsNumbersAsNumbers(t *testing.T) {
	got := []string{"Vend store 10", "vend store 2", "Vend store 1", "Alpha", "Vend store 02", "Vend store 9", "Ärger", "alpha", "Vend store 99999999999999999999999", "Vend store"}
	slices.SortFunc(got, CompareNames)
	want := []string{"Alpha", "alpha", "Vend store", "Vend store 1", "Vend store 02", "vend store 2", "Vend store 9", "Vend store 10", "Vend store 99999999999999999999999", "Ärger"}
	if !slices.Equal(got, want) {
		t.Fatalf("order\n got %q\nwant %q", got, want)
	}
}

// The order is total and antisymmetric, so any sort gives one answer.
func FuzzCompareNames(f *testing.F) {
	f.Add("Vend store 2", "Vend store 10")
	f.Add("a01", "a1")
	f.Add("É", "e")
	f.Fuzz(func(t *testing.T, a, b string) {
		ab, ba := CompareNames(a, b), CompareNames(b, a)
		if ab != -ba {
			t.Fatalf("CompareNames(%q, %q) = %d but reversed %d", a, b, ab, ba)
		}
		if (ab == 0) != (a == b) {
			t.Fatalf("CompareNames(%q, %q) = %d", a, b, ab)
		}
	})
}
