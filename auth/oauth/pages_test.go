package oauth

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// The callback page says what happened in words any provider or error may
// have supplied: each is escaped in the page's text and attribute, every
// place of the page is filled, and it keeps its policy headers.
func TestCallbackPageEscapesItsWords(t *testing.T) {
	rec := httptest.NewRecorder()
	writePage(rec, 400, page{Title: `Could not connect to <script>alert(1)</script>`,
		Message: `a "quoted" & <b>bold</b> reason`, Class: `fail" onload="x()`})
	body := rec.Body.String()
	for _, bad := range []string{"<script>alert", "<b>", `fail" onload`, "{{"} {
		if strings.Contains(body, bad) {
			t.Errorf("the page holds %q:\n%s", bad, body)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;quoted&#34; &amp; &lt;b&gt;", `class="fail&#34; onload=&#34;x()"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q:\n%s", want, body)
		}
	}
	if rec.Code != 400 || !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("status %d, headers %v", rec.Code, rec.Header())
	}
}
