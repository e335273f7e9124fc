package oauth

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"net/http"
	"strings"
	"sync"

	"authdeck/assets"
)

// The pages' inline style and script are allowed by hash, so that the
// Content-Security-Policy allows nothing else at all. The policies are made
// on first use, not when the program starts: most commands never serve a
// page (issue 22).
var (
	callbackCSP = sync.OnceValue(func() string {
		return "default-src 'none'; style-src " + inlineHash(assets.CallbackPage, "style") +
			"; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	})
	relayCSP = sync.OnceValue(func() string {
		return "default-src 'none'; style-src " + inlineHash(assets.RelayPage, "style") +
			"; script-src " + inlineHash(assets.RelayPage, "script") +
			"; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	})
)

// inlineHash is the CSP source for the first <tag>…</tag> block of page.
func inlineHash(page, tag string) string {
	start := strings.Index(page, "<"+tag+">")
	end := strings.Index(page, "</"+tag+">")
	if start < 0 || end < start {
		panic("assets: page has no <" + tag + "> block") // a build defect, caught by any test
	}
	sum := sha256.Sum256([]byte(page[start+len(tag)+2 : end]))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// pageHeaders are sent with everything the loopback server answers.
func pageHeaders(w http.ResponseWriter, csp string) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
}

// page is what the callback page says. It never holds a code or a token.
type page struct {
	Title   string
	Message string
	Class   string
	status  int
}

// html is the callback page with p's words in it, escaped. Its three
// places are plain text and double-quoted attribute values, where
// html.EscapeString is enough: html/template's initialisers cost every
// command that links this package (issue 22).
func (p page) html() string {
	return strings.NewReplacer(
		"{{.Title}}", html.EscapeString(p.Title),
		"{{.Message}}", html.EscapeString(p.Message),
		"{{.Class}}", html.EscapeString(p.Class),
	).Replace(assets.CallbackPage)
}

func writePage(w http.ResponseWriter, status int, p page) {
	pageHeaders(w, callbackCSP())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(p.html()))
}

func writeRelay(w http.ResponseWriter) {
	pageHeaders(w, relayCSP())
	// same-origin, not no-referrer: the relay's post to this origin then
	// carries Origin: http://127.0.0.1:PORT (no-referrer makes it "null",
	// which any sandboxed frame also sends). Nothing leaves the origin.
	w.Header().Set("Referrer-Policy", "same-origin")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(assets.RelayPage))
}

// writePlain answers requests that are not part of the sign-in.
func writePlain(w http.ResponseWriter, status int, msg string) {
	pageHeaders(w, "default-src 'none'")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg + "\n"))
}
