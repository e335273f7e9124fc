package cli

import (
	"strings"
	"testing"
	"time"
)

// Issue 21.10: `authdeck rename OLD NEW` keeps the secret, owner and note;
// a name taken in other capitals is refused with the name to choose.
func TestRenameKeepsTheSecretAndDetails(t *testing.T) {
	f := newFixture(t)
	if r := f.run(t, "KEY-1", "add", "reports", "--provider", "vinsight", "--method", "api-key", "--owner", "Ana", "--note", "nightly", "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if r := f.run(t, "KEY-2", "add", "Other", "--provider", "vinsight", "--method", "api-key", "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if r := f.run(t, "", "rename", "reports", "Stock reports"); r.code != 0 || r.stdout != "Renamed reports to Stock reports.\n" {
		t.Fatalf("rename: %+v", r)
	}
	if r := f.run(t, "", "token", "Stock reports"); r.stdout != "KEY-1\n" {
		t.Fatalf("token after rename: %+v", r)
	}
	if it := f.listed(t)["Stock reports"]; it.Owner != "Ana" || it.Note != "nightly" {
		t.Fatalf("details after rename: %+v", it)
	}
	r := f.run(t, "", "rename", "Stock reports", "other")
	if r.code == 0 || !strings.Contains(r.stderr, `"Other" already exists`) || !strings.Contains(r.stderr, "capitals") {
		t.Fatalf("rename onto a case twin: %+v", r)
	}
	if r := f.run(t, "", "rename", "nope", "x"); r.code == 0 || !strings.Contains(r.stderr, `no connection called "nope"`) {
		t.Fatalf("rename of a missing connection: %+v", r)
	}
}

// Issue 21.9: one rule for bare numbers: they count the flag's own unit
// (days for --within, as the settings do; seconds for connect --timeout).
func TestBareNumbersCountTheFlagsUnit(t *testing.T) {
	if d, err := parseWithin("40"); err != nil || d != 40*24*time.Hour {
		t.Errorf("--within 40 = %v, %v", d, err)
	}
	if d, err := parseWithin("36h"); err != nil || d != 36*time.Hour {
		t.Errorf("--within 36h = %v, %v", d, err)
	}
	var timeout time.Duration
	if err := (timeoutValue{&timeout}).Set("90"); err != nil || timeout != 90*time.Second {
		t.Errorf("--timeout 90 = %v, %v", timeout, err)
	}
}
