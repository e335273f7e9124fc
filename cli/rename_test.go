package cli

import (
	"strings"
	"testing"
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
