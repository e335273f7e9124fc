package ui

import (
	"strings"
	"testing"
)

// Text that reaches a notification can carry nothing a PowerShell
// double-quoted string or a notification server's markup would act on.
func TestNotificationTextIsInert(t *testing.T) {
	hostile := []string{
		`$(Start-Process calc)`, "`whoami`", `"; Remove-Item -Recurse ~; "`,
		"\u201c$(calc)\u201d", `<a href="https://evil.example">click</a>`, `<img src=x>`, "\x1b]0;title\x07", "a\u202eb",
	}
	for _, in := range hostile {
		out := notificationText(in)
		if strings.ContainsAny(out, "$`\"<>&\x1b\x07\u202e\u201c\u201d\u201e") {
			t.Errorf("notificationText(%q) = %q still holds an active character", in, out)
		}
	}
	if got := notificationText("Sandbox demo expires in 3 days (2026-12-03)."); got != "Sandbox demo expires in 3 days (2026-12-03)." {
		t.Errorf("plain words changed: %q", got)
	}
}
