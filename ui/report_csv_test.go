package ui

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"authdeck/auth"
)

// The report's CSV is written by the one CSV writer (render.CSV): a cell
// holding ";" is quoted and a formula after it made text, so a German or
// French Excel that splits on ";" opens no formula (issue 20 §3).
func TestReportCSVForEveryLocale(t *testing.T) {
	rows := []reportRow{{Name: "a", Provider: "vend", Owner: "\u00a0=cmd()", Note: "x;=1+2;", Account: "\uff1dSUM(A1)", Status: "ok"}}
	got := string(reportCSV(rows))
	for _, want := range []string{`"x;'=1+2;"`, "'\u00a0=cmd()", "'\uff1dSUM(A1)"} {
		if !strings.Contains(got, want) {
			t.Errorf("the report's CSV lacks %q:\n%s", want, got)
		}
	}
}

// The provider column holds the provider's name, as `status --csv` writes
// it (the walk merged both and found "sandbox" beside "Sandbox (demo)");
// the JSON report keeps the id beside the name, as `list --json` does.
func TestReportCSVNamesTheProviderAsStatusDoes(t *testing.T) {
	rows := reportRows([]auth.Connection{{Name: "demo", Provider: "sandbox", ProviderName: "Sandbox (demo)", Method: "oauth"}}, time.Now(), time.Hour)
	recs, err := csv.NewReader(strings.NewReader(string(reportCSV(rows)))).ReadAll()
	if err != nil || len(recs) != 2 || recs[0][1] != "provider" || recs[1][1] != "Sandbox (demo)" {
		t.Fatalf("CSV %q, %v", recs, err)
	}
	if js := string(reportJSON(rows)); !strings.Contains(js, `"provider": "sandbox"`) || !strings.Contains(js, `"provider_name": "Sandbox (demo)"`) {
		t.Fatalf("JSON %s", js)
	}
}
