package ui

import (
	"strings"
	"testing"
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
