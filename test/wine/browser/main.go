// Command browser is the stand-in browser of the Wine checks: a Windows
// program that Authdeck, run under Wine, starts through $BROWSER with the
// sandbox provider's consent page. It approves the request, as a person
// would, and follows the redirect to Authdeck's loopback callback.
package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

func main() {
	if len(os.Args) != 2 || !strings.HasPrefix(os.Args[1], "http://127.0.0.1:") {
		fmt.Fprintln(os.Stderr, "usage: browser http://127.0.0.1:PORT/… (the sandbox's consent page)")
		os.Exit(2)
	}
	// #nosec G107 G704 -- a test's stand-in browser: the URL is the loopback consent page Authdeck opened.
	resp, err := http.PostForm(os.Args[1], url.Values{"decision": {"approve"}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "stand-in browser:", err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "stand-in browser: the callback answered", resp.Status)
		os.Exit(1)
	}
}
