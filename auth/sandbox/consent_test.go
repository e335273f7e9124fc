package sandbox

import (
	"strings"
	"testing"
)

// The consent page shows a client id and scopes any web page can put in
// the address: both, and the form's action, are escaped; without scopes
// the page does not mention them.
func TestConsentPageEscapesWhatTheAddressSays(t *testing.T) {
	page := consentHTML(`<img src=x onerror=alert(1)>`, `read" onclick="x()`, `/authorize?a=1&b="><script>`)
	for _, bad := range []string{"<img", `" onclick`, `"><script>`} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q:\n%s", bad, page)
		}
	}
	for _, want := range []string{"&lt;img src=x", "read&#34; onclick", `action="/authorize?a=1&amp;b=&#34;&gt;&lt;script&gt;"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(consentHTML("app", "", "/authorize"), "with:") {
		t.Error("a request without scopes is shown with some")
	}
}
