package oauth

import "net/url"

// parseCallback is parseCallbackFrom for an answer from an unknown page.
func parseCallback(q url.Values, e expectation) (callback, error) {
	return parseCallbackFrom(q, e, "")
}
