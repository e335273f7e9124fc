// Package assets holds the files embedded in the binary: the built-in
// provider catalog, the pages the browser sees after a sign-in, and the icon.
package assets

import _ "embed"

// Providers is the built-in provider catalog, a JSON array of definitions in
// the providers.d format.
//
//go:embed providers.json
var Providers []byte

// CallbackPage is the page the browser shows when a sign-in ends on the
// loopback callback (an html/template: Title, Message, Class "ok"/"fail").
//
//go:embed callback.html
var CallbackPage string

// RelayPage is served on the loopback callback of an implicit-grant sign-in:
// its one inline script posts the URL fragment (which browsers never send to
// a server) back to the same origin.
//
//go:embed relay.html
var RelayPage string

// Icon is the application and window icon (PNG).
//
//go:embed icon.png
var Icon []byte
