// Package assets holds the files embedded in the binary: the built-in
// provider catalog, the pages the browser sees after a sign-in, and the icon.
package assets

import _ "embed"

// Providers is the built-in provider catalog, a JSON array of definitions in
// the providers.d format.
//
//go:embed providers.json
var Providers []byte
